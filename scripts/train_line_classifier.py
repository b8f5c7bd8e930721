"""Train the plain-text line classifier on both benchmark sets, with leave-one-set-out scores, reproducibly.

    .venv/bin/python scripts/train_line_classifier.py           # LOSO models + shared-scorer lines, final model
    .venv/bin/python scripts/train_line_classifier.py --loso-only  # no artefact written
    .venv/bin/python scripts/train_line_classifier.py --no-loso    # only the final model
    .venv/bin/python scripts/train_line_classifier.py --in-domain  # trafilatura-eval halves (no artefact)

Lines are those of each page's plain-text dump (ScrapingHub's `.raw.txt`; for trafilatura-eval the same dump
built from the page, see benchmarks/extraction_sets.py). Labels:
- ScrapingHub: a line is article text when most of its words align, in order, with the gold body.
- trafilatura-eval has no gold body, only must / must-not snippets (about six per page). A line is article text
  when it aligns with what our HTML path extracts from the page (trafilatura and the measured extras; the
  teacher), then the snippets overrule it: a line holding a must snippet is article text, one holding a
  must-not snippet is not.
--in-domain trains on one half of trafilatura-eval's pages (all of it, and as many pages as ScrapingHub has)
and on ScrapingHub alone, and scores the other half: how much of the leave-one-set-out gap in-set pages close.
Leave-one-set-out: the model that scores a set never saw a page of it; each is scored by that set's shared
scorer (text path on the set's dumps). Each set weighs the same in training, each page the same within its set.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]

from extraction_ensemble import counts, set_f1  # noqa: E402
from extraction_sets import SETS, Page, pages_of, shared_dir  # noqa: E402

from newsdesk.clean.html import DEFAULT, finish, read_page  # noqa: E402
from newsdesk.clean.line_features import FEATURE_NAMES, SECOND_PASS_NAMES, second_pass_features  # noqa: E402
from newsdesk.clean.line_model import DEFAULT_MODEL, LineModel, Tree, save_model  # noqa: E402
from newsdesk.clean.rules import rules_digest  # noqa: E402
from newsdesk.clean.text import clean_text  # noqa: E402
from newsdesk.clean.text_classifier import dump_language, features_for_lines  # noqa: E402
from newsdesk.text import split_blocks, words  # noqa: E402

MODEL_VERSION = 4  # 2: ScrapingHub only; 3: both sets, rule registry digest; 4: second pass
FOLDS = 5
SEED = 20241127
PARAMS = dict(max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0,
              random_state=SEED)
_SPACE = re.compile(r"\s+")


@dataclass
class Labelled:
    page_id: str
    lines: list[str]
    features: np.ndarray
    labels: np.ndarray


def label_lines(lines: list[str], reference: str) -> np.ndarray:
    """1 for a line whose words mostly align, in order, with the reference text."""
    ref_tokens = words(reference)
    tokens, owner = [], []
    for i, line in enumerate(lines):
        for tok in words(line):
            tokens.append(tok)
            owner.append(i)
    matched = np.zeros(len(lines))
    matcher = difflib.SequenceMatcher(None, tokens, ref_tokens, autojunk=False)
    for block in matcher.get_matching_blocks():
        # Runs of one or two words match by chance ("the", "of"); they do not make a line article text.
        if block.size >= 3:
            for k in range(block.a, block.a + block.size):
                matched[owner[k]] += 1
    counts = np.array([max(len(words(line)), 1) for line in lines])
    return (matched / counts >= 0.5).astype(int)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippet_labels(lines: list[str], teacher: str, must: tuple[str, ...], must_not: tuple[str, ...]) -> np.ndarray:
    """Teacher alignment, overruled by the page's snippets (matched as the snippet scorer matches them)."""
    labels = label_lines(lines, teacher)
    for i, line in enumerate(lines):
        text = _norm(line)
        if any(_norm(s) and _norm(s) in text for s in must):
            labels[i] = 1
        if any(_norm(s) and _norm(s) in text for s in must_not):
            labels[i] = 0
    return labels


def labelled_pages(set_name: str) -> list[Labelled]:
    out = []
    for page in pages_of(set_name):
        lines = split_blocks(page.dump())
        if not lines:
            continue
        labels = label_lines(lines, page.gold) if page.gold is not None else _teacher_labels(page, lines)
        out.append(Labelled(page.page_id, lines, features_for_lines(lines, dump_language(lines)), labels))
    print(f"{set_name}: {len(out)} pages, {sum(len(p.lines) for p in out)} lines, "
          f"{sum(int(p.labels.sum()) for p in out)} article lines", flush=True)
    return out


def _teacher_labels(page: Page, lines: list[str]) -> np.ndarray:
    # Without the HTML path's fallback, which reads the page with the shipped line model: labels must not
    # depend on the model they train.
    teacher = finish(read_page(page.html(), page.url), replace(DEFAULT, fallback=False)).body
    return snippet_labels(lines, teacher, page.must, page.must_not)


def page_weights(lines: list[str]) -> np.ndarray:
    # The metrics average pages and count shingles: weigh lines by words, each page summing to one.
    counts = np.array([len(words(line)) + 1.0 for line in lines])
    return counts / counts.sum()


def _training_rows(sets: dict[str, list[Labelled]]) -> tuple[list[Labelled], list[np.ndarray]]:
    pages, ws = [], []
    for set_pages in sets.values():
        for page in set_pages:
            pages.append(page)
            ws.append(page_weights(page.lines) / len(set_pages))  # each set sums to one
    return pages, ws


