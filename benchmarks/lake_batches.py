"""End-to-end wall time of four batches: serial vs concurrent runs on a DuckLake, and serial on the embedded file,
in the same run of this script (issue 15). Printed, not a test.

    .venv/bin/python benchmarks/lake_batches.py [--n 200] [--concurrent 2]

Each batch is a mixed synthetic batch (benchmarks/throughput_data.py, seeds differ, ~10% copies inside a batch);
every case runs `python -m pipelines run ...` processes from scratch (fresh database or lake, fresh Dagster home),
as an operator would. PostgreSQL comes from Debian's binaries (tests/pgserver.py) in a temp dir. The tables of the
lake cases are compared with the embedded case (the same digest as tests/test_lake_pipeline.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "src"), str(REPO / "tests"), str(Path(__file__).resolve().parent)]

from shared_data import shared_dir

BATCHES = ("b1", "b2", "b3", "b4")


def landing(root: Path, n: int) -> Path:
    from throughput_data import write_batch

    folder = root / "landing"
    for i, name in enumerate(BATCHES):
        write_batch(folder / name, n, shared_dir(), seed=100 + i)
    return folder


def run(root: Path, land: Path, groups: list[list[str]], catalog: str | None) -> float:
    """All groups at once, each group's batches one after the other in its own process; wall seconds."""
    procs = []
    started = time.perf_counter()
    for k, group in enumerate(groups):
        home = root / f"home-{k}"
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        env = {**os.environ, "NEWSDESK_LANDING_DIR": str(land), "DAGSTER_HOME": str(home),
               "NEWSDESK_DB": str(root / "local" / "news.duckdb")}
        if catalog:
            env.update(NEWSDESK_STORAGE="ducklake", NEWSDESK_LAKE_CATALOG=catalog, NEWSDESK_LAKE_DATA=str(root / "lake"))
        procs.append(subprocess.Popen([sys.executable, "-m", "pipelines", "run", *group], cwd=REPO, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(out[-3000:])
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="articles per batch")
    ap.add_argument("--concurrent", type=int, default=2, help="run processes in the concurrent case")
    args = ap.parse_args()
    import duckdb
    from pgserver import PgServer, pg_bin_dir
    from test_lake_pipeline import _lake_digest, digest

    server = PgServer(pg_bin_dir())  # type: ignore[arg-type]
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="newsdesk-lake-batches-") as tmp:
            base = Path(tmp)
            land = landing(base, args.n)
            groups = [list(BATCHES[i::args.concurrent]) for i in range(args.concurrent)]
            results = {}
            for name, how, catalog in (("embedded, serial", [list(BATCHES)], None),
                                       ("lake, serial", [list(BATCHES)], server.create_database("serial")),
                                       (f"lake, {args.concurrent} runs at once", groups,
                                        server.create_database("concurrent"))):
                root = base / name.replace(" ", "").replace(",", "-")
                seconds = run(root, land, how, catalog)
                if catalog:
                    results[name] = _lake_digest(catalog, root / "lake")
                else:
                    con = duckdb.connect(str(root / "local" / "news.duckdb"), read_only=True)
                    results[name] = digest(con)
                    con.close()
                print(f"{name:28s} {seconds:7.1f} s  ({4 * args.n} articles, load average "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
            reference = results["embedded, serial"]
            for name, tables in results.items():
                print(f"{name:28s} tables equal to the embedded serial run: {tables == reference}")
            shutil.rmtree(base, ignore_errors=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
