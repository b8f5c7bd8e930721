"""Article-level evidence for entity types: capitals, team context, organisations, people, credits and datelines.
Each rule has a counter-example (a wrong re-typing costs as much as a missed one)."""

import re

from newsdesk.entities.datelines import dateline_places
from newsdesk.entities.linking import LinkOptions, link_mentions
from newsdesk.entities.ner import RawSpan
from newsdesk.entities.sports import team_slots


def spans(text: str, *marked: tuple[str, str, int]) -> list[RawSpan]:
    """RawSpans for (surface, label, occurrence) triples, as if the model had found them."""
    out = []
    for surface, label, nth in marked:
        start = [m.start() for m in re.finditer(re.escape(surface), text)][nth]
        out.append(RawSpan(start, start + len(surface), surface, label))
    return out


def linked(text: str, raw: list[RawSpan], **options: bool) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in link_mentions("d", text, raw, LinkOptions(**options))]


def test_dateline_places_open_a_line_and_nothing_else_does() -> None:
    text = ("CRICKET - HOSTS LOSE TO VISITORS\nKELDALE , England 1999-06-01\nThe hosts lost on Saturday.\n"
            "OSLO, March 3 (Wire) - Shares fell.\nOslo (Wire) - Shares rose.\nThe company (Wire) - said so.")
    assert [text[a:b] for a, b in dateline_places(text)] == ["KELDALE", "OSLO", "Oslo"]


def test_no_name_runs_over_a_line_break_or_a_slug_dash() -> None:
    text = "RUGBY - HOSTS SIGN FLANKER\nPORTSMOUTH 1997-03-02\nThe club said so on Sunday."
    got = linked(text, spans(text, ("FLANKER\nPORTSMOUTH", "GPE", 0), ("RUGBY - HOSTS", "ORG", 0)))
    assert ("PORTSMOUTH", "GPE") in got and ("FLANKER", "GPE") in got
    assert ("HOSTS", "ORG") in got and not any("\n" in t or " - " in t for t, _ in got)


RESULTS = ("Results of league matches on Saturday:\nAberdeen 2 Hibernian 1\nMotherwell 1 Kilmarnock 1\n"
           "Scotland 3 Wales 0\nStandings:\nCeltic 20 14 4 2 40 15 46\n"
           "Aberdeen fans celebrated in the city centre.")


def test_results_lines_give_sides_org_and_cut_scores_out_of_spans() -> None:
    raw = spans(RESULTS, ("Aberdeen 2 Hibernian", "ORG", 0), ("Motherwell 1", "ORG", 0), ("Scotland", "GPE", 0),
                ("Wales", "GPE", 0), ("Celtic", "NORP", 0), ("Aberdeen", "GPE", 1))
    got = linked(RESULTS, raw)
    assert ("Aberdeen", "ORG") in got and ("Hibernian", "ORG") in got and ("Motherwell", "ORG") in got
    assert ("Kilmarnock", "ORG") in got  # the model missed it; the results line names it
    assert ("Celtic", "ORG") in got
    assert ("Scotland", "GPE") in got and ("Wales", "GPE") in got  # national sides stay places
    assert got.count(("Aberdeen", "ORG")) == 2  # strong evidence: the same name stays ORG in the article
    assert not any(any(ch.isdigit() for ch in t) for t, _ in got)


def test_match_verbs_type_city_named_clubs_but_not_players() -> None:
    text = "Leeds beat Norwich 2-1 on Saturday. In Turin, Sinner beat Djokovic 6-3 6-4."
    got = linked(text, spans(text, ("Leeds", "PERSON", 0), ("Norwich 2-1", "PERSON", 0), ("Turin", "GPE", 0),
                             ("Sinner", "PERSON", 0), ("Djokovic", "PERSON", 0)))
    assert ("Leeds", "ORG") in got and ("Norwich", "ORG") in got
    assert ("Sinner", "PERSON") in got and ("Djokovic", "PERSON") in got and ("Turin", "GPE") in got


def test_prose_with_numbers_has_no_team_slots() -> None:
    for text in ("The council voted 7 to 2 on Thursday to spend 14 million dollars on the bridge.",
                 "The meeting is on Friday 12 December 2025 in Geneva, officials said.",
                 "About 2,000 island residents were left without a ferry for three days in May."):
        assert team_slots(text) == (), text


def test_corporate_suffix_and_ticker_make_an_organisation_and_the_symbol_no_entity() -> None:
    text = "Fenwick Logistics Inc (NASDAQ: FNWK) will buy Calder Freight Ltd. Fenwick Lane is closed (LSE: no)."
    got = linked(text, spans(text, ("Fenwick Logistics Inc", "PERSON", 0), ("FNWK", "ORG", 0),
                             ("Calder Freight Ltd", "GPE", 0), ("Fenwick Lane", "PERSON", 0)))
    assert got == [("Fenwick Logistics Inc", "ORG"), ("Calder Freight Ltd", "ORG"), ("Fenwick Lane", "PERSON")]


def test_head_nouns_type_organisations_and_facilities_but_not_places_or_people() -> None:
    text = ("Northwind Energy will repair the Old Harbor Bridge. The Soviet Union fell. Daniel Park scored, and "
            "Harrison Ford praised the Ford Motor Company. Ford said so.")
    got = linked(text, spans(text, ("Northwind Energy", "PERSON", 0), ("the Old Harbor Bridge", "PRODUCT", 0),
                             ("The Soviet Union", "GPE", 0), ("Daniel Park", "PERSON", 0),
                             ("Harrison Ford", "PERSON", 0), ("Ford Motor Company", "ORG", 0), ("Ford", "ORG", 2)))
    assert got[:4] == [("Northwind Energy", "ORG"), ("Old Harbor Bridge", "FAC"), ("Soviet Union", "GPE"),
                       ("Daniel Park", "PERSON")]
    assert got[-1] == ("Ford", "PERSON")  # the article's person, not the company's short form


