"""Block rules and HTML-path filters on invented lines (not seed text)."""

import pytest

from newsdesk.clean.context import mark_verbatim_repeats
from newsdesk.clean.rules import RULE_KINDS, RULES, Verdict, match_block, rules_digest

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
    verdicts: list[Verdict | None] = [None] * len(blocks)
    mark_verbatim_repeats(blocks, verdicts)
    assert [v.kind if v else None for v in verdicts] == [None] * 5 + ["duplicate"]


def test_every_rule_has_a_unique_name_and_a_known_kind() -> None:
    from newsdesk.clean.kinds import KINDS

    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert set(RULE_KINDS) <= set(KINDS)


def test_the_rule_that_fired_is_named() -> None:
    verdict = match_block("Subscribe to our newsletter for daily updates")
    assert verdict is not None and verdict.rule.startswith("subscription.")


def test_digest_changes_with_a_rule() -> None:
    import re
    from dataclasses import replace

    changed = tuple(replace(r, max_words=r.max_words + 1) if i == 0 else r for i, r in enumerate(RULES))
    loosened = tuple(replace(r, pattern=re.compile(r.pattern.pattern + "|x")) if i == 3 else r
                     for i, r in enumerate(RULES))
    assert len({rules_digest(), rules_digest(changed), rules_digest(loosened), rules_digest(RULES[:-1])}) == 4
