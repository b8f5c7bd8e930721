"""The worker pool and the memory of a big publish (newsdesk.runner.RELEASE_POOL_AT)."""

from pathlib import Path

import psutil
import pytest
from conftest import Pipeline

from newsdesk import runner

pytestmark = pytest.mark.slow  # real pipeline runs: the full suite, not `make test-fast`

BODY = (
    "The harbour board of Tessel approved a new ferry timetable on Monday after a long debate. "
    "Board chair Mira Holloway said the change would add two evening crossings to Brandt Island."
)


def write_batch(folder: Path, n: int) -> None:
    for i in range(n):
        text = f"Ferry timetable item {folder.name} {i}\n\n{BODY} Item {folder.name} {i}.\n"
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")


def workers() -> set[int]:
    """Live worker processes of this test process's pool (spawned Python children)."""
    return {p.pid for p in psutil.Process().children(recursive=True) if "spawn_main" in " ".join(p.cmdline())}


def test_a_big_publish_stops_the_idle_pool_and_a_small_one_keeps_it(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_batch(pipeline.add_batch("small"), 3)
    assert pipeline.run_batch("small", publish=False).success
    kept = workers()
    assert kept, "the entity stage's workers stay for the next batch"
    monkeypatch.setattr(runner, "RELEASE_POOL_AT", 3)  # this batch now counts as big
    write_batch(pipeline.add_batch("big"), 3)
    assert pipeline.run_batch("big", publish=False).success
    assert not (workers() & kept), "publishing a big batch ran without the workers holding the models"
    assert pipeline.query("SELECT count(*) FROM articles WHERE batch_id = 'big'") == [(3,)]
