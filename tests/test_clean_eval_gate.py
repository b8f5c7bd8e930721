"""Evaluation gate (CI style): pinned F1 floors and must / must-not snippets on a handful of benchmark pages.

Scored with the shared scorer's own metric functions; floors live in tests/data/clean_gate.json.
"""

import json
import statistics
from pathlib import Path
from types import ModuleType

import pytest
from helpers import load_module

from newsdesk.clean.html import extract_html_body
from newsdesk.clean.text import extract_text_body

GATE = json.loads((Path(__file__).parent / "data" / "clean_gate.json").read_text(encoding="utf-8"))
Outputs = dict[str, dict[str, str]]  # page id -> gold, html, text
Snippets = dict[str, dict[str, list[str]]]  # file -> with, without


@pytest.fixture(scope="module")
def scorer(shared: Path) -> ModuleType:
    return load_module("extract_score", shared / "tools" / "extract_score.py")


@pytest.fixture(scope="module")
def outputs(shared: Path) -> Outputs:
    bench = shared / GATE["bench"]
    found: dict[str, dict[str, str]] = {}
    for pid in GATE["pages"]:
        found[pid] = {
            "gold": (bench / f"{pid}.txt").read_text(encoding="utf-8"),
            "html": extract_html_body((bench / f"{pid}.html").read_text(encoding="utf-8")),
            "text": extract_text_body((bench / f"{pid}.raw.txt").read_text(encoding="utf-8")),
        }
    return found


def _f1(scorer: ModuleType, gold: str, pred: str) -> float:
    return scorer.doc_f1(scorer.tp_fp_fn(gold, pred))


@pytest.mark.parametrize("path", ["html", "text"])
@pytest.mark.parametrize("pid", sorted(GATE["pages"]))
def test_page_f1_floor(scorer: ModuleType, outputs: Outputs, pid: str, path: str) -> None:
    assert _f1(scorer, outputs[pid]["gold"], outputs[pid][path]) >= GATE["pages"][pid][path]


@pytest.mark.parametrize("path", ["html", "text"])
def test_mean_f1_floor(scorer: ModuleType, outputs: Outputs, path: str) -> None:
    mean = statistics.mean(_f1(scorer, o["gold"], o[path]) for o in outputs.values())
    assert mean >= GATE["mean_floor"][path]


@pytest.mark.parametrize("pid", sorted(GATE["pages"]))
def test_html_snippets(outputs: Outputs, pid: str) -> None:
    body = outputs[pid]["html"]
    for snippet in GATE["pages"][pid].get("html_must", []):
        assert snippet in body
    for snippet in GATE["pages"][pid].get("html_must_not", []):
        assert snippet not in body


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def snippets(shared: Path) -> Snippets:
    evaldata = json.loads((shared / GATE["trafilatura_eval"]["bench"] / "evaldata.json").read_text(encoding="utf-8"))
    return {item["file"]: item for item in evaldata.values()}


@pytest.mark.parametrize("name", sorted(GATE["trafilatura_eval"]["pages"]))
def test_trafilatura_eval_snippets(shared: Path, snippets: Snippets, name: str) -> None:
    pinned = GATE["trafilatura_eval"]["pages"][name]
    raw = (shared / GATE["trafilatura_eval"]["bench"] / "html" / name).read_bytes()
    body = _norm(extract_html_body(raw.decode("utf-8", "replace")))
    assert sum(_norm(s) in body for s in snippets[name]["with"]) >= pinned["must_found"]
    assert sum(_norm(s) in body for s in snippets[name]["without"]) <= pinned["must_not_found"]
