"""The corpus report: pictures of what the pipeline produced, as one static HTML file next to the
snapshot.

from newsdesk.report import build_report
build_report(duckdb.connect("data/newsdesk.snapshot.duckdb", read_only=True), "data")
"""

from newsdesk.report.build import REPORT_NAME, build_report

__all__ = ["REPORT_NAME", "build_report"]
