"""Read one batch file without ever blocking the batch: only regular files are opened, and every
read is bounded in time.

A FIFO blocks `open()` until a writer appears, a device can block `read()` forever, and a file on a
hung network mount blocks any call. So the whole per-file I/O (stat, open, fstat, read) runs on a
daemon worker thread the caller waits for with a timeout; a stuck read is abandoned to its thread
(daemon: it never holds up exit) and the next file gets a fresh worker.
"""

from __future__ import annotations

import os
import queue
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

READ_TIMEOUT_S = 120.0  # a 50 MB file at 1 MB/s (a slow network share) still fits


@dataclass(frozen=True)
class FileBytes:
    data: bytes


@dataclass(frozen=True)
class FileRefused:
    reason: str
    detail: str
    n_bytes: int | None = None


def kind_of_mode(mode: int) -> str | None:
    """What a non-regular, non-directory file is, for a person; None for a regular file or a
    directory."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "not a regular file"


def read_file(path: str, max_bytes: int) -> FileBytes | FileRefused:
    """The bytes of the regular file at `path` (symbolic links followed), or why it is not read."""
    try:
        before = os.stat(path)
    except OSError as exc:
        return FileRefused("unreadable", f"cannot stat the file: {exc.strerror or exc}")
    if not stat.S_ISREG(before.st_mode):
        return _not_regular(before.st_mode)
    if before.st_size > max_bytes:
        return FileRefused(
            "file_too_large",
            f"{before.st_size} bytes is over the {max_bytes}-byte limit; not read",
            before.st_size,
        )
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the stat above cannot block open(); fstat then
        # refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        return FileRefused(
            "unreadable", f"cannot open the file: {exc.strerror or exc}", before.st_size
        )
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return _not_regular(opened.st_mode)
        # One read of the stat size (+1 to see growth) allocates the file once; more reads only if
        # it grew.
        chunks = [os.read(fd, before.st_size + 1)]
        size = len(chunks[0])
        while size <= max_bytes and (chunk := os.read(fd, min(1 << 20, max_bytes + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        return FileRefused(
            "unreadable", f"cannot read the file: {exc.strerror or exc}", before.st_size
        )
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > max_bytes:
        return FileRefused(
            "file_too_large", f"grew past the {max_bytes}-byte limit while read", len(data)
        )
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(
        data
    ) != after.st_size:
        return FileRefused(
            "file_changed_while_reading",
            "the file changed while it was read; re-run the batch once its writer has finished",
            len(data),
        )
    return FileBytes(data)


def _not_regular(mode: int) -> FileRefused:
    return FileRefused(
        "not_a_regular_file", f"{kind_of_mode(mode)} is not a file with an article; not opened"
    )


class BoundedReader:
    """Runs `read_file` on a daemon worker thread and waits at most `timeout` seconds for each
    file."""

    def __init__(
        self,
        timeout: float = READ_TIMEOUT_S,
        read: Callable[[str, int], FileBytes | FileRefused] = read_file,
    ) -> None:
        self.timeout, self._read = timeout, read
        self._jobs: queue.SimpleQueue | None = None
        self._results: queue.SimpleQueue | None = None

    def __call__(self, path: str, max_bytes: int) -> FileBytes | FileRefused:
        if self._jobs is None:
            self._start()
        assert self._jobs is not None and self._results is not None
        self._jobs.put((path, max_bytes))
        try:
            return self._results.get(timeout=self.timeout)
        except queue.Empty:
            self._jobs.put(
                None
            )  # the stuck worker exits if its read ever returns; the next file gets a new one
            self._jobs = self._results = None
            return FileRefused(
                "read_timeout",
                f"reading the file took longer than {self.timeout:g} s (a hung "
                "network mount or device?); skipped so the batch goes on",
            )

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)
            self._jobs = self._results = None

    def _start(self) -> None:
        jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        results: queue.SimpleQueue[Any] = queue.SimpleQueue()
        read = self._read

        def work() -> None:
            while (job := jobs.get()) is not None:
                try:
                    results.put(read(*job))
                except Exception as exc:  # noqa: BLE001
                    # one file's unexpected error is that file's problem
                    results.put(
                        FileRefused(
                            "unreadable", f"reading the file failed: {type(exc).__name__}: {exc}"
                        )
                    )

        threading.Thread(target=work, name="newsdesk-file-reader", daemon=True).start()
        self._jobs, self._results = jobs, results
