"""The per-set ablation table: every variant of `extraction_variants` on both sets, in one run.

Each page is read once (parse, trafilatura, metadata, visible lines); every variant is scored on those
readings with the shared scorers' own metric code (ScrapingHub: extract_score's 4-gram shingle P/R/F1;
trafilatura-eval: snippet_score's snippet counts). Besides F1/P/R each row gives empty outputs, crashes, and
the pages more than 0.02 F1 below / above plain trafilatura (what the held-out sets were judged by).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from extraction_sets import SETS, Page, pages_of, shared_tool
from extraction_variants import Variant, trafilatura_default

from newsdesk.clean.html import Page as Reading
from newsdesk.clean.html import read_page
from newsdesk.clean.line_model import LineModel
from newsdesk.clean.text import TextConfig, clean_text

PAGE_MARGIN = 0.02
_SPACE = re.compile(r"\s+")


@dataclass
class Row:
    f1: float
    precision: float
    recall: float
    empty: int
    crashes: int
    per_page: list[float]
    worse: int = 0
    better: int = 0


def read_all(set_name: str) -> tuple[list[tuple[Page, str, Reading]], int]:
    """(benchmark page, its HTML, our reading of it) for every page, and how many readings raised."""
    out, crashes = [], 0
    for page in pages_of(set_name):
        html = page.html()
        try:
            reading = read_page(html, page.url)
        except Exception:  # noqa: BLE001 - counted, and the page is read as empty
            crashes += 1
            reading = Reading([], [])
        out.append((page, html, reading))
    return out, crashes


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _snippet_counts(page: Page, text: str) -> tuple[int, int, int]:
    body = _norm(text)
    found = sum(1 for s in page.must if _norm(s) in body)
    return found, sum(1 for s in page.must_not if _norm(s) in body), len(page.must) - found


def score(set_name: str, readings: list[tuple[Page, str, Reading]], variant: Variant) -> Row:
    outputs, crashes = [], 0
    for _page, html, reading in readings:
        try:
            outputs.append(variant(reading, html) or "")
        except Exception:  # noqa: BLE001 - a crash is an empty result, as in the scorers
            outputs.append("")
            crashes += 1
    empty = sum(1 for text in outputs if not _norm(text))
    if set_name == "scrapinghub":
        metric = shared_tool("extract_score")
        counts = [metric.tp_fp_fn(page.gold, text) for (page, _, _), text in zip(readings, outputs)]
        agg = metric.aggregate(counts)
        return Row(agg["f1"], agg["precision"], agg["recall"], empty, crashes,
                   [metric.doc_f1(c) for c in counts])
    snippets = [_snippet_counts(page, text) for (page, _, _), text in zip(readings, outputs)]
    tp, fp, fn = (sum(c[k] for c in snippets) for k in range(3))
    per_page = [2 * a / (2 * a + b + c) if a + b + c else 1.0 for a, b, c in snippets]
    return Row(2 * tp / (2 * tp + fp + fn), tp / max(tp + fp, 1), tp / max(tp + fn, 1), empty, crashes, per_page)


def ablation_table(variants: dict[str, Variant], log: Callable[[str], None] = print) -> dict[str, dict[str, Row]]:
    """Score every variant on both sets; print the table; return rows by set and variant."""
    table: dict[str, dict[str, Row]] = {}
    for set_name in SETS:
        started = time.monotonic()
        readings, read_crashes = read_all(set_name)
        log(f"read {len(readings)} {set_name} pages in {time.monotonic() - started:.0f} s "
            f"({read_crashes} readings raised)")
        reference = score(set_name, readings, trafilatura_default)
        rows = {}
        for name, variant in variants.items():
            row = reference if variant is trafilatura_default else score(set_name, readings, variant)
            row.worse = sum(a < b - PAGE_MARGIN for a, b in zip(row.per_page, reference.per_page))
            row.better = sum(a > b + PAGE_MARGIN for a, b in zip(row.per_page, reference.per_page))
            rows[name] = row
        table[set_name] = rows
    log(format_table(table))
    return table


def format_table(table: dict[str, dict[str, Row]]) -> str:
    sets = list(table)
    names = list(table[sets[0]])
    head = f"{'variant':<46}" + "".join(f" | {s[:16]:<16}     F1      P      R empty crash worse better" for s in sets)
    lines = [head, "-" * len(head)]
    for name in names:
        cells = "".join(f" | {'':<16} {r.f1:.4f} {r.precision:.4f} {r.recall:.4f} {r.empty:>5} {r.crashes:>5} "
                        f"{r.worse:>5} {r.better:>6}" for r in (table[s][name] for s in sets))
        lines.append(f"{name:<46}{cells}")
    lines.append(f"(worse / better: pages more than {PAGE_MARGIN} F1 below / above plain trafilatura; "
                 "trafilatura-eval F1 is over snippets, per-page F1 over each page's snippets)")
    return "\n".join(lines)




def text_variants() -> dict[str, TextConfig]:
    """The text path's parts switched off one at a time (and the page-dump markers switched on)."""
    base = TextConfig()
    return {
        "newsdesk text (all parts on)": base,
        "- rule verdicts (rules stay model features)": replace(base, rules=False),
        "- sections under related/bio headings": replace(base, sections=False),
        "- title line detection": replace(base, title=False),
        "- repeated paragraphs": replace(base, repeats=False),
        "- paragraphs kept in delivered bodies": replace(base, body_paragraphs=False),
        "- restore when (almost) empty": replace(base, restore=False),
        "+ caption/teaser/standfirst markers on dumps": replace(base, dump_markers=True),
        "classifier only": TextConfig(rules=False, sections=False, title=False, repeats=False, body_markers=False,
                                      body_paragraphs=False, restore=False),
    }


def text_ablation_table(models: dict[str, LineModel], log: Callable[[str], None] = print) -> dict[str, dict[str, Row]]:
    """The text path on each set's dumps with the model that never saw that set (`models[set_name]`)."""
    table: dict[str, dict[str, Row]] = {}
    for set_name in SETS:
        dumps = [(page, page.dump()) for page in pages_of(set_name)]
        readings = [(page, dump, Reading([], [])) for page, dump in dumps]
        rows = {}
        for name, config in text_variants().items():
            def variant(_reading: Reading, dump: str, config: TextConfig = config, set_name: str = set_name) -> str:
                return clean_text(dump, model=models[set_name], config=config).body
            rows[name] = score(set_name, readings, variant)
        first = next(iter(rows.values()))
        for row in rows.values():
            row.worse = sum(a < b - PAGE_MARGIN for a, b in zip(row.per_page, first.per_page))
            row.better = sum(a > b + PAGE_MARGIN for a, b in zip(row.per_page, first.per_page))
        table[set_name] = rows
    log(format_table(table).replace("plain trafilatura", "the text path with every part on"))
    return table
