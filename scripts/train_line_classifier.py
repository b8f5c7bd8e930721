"""Train the plain-text line classifier from the shared ScrapingHub dumps, reproducibly.

    .venv/bin/python scripts/train_line_classifier.py            # k-fold CV by page, then the final model
    .venv/bin/python scripts/train_line_classifier.py --cv-only  # CV predictions only (no artefact written)

Labels: each line of `<id>.raw.txt` is article text when most of its words align (difflib, in order) with
the gold body `<id>.txt`. Cross-validation splits by page: the model for each fold never saw the pages it
predicts; the held-out predictions are written to --pred-dir and scored with the shared scorer.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from newsdesk.clean.line_features import FEATURE_NAMES  # noqa: E402
from newsdesk.clean.line_model import DEFAULT_MODEL, LineModel, Tree, save_model  # noqa: E402
from newsdesk.clean.text import clean_text, split_blocks  # noqa: E402
from newsdesk.clean.text_classifier import features_for_lines  # noqa: E402

_WORD = re.compile(r"\w+")
SEED = 20241127
PARAMS = dict(max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0,
              random_state=SEED)


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSDESK_SHARED", REPO.parent / "shared"))


def label_lines(lines: list[str], gold: str) -> np.ndarray:
    """1 for a line whose words mostly align, in order, with the gold body."""
    gold_tokens = _WORD.findall(gold)
    tokens, owner = [], []
    for i, line in enumerate(lines):
        for tok in _WORD.findall(line):
            tokens.append(tok)
            owner.append(i)
    matched = np.zeros(len(lines))
    matcher = difflib.SequenceMatcher(None, tokens, gold_tokens, autojunk=False)
    for block in matcher.get_matching_blocks():
        # Runs of one or two words match by chance ("the", "of"); they do not make a line article text.
        if block.size >= 3:
            for k in range(block.a, block.a + block.size):
                matched[owner[k]] += 1
    counts = np.array([max(len(_WORD.findall(line)), 1) for line in lines])
    return (matched / counts >= 0.5).astype(int)


def load_pages(bench: Path) -> list[tuple[str, list[str], np.ndarray, np.ndarray]]:
    """(id, lines, features, labels) per page, in sorted id order."""
    pages = []
    for raw in sorted(bench.glob("*.raw.txt")):
        pid = raw.name[: -len(".raw.txt")]
        lines = split_blocks(raw.read_text(encoding="utf-8"))
        gold = (bench / f"{pid}.txt").read_text(encoding="utf-8")
        pages.append((pid, lines, features_for_lines(lines), label_lines(lines, gold)))
    return pages


def line_weights(lines: list[str]) -> np.ndarray:
    # The metric averages pages and counts shingles: weigh lines by words, each page summing to one.
    words = np.array([len(_WORD.findall(line)) + 1.0 for line in lines])
    return words / words.sum()


def fit(pages: list[tuple[str, list[str], np.ndarray, np.ndarray]]) -> HistGradientBoostingClassifier:
    x = np.vstack([p[2] for p in pages])
    y = np.concatenate([p[3] for p in pages])
    w = np.concatenate([line_weights(p[1]) for p in pages])
    return HistGradientBoostingClassifier(**PARAMS).fit(x, y, sample_weight=w * len(pages))


def to_line_model(clf: HistGradientBoostingClassifier, threshold: float) -> LineModel:
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
    return LineModel(FEATURE_NAMES, float(np.ravel(clf._baseline_prediction)[0]), tuple(trees), threshold)


def cross_validate(pages, folds: int, threshold: float, pred_dir: Path) -> None:
    """Page-level k-fold: each page is predicted by a model trained on the other folds only."""
    pred_dir.mkdir(parents=True, exist_ok=True)
    order = np.random.default_rng(SEED).permutation(len(pages))
    for fold in range(folds):
        test = {int(i) for i in order[fold::folds]}
        model = to_line_model(fit([p for i, p in enumerate(pages) if i not in test]), threshold)
        for i in sorted(test):
            pid, lines, _, _ = pages[i]
            (pred_dir / f"{pid}.txt").write_text(clean_text("\n".join(lines), model=model).body, encoding="utf-8")
        print(f"fold {fold + 1}/{folds} done", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--pred-dir", type=Path, default=Path("/tmp/newsdesk-line-cv"))
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    args = ap.parse_args()
    bench = shared_dir() / "bench" / "extraction" / "scrapinghub"
    pages = load_pages(bench)
    print(f"{len(pages)} pages, {sum(len(p[1]) for p in pages)} lines, "
          f"{sum(int(p[3].sum()) for p in pages)} article lines", flush=True)
    if not args.no_cv:
        cross_validate(pages, args.folds, args.threshold, args.pred_dir)
        subprocess.run([sys.executable, str(shared_dir() / "tools" / "extract_score.py"), str(bench),
                        "--pred-dir", str(args.pred_dir), "--input-suffix", ".raw.txt", "--bootstrap", "0",
                        "--name", f"line-classifier {args.folds}-fold CV"], check=True)
    if not args.cv_only:
        save_model(to_line_model(fit(pages), args.threshold), args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
