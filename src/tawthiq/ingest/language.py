"""Language of a document when the metadata does not say.

Script first (Arabic letters outnumbering Latin ones means Arabic: cheap and right for
this corpus); Latin-script text goes to lingua, restricted to the few languages reports
on Syria are written in, on a sample of the text to keep ingestion fast.
"""

from functools import lru_cache

from tawthiq.text import script_of

SAMPLE_CHARS = 2000
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
    if sum(ch.isalpha() for ch in sample) < 3:
        return ""
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else ""
