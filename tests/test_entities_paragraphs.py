"""The model reads paragraphs, each once per process: the spans do not depend on what was read
before, in which order or in which call, and a repeated paragraph is not read again."""

from __future__ import annotations

import dataclasses

import pytest

from newsdesk.config import NerConfig
from newsdesk.entities import paragraphs
from newsdesk.entities.ner import load_model
from newsdesk.entities.paragraphs import BREAK, forget, paragraph_pieces, read_bodies

WIRE = [
    "Maria Lopez, the mayor of Valencia, met Airbus executives in Toulouse on Monday.",
    "The talks with Airbus and Iberia covered a new maintenance plant near Valencia airport.",
    "Lopez told the Valencia city council that Boeing had also shown interest in the site.",
]
BODIES = [
    "\n\n".join(WIRE),
    "\n\n".join(["Posted by the Harbour Ledger desk in Lisbon for Ana Costa.", *WIRE[:2]]),
    "\n\n".join([WIRE[2], "Reporting by Tom Berg in Oslo; editing by Jane Hill at Reuters."]),
    "One paragraph only, naming Angela Merkel and the European Central Bank in Frankfurt.",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget()
    yield
    forget()


def _read(bodies: list[str], config: NerConfig = NerConfig()):
    return read_bodies(load_model(config.model), bodies, config)


def test_spans_do_not_depend_on_order_calls_or_cache() -> None:
    together, _ = _read(BODIES)
    forget()
    alone = {}
    for body in reversed(BODIES):
        forget()
        alone.update(_read([body])[0])
    again, _ = _read(BODIES)  # every paragraph from the cache now
    assert together == alone == again
    assert any(s.text == "Airbus" for s in together[BODIES[0]])
    for body, spans in together.items():
        assert all(body[s.start_char : s.end_char] == s.text for s in spans)


def test_a_repeated_paragraph_goes_through_the_model_once(monkeypatch) -> None:
    seen: list[str] = []
    real = paragraphs.find_spans

    def counting(nlp, docs, batch_size):
        seen.extend(d.text for d in docs)
        return real(nlp, docs, batch_size)

    monkeypatch.setattr(paragraphs, "find_spans", counting)
    _read(BODIES[:2])
    _read(BODIES[2:])
    assert sorted(seen) == sorted({p for b in BODIES for p in b.split("\n\n")})


def test_token_cap_holds_with_cached_paragraphs() -> None:
    body = "\n\n".join(WIRE * 4)
    config = dataclasses.replace(NerConfig(), max_tokens=40)
    uncached = _read([body], config)
    forget()
    _read(["\n\n".join(WIRE)])  # the first paragraphs are now known, with their token counts
    cached = _read([body], config)
    assert cached == uncached
    spans, left_out = cached
    read_upto = len(body) - left_out[body]
    assert 0 < read_upto < len(body)
    tokens = load_model(config.model).make_doc(body[:read_upto])
    assert sum(not t.is_space for t in tokens) <= 40
    assert all(s.end_char <= read_upto for s in spans[body])


def test_paragraph_pieces_cover_the_text_between_blank_lines() -> None:
    body = "\n\nfirst\n\n\n\n  \n\nsecond part\nsame paragraph\n\nthird"
    pieces = [body[a:b] for a, b in paragraph_pieces(body, 100)]
    assert pieces == ["first", "second part\nsame paragraph", "third"]
    long = "word " * 100
    assert all(b - a <= 60 for a, b in paragraph_pieces(long, 60))
    assert "".join(long[a:b] for a, b in paragraph_pieces(long, 60)) == long


def test_the_export_puts_articles_sharing_a_paragraph_next_to_each_other() -> None:
    import duckdb

    from newsdesk.store.entity_tables import NER_INPUTS_SQL

    shared = ("A shared wire paragraph about the harbour strike, which went into its third day, long "
              "enough to count as one.")
    bodies = {f"u{i}": f"Unrelated story number {i} about the weather in town {i}, with detail."
              for i in range(30)}
    bodies["a"] = f"Intro written by one outlet about the strike.\n\n{shared}"  # short ones: no key
    bodies["z"] = f"{shared}\n\nA different outlet's closing paragraph, which is its own."
    con = duckdb.connect()
    con.execute("CREATE TABLE arts (doc_id VARCHAR, batch_id VARCHAR, title VARCHAR, body VARCHAR, "
                "language VARCHAR)")
    con.execute("CREATE TABLE docs (doc_id VARCHAR, source_path VARCHAR, external_id VARCHAR, "
                "n_bytes BIGINT, sha256 VARCHAR)")
    con.executemany("INSERT INTO arts VALUES (?, 'b', NULL, ?, 'en')", list(bodies.items()))
    order = [r[0] for r in con.execute(NER_INPUTS_SQL.format(articles="arts", documents="docs"),
                                       ["b", BREAK]).fetchall()]
    assert sorted(order) == sorted(bodies)
    assert len(shared) >= 80 and abs(order.index("a") - order.index("z")) == 1