def _fit_rows(xs: list[np.ndarray], ys: list[np.ndarray], ws: list[np.ndarray]) -> HistGradientBoostingClassifier:
    w = np.concatenate(ws)
    return HistGradientBoostingClassifier(**PARAMS).fit(np.vstack(xs), np.concatenate(ys), sample_weight=w * len(w))


def fit(sets: dict[str, list[Labelled]], threshold: float) -> LineModel:
    """The first pass on every page, the second on out-of-fold first-pass probabilities."""
    pages, ws = _training_rows(sets)
    xs, ys = [p.features for p in pages], [p.labels for p in pages]
    trained_on = sorted(sets)
    first = _fit_rows(xs, ys, ws)
    oof: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(FOLDS):
        held = [i for i in range(len(pages)) if i % FOLDS == k]
        rest = [i for i in range(len(pages)) if i % FOLDS != k]
        clf = _fit_rows([xs[i] for i in rest], [ys[i] for i in rest], [ws[i] for i in rest])
        for i in held:
            oof[i] = clf.predict_proba(xs[i])[:, 1]
    second = _fit_rows([second_pass_features(x, p) for x, p in zip(xs, oof)], ys, ws)
    return replace(to_line_model(first, threshold, trained_on),
                   second=to_line_model(second, threshold, trained_on, FEATURE_NAMES + SECOND_PASS_NAMES))


def to_line_model(clf: HistGradientBoostingClassifier, threshold: float, trained_on: list[str],
                  feature_names: tuple[str, ...] = FEATURE_NAMES) -> LineModel:
    trees = []
    for (predictor,) in clf._predictors:  # one predictor per iteration for a binary task
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(Tree(
            feature=np.where(leaf, -1, nodes["feature_idx"]).astype(np.int64),
            threshold=nodes["num_threshold"].astype(float),
            left=nodes["left"].astype(np.int64),
            right=nodes["right"].astype(np.int64),
            value=np.where(leaf, nodes["value"], 0.0).astype(float),
        ))
    info: dict[str, object] = {"version": MODEL_VERSION, "trained_on": trained_on}
    return LineModel(feature_names, float(np.ravel(clf._baseline_prediction)[0]), tuple(trees), threshold,
                     rules_digest(), info)


def score_with(model_path: Path, set_name: str, name: str) -> None:
    """The text path with `model_path` on one set's dumps, printed by that set's shared scorer."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NEWSDESK_LINE_MODEL": str(model_path)}
    tools = shared_dir() / "tools"
    if set_name == "scrapinghub":
        cmd = [sys.executable, str(tools / "extract_score.py"), str(shared_dir() / "bench/extraction/scrapinghub"),
               "--callable", f"{REPO / 'benchmarks' / 'extraction_text.py'}:text_body", "--input-suffix",
               ".raw.txt", "--bootstrap", "0", "--name", name]
    else:
        cmd = [sys.executable, str(tools / "snippet_score.py"), str(shared_dir() / "bench/extraction/trafilatura-eval"),
               "--pythonpath", str(REPO / "benchmarks"), "--pythonpath", str(REPO / "src"),
               "--callable", "extraction_text:dump_body", "--name", name]
    subprocess.run(cmd, check=True, env=env)


def in_domain(data: dict[str, list[Labelled]], threshold: float) -> None:
    """Snippet F1 on a held-out half of trafilatura-eval, by where the training pages came from."""
    te = list(data["trafilatura-eval"])
    random.Random(SEED).shuffle(te)
    half_a, half_b = te[: len(te) // 2], {p.page_id for p in te[len(te) // 2 :]}
    scored = [(page, page.dump()) for page in pages_of("trafilatura-eval") if page.page_id in half_b]
    trainings = {
        "ScrapingHub (all)": {"scrapinghub": data["scrapinghub"]},
        f"trafilatura-eval half A ({len(data['scrapinghub'])} pages)":
            {"te": half_a[: len(data["scrapinghub"])]},
        f"trafilatura-eval half A ({len(half_a)} pages)": {"te": half_a},
    }
    for name, sets in trainings.items():
        model = fit(sets, threshold)
        terms = [counts(page, clean_text(dump, model=model).body) for page, dump in scored]
        tp, fp, fn = (sum(getattr(c, term) for c in terms) for term in ("tp", "fp", "fn"))
        print(f"trained on {name:<42} -> half B ({len(scored)} pages): snippet F1={set_f1(terms):.3f} "
              f"P={tp / (tp + fp):.3f} R={tp / (tp + fn):.3f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--loso-only", action="store_true")
    ap.add_argument("--no-loso", action="store_true")
    ap.add_argument("--in-domain", action="store_true")
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsdesk-line-models"))
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    args = ap.parse_args()
    data = {name: labelled_pages(name) for name in SETS}
    if args.in_domain:
        in_domain(data, args.threshold)
        return
    if not args.no_loso:
        args.work.mkdir(parents=True, exist_ok=True)
        for held_out in SETS:
            train = {k: v for k, v in data.items() if k != held_out}
            path = args.work / f"line_model_without_{held_out}.json"
            save_model(fit(train, args.threshold), path)
            score_with(path, held_out, f"text path, trained on {'+'.join(sorted(train))}")
    if not args.loso_only:
        save_model(fit(data, args.threshold), args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
