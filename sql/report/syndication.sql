-- Who copies whom (view outlet_syndication): per pair of the story's outlet and a copying outlet,
-- the copies, the stories copied and the median delay in hours (NULL when neither article has a
-- thread time).
SELECT original_outlet, copying_outlet, n_copies, n_stories, median_delay_hours
FROM outlet_syndication
ORDER BY n_copies DESC, n_stories DESC, original_outlet, copying_outlet;
