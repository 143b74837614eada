"""Script-aware text folding shared by search and name resolution.

Arabic: alef and hamza forms, ta marbuta, alef maqsura, diacritics and tatweel are
folded so that differently written copies of a word compare equal. Latin: case and
diacritics are folded (Ḥamāh -> hamah). Both keep the string's length-independent
meaning; they are for matching, never for display.
"""

import re
import unicodedata

from pyarabic import araby

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")


def fold_arabic(text: str) -> str:
    """Fold Arabic spelling variants: أ إ آ ٱ -> ا, ؤ -> و, ئ -> ي, ة -> ه, ى -> ي; no harakat, no tatweel."""
    text = araby.strip_tashkeel(text)
    text = araby.strip_tatweel(text)
    text = araby.normalize_ligature(text)
    text = text.replace("ى", "ي")  # before normalize_alef, which would make it an alef
    text = araby.normalize_alef(text)
    text = text.replace("ؤ", "و").replace("ئ", "ي").replace("ء", "")
    return araby.normalize_teh(text)


def fold_latin(text: str) -> str:
    """Lower-case and drop combining marks: 'Ḥamāh' -> 'hamah', 'Dûma' -> 'duma'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """Fold any mix of Arabic and Latin text for matching and full-text search."""
    return fold_latin(fold_arabic(text))


def script_of(text: str) -> str:
    """'arabic' when Arabic letters outnumber Latin ones, else 'latin'."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return "arabic" if arabic > latin else "latin"
