"""The HTML path's second reading (readability-lxml) and the rule that takes it (issue 25)."""

from newsdesk.clean.ensemble import load_selector, missed_prose
from newsdesk.clean.html import Page, finish, read_page
from newsdesk.clean.html_meta import PageMeta

PARAS = [
    "The museum reopened its east wing on Saturday after a renovation that took almost three years to finish.",
    "Visitors queued from early morning, and the director said that more than four thousand people came in.",
    "The wing now holds the textile collection, which had been kept in storage since the roof began to leak.",
    "Conservators cleaned each of the tapestries by hand, a task that took a team of six people two winters.",
    "Admission to the new rooms will be free until the end of the month, the museum said in a statement.",
    "A second phase of the work, on the west wing and the library, is planned to start next spring as well.",
]
MENU = ["Home", "News", "Culture", "Sport", "Contact us"]


def _page(ours: list[str], second: list[str] | None) -> Page:
    return Page(
        blocks=ours,
        lines=MENU + PARAS + MENU,
        meta=PageMeta(title="Museum reopens"),
        second=second,
    )


def test_the_shipped_selector_was_fitted_on_both_sets() -> None:
    selector = load_selector()
    assert selector is not None
    assert selector.digest.startswith("scrapinghub+trafilatura-eval:")


def test_a_longer_reading_that_holds_ours_is_taken() -> None:
    result = finish(_page(PARAS[:2], PARAS))
    assert all(p in result.body for p in PARAS)


def test_a_listing_is_not_taken_even_when_longer() -> None:
    listing = PARAS[:2] + [f"Gallery {i} opening hours" for i in range(30)]
    result = finish(_page(PARAS[:2], listing))
    assert result.body == "\n\n".join(PARAS[:2])


def test_a_reading_that_drops_ours_is_not_taken() -> None:
    result = finish(_page(PARAS[:3], PARAS[3:] + PARAS[3:]))
    assert result.body == "\n\n".join(PARAS[:3])


def test_missed_prose_counts_only_sentences_left_out() -> None:
    ours = "\n".join(PARAS[:4])
    assert missed_prose(MENU + PARAS, ours) == sum(len(p.split()) for p in PARAS[4:])
    assert missed_prose(MENU + PARAS[:4], ours) == 0


def test_readability_runs_only_where_prose_was_missed() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    html = f"<html><head><title>Museum</title></head><body><nav>Home News</nav><article>{body}</article></body></html>"
    page = read_page(html)
    assert page.second is None  # trafilatura found every paragraph: no second reading was made
    forced = read_page(html, second=True)
    assert forced.second is not None and all(any(p in b for b in forced.second) for p in PARAS)
