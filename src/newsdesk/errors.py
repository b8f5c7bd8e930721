"""Two kinds of failure a person meets, told apart so each is handled once.

`UserError`: the input or the settings are wrong; the message is one line saying what to do, it is
shown without a traceback and never retried (the same input fails the same way). `TransientError`:
something that may succeed when tried again (another process holds the database, a lake commit
conflict that outlasted its own retries). Anything else is a bug: reported with its traceback, not
retried either.
"""

from __future__ import annotations


class UserError(Exception):
    """Wrong input or settings; str(error) is one line saying what is wrong and what to do."""


class TransientError(Exception):
    """May succeed on a later attempt."""


class ServiceUnavailable(TransientError):
    """A service the run depends on (the lake's PostgreSQL catalog, object storage) cannot be
    reached. Retried with bounded backoff; when that runs out, one line saying which service, exit
    code 1 (not the user's fault)."""


class BatchNotFound(UserError, FileNotFoundError):
    pass


class DamagedFile(Exception):
    """A file of ours (a DuckDB database, checked by its header) cannot be read: one line saying
    which file and how to get it back, exit code 1 (no setting fixes it; a file that is not ours is
    a wrong setting instead)."""


class OutOfMemory(Exception):
    """A store operation ran out of memory: one line naming the settings that bound memory, exit
    code 1."""


# Failures that are not the user's doing: one line, exit code 1 (a UserError is exit code 2).
FAILURES = (TransientError, DamagedFile, OutOfMemory)

MEMORY_ADVICE = (
    "lower NEWSDESK_DUCKDB_MEMORY (and NEWSDESK_DUCKDB_LOAD_MEMORY) or the worker "
    "counts NEWSDESK_NER_PROCESSES and NEWSDESK_CLEAN_WORKERS, or give the process "
    "more memory"
)
# How running out of memory shows: Python's MemoryError, DuckDB's OutOfMemoryException, C++'s
# std::bad_alloc, numpy's _ArrayMemoryError ("Unable to allocate 8.46 MiB ..."); with no address
# space left a thread gets no stack ("can't start new thread") and a library cannot be loaded
# ("failed to map segment from shared object").
OOM_NAMES = frozenset({"MemoryError", "_ArrayMemoryError", "OutOfMemoryException", "OutOfMemory"})
_OOM_WORDS = (
    "std::bad_alloc",
    "out of memory",
    "cannot allocate memory",
    "failed to allocate",
    "unable to allocate",
    "can't start new thread",
    "failed to map segment",
)


def is_out_of_memory(exc: BaseException | None) -> bool:
    """Whether an exception, or one it was raised from, says the process ran out of memory."""
    seen = 0
    while exc is not None and seen < 20:
        text = str(exc).lower()
        if (
            isinstance(exc, MemoryError)
            or type(exc).__name__ in OOM_NAMES
            or any(w in text for w in _OOM_WORDS)
        ):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def out_of_memory_line(what: str) -> str:
    """The one line for a store operation that ran out of memory."""
    return f"{what} ran out of memory: {MEMORY_ADVICE}"
