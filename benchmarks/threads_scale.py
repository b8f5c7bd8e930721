"""Story threads at scale: one batch of new articles threaded against a corpus already threaded.

1. generate (SQL, in seconds): N_OLD threaded articles over a year (threads of about five articles, 25 weighted
   title/lead words from a Zipf-like vocabulary of 200,000 and 3 entities each: thread_articles, thread_features,
   threads), and N_NEW new published articles (articles, documents, copies, article_entities) over the last day,
   each continuing a thread of the last ten days (15 of its words) or starting a new topic;
2. measure: newsdesk.threads.publish.thread_batch on the new batch in a fresh subprocess, in one transaction as
   the publisher runs it: wall time, CPU seconds, the seconds its threads waited for a core
   (run queue, /proc/self/task/*/schedstat: what a loaded machine adds to the wall time) and
   peak RSS (VmHWM).

    .venv/bin/python benchmarks/threads_scale.py [--old 1000000] [--new 10000] [--keep DIR]
                                                 [--baseline REV]

--baseline REV first runs REV's own copy of this benchmark (a temporary git worktree: its
generator, schema and threading) with the same sizes: the reference, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src")]

import duckdb
import pyarrow as pa

from newsdesk.config import load_settings
from newsdesk.store.backends import open_store
from newsdesk.threads.features import ENTITY, TERM, key

VOCAB, PER_DOC, THREAD_SIZE, N_ENTITIES = 200_000, 25, 5, 100_000


def word(seed: str) -> str:
    """A word rank from a hash: VOCAB^u - 1 gives a Zipf-like spread (few common words, many rare ones)."""
    return f"least({VOCAB - 1}, floor(pow({VOCAB}, (hash({seed}) % 1000000) / 1000000.0)) - 1)::INTEGER"


def generate(db: Path, n_old: int, n_new: int) -> None:
    store = open_store(load_settings({}, db_path=db))
    store.ensure_schema()
    con = duckdb.connect(str(db))
    try:
        con.register("_vocab", pa.table({"w": list(range(VOCAB)),
                                         "feature": pa.array([key(TERM, f"w{i}") for i in range(VOCAB)], pa.int64())}))
        con.execute("CREATE TEMP TABLE vocab AS SELECT * FROM _vocab")
        con.execute(f"""CREATE TEMP TABLE old AS
                        SELECT i, 'd' || i AS doc_id, 't' || (i // {THREAD_SIZE}) AS thread_id,
                               TIMESTAMP '2025-01-01' + to_seconds((i * 31536000 // {n_old})::BIGINT) AS published_at
                        FROM range({n_old}) r(i)""")
        con.execute("""INSERT INTO thread_articles SELECT thread_id, doc_id, 'old', 'follow_up', 0, published_at,
                       'published' FROM old ORDER BY i""")
        # each thread's words: 15 shared by its members (seeded by the thread), 10 of the article's own
        con.execute(f"""INSERT INTO thread_features
                        SELECT x.doc_id, 't', v.feature, x.weight, x.published_at
                        FROM (SELECT o.doc_id, 1.0 + (j % 3) AS weight, o.published_at,
                                     {word("CASE WHEN j < 15 THEN o.thread_id || j ELSE o.doc_id || j END")} AS w
                              FROM old o, range({PER_DOC}) r(j)) x
                        JOIN vocab v ON v.w = x.w ORDER BY x.published_at""")
        con.register("_ents", pa.table({"n": list(range(N_ENTITIES)), "feature": pa.array(
            [key(ENTITY, f"ent{i}") for i in range(N_ENTITIES)], pa.int64())}))
        con.execute("CREATE TEMP TABLE ents AS SELECT * FROM _ents")
        con.execute(f"""INSERT INTO thread_features
                        SELECT x.doc_id, 'e', e.feature, 0.5, x.published_at
                        FROM (SELECT doc_id, published_at,
                                     hash(thread_id || 'e' || j) % {N_ENTITIES} AS n
                              FROM old, range(3) r(j)) x JOIN ents e USING (n)
                        ORDER BY x.published_at""")
        con.execute("""INSERT INTO thread_key_counts SELECT feature, count(*) FROM thread_features
                       GROUP BY feature""")
        con.execute("""INSERT INTO threads SELECT thread_id, 'thread ' || thread_id, min(published_at),
                        max(published_at), count(*), 1, 0, [] FROM old GROUP BY thread_id""")
        # the new batch: the last day; each article continues a thread of the last ten days or starts a topic
        last = con.execute("SELECT max(published_at) FROM old").fetchall()[0][0]
        con.execute(f"""CREATE TEMP TABLE new AS
                        SELECT i, 'n' || i AS doc_id,
                               CASE WHEN i % 2 = 0 THEN 't' || ({n_old // THREAD_SIZE} - 1 - hash(i) %
                                    {max(1, n_old * 10 // 365 // THREAD_SIZE)}) ELSE 'x' || i END AS topic,
                               ?::TIMESTAMP + to_seconds((i * 86400 // {n_new})::BIGINT) AS published_at
                        FROM range({n_new}) r(i)""", [last])
        seed = "CASE WHEN j < 15 THEN n.topic || j ELSE n.doc_id || j END"
        con.execute(f"""CREATE TEMP TABLE new_words AS
                        SELECT n.doc_id, string_agg('w' || {word(seed)}, ' ' ORDER BY j) AS words
                        FROM new n, range({PER_DOC}) r(j) GROUP BY n.doc_id""")
        con.execute("""INSERT INTO documents (doc_id, batch_id, source_path, external_id, format, content_type, sha256,
                                              n_bytes, encoding, ingested_at)
                       SELECT doc_id, 'new', 'batch.jsonl', doc_id, 'jsonl', 'text', sha256(doc_id), 100, NULL,
                              published_at FROM new""")
        con.execute("""INSERT INTO articles (doc_id, batch_id, title, published_date, source_name, body, n_words)
                       SELECT n.doc_id, 'new', 'Title ' || n.doc_id, n.published_at::DATE, 'outlet ' || (n.i % 50),
                              w.words, 25 FROM new n JOIN new_words w USING (doc_id)""")
        con.execute("""INSERT INTO document_contents (doc_id, batch_id, content, published)
                       SELECT doc_id, 'new', '', strftime(published_at, '%Y-%m-%dT%H:%M:%S') FROM new""")
        con.execute("INSERT INTO copies SELECT doc_id, doc_id, true, 1.0 FROM new")
        con.execute(f"""INSERT INTO article_entities (doc_id, batch_id, entity_id, name, n_mentions, in_title,
                                                     first_char, salience, is_about, label)
                       SELECT doc_id, 'new', 'ent' || (hash(topic || 'e' || j) % {N_ENTITIES}), 'Entity', 1, false, 0,
                              0.5, false, 'ORG' FROM new, range(3) r(j)""")
        con.execute("""INSERT INTO entities SELECT DISTINCT entity_id, 'Entity', 'ORG', 1, [], NULL
                       FROM article_entities""")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def run(db: Path) -> None:
    from newsdesk.threads.publish import thread_batch

    con = duckdb.connect(str(db))
    t0, c0, w0 = time.perf_counter(), time.process_time(), runq_wait_s()
    con.execute("BEGIN")
    stats = thread_batch(con, "new")
    con.execute("COMMIT")
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    # CPU seconds (all threads of the process) beside the wall time: on a shared, overloaded machine the wall
    # time measures the queue more than the work
    print(json.dumps({"thread_batch_s": round(took, 2), "cpu_s": round(cpu, 2),
                      "runq_wait_s": round(runq_wait_s() - w0, 2),
                      "peak_rss_mb": round(peak_rss_mb()), **stats}))


def runq_wait_s() -> float:
    """Seconds the process's live threads waited, runnable, for a core (schedstat field 2)."""
    total = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def baseline(rev: str, n_old: int, n_new: int) -> None:
    with tempfile.TemporaryDirectory(prefix="threads-scale-base-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(REPO), "worktree"]
        subprocess.run([*git, "add", "--detach", "--quiet", str(tree), rev], check=True)
        try:
            out = subprocess.run([sys.executable, str(tree / "benchmarks" / "threads_scale.py"),
                                  "--old", str(n_old), "--new", str(n_new)],
                                 check=True, capture_output=True, text=True)
            for line in out.stdout.strip().splitlines():
                print(f"baseline {rev}: {line}", flush=True)
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=int, default=1_000_000)
    ap.add_argument("--new", type=int, default=10_000)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--baseline", metavar="REV", help="first measure REV (e.g. main) the same way")
    ap.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        run(args.run)
        return 0
    if args.baseline:
        baseline(args.baseline, args.old, args.new)
    with tempfile.TemporaryDirectory(prefix="threads-scale-") as tmp:
        db = (args.keep or Path(tmp)) / "scale.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        generate(db, args.old, args.new)
        print(f"generated {args.old:,} threaded + {args.new:,} new articles in {time.perf_counter() - t0:.1f}s "
              f"({db.stat().st_size / 1e6:.0f} MB)", flush=True)
        out = subprocess.run([sys.executable, __file__, "--run", str(db)], check=True, capture_output=True,
                             text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"threads_scale old={args.old:,} new={args.new:,}: {json.dumps(result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
