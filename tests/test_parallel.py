"""The supervised worker pool: an item that raises, hangs or kills its worker becomes that item's outcome, every
other item gets its result, in order; workers die with their parent."""

import ctypes
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.parallel import Failed, WorkerStartError, map_items

RAISES, HANGS, CRASHES = 13, 21, 34


def work(items: list[int], config: object) -> list[int]:
    out = []
    for x in items:
        if x == RAISES:
            raise ValueError("thirteen")
        if x == HANGS:
            time.sleep(600)
        if x == CRASHES:
            ctypes.string_at(0)  # a segfault, as a crash in a native library would be
        out.append(x * 2)
    return out


@pytest.mark.parametrize("batched", [False, True])
def test_each_failure_is_its_items_outcome_and_the_rest_completes(tmp_path: Path, batched: bool) -> None:
    chunks = [list(range(i, i + 10)) for i in range(0, 50, 10)]
    started = time.monotonic()
    outcomes = list(map_items(work, chunks, None, workers=2, scratch=tmp_path, timeout_s=2, batched=batched))
    assert time.monotonic() - started < 60  # the hang costs its time limit, not 600 s
    assert [len(c) for c in outcomes] == [10] * 5
    flat = [x for chunk in outcomes for x in chunk]
    failed = {i: f.kind for i, f in enumerate(flat) if isinstance(f, Failed)}
    assert failed == {RAISES: "error", HANGS: "timeout", CRASHES: "crash"}
    assert [x for x in flat if not isinstance(x, Failed)] == [2 * i for i in range(50) if i not in failed]
    raised = flat[RAISES]
    assert isinstance(raised, Failed) and "ValueError: thirteen" in raised.detail


class _KillsWhoUnpicklesIt:
    """Arrives in a worker with every job and kills it before any item starts, as a broken worker would."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return os._exit, (3,)


def test_workers_that_cannot_start_stop_the_run_instead_of_looping(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(WorkerStartError, match="before starting any item"):
        list(map_items(work, [[1, 2], [3, 4]], _KillsWhoUnpicklesIt(), workers=2, scratch=tmp_path, timeout_s=5))
    assert time.monotonic() - started < 60


def test_in_process_mode_still_isolates_exceptions(tmp_path: Path) -> None:
    outcomes = list(map_items(work, [[12, 13, 14]], None, workers=0, scratch=tmp_path, timeout_s=1))
    assert outcomes[0][0] == 24 and isinstance(outcomes[0][1], Failed) and outcomes[0][2] == 28


def test_workers_die_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys, time
        sys.path[:0] = {[str(Path(__file__).parent), *sys.path]!r}
        from pathlib import Path
        from newsdesk.parallel import map_items
        from test_parallel import work
        print(os.getpid(), flush=True)
        for _ in map_items(work, [[21], [21]], None, workers=2, scratch=Path({str(tmp_path)!r}), timeout_s=600):
            pass
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and len(children) < 2:
        children = _children(pid)
        time.sleep(0.2)
    assert len(children) >= 2, "the pool did not start"
    os.kill(pid, signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    assert not any(_alive(c) for c in children), "workers outlived their killed parent"


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _use_pool_then_return(scratch: str) -> None:
    list(map_items(work, [[1, 2]], None, workers=1, scratch=Path(scratch), timeout_s=30))


def test_a_multiprocessing_child_that_used_the_pool_exits(tmp_path: Path) -> None:
    """A step of Dagster's multiprocess executor is a multiprocessing child: at its end multiprocessing joins every
    child process before atexit hooks run, so the pool kept for reuse must be stopped first (it once hung there)."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=_use_pool_then_return, args=(str(tmp_path),))
    child.start()
    child.join(60)
    alive = child.is_alive()
    if alive:
        child.kill()
    assert not alive and child.exitcode == 0


SLOW = 7


def batched_with_marks(items: list[int], config: object) -> list[int]:
    """A batched fn that works item by item inside its whole-chunk call and says which item it is on."""
    from newsdesk.parallel import working_on

    out = []
    for position, x in enumerate(items):
        working_on(position)
        if x == SLOW:
            time.sleep(600)
        out.append(x * 2)
    return out


def batched_without_marks(items: list[int], config: object) -> list[int]:
    """A batched fn that gives no sign of which item it is on (one opaque call over the chunk)."""
    if SLOW in items:
        time.sleep(600)
    return [x * 2 for x in items]


@pytest.mark.parametrize("fn", [batched_with_marks, batched_without_marks])
def test_a_slow_item_in_a_batched_chunk_costs_about_one_time_limit(
        tmp_path: Path, fn: Callable[[list[int], object], list[int]]) -> None:
    """The old pool gave a chunk `limit x items` (20 x 3 s here) before isolating anyone."""
    chunk = list(range(20))
    started = time.monotonic()
    [outcomes] = list(map_items(fn, [chunk], None, workers=1, scratch=tmp_path, timeout_s=3, batched=True))
    elapsed = time.monotonic() - started
    slow = outcomes[SLOW]
    assert isinstance(slow, Failed) and slow.kind == "timeout"
    assert [x for x in outcomes if not isinstance(x, Failed)] == [2 * i for i in chunk if i != SLOW]
    # marked: one limit (3 s); unmarked: the chunk's limit, then the slow item's own (6 s); plus process start-up
    assert elapsed < 40, elapsed


def declares_its_step(items: list[int], config: object) -> list[int]:
    from newsdesk.parallel import working_on

    if len(items) == 1:
        time.sleep(600)  # run alone, as after a whole-chunk timeout: the test must see that did not happen
    working_on(None, weight=len(items))  # a step over the whole chunk, worth one limit per item
    time.sleep(0.6 * len(items))  # longer than one limit (2 s), shorter than the declared weight's
    return [x * 2 for x in items]


def test_a_whole_chunk_step_gets_the_time_its_declared_size_is_worth(tmp_path: Path) -> None:
    [outcomes] = list(map_items(declares_its_step, [[1, 2, 3, 4, 5]], None, workers=1, scratch=tmp_path,
                                timeout_s=2, batched=True))
    assert outcomes == [2, 4, 6, 8, 10]


def test_a_progress_mark_read_half_written_is_no_mark(tmp_path: Path) -> None:
    """A worker rewrites its mark in place; a reader that catches the rewrite half done must not
    take a mix of two marks (a wrong item to blame, a wrong start time) for one."""
    from newsdesk.parallel_worker import BATCH, read_mark, write_mark

    path = tmp_path / "mark"
    write_mark(str(path), 7, 2.5)
    pid, index, started, weight = read_mark(str(path)) or (0, 0, 0.0, 0.0)
    assert (pid, index, weight) == (os.getpid(), 7, 2.5) and abs(started - time.time()) < 60
    whole = path.read_bytes()
    write_mark(str(path), BATCH)
    newer = path.read_bytes()
    assert len(whole) == len(newer)  # every mark overwrites the last one whole
    half = len(newer) // 2
    path.write_bytes(newer[:half] + whole[half:])  # what a read in the middle of a rewrite sees
    assert read_mark(str(path)) is None
    path.write_bytes(b"")
    assert read_mark(str(path)) is None
