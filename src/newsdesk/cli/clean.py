"""`newsdesk clean FILE`: what the cleaner keeps and removes, record by record, read as the pipeline
reads it."""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from newsdesk.cli.database import CliError
from newsdesk.config import Settings
from newsdesk.records import CleanArticle, QuarantineItem, RawDocument, Segment
from newsdesk.text import count_words

SUPPORTED = ".txt, .html/.htm, .json, .jsonl/.ndjson, .warc (each may end in .gz)"


def show_clean(
    paths: list[Path], settings: Settings, only_id: str | None = None, out: TextIO = sys.stdout
) -> dict[str, int]:
    """Parse each file with the ingest parsers, clean each record, print it, and a line of counts
    per file; returns total / kept / dropped_<reason> over all files. Every path is checked before
    any output."""
    from newsdesk.ingest.formats import detect_format

    for path in paths:
        _check(path)
        if detect_format(path.name) is None:
            raise CliError(
                f"cannot tell the format of {path} from its name: supported are {SUPPORTED}"
            )
    stats: Counter[str] = Counter()
    shown = 0
    for path in paths:
        file_stats, n_shown = _show_file(path, settings, only_id, out)
        stats.update(file_stats)
        shown += n_shown
    if only_id is not None and shown == 0:
        raise CliError(
            f"no record with id {only_id!r} in {', '.join(map(str, paths))}: run without "
            "--id to see every record"
        )
    return _ordered(stats)


def _show_file(
    path: Path, settings: Settings, only_id: str | None, out: TextIO
) -> tuple[Counter[str], int]:
    from newsdesk.clean.article import (
        clean_document,
    )  # lazy: the cleaner's libraries load only for this command
    from newsdesk.ingest.bounded import record_byte_limit
    from newsdesk.ingest.formats import ParsedRecord, Problem, detect_format, parse_file

    fmt = detect_format(path.name) or ""
    data = _read(path, settings.ingest.max_file_bytes)
    stats: Counter[str] = Counter()
    if len(data) > settings.ingest.max_file_bytes:
        _quarantine(
            out,
            path.name,
            "ingest",
            "file_too_large",
            f"over the {settings.ingest.max_file_bytes}-byte limit "
            "(NEWSDESK_MAX_FILE_BYTES); not read",
        )
        stats.update(total=1, dropped_file_too_large=1)
        _totals(path, stats, out)
        return stats, 0
    shown = 0
    record_bytes = record_byte_limit(settings.ingest.max_record_chars)
    parsed = parse_file(
        path.name, data, fmt, settings.ingest.max_file_bytes, max_record_bytes=record_bytes
    )
    for n, item in enumerate(parsed, start=1):
        if isinstance(item, Problem):
            if only_id is None:
                _quarantine(out, f"{path.name} · record {n}", "ingest", item.reason, item.detail)
            stats.update(total=1, **{f"dropped_{item.reason}": 1})
            continue
        if not isinstance(
            item, ParsedRecord
        ):  # parse_file yields notes only when asked (notes=True)
            continue
        if only_id is not None and item.external_id != only_id:
            continue
        shown += 1
        raw = RawDocument(
            doc_id=item.external_id,
            batch_id="",
            source_path=path.name,
            external_id=item.external_id,
            format=fmt.removesuffix(".gz"),
            content_type=item.content_type,
            sha256=hashlib.sha256(item.content.encode("utf-8")).hexdigest(),
            n_bytes=len(item.content.encode("utf-8")),
            content=item.content,
            url=item.url,
            title=item.title,
            published=item.published,
            source=item.source,
        )
        heading = f"{path.name} · record {n} · id {item.external_id}"
        try:
            result: CleanArticle | QuarantineItem = clean_document(raw, settings.clean)
        except Exception as exc:  # noqa: BLE001
            # as in the pipeline: a record that breaks the cleaner is quarantined
            result = QuarantineItem(
                batch_id="",
                source_path=path.name,
                stage="clean",
                reason="clean_error",
                detail=f"{type(exc).__name__}: {exc}"[:1000],
            )
        if isinstance(result, QuarantineItem):
            _quarantine(out, heading, result.stage, result.reason, result.detail)
            stats.update(total=1, **{f"dropped_{result.reason}": 1})
        else:
            _article(out, heading, result)
            stats.update(total=1, kept=1)
    _totals(path, stats, out)
    return stats, shown


def _check(path: Path) -> None:
    if not path.exists():
        raise CliError(f"no file at {path}: give the path of an input file ({SUPPORTED})")
    if path.is_dir():
        raise CliError(
            f"{path} is a folder: give files (a folder is a batch: `python -m "
            "pipelines run <batch>`)"
        )


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(
                max_bytes + 1
            )  # one byte more tells a file over the limit, as the pipeline does
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None


def _article(out: TextIO, heading: str, article: CleanArticle) -> None:
    fields = (
        ("title", article.title),
        ("published", article.published_date),
        ("author", article.author),
        ("outlet", article.source_name),
        ("syndicated from", article.syndicated_from),
        ("url", article.url),
        ("language", article.language),
        ("kept", f"{article.n_words} words"),
    )
    print(f"== {heading}", file=out)
    for name, value in fields:
        print(f"{name + ':':17s}{'-' if value is None else value}", file=out)
    print(f"\n{article.body}\n", file=out)
    if not article.segments:
        print("-- removed: nothing\n", file=out)
        return
    words = sum(count_words(s.text) for s in article.segments)
    print(f"-- removed: {len(article.segments)} segments, {words} words", file=out)
    by_kind: dict[str, list[Segment]] = {}
    for segment in article.segments:
        by_kind.setdefault(segment.kind, []).append(segment)
    for kind, segments in by_kind.items():
        print(f"[{kind}] {len(segments)}", file=out)
        for segment in segments:
            text = " ".join(segment.text.split())
            print(f"    ({segment.reason}) {text}", file=out)
    print(file=out)


def _quarantine(out: TextIO, heading: str, stage: str, reason: str, detail: str) -> None:
    print(f"== {heading}\nquarantined ({stage}): {reason}: {detail}\n", file=out)


def _ordered(stats: Counter[str]) -> dict[str, int]:
    ordered = {"total": stats["total"], "kept": stats["kept"]}
    ordered.update(sorted((k, v) for k, v in stats.items() if k.startswith("dropped_")))
    return ordered


def _totals(path: Path, stats: Counter[str], out: TextIO) -> None:
    print(
        f"{path.name}: " + ", ".join(f"{k} {v}" for k, v in _ordered(stats).items()) + "\n",
        file=out,
    )
