"""The bundled sample batch as a new user's first screen shows it: ingest and clean its files, annotate the English
bodies, and check the entities a reader would look at first."""

from pathlib import Path

import pytest

from newsdesk.clean.article import clean_document
from newsdesk.config import CleanConfig, IngestConfig
from newsdesk.entities.annotate import annotate_texts
from newsdesk.ingest.batch import read_batch
from newsdesk.records import CleanArticle, Mention, RawDocument

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "sample-batch"
PLACES = {"GPE", "LOC", "FAC"}


@pytest.fixture(scope="module")
def mentions() -> list[Mention]:
    bodies = []
    for item in read_batch(SAMPLES, "sample", IngestConfig()):
        if isinstance(item, RawDocument):
            article = clean_document(item, CleanConfig())
            if isinstance(article, CleanArticle) and article.language == "en":
                bodies.append(article.body)
    assert len(bodies) >= 9
    return [m for ms in annotate_texts(bodies) for m in ms]


def labels(mentions: list[Mention], text: str) -> set[str]:
    return {m.label for m in mentions if m.text == text}


def test_bridge_is_a_place_and_the_cannery_and_food_group_organisations(mentions: list[Mention]) -> None:
    assert labels(mentions, "Old Harbor Bridge") and labels(mentions, "Old Harbor Bridge") <= PLACES
    assert labels(mentions, "Bay Cannery") == {"ORG"}
    assert labels(mentions, "Halvorsen Foods") == {"ORG"}
    assert labels(mentions, "Northwind Energy") == {"ORG"}


def test_people_are_people_and_common_words_are_not(mentions: list[Mention]) -> None:
    assert not labels(mentions, "Bread")
    fisk = [m for m in mentions if "Fisk" in m.text]
    assert fisk and {m.label for m in fisk} == {"PERSON"} and {m.canonical_name for m in fisk} == {"Helena Fisk"}
    assert labels(mentions, "Agnes Moller") == {"PERSON"} and not labels(mentions, "Stallholder Agnes Moller")
    for name in ("Ines Varga", "Ruth Okafor", "Peter Lund", "Dana Whitlock", "Samuel Achebe"):
        assert labels(mentions, name) == {"PERSON"}, name


def test_places_stay_places(mentions: list[Mention]) -> None:
    for name in ("Marlow Bay", "Skerry Island"):
        assert labels(mentions, name) and labels(mentions, name) <= PLACES, name
