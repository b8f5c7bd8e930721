"""Corpus-level aliases: bare acronyms join their one expansion; rare person spellings join a common one only
with shared context; counter-examples stay apart."""

from pathlib import Path

import duckdb
import pytest
from helpers import write_transaction

from newsdesk.entities.corpus import find_spelling_evidence
from newsdesk.entities.keys import make_entity_id
from newsdesk.entities.spelling import close_spelling, one_edit_apart
from newsdesk.store.entity_tables import apply_aliases, refresh_aliases


def _pid(name: str) -> str:
    return make_entity_id(name.casefold(), "PERSON")


def _add(con: duckdb.DuckDBPyConnection, doc: str, batch: str, names: list[tuple[str, str]]) -> None:
    for name, label in names:
        local = make_entity_id(name.casefold(), label)
        con.execute("INSERT INTO entity_mentions VALUES (?, ?, 0, 1, ?, ?, ?, ?)", [doc, batch, name, label, local, local])
        con.execute("INSERT INTO article_entities (doc_id, batch_id, entity_id, name, n_mentions, in_title, first_char,"
                    " local_id) VALUES (?, ?, ?, ?, 1, false, 0, ?)", [doc, batch, local, name, local])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "aliases.duckdb"


def test_rare_spelling_with_shared_context_joins_common_name(db: Path) -> None:
    with write_transaction(db) as con:
        for i in range(4):
            _add(con, f"d{i}", "old", [("Xi Jinping", "PERSON"), ("Vladimir Putin", "PERSON"), ("Beijing", "GPE")])
        _add(con, "new1", "new", [("Xi Jingping", "PERSON"), ("Vladimir Putin", "PERSON"), ("Beijing", "GPE")])
        evidence = find_spelling_evidence(con, "new")
    assert evidence == [("new1", _pid("Xi Jingping"), _pid("Xi Jinping"))]


def test_rare_spelling_the_model_typed_as_a_place_joins_the_person(db: Path) -> None:
    """Alone in its article, "Xi Jingping" is typed GPE by the small model; it is still a rare spelling of a
    person. A known place one edit from a person's name ("San Antonio" / "San Antonia") is not."""
    with write_transaction(db) as con:
        for i in range(4):
            _add(con, f"d{i}", "old", [("Xi Jinping", "PERSON"), ("Vladimir Putin", "PERSON"), ("Moscow", "GPE"),
                                       ("San Antonia", "PERSON"), ("Texas", "GPE")])
        _add(con, "new1", "new", [("Xi Jingping", "GPE"), ("Vladimir Putin", "PERSON"), ("Moscow", "GPE")])
        _add(con, "new2", "new", [("San Antonio", "GPE"), ("Vladimir Putin", "PERSON"), ("Texas", "GPE")])
        evidence = find_spelling_evidence(con, "new")
    assert evidence == [("new1", make_entity_id("xi jingping", "GPE"), _pid("Xi Jinping"))]


def test_similar_names_without_shared_context_stay_apart(db: Path) -> None:
    with write_transaction(db) as con:
        for i in range(4):
            _add(con, f"d{i}", "old", [("Ben Johnson", "PERSON"), ("Seoul", "GPE"), ("Carl Lewis", "PERSON")])
        _add(con, "new1", "new", [("Ben Jonson", "PERSON"), ("London", "GPE"), ("William Shakespeare", "PERSON")])
        assert find_spelling_evidence(con, "new") == []


def test_two_spellings_in_one_article_are_two_people(db: Path) -> None:
    with write_transaction(db) as con:
        for i in range(4):
            _add(con, f"d{i}", "old", [("Anna Karlsson", "PERSON"), ("Oslo", "GPE"), ("Equinor", "ORG")])
        _add(con, "new1", "new", [("Anna Carlsson", "PERSON"), ("Anna Karlsson", "PERSON"), ("Oslo", "GPE"),
                                  ("Equinor", "ORG")])
        assert find_spelling_evidence(con, "new") == []


@pytest.mark.parametrize("a,b,close", [("Xi Jinping", "Xi Jingping", True), ("John Smith", "Joan Smith", False),
                                       ("Wang Yi", "Wang Li", False), ("Ben Johnson", "Ben Jonson", True),
                                       ("Kim Jong Un", "Kim Jong Il", False)])
def test_close_spelling(a: str, b: str, close: bool) -> None:
    assert close_spelling(a, b) is close


def test_one_edit_apart() -> None:
    assert one_edit_apart("jinping", "jingping") and one_edit_apart("lavrov", "lavrow")
    assert not one_edit_apart("lavrov", "lavrov") and not one_edit_apart("abcde", "abxye")


def _acronym_doc(con: duckdb.DuckDBPyConnection, doc: str, expansion: str | None, acronym: str) -> None:
    alias = make_entity_id(acronym.casefold(), "ORG")
    if expansion:
        local = make_entity_id(expansion.casefold(), "ORG")
        _add(con, doc, "b", [(expansion, "ORG")])
        con.execute("INSERT INTO entity_evidence VALUES (?, 'b', ?, ?, 'acronym')", [doc, alias, local])
    else:
        _add(con, doc, "b", [(acronym, "ORG")])


def test_bare_acronym_joins_its_only_expansion_but_not_an_ambiguous_one(db: Path) -> None:
    with write_transaction(db) as con:
        _acronym_doc(con, "n1", "North Atlantic Treaty Organization", "NATO")
        _acronym_doc(con, "n2", None, "NATO")
        _acronym_doc(con, "a1", "American Medical Association", "AMA")
        _acronym_doc(con, "a2", "Australian Medical Association", "AMA")
        _acronym_doc(con, "a3", None, "AMA")
        changed = refresh_aliases(con)
        apply_aliases(con, "b", changed)
        ids = dict(con.execute("SELECT doc_id, entity_id FROM article_entities").fetchall())
    assert ids["n2"] == ids["n1"] == make_entity_id("north atlantic treaty organization", "ORG")
    assert ids["a3"] == make_entity_id("ama", "ORG")  # two organisations share it: it joins neither
