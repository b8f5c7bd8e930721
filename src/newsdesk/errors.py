"""Two kinds of failure a person meets, told apart so each is handled once.

`UserError`: the input or the settings are wrong; the message is one line saying what to do, it is shown without
a traceback and never retried (the same input fails the same way). `TransientError`: something that may succeed
when tried again (another process holds the database, a lake commit conflict that outlasted its own retries).
Anything else is a bug: reported with its traceback, not retried either.
"""

from __future__ import annotations


class UserError(Exception):
    """Wrong input or settings; str(error) is one line saying what is wrong and what to do."""


class TransientError(Exception):
    """May succeed on a later attempt."""


class ServiceUnavailable(TransientError):
    """A service the run depends on (the lake's PostgreSQL catalog, object storage) cannot be reached. Retried
    with bounded backoff; when that runs out, one line saying which service, exit code 1 (not the user's fault)."""


class BatchNotFound(UserError, FileNotFoundError):
    pass
