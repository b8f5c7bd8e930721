"""Issue 6: an analyst querying in a loop from another process while batches run sees zero failures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from badinput import jsonl_lines
from conftest import SAMPLE_BATCH, Pipeline
from helpers import snapshot_path

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`


def test_reader_loop_never_fails_during_runs(pipeline: Pipeline) -> None:
    pipeline.add_batch("sample", SAMPLE_BATCH)
    assert pipeline.run_batch("sample").success
    snapshot = snapshot_path(pipeline.db_path)
    assert snapshot.exists()
    stop = pipeline.root / "stop-readers"
    reader = subprocess.Popen([sys.executable, str(Path(__file__).with_name("reader_loop.py")), str(snapshot),
                               str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for i in range(2):
            folder = pipeline.add_batch(f"wire-{i}")
            (folder / "wire.jsonl").write_text("\n".join(jsonl_lines(40, prefix=f"w{i}")) + "\n", encoding="utf-8")
            assert pipeline.run_batch(f"wire-{i}").success
        assert pipeline.run_corpus().success
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["failures"] == 0, result["errors"]
    assert result["ok"] >= 20
    # The snapshot readers saw is the finished state.
    assert pipeline.query("SELECT count(*) FROM articles")[0][0] == 12 + 80
