"""The line classifier's JSON export predicts what scikit-learn predicts, and the shipped artefact fits the features."""

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from newsdesk.clean.line_features import (
    FEATURE_NAMES,
    SECOND_PASS_NAMES,
    densest_region,
    second_pass_features,
)
from newsdesk.clean.line_model import load_model, model_from_dict, model_to_dict
from newsdesk.clean.rules import rules_digest
from newsdesk.clean.text_classifier import classify_lines, extend_prose


def _train_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_line_classifier", Path(__file__).resolve().parent.parent / "scripts" / "train_line_classifier.py")
    assert spec is not None and spec.loader is not None
    train = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = train  # its dataclasses look their module up
    spec.loader.exec_module(train)
    return train


def test_exported_trees_match_sklearn() -> None:
    train = _train_module()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURE_NAMES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 5] > 0).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0).fit(x, y)
    model = model_from_dict(model_to_dict(train.to_line_model(clf, 0.5, ["synthetic"])))
    np.testing.assert_allclose(model.predict_proba(x), clf.predict_proba(x)[:, 1], atol=1e-4)


def test_exported_second_pass_matches_sklearn() -> None:
    """A two-pass model predicts what the second scikit-learn model predicts on the first one's output."""
    train = _train_module()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, len(FEATURE_NAMES)))
    y = (x[:, 0] > 0).astype(int)
    first = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(x, y)
    p = first.predict_proba(x)[:, 1]
    x2 = second_pass_features(x, p)
    y2 = (x2[:, len(FEATURE_NAMES) + 1] > 0.5).astype(int)  # the previous line's first-pass verdict
    second = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(x2, y2)
    model = replace(train.to_line_model(first, 0.5, ["synthetic"]),
                    second=train.to_line_model(second, 0.5, ["synthetic"], FEATURE_NAMES + SECOND_PASS_NAMES))
    model = model_from_dict(model_to_dict(model))
    np.testing.assert_allclose(model.predict_proba(x), second.predict_proba(x2)[:, 1], atol=1e-4)


def test_second_pass_features_read_the_neighbours() -> None:
    first = np.array([0.9, 0.1, 0.8, 0.2, 0.05, 0.05])
    x2 = second_pass_features(np.zeros((6, len(FEATURE_NAMES))), first)
    col = {name: len(FEATURE_NAMES) + i for i, name in enumerate(SECOND_PASS_NAMES)}
    assert x2.shape == (6, len(FEATURE_NAMES) + len(SECOND_PASS_NAMES))
    np.testing.assert_allclose(x2[:, col["p-1"]], [0, 0.9, 0.1, 0.8, 0.2, 0.05])
    np.testing.assert_allclose(x2[:, col["p+2"]], [0.8, 0.2, 0.05, 0.05, 0, 0])
    np.testing.assert_allclose(x2[:, col["p_kept_distance"]], [0, 1, 0, 1, 2, 3])
    assert second_pass_features(np.zeros((0, len(FEATURE_NAMES))), np.zeros(0)).shape[0] == 0


def test_shipped_model_matches_feature_list() -> None:
    model = load_model()
    assert model.feature_names == FEATURE_NAMES
    assert 0 < model.threshold < 1 and len(model.trees) > 10
    assert model.second is not None and model.second.feature_names == FEATURE_NAMES + SECOND_PASS_NAMES


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


def test_lead_paragraph_above_kept_text_opens_it() -> None:
    lead = "The harbour board has closed the old pier for a year while divers check every pile below it."
    quote = "Nobody was hurt, the board said."
    lines = ["Menu", lead, "Article text the classifier kept.", quote, "Share"]
    assert extend_prose(lines, [False, False, True, False, False]) == [False, True, True, True, False]


def test_short_line_or_question_above_kept_text_does_not_open_it() -> None:
    # A one-line teaser, caption or teaser question above the article is not its lead.
    lines = ["Read our guide to the new pier today.", "Article text the classifier kept."]
    assert extend_prose(lines, [False, True]) == [False, True]
    question = "Why did the harbour board close the old pier for a whole year, and who will pay for it?"
    assert extend_prose([question, lines[1]], [False, True]) == [False, True]


def test_short_line_between_kept_paragraphs_is_kept() -> None:
    # A subhead between two kept paragraphs is the article's; a long line there is left to the model.
    first, second = "The pier closed on Monday.", "Divers will check every pile."
    assert extend_prose([first, "What happens next", second], [True, False, True]) == [True] * 3
    teaser = "Read more stories about the harbour and the old pier in our weekly newsletter now"
    assert extend_prose([first, teaser, second], [True, False, True]) == [True, False, True]
    assert extend_prose(["Menu", "Home", second], [False, False, True]) == [False, False, True]


@pytest.mark.parametrize("weights,span", [([-1, 3, -1, 4, -9, 2], (1, 3)), ([-1, -2], (0, -1))])
def test_densest_region(weights: list[float], span: tuple[int, int]) -> None:
    assert densest_region(weights) == span