def test_roles_are_trimmed_and_mark_people() -> None:
    text = "Stallholder Agnes Moller objected. The chief executive, Helena Fisk, said so. King Abdullah II spoke."
    got = linked(text, spans(text, ("Stallholder Agnes Moller", "PERSON", 0), ("Helena", "ORG", 0),
                             ("Fisk", "PRODUCT", 0), ("King Abdullah II", "PERSON", 0)))
    assert got == [("Agnes Moller", "PERSON"), ("Helena Fisk", "PERSON"), ("Abdullah II", "PERSON")]


def test_separate_names_side_by_side_are_not_joined() -> None:
    text = "Officials from Germany France and Italy met. Ties between Paris Berlin grew."
    raw = spans(text, ("Germany", "GPE", 0), ("France", "GPE", 0), ("Paris", "GPE", 0), ("Berlin", "GPE", 0))
    assert [t for t, _ in linked(text, raw)] == ["Germany", "France", "Paris", "Berlin"]


def test_surname_typed_as_a_thing_joins_the_article_person_but_a_known_place_stays() -> None:
    text = "Helena Fisk spoke first. Fisk said the data would be public. Ruth Jordan flew to Jordan."
    got = linked(text, spans(text, ("Helena Fisk", "PERSON", 0), ("Fisk", "PRODUCT", 1), ("Ruth Jordan", "PERSON", 0),
                             ("Jordan", "GPE", 1)), pick_up_repeats=False)
    assert got == [("Helena Fisk", "PERSON"), ("Fisk", "PERSON"), ("Ruth Jordan", "PERSON"), ("Jordan", "GPE")]


def test_common_words_at_a_sentence_start_are_dropped_but_lone_surnames_kept() -> None:
    text = ("Bread and milk ran short. Island councillor Fergus Bell spoke; the island waited. Putin said nothing "
            "more.")
    got = linked(text, spans(text, ("Bread", "PERSON", 0), ("Island", "GPE", 0), ("Fergus Bell", "PERSON", 0),
                             ("Putin", "PERSON", 0)))
    assert got == [("Fergus Bell", "PERSON"), ("Putin", "PERSON")]


def test_photo_credits_hold_no_entities() -> None:
    text = "Three men were charged. Photo: Tom Ashby/Westend Pictures. Photos of the raid were shared by Tom Ashby."
    got = linked(text, spans(text, ("Tom Ashby", "PERSON", 0), ("Westend Pictures", "ORG", 0),
                             ("Tom Ashby", "PERSON", 1)), pick_up_repeats=False)
    assert got == [("Tom Ashby", "PERSON")]  # the one in the sentence, not the one in the credit


def test_dateline_place_stays_a_place_next_to_a_team_of_that_name() -> None:
    text = "NEW YORK 1998-08-02\nStandings after Saturday's games:\nNEW YORK 74 38 .661 -\nBOSTON 58 55 .513 16\n"
    got = linked(text, spans(text, ("NEW YORK", "GPE", 1), ("BOSTON", "GPE", 0)))
    assert got == [("NEW YORK", "GPE"), ("NEW YORK", "ORG"), ("BOSTON", "ORG")]


def test_a_long_list_of_repeats_is_linked_in_linear_time() -> None:
    import time

    text = " ".join(["Kestrel"] * 40_000)
    started = time.process_time()
    mentions = link_mentions("d", text, spans(text, ("Kestrel", "ORG", 0)))
    assert len(mentions) == 40_000
    assert time.process_time() - started < 20  # quadratic overlap checks took over 400 s here


def test_an_organisation_noun_before_a_name_makes_it_an_organisation_but_not_a_person() -> None:
    text = ("Japanese carmaker Toyota raised its forecast. Dutch side Ajax lost. The company founder Anna Berg "
            "spoke, and film producer Jonas Lind agreed. Talks in Toyota went on.")
    got = linked(text, spans(text, ("Toyota", "GPE", 0), ("Ajax", "PERSON", 0), ("Anna Berg", "PERSON", 0),
                             ("Jonas Lind", "PERSON", 0), ("Toyota", "GPE", 1)), pick_up_repeats=False)
    assert got[:4] == [("Toyota", "ORG"), ("Ajax", "ORG"), ("Anna Berg", "PERSON"), ("Jonas Lind", "PERSON")]


def test_results_and_table_rows_are_found_line_by_line_as_in_the_whole_body() -> None:
    """team_slots searches only the lines that may hold a result or a table row: on random lines
    of names, scores, dates, signs and punctuation, the same matches as each pattern over the
    whole body (and the search does skip lines)."""
    import random

    from newsdesk.entities import sports

    rng = random.Random(5)
    parts = ["Aberdeen", "Hibernian 1", "2-1", "Celtic", "20", "14", "-3", ".536", "On Saturday",
             ",", ";", ":", "drew with", "March 12,", "2024", "St. Mirren", "the", "and", "\t"]
    skipped = found = 0
    for _ in range(3000):
        lines = [" ".join(rng.choice(parts) for _ in range(rng.randrange(1, 9)))
                 for _ in range(rng.randrange(1, 6))]
        body = "\n".join(lines)
        searched = sports._row_lines(body)
        skipped += len(lines) - len(searched)
        for pattern in (sports.RESULT, sports.SCORELINE, sports.STANDING):
            whole = [m.span() for m in pattern.finditer(body)]
            by_line = [m.span() for s, e in searched for m in pattern.finditer(body, s, e)]
            assert by_line == whole, body
            found += len(whole)
    assert skipped > 1000 and found > 300
