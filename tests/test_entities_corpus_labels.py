"""Corpus-level typing from per-article views, with counter-examples in both directions."""

import pytest

from newsdesk.entities.corpus_labels import LabelView, corpus_label


def views(label: str, n: int, mentions: int = 1, strong: bool = False) -> list[LabelView]:
    return [LabelView(label, mentions, strong) for _ in range(n)]


def test_articles_count_not_mentions() -> None:
    # One long profile repeating the model's wrong label 20 times does not outvote four articles.
    assert corpus_label(views("PERSON", 1, mentions=20) + views("ORG", 4)) == "ORG"


def test_strong_evidence_beats_a_weak_majority() -> None:
    # "Bay Cannery": sold as a company in one article (head noun), read as a place by the model in two others.
    assert corpus_label(views("ORG", 1, strong=True) + views("FAC", 2)) == "ORG"


def test_washington_the_city_stays_a_place_though_it_acts_as_the_government() -> None:
    # Datelines and reference data make the capital a place; "Washington imposed tariffs", typed ORG by the
    # model in more articles, is the city used for its government (a place, by the guidelines).
    assert corpus_label(views("GPE", 2, strong=True) + views("ORG", 5)) == "GPE"


def test_washington_the_team_stays_an_organisation() -> None:
    # Results lines make the side an organisation; the model's place reading in other articles is weak.
    assert corpus_label(views("ORG", 3, strong=True) + views("GPE", 4)) == "ORG"


def test_jordan_the_country_is_not_made_a_person_by_weak_person_readings() -> None:
    assert corpus_label(views("GPE", 3, strong=True) + views("PERSON", 4, mentions=3)) == "GPE"


def test_jordan_the_person_is_not_made_a_country_by_weak_place_readings() -> None:
    # A senator named in full in two articles; her surname alone typed GPE by the model in three more.
    assert corpus_label(views("PERSON", 2, strong=True) + views("GPE", 3)) == "PERSON"


def test_without_strong_evidence_the_majority_of_articles_decides_then_mentions() -> None:
    assert corpus_label(views("GPE", 3) + views("LOC", 2, mentions=9)) == "GPE"
    assert corpus_label(views("GPE", 2, mentions=2) + views("LOC", 2, mentions=5)) == "LOC"


def test_no_views_is_an_error() -> None:
    with pytest.raises(ValueError):
        corpus_label([])


def test_articles_report_which_labels_rest_on_strong_evidence() -> None:
    from newsdesk.entities.linking import link_article
    from newsdesk.entities.ner import RawSpan

    text = "Senator Ruth Jordan visited Jordan. Jordan said the Kestrel Holdings plant would stay. Talks went on."
    raw = [RawSpan(8, 19, "Ruth Jordan", "PERSON"), RawSpan(28, 34, "Jordan", "GPE"),
           RawSpan(36, 42, "Jordan", "PERSON"), RawSpan(52, 68, "Kestrel Holdings", "FAC")]
    mentions, strong = link_article("d", text, raw, title=None)
    by_text = {(m.text, m.start_char): m for m in mentions}
    person, country = by_text[("Ruth Jordan", 8)], by_text[("Jordan", 28)]
    assert person.label == "PERSON" and country.label == "GPE" and country.ref_id == "iso:JO"
    assert by_text[("Jordan", 36)].canonical_name == "Ruth Jordan"  # the surname, linked: the person's view
    assert by_text[("Kestrel Holdings", 52)].label == "ORG"
    assert strong == {person.entity_id, country.entity_id, by_text[("Kestrel Holdings", 52)].entity_id}
