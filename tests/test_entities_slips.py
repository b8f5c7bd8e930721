"""Issue 26 item 12, entity slips, through the real stages (ingest, clean, spaCy, linking, publish): a misspelt
name in an article of its own joins the person ("Xi Jingping" -> "Xi Jinping"); "Brexit" is a term, not a person;
a wind farm's name is a place (FAC), not a person. The articles are written for this test."""

from pathlib import Path

import pytest
from conftest import Pipeline

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

XI = ("Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow on {day}. Xi Jinping said "
      "the two leaders discussed energy and trade, and the Kremlin called the talks warm.")
ARTICLES = {
    "xi-1.txt": "Leaders meet in Moscow\n\n" + XI.format(day="Monday"),
    "xi-2.txt": "Talks continue\n\n" + XI.format(day="Tuesday"),
    "xi-3.txt": "A second day of talks\n\n" + XI.format(day="Wednesday") + " Officials in Moscow agreed.",
    # alone in its article, the small model types the misspelt name as a place
    "xi-rare.txt": ("An old friendship\n\nSince Xi Jingping came to power in 2012, he has never hidden his closeness "
                    "to Vladimir Putin, whom he calls an old friend. The Kremlin said the talks in Moscow went well."),
    "brexit.txt": ("Voters weigh the cost of leaving\n\nBrexit has cost the economy dearly, economists said on "
                   "Monday. Rival candidates attacked each other's policies on Brexit, health care and the "
                   "economy in a debate in Leeds."),
    "wind.txt": ("Turbine fire at sea\n\nA fire broke out on one of the first turbines installed at the Greyhaven "
                 "wind farm on Tuesday night, the coastguard said. Greyhaven lies twelve miles off the coast."),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("slips"))
    folder: Path = pipeline.add_batch("slips")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    assert pipeline.run_batch("slips", publish=False).success
    return pipeline


def test_misspelt_name_in_its_own_article_joins_the_person(run: Pipeline) -> None:
    rows = run.query("SELECT name, label, n_articles, aliases FROM entities WHERE name LIKE 'Xi Jin%'")
    assert [(name, label, n) for name, label, n, _ in rows] == [("Xi Jinping", "PERSON", 4)], rows
    assert "Xi Jingping" in rows[0][3]


def test_terms_and_facilities_are_not_people(run: Pipeline) -> None:
    labels = dict(run.query("SELECT name, label FROM entities WHERE name IN ('Brexit', 'Greyhaven')"))
    assert labels.get("Brexit") in (None, "MISC", "EVENT"), labels
    assert labels.get("Greyhaven") in (None, "FAC", "LOC", "GPE"), labels
    assert not run.query("SELECT name FROM entities WHERE label = 'PERSON' AND name IN ('Brexit', 'Greyhaven')")
