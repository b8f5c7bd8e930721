"""Ctrl-C around an in-process run is noticed wherever it lands, Dagster's own handling included."""

from __future__ import annotations

import os
import signal
import time

import pytest
from dagster._utils.interrupts import capture_interrupts

from pipelines.interrupts import interruptible


def _press_ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the Python-level handler runs at the next instruction of the main thread


def test_a_ctrl_c_dagster_holds_and_then_forgets_is_still_seen() -> None:
    # Dagster holds SIGINT for a whole run and drops one that came after the last step's code.
    with interruptible() as signalled, capture_interrupts():
        _press_ctrl_c()
    assert signalled.is_set()


def test_a_ctrl_c_outside_dagster_stops_the_block() -> None:
    with pytest.raises(KeyboardInterrupt), interruptible() as signalled:
        _press_ctrl_c()
        time.sleep(1)
    assert signalled.is_set()


def test_no_ctrl_c_no_signal_and_the_handlers_are_given_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous = signal.set_wakeup_fd(write_end)
    try:
        with interruptible() as signalled:
            pass
        assert not signalled.is_set()
        assert signal.getsignal(signal.SIGINT) is before
        assert signal.set_wakeup_fd(previous) == write_end  # someone else's descriptor is kept
    finally:
        os.close(read_end)
        os.close(write_end)
