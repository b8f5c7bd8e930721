"""Language of an article body, with py3langid (its model ships inside the package)."""

from __future__ import annotations

from functools import lru_cache

import py3langid.langid as langid


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def detect_language(text: str, sample_chars: int = 1200) -> tuple[str | None, float]:
    """ISO 639-1 code and probability; None for text too short to tell."""
    sample = text[:sample_chars]
    if len(sample.split()) < 5:
        return None, 0.0
    code, prob = _identifier().classify(sample)
    return code, float(prob)


def language_name(code: str | None) -> str:
    """English name of an ISO 639-1 code as jusText names its stop-word lists ("pt" -> "Portuguese")."""
    if not code:
        return "English"
    import pycountry  # lazy: only the text path needs names

    found = pycountry.languages.get(alpha_2=code)
    return found.name.split(" (")[0].split(";")[0] if found else "English"
