"""The line classifier's model: a gradient-boosted tree ensemble stored as plain JSON.

Written by us (a few lines of numpy) instead of unpickling scikit-learn objects, so the versioned
artefact is readable, small and does not break when scikit-learn changes its private classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.clean.line_features import second_pass_features

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "resources" / "line_classifier.json"


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray  # feature index per node (-1 for leaves)
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # leaf values (raw score)


@dataclass(frozen=True)
class LineModel:
    feature_names: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]
    threshold: float  # keep a line when its probability of being article text reaches this
    rules_digest: str = ""  # `rules.rules_digest()` of the rule set the rule features came from
    info: dict[str, object] = field(
        default_factory=dict, hash=False, compare=False
    )  # version, training sets
    # Reads this model's probabilities with each line's neighbours' (`second_pass_features`): a
    # paragraph among kept ones is kept even when it reads less like prose on its own.
    second: LineModel | None = None

    @cached_property
    def forest(self) -> _Forest:
        return _stack(self.trees)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probability that each row (line of one document) is article text (after the second
        pass when the model has one)."""
        return self.predict_passes(features)[1]

    def predict_passes(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first-pass, final) probabilities per row; the same array twice without a second pass."""
        first = self.first_pass(features)
        if self.second is None:
            return first, first
        return first, self.second.first_pass(second_pass_features(features, first))

    def first_pass(self, features: np.ndarray) -> np.ndarray:
        """Probability that each row is article text, from this model's trees alone.

        All trees are walked at once, one level per step, on flat arrays where a leaf leads to
        itself (a few numpy calls per document instead of a few per tree and level); the leaf
        values are then added tree by tree, in the same order as the trees."""
        forest = self.forest
        n_rows, n_features = features.shape
        flat = np.ascontiguousarray(features, dtype=float).ravel()
        row_base = (np.arange(n_rows) * n_features)[:, None]
        node = np.broadcast_to(forest.roots, (n_rows, len(forest.roots)))
        for _ in range(forest.depth):
            goes_left = flat[row_base + forest.feature[node]] <= forest.threshold[node]
            node = np.where(goes_left, forest.left[node], forest.right[node])
        leaves = np.empty((n_rows, len(forest.roots) + 1))
        leaves[:, 0] = self.baseline
        leaves[:, 1:] = forest.value[node]
        raw = np.add.accumulate(leaves, axis=1)[:, -1]  # sequential: the same sums as a loop
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass(frozen=True)
class _Forest:
    """Every tree's nodes in flat arrays (node ids global); a leaf's children are itself, so a walk
    of `depth` steps ends on a leaf from any root."""

    roots: np.ndarray
    depth: int
    feature: np.ndarray  # 0 at leaves (read, then ignored)
    threshold: np.ndarray  # +inf at leaves
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray


def _stack(trees: tuple[Tree, ...]) -> _Forest:
    """The trees as one flat forest (built once per model: `LineModel.forest` caches it)."""
    offsets = np.cumsum([0] + [len(t.feature) for t in trees[:-1]])
    feature, threshold, left, right, value = [], [], [], [], []
    depth = 0
    for tree, offset in zip(trees, offsets):
        leaf = tree.feature < 0
        own = np.arange(len(tree.feature)) + offset
        feature.append(np.where(leaf, 0, tree.feature))
        threshold.append(np.where(leaf, np.inf, tree.threshold))
        left.append(np.where(leaf, own, tree.left + offset))
        right.append(np.where(leaf, own, tree.right + offset))
        value.append(tree.value)
        depth = max(depth, _depth(tree))
    return _Forest(
        offsets.astype(np.int64),
        depth,
        np.concatenate(feature),
        np.concatenate(threshold),
        np.concatenate(left),
        np.concatenate(right),
        np.concatenate(value).astype(float),
    )


def _depth(tree: Tree) -> int:
    """Steps from the root to the deepest leaf."""
    deepest, level = 0, [(0, 0)]
    while level:
        node, steps = level.pop()
        if tree.feature[node] < 0:
            deepest = max(deepest, steps)
        else:
            level += [(int(tree.left[node]), steps + 1), (int(tree.right[node]), steps + 1)]
    return deepest


def model_to_dict(model: LineModel) -> dict[str, object]:
    """JSON-ready form of a model (leaf values rounded to 6 digits, far below the model noise; cuts
    exact)."""
    return {
        **model.info,
        "rules_digest": model.rules_digest,
        "feature_names": list(model.feature_names),
        "baseline": round(model.baseline, 6),
        "threshold": model.threshold,
        "trees": [
            {
                "feature": tree.feature.tolist(),
                "threshold": [
                    float(t) for t in tree.threshold
                ],  # exact: a rounded cut can flip a line
                "left": tree.left.tolist(),
                "right": tree.right.tolist(),
                "value": [round(float(v), 6) for v in tree.value],
            }
            for tree in model.trees
        ],
        **({"second_stage": model_to_dict(model.second)} if model.second is not None else {}),
    }


def model_from_dict(data: dict[str, Any]) -> LineModel:
    """The model from its JSON form (`data` is parsed JSON: its shape is `model_to_dict`'s)."""
    trees = tuple(
        Tree(
            feature=np.asarray(t["feature"], dtype=np.int64),
            threshold=np.asarray(t["threshold"], dtype=float),
            left=np.asarray(t["left"], dtype=np.int64),
            right=np.asarray(t["right"], dtype=np.int64),
            value=np.asarray(t["value"], dtype=float),
        )
        for t in data["trees"]
    )
    info = {k: v for k, v in data.items() if k not in _MODEL_KEYS}
    return LineModel(
        tuple(data["feature_names"]),
        float(data["baseline"]),
        trees,
        float(data["threshold"]),
        str(data.get("rules_digest", "")),
        info,
        model_from_dict(data["second_stage"]) if "second_stage" in data else None,
    )


_MODEL_KEYS = {"feature_names", "baseline", "threshold", "trees", "rules_digest", "second_stage"}


@lru_cache(maxsize=4)
def load_model(path: Path = DEFAULT_MODEL) -> LineModel:
    """The versioned model artefact (cached: it is read once per process)."""
    return model_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def save_model(model: LineModel, path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(
        json.dumps(model_to_dict(model), separators=(",", ":")) + "\n", encoding="utf-8"
    )
