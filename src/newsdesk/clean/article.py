"""The clean stage for one raw document: pick the path by content type, attach metadata and
language."""

from __future__ import annotations

from newsdesk.clean.dates import parse_iso_date
from newsdesk.clean.html import extract_html
from newsdesk.clean.language import detect_language
from newsdesk.clean.text import clean_text
from newsdesk.config import CleanConfig
from newsdesk.records import CleanArticle, QuarantineItem, RawDocument
from newsdesk.text import strip_invisible


def clean_document(raw: RawDocument, config: CleanConfig) -> CleanArticle | QuarantineItem:
    """Boilerplate removal for one document; a document left without article text goes to
    quarantine."""
    if raw.content_type == "html":
        found = extract_html(raw.content, url=raw.url)
    else:
        found = clean_text(raw.content, title_hint=raw.title)
    article = CleanArticle(
        doc_id=raw.doc_id,
        # Entities such as &#8203; become invisible characters only once the page is parsed: strip
        # them here too.
        body=strip_invisible(found.body),
        # Values the input states explicitly (JSONL fields) win over values guessed from the text.
        title=raw.title or (strip_invisible(found.title) if found.title else None),
        published_date=parse_iso_date(raw.published) or found.published_date,
        author=found.author,
        source_name=raw.source or found.source_name,
        syndicated_from=found.syndicated_from,
        url=raw.url or found.url,
        segments=found.segments,
    )
    # The text path detected the language on its way (for its stop words); the HTML path leaves it
    # to us.
    article.language = (
        found.language if found.language is not None else detect_language(article.body)[0]
    )
    if article.n_words < config.min_body_words:
        return QuarantineItem(
            batch_id=raw.batch_id,
            source_path=raw.source_path,
            stage="clean",
            reason="no_article_text",
            detail=f"only {article.n_words} words of article text remain after boilerplate removal "
            f"(minimum {config.min_body_words})",
            n_bytes=raw.n_bytes,
            sha256=raw.sha256,
            external_id=raw.external_id,
            doc_id=raw.doc_id,
        )
    return article
