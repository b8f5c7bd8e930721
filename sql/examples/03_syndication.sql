-- Who republished whose stories, and how close each copy is to the original (containment).
SELECT original_outlet, original_title, outlet AS republished_by, published_date, similarity
FROM syndication
ORDER BY original_title, similarity DESC;
