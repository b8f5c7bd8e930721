"""The line model's flat, all-trees-at-once walk gives exactly what walking each tree alone gives."""

import numpy as np

from newsdesk.clean.line_model import LineModel, Tree, load_model


def _walk_each_tree(model: LineModel, features: np.ndarray) -> np.ndarray:
    """The plain reading of a boosted forest: per row, per tree, root to leaf; leaves added in
    tree order."""
    out = []
    for row in features:
        raw = model.baseline
        for tree in model.trees:
            raw += tree.value[_leaf(tree, row)]
        out.append(1.0 / (1.0 + np.exp(-raw)))
    return np.array(out)


def _leaf(tree: Tree, row: np.ndarray) -> int:
    node = 0
    while tree.feature[node] >= 0:
        go_left = row[tree.feature[node]] <= tree.threshold[node]
        node = int(tree.left[node] if go_left else tree.right[node])
    return node


def test_flat_walk_equals_walking_each_tree() -> None:
    model = load_model()
    rng = np.random.default_rng(7)
    n = len(model.feature_names)
    rows = np.vstack([
        rng.random((300, n)) * rng.choice([1, 10, 100, 1000], size=(300, n)),
        _near_cuts(model, rng, 2000),
        np.zeros((3, n)),
        np.full((2, n), np.nan),  # a missing value goes right in both walks
    ])
    np.testing.assert_array_equal(model.first_pass(rows), _walk_each_tree(model, rows))
    one = rows[:1]
    np.testing.assert_array_equal(model.first_pass(one), _walk_each_tree(model, one))


def _near_cuts(model: LineModel, rng: np.random.Generator, n_rows: int) -> np.ndarray:
    """Rows whose every value sits just below or above one of the model's own cuts on that feature:
    they take every side of every split, down to the deepest leaves."""
    cuts: list[list[float]] = [[0.0] for _ in model.feature_names]
    for tree in model.trees:
        for feature, threshold in zip(tree.feature, tree.threshold):
            if feature >= 0:
                cuts[feature].append(float(threshold))
    rows = np.empty((n_rows, len(cuts)))
    for j, values in enumerate(cuts):
        picked = rng.choice(values, size=n_rows)
        rows[:, j] = picked + rng.choice([-1e-6, 1e-6], size=n_rows) * np.maximum(1.0, np.abs(picked))
    return rows
