# %% [markdown]
# # The newsdesk corpus from a notebook
#
# A plain script in cells (`# %%`, the "percent" format): VS Code and PyCharm run it cell by cell, and jupytext
# (not installed by the project: `pip install jupytext`) converts it to a Jupyter notebook. It also runs whole:
# `python examples/analyst_notebook.py` after `make demo`.
# It needs the `analyst` extra (pandas, pyarrow, polars) and matplotlib.
#
# Everything reads the **snapshot** (`data/newsdesk.snapshot.duckdb`), read-only: it never waits for a pipeline
# run and never blocks one. Results go to `data/analyst/` under the folder it is started from.

# %%
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt

from newsdesk.config import load_settings
from newsdesk.project import project_root
from newsdesk.store.backends import open_store

# NEWSDESK_DB, else data/newsdesk.duckdb in the project (whatever folder the notebook is started from)
SNAPSHOT = open_store(load_settings(root=project_root())).snapshot_path()
OUT = Path("data/analyst")  # in the working folder: results are yours
OUT.mkdir(parents=True, exist_ok=True)

con = duckdb.connect(str(SNAPSHOT), read_only=True)
print(f"snapshot: {SNAPSHOT}")
con.sql("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' "
        "ORDER BY table_type, table_name").show(max_rows=40)  # the snapshot holds no internals

# %% [markdown]
# ## Stories into pandas
# `canonical_articles` has one row per story (the canonical copy) with the number of copies other outlets ran.

# %%
stories = con.sql("""
    SELECT doc_id, title, source_name, published_date, n_words, n_copies
    FROM canonical_articles
    ORDER BY published_date NULLS LAST, title
""").df()
print(stories.head(10).to_string())
print(stories.dtypes.to_string())

# %% [markdown]
# ## Mentions per month into polars
# Integer sums should arrive as integers and `month` as a date. If `n_mentions` shows as Decimal(38, 0) here
# (float64 in pandas) and `month` as a datetime, the snapshot predates the BIGINT sums and DATE months of issue 16.

# %%
monthly = con.sql("SELECT name, label, month, n_articles, n_mentions FROM entity_mentions_by_month").pl()
print(monthly.schema)
print(monthly.sort("n_articles", descending=True).head(10))

# %% [markdown]
# ## Join: which entities each story is about
# `article_entities` has one row per article and entity; `is_about` marks the entities the article is about
# rather than merely naming. Values go in as parameters (`?`), never pasted into the SQL text.

# %%
about = con.execute("""
    SELECT s.title, s.source_name, s.published_date, e.name AS entity, e.label, ae.salience, ae.n_mentions
    FROM canonical_articles s
    JOIN article_entities ae USING (doc_id)
    JOIN entities e USING (entity_id)
    WHERE ae.is_about AND ae.salience >= ?
    ORDER BY s.published_date NULLS LAST, s.title, ae.salience DESC
""", [0.0]).df()
print(about.head(15).to_string())

# DuckDB queries a pandas DataFrame in scope by its variable name: no copying back into the database.
print(con.sql("SELECT label, count(*) AS n, count(DISTINCT title) AS stories FROM about GROUP BY ALL "
              "ORDER BY n DESC").df().to_string())

# %% [markdown]
# ## Join: who republished whom
# `syndication` has one row per copy with the outlet and title of the story it copies; joined here in polars
# with `outlets` (articles per outlet).

# %%
copies = con.sql("SELECT original_outlet, original_title, outlet, published_date, similarity FROM syndication").pl()
outlets = con.sql("SELECT outlet, n_articles, n_original, n_copies FROM outlets").pl()
copied_by = (copies.with_columns(copies["outlet"].fill_null("(unknown)"))
             .join(outlets, on="outlet", how="left")
             .group_by("outlet", "n_articles")
             .len("copies_run")
             .sort("copies_run", descending=True))
print(copies)
print(copied_by)

# %% [markdown]
# ## Export
# A relation writes itself to Parquet or CSV without a round trip through pandas; a DataFrame exports the usual way.

# %%
stories_query = con.sql("SELECT doc_id, title, source_name, published_date, n_words, n_copies FROM canonical_articles")
stories_query.write_parquet(str(OUT / "stories.parquet"))
stories_query.write_csv(str(OUT / "stories.csv"))
con.sql("SELECT * FROM syndication").write_parquet(str(OUT / "syndication.parquet"))
about.to_csv(OUT / "story_entities.csv", index=False)
copied_by.write_csv(OUT / "copies_by_outlet.csv")

# %% [markdown]
# ## A picture: articles per outlet, originals and copies

# %%
per_outlet = con.sql("SELECT outlet, n_original, n_copies FROM outlets ORDER BY n_articles DESC, outlet LIMIT 15").df()
fig, ax = plt.subplots(figsize=(9, 0.45 * len(per_outlet) + 1.5), layout="constrained")
ax.barh(per_outlet["outlet"], per_outlet["n_original"], label="original stories")
ax.barh(per_outlet["outlet"], per_outlet["n_copies"], left=per_outlet["n_original"], label="copies of others")
ax.invert_yaxis()
ax.set_xlabel("articles")
ax.legend()
fig.savefig(OUT / "articles_per_outlet.png", dpi=120)

# %%
con.close()
for path in sorted(OUT.iterdir()):
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
