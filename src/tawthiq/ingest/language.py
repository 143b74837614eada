"""Language of a document when the metadata does not say.

Script first (Arabic letters outnumbering Latin ones means Arabic: cheap and right for
this corpus); Latin-script text goes to lingua, restricted to the few languages reports
on Syria are written in, on a sample of the text to keep ingestion fast (plain English prose, the common case,
is recognised by its function words without lingua).
"""

import re
from functools import lru_cache

from tawthiq.text import script_of

SAMPLE_CHARS = 1000
LINGUA_CHARS = 400  # plenty for a clear answer among a few languages; lingua's time grows with length
# English prose is a third function words; no other Latin-script language here comes close.
ENGLISH_WORDS = frozenset("the of and to in is was that for with as on by from at his her it were had which".split())
LATIN_WORD = re.compile(r"[A-Za-z]+")
LATIN_LANGUAGES = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "TURKISH", "DUTCH", "ITALIAN")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in LATIN_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code ("ar", "en", ...) or "" when there is too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    if script_of(sample) == "arabic":
        return "ar"
    words = LATIN_WORD.findall(sample)
    if len(words) >= 20 and sum(word.lower() in ENGLISH_WORDS for word in words) >= 0.2 * len(words):
        return "en"
    if not any(ch.isalpha() for ch in sample):
        return ""
    found = _detector().detect_language_of(sample[:LINGUA_CHARS])
    return found.iso_code_639_1.name.lower() if found else ""
