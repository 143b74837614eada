"""Gazetteer data files (ranks, places, facilities, organisations) as one token lookup.

Entries are matched on word tokens, not with one huge regex alternation: a dict of
token tuples is looked up at each word of a sentence, longest entry first, which keeps
matching linear in the length of the text whatever the size of the lists.
Matching is case-sensitive (so "major operations" is not a rank, "Homs" not "homs"),
except for the Arabic article ("al-Sanamayn" and "Al-Sanamayn" are the same key) and the
letters Arabic script writes either way (ة / ه, ى / ي, the hamza seats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tawthiq.text import ARABIC_LETTER, fold_arabic

DATA_DIR = Path(__file__).resolve().parent.parent / "gazetteers"

WORD = re.compile(r"\w+", re.UNICODE)
ARTICLES = {"al": "al", "Al": "al", "el": "al", "El": "al", "AL": "al"}
# What may separate the words of one name: spaces, hyphens, apostrophes, dots.
JOINER = re.compile(r"^[\s\-'’.]{0,3}$")


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry: `category` is rank, governorate, place, country, facility or organization."""

    category: str
    name: str  # canonical name
    kind: str | None = None  # organisation kind / facility kind
    side: str | None = None  # organisation side
    parent: str | None = None  # governorate of a place, place of a facility


def _word_key(word: str) -> str:
    """A word as written, the article of a transliteration folded and Arabic script folded
    (الرقه is الرقة, نوي is نوى: lists write either)."""
    if ARABIC_LETTER.search(word):
        return fold_arabic(word)
    return ARTICLES.get(word, word)


def key_of(words: list[str]) -> tuple[str, ...]:
    """Lookup key of a word sequence (see _word_key)."""
    return tuple(_word_key(w) for w in words)


def _rows(filename: str):
    for line in (DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@dataclass
class Gazetteer:
    """Every gazetteer spelling as a token-tuple key, with the set of key prefixes for early exits."""

    lookup: dict[tuple[str, ...], Entry]
    prefixes: set[tuple[str, ...]]
    places: dict[str, Entry]  # canonical town name -> entry (its governorate as parent)

    def add(self, variant: str, entry: Entry) -> None:
        words = WORD.findall(variant)
        if not words:
            return
        key = key_of(words)
        # The first file to claim a spelling keeps it (ranks, then organisations, then places).
        self.lookup.setdefault(key, entry)
        self.prefixes.update(key[:k] for k in range(1, len(key) + 1))

    def match(self, words: list[tuple[int, int, str]], text: str):
        """Gazetteer matches over a list of (start, end, word), longest first, not overlapping.

        Returns sorted (i, j, entry) word-index spans: "Syrian Air Force Intelligence
        Directorate" wins over "Syrian Air Force" although the latter starts earlier.
        """
        n = len(words)
        candidates = []
        folded = [_word_key(w[2]) for w in words]
        for i in range(n):
            key: tuple[str, ...] = (folded[i],)
            if key not in self.prefixes:
                continue
            best = None
            j = i + 1
            while True:
                entry = self.lookup.get(key)
                if entry is not None:
                    best = (i, j, entry)
                if j >= n or not JOINER.match(text[words[j - 1][1]:words[j][0]]):
                    break
                key = key + (folded[j],)
                if key not in self.prefixes:
                    break
                j += 1
            if best:
                candidates.append(best)
        taken = [False] * n
        chosen = []
        for i, j, entry in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if not any(taken[i:j]):
                taken[i:j] = [True] * (j - i)
                chosen.append((i, j, entry))
        return sorted(chosen, key=lambda c: c[0])


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """Read every data file once per process."""
    gaz = Gazetteer({}, set(), {})
    for rank, english, *arabic in _rows("ranks.tsv"):
        entry = Entry("rank", rank)
        for variant in english.split("|") + (arabic[0].split("|") if arabic else []):
            gaz.add(variant, entry)
    for name, kind, side, variants in _rows("organizations.tsv"):
        entry = Entry("organization", name, kind=kind, side=side)
        for variant in [name] + variants.split("|"):
            gaz.add(variant, entry)
    for name, kind, place, variants in _rows("facilities.tsv"):
        entry = Entry("facility", name, kind=kind, parent=place)
        for variant in [name] + variants.split("|"):
            gaz.add(variant, entry)
    for name, variants in _rows("governorates.tsv"):
        entry = Entry("governorate", name, parent=name)
        for variant in [name] + variants.split("|"):
            gaz.add(variant, entry)
    for name, governorate, variants in _rows("places.tsv"):
        entry = Entry("place", name, parent=governorate)
        gaz.places[name] = entry
        for variant in [name] + variants.split("|"):
            gaz.add(variant, entry)
    for name, variants in _rows("countries.tsv"):
        entry = Entry("country", name)
        for variant in [name] + variants.split("|"):
            gaz.add(variant, entry)
    return gaz
