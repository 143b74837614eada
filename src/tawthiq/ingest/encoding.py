"""Turn the bytes of a text file into text: UTF-8, UTF-16 (with or without BOM),
Windows-1256 Arabic or Latin-1/Windows-1252.

Deterministic by construction: byte-order marks and strict UTF-8 first (the common
case and a fast path), then a check that tells Arabic Windows-1256 from Western
single-byte text by what the high bytes decode to. charset-normalizer is consulted
only when neither answer is clear, restricted to the encodings we support, because
on short Arabic files it often guesses a Cyrillic or Central European code page.
"""

import codecs
import re

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in a supported encoding; the message says why."""


BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Control characters that never occur in text (tab, newlines, form feed and escape-free text aside).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
ARABIC_WORD = re.compile(r"[\u0621-\u064A]{2,}")
# Bytes that Windows-1252 leaves undefined: Latin-1 then maps them to C1 controls.
CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _plausible_utf16(text: str) -> float:
    """Share of characters in the scripts a UTF-16 text of ours would use."""
    if not text:
        return 0.0
    good = sum(
        1 for ch in text
        if ch in "\t\n\r" or 0x20 <= ord(ch) < 0x0800 or 0x2000 <= ord(ch) <= 0x206F or 0xFB50 <= ord(ch) <= 0xFEFF
    )
    return good / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    best, best_score = None, 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausible_utf16(text)
        if score > best_score:
            best, best_score = (text, codec), score
    return best if best_score >= 0.95 else None


def _single_byte(data: bytes) -> tuple[str, str] | None:
    """Windows-1256 when the high bytes spell Arabic words, else Windows-1252/Latin-1."""
    high = [b for b in data if b >= 0x80]
    arabic = data.decode("cp1256", errors="replace")
    arabic_letters = ARABIC_LETTERS.findall(arabic)
    # Alef and lam are a fifth or more of the letters of any Arabic prose (the article
    # al- alone sees to that); other code pages read as cp1256 give letter salad. Too
    # short a text to count on that is taken as Arabic when its high bytes are words.
    common = sum(1 for ch in arabic_letters if ch in "ال")
    if (
        len(arabic_letters) >= 0.6 * len(high)
        and ARABIC_WORD.search(arabic)
        and (common >= 0.12 * len(arabic_letters) or len(arabic_letters) < 20)
    ):
        return arabic, "windows-1256"
    if not any(b in CP1252_UNDEFINED for b in high):
        western = data.decode("cp1252")
        # Western text has accented letters next to ASCII letters; a run of high bytes
        # only is some other encoding we do not read.
        if _western_plausible(data):
            return western, "windows-1252"
    guess = from_bytes(data, cp_isolation=["cp1256", "cp1252", "latin_1"]).best()
    if guess is None:
        return None
    return str(guess), guess.encoding.replace("_", "-")


def _western_plausible(data: bytes) -> bool:
    high_runs = re.findall(rb"[\x80-\xff]+", data)
    if not high_runs:
        return True
    long_runs = sum(1 for run in high_runs if len(run) > 3)
    return long_runs <= len(high_runs) // 10


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise DecodeError."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _check(data.decode(codec)), codec
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {codec} after a byte-order mark ({exc.reason})") from None
    try:
        text = data.decode("utf-8")
        if not _looks_binary(text):
            return _check(text), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data or b"\x06" in data:  # ASCII or Arabic in UTF-16 has these as half of each unit
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return _check(utf16[0]), utf16[1]
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes), not text")
    found = _single_byte(data)
    if found is None:
        raise DecodeError("undecodable: not UTF-8, UTF-16, Windows-1256 or Latin-1 text")
    return _check(found[0]), found[1]


def _looks_binary(text: str) -> bool:
    return len(CONTROL.findall(text)) > max(2, len(text) // 100)


def _check(text: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file that happened to decode)."""
    if _looks_binary(text):
        raise DecodeError("binary content (control characters), not text")
    if not text.strip():
        raise DecodeError("empty file")
    return text
