"""Ctrl-C during an in-process Dagster run: noticed wherever it lands.

Inside a step's own code Dagster raises it there (the run's events show it, see
`pipelines.__main__._interrupted`); between steps our handler sees it. But Dagster holds SIGINT
for the whole run and forgets one that arrives after the last step's code (the run then ends as a
success, and the command would go on to publish and to the next batch). So the signal's own
wakeup byte is read as well: the C-level handler writes it whatever Python handler is installed.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """Ctrl-C with a message of its own (what was done and what was not)."""


@contextmanager
def interruptible() -> Iterator[threading.Event]:
    """Ctrl-C between steps or while the run starts raises KeyboardInterrupt (at the latest when the
    block is left). The event it yields is set on leaving when a SIGINT arrived anywhere inside,
    Dagster's handling included: the caller, which has the run's result, says what was done."""
    pressed, signalled = threading.Event(), threading.Event()
    default = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: object) -> None:
        pressed.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    wakeup = _WakeupBytes()
    try:
        yield signalled
    finally:
        signal.signal(signal.SIGINT, default)
        if wakeup.close():
            signalled.set()
    if pressed.is_set():
        raise KeyboardInterrupt


class _WakeupBytes:
    """The numbers of the signals that arrived while it was open (set_wakeup_fd), for the main
    thread; elsewhere, or where a wakeup descriptor is already set (an event loop), none."""

    def __init__(self) -> None:
        self.pipe: tuple[int, int] | None = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        for fd in (read_end, write_end):
            os.set_blocking(fd, False)
        try:
            previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        except ValueError:  # not the main thread
            previous = None
        if previous == -1:
            self.pipe = read_end, write_end
            return
        if previous is not None:  # someone else's descriptor: give it back, read nothing
            signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)

    def close(self) -> bool:
        """Whether a SIGINT arrived; stops listening."""
        if self.pipe is None:
            return False
        signal.set_wakeup_fd(-1)
        read_end, write_end = self.pipe
        self.pipe = None
        seen = b""
        try:
            while chunk := os.read(read_end, 4096):
                seen += chunk
        except BlockingIOError:
            pass
        finally:
            os.close(read_end)
            os.close(write_end)
        return signal.SIGINT in seen
