"""The line classifier's JSON export predicts what scikit-learn predicts, and the shipped artefact fits the features."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from newsdesk.clean.line_features import FEATURE_NAMES, densest_region
from newsdesk.clean.line_model import load_model, model_from_dict, model_to_dict
from newsdesk.clean.rules import rules_digest
from newsdesk.clean.text_classifier import classify_lines


def test_exported_trees_match_sklearn() -> None:
    import importlib.util
    import sys
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "train_line_classifier", Path(__file__).resolve().parent.parent / "scripts" / "train_line_classifier.py")
    assert spec is not None and spec.loader is not None
    train = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = train  # its dataclasses look their module up
    spec.loader.exec_module(train)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURE_NAMES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 5] > 0).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0).fit(x, y)
    model = model_from_dict(model_to_dict(train.to_line_model(clf, 0.5, ["synthetic"])))
    np.testing.assert_allclose(model.predict_proba(x), clf.predict_proba(x)[:, 1], atol=1e-4)


def test_shipped_model_matches_feature_list() -> None:
    model = load_model()
    assert model.feature_names == FEATURE_NAMES
    assert 0 < model.threshold < 1 and len(model.trees) > 10


def test_shipped_model_was_trained_on_the_current_rules() -> None:
    """The rule features are the registry's kinds: a rule changed since training changes what the model sees.
    Retrain with scripts/train_line_classifier.py when this fails."""
    assert load_model().rules_digest == rules_digest()


def test_prose_kept_menu_dropped() -> None:
    prose = ("The council voted on Tuesday to approve the new budget, which adds money for schools and roads "
             "after a long debate about the cost of the plan and how it would be paid for.")
    lines = ["Home", "News", "Sport", "Weather", "Contact us"] + [prose.replace("Tuesday", d) for d in
                                                                  ("Monday", "Tuesday", "Friday")] + ["Privacy", "Terms"]
    keep, _ = classify_lines(lines, language="en")
    assert keep[5:8] == [True, True, True]
    assert not any(keep[:5]) and not any(keep[8:])


@pytest.mark.parametrize("weights,span", [([-1, 3, -1, 4, -9, 2], (1, 3)), ([-1, -2], (0, -1))])
def test_densest_region(weights: list[float], span: tuple[int, int]) -> None:
    assert densest_region(weights) == span
