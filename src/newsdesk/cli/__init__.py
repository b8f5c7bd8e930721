"""`newsdesk`: look at the data without Dagster (summary, query, export, report, shell, clean).

`newsdesk --help` lists the commands and the NEWSDESK_* settings; `newsdesk COMMAND --help` explains
each. Errors are one line on standard error saying what to do; exit code 2 for a mistake of the
user's, 1 for a bug.
"""

from newsdesk.cli.app import main
from newsdesk.cli.summary import print_summary

__all__ = ["main", "print_summary"]
