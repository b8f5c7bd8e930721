"""CPU of the lake vs the embedded file for the same batches, per stage (printed, not a test; issue 22).

    .venv/bin/python benchmarks/lake_cpu.py [--n 40] [--batches 4] [--inline 0,1000]
                                            [--variants unsigned,threads1]

Each case runs in a fresh process of its own: the four stages of every batch
(`newsdesk.pipeline.run_one`), then the corpus publication ("corpus": search index + publish), with
one worker process per stage (NEWSDESK_NER_PROCESSES=1, NEWSDESK_CLEAN_WORKERS=1) so the figures do
not depend on the core count. Per stage it reports the user+sys CPU seconds of the run process
itself (where DuckDB, DuckLake and the catalog client work), of its worker processes (trafilatura,
spaCy: the same work on both backends), and of the PostgreSQL server (the catalog's side), how many
lake connections the stage opened and how many DuckDBs attached the lake in it (an ATTACH loads the
extensions and reads the catalog), and the catalog transactions of the whole case.

Cases: `file` (the embedded DuckDB file); `lake` (DuckLake as shipped: one DuckDB per process and
mode with the lake attached once, a cursor per connection; rows above 10 per insert go to a Parquet
file); `lake inline=N` (--inline: DuckLake's data_inlining_row_limit raised to N, so a small
batch's inserts are stored in the catalog until maintenance flushes them); variants patched into
the run process (--variants): `unsigned` (DuckDB's extension signature check off: what loading the
extensions costs) and `threads1` (the lake's DuckDB on one thread: what idle worker threads cost on
many small catalog queries). Tables of every lake case are compared with the file's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src"), str(REPO / "tests"), str(Path(__file__).resolve().parent)]

# The batch stages (newsdesk.pipeline), then "corpus": search index and publication after the last.
STAGES = ("ingest", "clean", "entities", "publish", "corpus")


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    import psutil

    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers that ended and were waited for
    live = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
            live += t.user + t.system
        except psutil.Error:
            pass
    return r.ru_utime + r.ru_stime + live


def child(batches: list[str], out: Path) -> None:
    """One case: every stage of every batch, then the corpus publication, CPU per stage."""
    from newsdesk import pipeline
    from newsdesk.config import load_settings
    from newsdesk.store import lake
    from newsdesk.store.backends import open_store

    opened, attached = [0], [0]
    connect, attach = lake.connect_lake, lake._attach

    def counted(*args: Any, **kwargs: Any) -> Any:
        opened[0] += 1
        return connect(*args, **kwargs)

    def counted_attach(*args: Any, **kwargs: Any) -> Any:
        attached[0] += 1
        con = attach(*args, **kwargs)
        if os.environ.get("LAKE_CPU_VARIANT") == "threads1":  # one lake thread (not what ships)
            con.execute("SET threads = 1")
        return con

    if os.environ.get("LAKE_CPU_VARIANT") == "unsigned":  # signature check off (not what ships)
        real_duckdb = lake.duckdb

        class Shim:
            def __getattr__(self, name: str) -> Any:
                return getattr(real_duckdb, name)

            @staticmethod
            def connect(*args: Any, **kwargs: Any) -> Any:
                config = {**kwargs.pop("config", {}), "allow_unsigned_extensions": "true"}
                return real_duckdb.connect(*args, **{**kwargs, "config": config})

        lake.duckdb = Shim()  # type: ignore[assignment]
    lake.connect_lake = counted
    lake._attach = counted_attach
    settings = load_settings()
    store = open_store(settings)
    store.ensure_schema()
    totals: dict[str, list[float]] = {s: [0.0, 0.0, 0.0, 0.0] for s in STAGES}
    for batch in batches:
        for name in STAGES:
            before = (_cpu_self(), _cpu_children(), opened[0], attached[0])
            if name == "corpus":
                if batch == batches[-1]:
                    store.build_search_index()
                    store.publish()
            else:
                pipeline.run_one(name, store, settings, batch)
            totals[name][0] += _cpu_self() - before[0]
            totals[name][1] += _cpu_children() - before[1]
            totals[name][2] += opened[0] - before[2]
            totals[name][3] += attached[0] - before[3]
            print(f"{batch} {name} done", file=sys.stderr, flush=True)
    out.write_text(json.dumps(totals), encoding="utf-8")


def _pg_cpu(server: Any) -> float:
    import psutil

    total = 0.0
    proc = psutil.Process(server.process.pid)
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def _catalog_xacts(dsn: str) -> int:
    import psycopg2

    con = psycopg2.connect(dsn)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
            row = cur.fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def run_case(root: Path, land: Path, batches: list[str], catalog: str | None, inline: int | None,
             server: Any, variant: str = "") -> tuple[dict[str, list[float]], float, int, float]:
    env = {**os.environ, "LAKE_CPU_VARIANT": variant, "NEWSDESK_LANDING_DIR": str(land), "NEWSDESK_DB": str(root / "local" / "news.duckdb"),
           "NEWSDESK_NER_PROCESSES": "1", "NEWSDESK_CLEAN_WORKERS": "1", "PYTHONPATH": f"{REPO}:{REPO / 'src'}"}
    if catalog:
        env.update(NEWSDESK_STORAGE="ducklake", NEWSDESK_LAKE_CATALOG=catalog, NEWSDESK_LAKE_DATA=str(root / "lake"))
        if inline is not None:
            from newsdesk.store.lake import LakeSettings, init_lake

            settings = LakeSettings(catalog=catalog, data_path=str(root / "lake"), name="newsdesk")
            def set_inlining(c: Any) -> None:
                c.execute("CALL newsdesk.set_option('data_inlining_row_limit', ?)", [inline])

            init_lake(settings, set_inlining)
    out = root / "cpu.json"
    pg_before = _pg_cpu(server)
    xacts = _catalog_xacts(catalog) if catalog else 0
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", str(out), *batches], env=env, check=True, cwd=REPO,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    pg = _pg_cpu(server) - pg_before if catalog else 0.0
    xacts = _catalog_xacts(catalog) - xacts if catalog else 0
    return json.loads(out.read_text(encoding="utf-8")), pg, xacts, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40, help="articles per batch")
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--inline", default="", help="comma-separated data_inlining_row_limit values to try")
    ap.add_argument("--variants", default="",
                    help="lake connection variants: unsigned (no extension signature check in the "
                         "run process), threads1 (the run process's lake DuckDB on one thread)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = ap.parse_known_args()
    if args.child:
        child(rest, Path(args.child))
        return
    import duckdb
    from lake_batches import landing
    from pgserver import PgServer, pg_bin_dir
    from test_lake_pipeline import _lake_digest, digest

    names = [f"b{i + 1}" for i in range(args.batches)]
    bin_dir = pg_bin_dir()
    assert bin_dir is not None, "PostgreSQL server binaries not found (scripts/install_postgres.sh)"
    server = PgServer(bin_dir)
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="newsdesk-lake-cpu-") as tmp:
            base = Path(tmp)
            land = landing(base, args.n)
            cases: list[tuple[str, str | None, int | None, str]] = [("file", None, None, ""),
                                                                   ("lake", "lake", None, "")]
            cases += [(f"lake inline={v}", f"lake_{v}", int(v), "") for v in args.inline.split(",") if v]
            cases += [(f"lake {v}", f"lake_{v}", None, v) for v in args.variants.split(",") if v]
            results: dict[str, Any] = {}
            for label, db, inline, variant in cases:
                root = base / label.replace(" ", "_").replace("=", "")
                catalog = server.create_database(db) if db else None
                per_stage, pg, xacts, wall = run_case(root, land, names, catalog, inline, server, variant)
                if catalog:
                    tables = _lake_digest(catalog, root / "lake")
                else:
                    con = duckdb.connect(str(root / "local" / "news.duckdb"), read_only=True)
                    tables = digest(con)
                    con.close()
                results[label] = (per_stage, pg, xacts, wall, tables)
                print(f"{label} done in {wall:.0f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
            print(f"\n{args.batches} batches x {args.n} articles; CPU seconds (user+sys): run process / workers / "
                  "PostgreSQL; (lake connections opened / DuckDB databases that attached the lake)")
            print(f"{'case':18s} " + " ".join(f"{s:>25s}" for s in STAGES)
                  + f" {'total':>8s} {'catalog xacts':>13s}")
            reference = results["file"][4]
            for label, (per_stage, pg, xacts, _, tables) in results.items():
                cells = [f"{v[0]:6.1f} /{v[1]:6.1f} ({int(v[2]):3d}/{int(v[3]):2d})"
                         for v in (per_stage[s] for s in STAGES)]
                total = sum(v[0] + v[1] for v in per_stage.values()) + pg
                print(f"{label:18s} " + " ".join(f"{c:>25s}" for c in cells)
                      + f" {total:8.1f} {xacts:13d}"
                      f"   PostgreSQL {pg:.1f} s; tables equal to file: {tables == reference}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
