"""Block rules and HTML-path filters on invented lines (not seed text)."""

import pytest

from newsdesk.clean.context import mark_verbatim_repeats
from newsdesk.clean.html_merge import MergeConfig, merge_blocks, needs_second_opinion
from newsdesk.clean.rules import match_block

PROSE = ("The committee met on Tuesday to discuss the budget, and members agreed that the spending plan "
         "needed more work before it could be put to a vote in the full council next month.")


@pytest.mark.parametrize("line,kind", [
    ("Weekly Digest Newsletter", "subscription"),
    ("Thanks for signing up!", "subscription"),
    ("- Print Article", "navigation"),
    ("Write to Jane Roe at jane.roe@example.com", "author_bio"),
    ("You may also like...", "related_link"),
    ("Leggi anche: un altro articolo", "related_link"),
    ("Also on example.com Another story about something", "related_link"),
    ("2019-11-19T08:57:40+01:00", "navigation"),
    ("Updated at 1:23 p.m.", "dateline"),
    ("A crowd gathers outside the court in Paris.Reuters", "caption"),
    ("GET THE NEWS ON THE GO BY CLICKING HERE", "promo"),
])
def test_boilerplate_line_kind(line: str, kind: str) -> None:
    verdict = match_block(line)
    assert verdict is not None and verdict.kind == kind and verdict.reason


@pytest.mark.parametrize("line", [
    PROSE,
    "See more of the city than ever before, the mayor said on Monday.",
    "http://example.com/source-document.html",  # articles list their sources as bare links
])
def test_article_line_not_matched(line: str) -> None:
    assert match_block(line) is None


def test_verbatim_repeat_of_a_paragraph_only() -> None:
    blocks = [PROSE, "Day one", "Drink water", "Day two", "Drink water", PROSE]
    verdicts = [None] * len(blocks)
    mark_verbatim_repeats(blocks, verdicts)
    assert [v.kind if v else None for v in verdicts] == [None] * 5 + ["duplicate"]


def test_readability_prose_inserted_in_order() -> None:
    other_prose = PROSE.replace("committee", "panel").replace("Tuesday", "Friday")
    mine = ["Intro line of the story, short.", PROSE]
    theirs = ["Intro line of the story, short.", PROSE, other_prose, "Share this"]
    merged, added = merge_blocks(mine, theirs, MergeConfig(min_agreement=0.5))
    assert merged == mine + [other_prose] and added == 1


def test_no_merge_when_extractors_disagree() -> None:
    merged, added = merge_blocks([PROSE], ["Something else entirely, " * 10 + "."], MergeConfig())
    assert merged == [PROSE] and added == 0


def test_second_opinion_only_when_prose_is_missing() -> None:
    config = MergeConfig()
    other_prose = PROSE.replace("committee", "panel")
    assert not needs_second_opinion([PROSE, PROSE], [PROSE, "Menu", "Home"], config)
    assert needs_second_opinion([PROSE], [PROSE, other_prose, other_prose.replace("panel", "board")], config)
