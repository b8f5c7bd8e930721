"""Queries the analysts' snapshot in a loop until a stop file appears; prints successes and failures as JSON."""

import json
import sys
import time
from pathlib import Path

import duckdb

QUERY = """SELECT count(*), count(DISTINCT c.copy_cluster_id), (SELECT count(*) FROM entities)
           FROM articles a JOIN copies c USING (doc_id)"""


def main(snapshot: Path, stop: Path) -> None:
    ok, failures, errors = 0, 0, []
    while not stop.exists():
        try:
            con = duckdb.connect(str(snapshot), read_only=True)
            try:
                con.execute(QUERY).fetchall()
            finally:
                con.close()
            ok += 1
        except Exception as exc:  # noqa: BLE001 - every failure counts; the test expects none
            failures += 1
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
        time.sleep(0.01)
    print(json.dumps({"ok": ok, "failures": failures, "errors": errors[:5]}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
