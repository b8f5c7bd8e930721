"""Language of an article body, with py3langid (its model ships inside the package)."""

from __future__ import annotations

from functools import lru_cache

import py3langid.langid as langid

from newsdesk.clean.junk import junk_reason, tidy_block
from newsdesk.text import count_tokens, line_spans


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def language_sample(text: str, sample_chars: int = 1200) -> str:
    """Up to `sample_chars` of the text's prose lines (five words or more, not junk, not one word
    over and over), else of any line that is not junk: a divider, a link farm or noise would tell
    the identifier about itself, not the article. Reads no further than it needs; a line longer than
    the sample is cut first."""
    prose: list[str] = []
    other: list[str] = []
    size = other_size = 0
    for start, end in line_spans(text):
        if size >= sample_chars:
            break
        line = tidy_block(text[start : min(end, start + 4 * sample_chars)])
        if not line or junk_reason(line) is not None:
            continue
        tokens = line.split()
        if len(tokens) >= 5 and len(set(tokens)) >= 0.5 * len(tokens):
            prose.append(line[: sample_chars - size])
            size += len(prose[-1]) + 1
        elif other_size < sample_chars:
            other.append(line[: sample_chars - other_size])
            other_size += len(other[-1]) + 1
    return " ".join(prose or other)


def detect_language(text: str, sample_chars: int = 1200) -> tuple[str | None, float]:
    """ISO 639-1 code and probability; None for text too short to tell."""
    sample = language_sample(text, sample_chars)
    if count_tokens(sample) < 5:
        return None, 0.0
    code, prob = _identifier().classify(sample)
    return code, float(prob)


def language_name(code: str | None) -> str:
    """English name of an ISO 639-1 code as jusText names its stop-word lists ("pt" ->
    "Portuguese")."""
    if not code:
        return "English"
    import pycountry  # lazy: only the text path needs names

    found = pycountry.languages.get(alpha_2=code)
    return found.name.split(" (")[0].split(";")[0] if found else "English"
