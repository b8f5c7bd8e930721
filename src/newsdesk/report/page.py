"""The report page: one self-contained HTML file (images inline as base64 PNG, styles inline, no
script).

Its Content-Security-Policy forbids every load but inline images and styles, so opening it never
touches the network. The markup is also well-formed XML, which lets a test parse it strictly.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from newsdesk.report.queries import Header

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
       margin: 0; background: #f6f6f4; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 0 0 8px; }
.asof { color: #555; margin: 0 0 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 12px; padding: 0; }
.facts div { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px 12px; }
.facts dt { font-size: 13px; color: #666; }
.facts dd { margin: 0; font-size: 19px; font-weight: 600; }
nav a { margin-right: 14px; }
.notice { background: #fff4d6; border: 1px solid #e8c66a; border-radius: 6px; padding: 10px 14px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 18px 20px;
          margin: 20px 0; }
figure { margin: 0; }
img { display: block; width: 100%; height: auto; }
figcaption, .caption, .empty { color: #444; font-size: 15px; margin-top: 8px; }
.empty { font-style: italic; }
code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f0f0ec; }
code { padding: 1px 4px; border-radius: 3px; }
pre { padding: 10px; overflow-x: auto; white-space: pre-wrap; }
details { margin-top: 6px; font-size: 14px; }
table.top { border-collapse: collapse; margin-top: 10px; font-size: 14px; width: 100%; }
table.top th, table.top td { border-bottom: 1px solid #e4e4e0; padding: 3px 8px; text-align: left;
                             vertical-align: top; }
table.top td.n, table.top th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.top caption { text-align: left; color: #444; font-size: 14px; padding-bottom: 4px; }
"""


@dataclass
class Section:
    anchor: str
    heading: str
    image: bytes | None  # PNG, or None when there is nothing to draw yet
    alt: str
    empty: str  # what the page says instead of the picture
    about: str  # HTML under the picture: what it shows (callers escape what they interpolate)
    same_numbers: str  # HTML: how to get the same numbers with SQL, shown with or without a picture
    sql: dict[str, str] = field(default_factory=dict)  # query file name -> its text
    table: Rows | None = None  # the top rows behind the picture


@dataclass
class Rows:
    """A small table under a picture: its top rows, with the doc ids or titles behind them."""

    caption: str
    headers: list[str]
    rows: list[list[object]]


def _table(rows: Rows) -> str:
    numeric = [
        all(isinstance(r[i], int | float) for r in rows.rows) for i in range(len(rows.headers))
    ]
    head = "".join(
        f'<th class="n">{escape(h)}</th>' if numeric[i] else f"<th>{escape(h)}</th>"
        for i, h in enumerate(rows.headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(_fmt(v))}</td>' if numeric[i] else f"<td>{escape(_fmt(v))}</td>"
            for i, v in enumerate(r)
        )
        + "</tr>"
        for r in rows.rows
    )
    return (
        f'<table class="top"><caption>{escape(rows.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _header(header: Header, has_schema: bool, written_at: datetime) -> str:
    if header.first_published:
        dates = f"{_fmt(header.first_published)} to {_fmt(header.last_published)}"
    else:
        dates = "no dated articles"
    facts = [
        ("batches", _fmt(header.n_batches)),
        ("articles", _fmt(header.n_articles)),
        ("stories (canonical articles)", _fmt(header.n_stories)),
        ("published", dates),
        ("undated articles", _fmt(header.n_undated)),
        ("quarantined inputs", _fmt(header.n_quarantined)),
    ]
    items = "".join(
        f'<div><dt>{escape(k)}</dt><dd data-fact="{escape(k)}">{escape(v)}</dd></div>'
        for k, v in facts
    )
    as_of = (
        f"Corpus as of the last batch ingested at {_fmt(header.last_batch_ingested_at)} UTC"
        if header.last_batch_ingested_at
        else "No batch ingested yet"
    )
    out = [
        f'<p class="asof">{escape(as_of)} · report written {escape(_fmt(written_at))} UTC</p>',
        f'<dl class="facts">{items}</dl>',
    ]
    if not has_schema:
        out.append(
            '<p class="notice" id="no-articles">This database has no newsdesk tables yet: run the '
            "pipeline on a batch (README: <code>make demo</code>), then build the report again.</p>"
        )
    elif header.n_articles == 0:
        out.append(
            '<p class="notice" id="no-articles">No articles yet: no batch has produced an article. '
            "Land a batch (README: <code>make demo</code> or "
            "<code>data/landing/&lt;batch&gt;/_SUCCESS</code>), then build the report again.</p>"
        )
    return "".join(out)


def _section(section: Section) -> str:
    if section.image is not None:
        payload = base64.b64encode(section.image).decode("ascii")
        body = (
            f'<figure><img src="data:image/png;base64,{payload}" alt="{escape(section.alt)}" '
            f"/><figcaption>{section.about} Same numbers: "
            f"{section.same_numbers}</figcaption></figure>"
        )
    else:
        body = (
            f'<p class="empty">{escape(section.empty)}</p>'
            f'<p class="caption">Same numbers, once there are some: {section.same_numbers}</p>'
        )
    if section.table is not None and section.table.rows:
        body += _table(section.table)
    queries = "".join(
        f"<details><summary>The report's query: <code>sql/report/{escape(name)}</code></summary>"
        f"<pre>{escape(text.strip())}</pre></details>"
        for name, text in section.sql.items()
    )
    return (
        f'<section id="{escape(section.anchor)}"><h2>{escape(section.heading)}</h2>'
        f"{body}{queries}</section>"
    )


def render(header: Header, has_schema: bool, sections: list[Section], written_at: datetime) -> str:
    nav = "".join(f'<a href="#{escape(s.anchor)}">{escape(s.heading)}</a>' for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8" />'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}" />'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />'
        f"<title>newsdesk corpus report</title><style>{STYLE}</style></head>"
        "<body><main><header><h1>newsdesk corpus report</h1>"
        f"{_header(header, has_schema, written_at)}"
        f"<nav>{nav}</nav></header>{''.join(_section(s) for s in sections)}</main></body></html>\n"
    )
