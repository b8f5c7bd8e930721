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


class BatchNotFound(UserError, FileNotFoundError):
    pass
