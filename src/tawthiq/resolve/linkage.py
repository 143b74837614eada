"""Person linkage with Splink: which records of a list are the same person, and why.

Records are plain dicts (``id``, ``name`` and optionally ``mother`` (her name), ``rank``,
``birth_year``, ``age`` + ``age_at``, ``origin``, ``units``, ``event_dates``). Their names become the
comparison keys of :mod:`tawthiq.resolve.names`; the model compares those keys and any
other field present (a missing field contributes nothing, so name-only lists work).

The model is declared as data (:data:`COMPARISONS`, :data:`BLOCKING_RULES`): each level
carries prior m/u probabilities used when the input is too small to estimate them
(fewer than :data:`MIN_TRAINING_ROWS` rows) or when estimation fails. Otherwise u is
estimated from the list by random sampling, except for the levels whose u is declared
(``fix_u``, or known from the bits of a rarity band); m keeps its declared value (see
``_train``), and the prior match rate is estimated from the scored pairs (see
``_estimated_prior``). Name words are compared by their rarity in the list (bits of
information), so a shared rare word counts for more than a shared Mohammed, and names
written in another order or with a missing middle name still compare; a different
father's or mother's name or a birth year more than three years off counts against.

Scale: features are built per word (cached; the name keys of a long list in two
processes), candidate pairs come from composite keys whose over-full values are dropped
(:data:`BLOCK_MAX_RECORDS`, :data:`BLOCK_PAIR_BUDGET`), predictions stay in
DuckDB (two threads, a memory ceiling) and come back as numpy columns; a
:class:`ScoredPair` with its explanation is built only when ``pairs`` is read.

Clusters are the connected components of pairs at or above ``threshold``; a component
whose members are not mostly linked to each other (a chain A-B-C-D through look-alike
names) is split again at a stricter threshold, so one shared common name cannot glue
many people together (on a list long enough to train on, only a component of more than
:data:`DENSITY_CHECK_ABOVE` members: average linkage sorts out the smaller ones). Every
pair within a cluster is then scored and the cluster re-formed by average linkage
(:func:`regroup_clusters`): two groups join only when the pairs between them weigh for a
match on average, so a namesake linked to one copy of a person is not
joined to another copy born ten years before; two members whose own pair contradicts a
match (:data:`CONTRADICTION_WEIGHT`, or brothers) are never joined through the others.

All Splink-specific code is in this module: other modules see only :func:`link_records`,
:class:`LinkResult` and :class:`ScoredPair`.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tawthiq.resolve.names import UNKNOWN_VOWELS, loose_key, name_keys
from tawthiq.text import fold
from tawthiq.vocabulary import RANKS

# A name part found among the other name's words (written in another order).
_ELSEWHERE = {
    "duckdb": "list_contains(name_tokens_r, {key}_l) OR list_contains(name_tokens_l, {key}_r)",
    "spark": "array_contains(name_tokens_r, {key}_l) OR array_contains(name_tokens_l, {key}_r)",
}
# A father's name found elsewhere is a reordered name, unless where it is found is the given
# name, both given names agree, and it is named after its father ("Hasan Hasan Hamawi" /
# "Hasan Bilal Hamawi"): that is another father.
_FATHER_ELSEWHERE = {
    backend: f"({sql.format(key='father_key')}) AND NOT coalesce(given_key_l = given_key_r AND "
             "(father_key_l = given_key_l OR father_key_r = given_key_r), false)"
    for backend, sql in _ELSEWHERE.items()
}
# One's given name is the other's father's name and the other's given name is not in the
# first: a parent and child ("Saad Sabawi Ibrahim" / "Sabawi Ibrahim"), not another order.
# So are a given and father's name swapped within one family ("Ali Marwan Hariri" / "Marwan
# Ali Hariri": a son named after his grandfather). Real spellings have 13 such pairs of one
# person in 16,034; synthetic 100k, a few hundred of namesakes among the linked pairs.
_PARENT_AND_CHILD = {
    backend: "coalesce((given_key_l = father_key_r AND NOT {has}(name_tokens_l, given_key_r)) "
             "OR (given_key_r = father_key_l AND NOT {has}(name_tokens_r, given_key_l)) "
             "OR (given_key_l = father_key_r AND given_key_r = father_key_l AND given_key_l <> given_key_r "
             "AND family_key_l = family_key_r), false)".format(has=has)
    for backend, has in (("duckdb", "list_contains"), ("spark", "array_contains"))
}

_JARO_WINKLER = {"duckdb": "jaro_winkler_similarity", "spark": "jaro_winkler"}
# Family names whose consonants are one slip apart (داقوق / ناقوق, الحمصي / المحصي), which
# the phonetic keys of two scripts are too far apart to show. Spark has no Damerau
# distance: there a transposition counts two and is missed. (Counted in name_words as well,
# as half the family name's bits, it cost real spellings B3 0.8515 -> 0.8506.)
_ONE_LETTER_APART = {
    "duckdb": "length(family_key_l) >= 3 AND damerau_levenshtein(family_key_l, family_key_r) <= 1",
    "spark": "length(family_key_l) >= 3 AND levenshtein(family_key_l, family_key_r) <= 1",
}
# One name is a kunya and a family name only ("Abu Firas Mahjour"), the other has a given name.
_KUNYA_AND_GIVEN = ("(kunya_family_l = family_key_r AND given_key_r IS NOT NULL) "
                    "OR (kunya_family_r = family_key_l AND given_key_l IS NOT NULL)")


# The years of birth two records allow (see _birth_years) at most {years} apart.
_YEARS_APART = "birth_earliest_l <= birth_year_r + {years} AND birth_earliest_r <= birth_year_l + {years}"


def _full_name_jw(threshold: float) -> dict[str, str]:
    """The whole name's similarity at least ``threshold``, in written order or with either
    side's last unit moved to the front (a family name written first)."""
    pairs = [("full_phon_l", "full_phon_r"), ("full_phon_rotated_l", "full_phon_r"),
             ("full_phon_l", "full_phon_rotated_r")]
    return {backend: "greatest(" + ", ".join(f"{jw}({a}, {b})" for a, b in pairs) + f") >= {threshold}"
            for backend, jw in _JARO_WINKLER.items()}


def _same_vowels(part: str) -> str:
    """Same consonants and vowels that agree (vowel_slots): Mohammed = Muhammad = محمد but
    not Mahmoud = محمود (all four "mhmd")."""
    return (f"{part}_key_l = {part}_key_r AND ({part}_must_l & ~{part}_may_r) = 0 "
            f"AND ({part}_must_r & ~{part}_may_l) = 0")


# Jaro-Winkler of two phonetic keys from which a name is a close spelling (a slip of the pen:
# Mahmoud / Mamoud, TALHI / TALJI) rather than another name: the level of the family and the
# father's name, and the family name's partial share in name_words (real spellings B3
# 0.847 -> 0.850; synthetic 100k unchanged, +3 s). The given name starts at GIVEN_CLOSE_SPELLING
# (Djamel / Damel; with 0.88, B3 0.0005 lower).
CLOSE_SPELLING = 0.88
GIVEN_CLOSE_SPELLING = 0.85


def _name_part(part: str, *, m_same: float, u_same: float, m_loose: float, m_other: float,
               close_spelling: float) -> dict[str, Any]:
    """Given or family name: the same key, a close spelling (loose key or Jaro-Winkler on
    the phonetic key), or found elsewhere in the other name (names written in another
    order: "HADDAD Omar" / "Omar HADDAD"), which is no evidence either way, unless the given
    names are those of a parent and child."""
    key = f"{part}_key"
    same_vowels = _same_vowels(part)
    elsewhere = {backend: sql.format(key=key) for backend, sql in _ELSEWHERE.items()}
    return {
        "name": f"{part}_name",
        "description": f"the {part} name" + (" (last name unit)" if part == "family" else " (first name)"),
        "levels": [
            {"kind": "null", "column": key},
            # The rarity of the words is weighed by name_words: agreeing here only says the
            # name is in the same order (u fixed, so it is not counted twice).
            {"kind": "sql", "sql": same_vowels, "label": f"same {part} name",
             "m": m_same, "u": m_same / 8, "fix_u": True},
            {"kind": "exact", "column": key, "label": f"same consonants in the {part} name",
             "m": 0.03, "u": u_same},
            {"kind": "sql", "sql": f"{part}_loose_l = {part}_loose_r",
             "label": f"similar {part} name (loose key)", "m": m_loose, "u": 0.01},
            {"kind": "jaro_winkler", "column": f"{part}_phon", "threshold": close_spelling,
             "label": f"similar {part} name", "m": 0.05, "u": 0.02},
            *([{"kind": "sql", "sql": _ONE_LETTER_APART, "label": "family name one letter apart",
                "m": 0.03, "u": 0.01}] if part == "family" else []),
            *([{"kind": "sql", "sql": _PARENT_AND_CHILD, "label": "given names of a parent and child",
                "m": 0.01, "u": 0.08, "fix_u": True}] if part == "given" else []),
            # u declared for the given name: estimated without the parent-and-child pairs
            # above, it would turn a reordered name into evidence of the same person.
            {"kind": "sql", "sql": elsewhere, "label": f"{part} name elsewhere in the other name",
             "m": 0.05, "u": 0.1 if part == "given" else 0.05, "fix_u": part == "given"},
            {"kind": "else", "label": f"different {part} name", "m": m_other,
             "u": 1 - 2 * u_same - 0.08},
        ],
    }


# Where the bands of name rarity start, in bits over log2 N (the bits a name needs to be
# expected once among N records by chance), with how they are described to a reviewer.
RARITY_BANDS = ((4, "a rare name"), (2, "an uncommon name"), (0, "a less common name"),
                (-2, "a fairly common name"), (-4, "a common name"), (-6, "a very common name"),
                (-8, "a most common name"), (-10, "an extremely common name"), (-12, "a name of the commonest kind"))


def _rarity_bands(label: str, *, share: float, of: str, m: float, ways: int, bits_of: str = "name",
                  fraction: float = 1.0) -> list[dict[str, Any]]:
    """Levels of one kind of word overlap (``share`` of the shorter or longer name's
    information), one per band of the shared words' rarity, the last for the commonest
    names. A pair of the same person lands in a band as often as a record's name does (or
    its ``fraction`` of it, or, ``bits_of="word"``, one of its words), and a random pair
    about ``ways`` / 2**bits as often (the bits say how rare the words are; ``ways``, how
    many ways a name may hold another's words): so m and u are set from the list (see
    :meth:`_ListScale.band`), and the weight grows with the rarity of the shared words."""
    return _bands(label, {"kind": "word_overlap", "share": share, "of": of, "ways": ways, "m": m,
                          "bits_of": bits_of, "fraction": fraction})


def _bands(label: str, common: dict[str, Any]) -> list[dict[str, Any]]:
    """``common`` as one level per band of RARITY_BANDS, the last for the commonest names."""
    starts = [band for band, _ in RARITY_BANDS]
    levels = [{**common, "bits_over_n": start, "bits_under_n": upper, "label": f"{label}, {words}"}
              for (start, words), upper in zip(RARITY_BANDS, [None, *starts[:-1]])]
    levels.append({**common, "bits_under_n": starts[-1], "label": f"{label}, one of the commonest names"})
    return levels


# Comparison levels, most to least similar; "null" marks the level used when a value is
# missing on either side (it contributes nothing). m / u are the priors used without
# training; the order of the non-null levels is the order Splink numbers them.
COMPARISONS: list[dict[str, Any]] = [
    {
        "name": "name_words",
        "description": "the words of the whole name, in any order, weighed by their rarity",
        "levels": [
            {"kind": "null", "column": "name_tokens"},
            *_rarity_bands("same words", share=0.99, of="longer", m=0.4, ways=1),
            *_rarity_bands("all words of the shorter name", share=0.99, of="shorter", m=0.37, ways=4),
            # "Abu Firas Mahjour" / "Issa Muaz Mahjour": the family name is all a kunya-only
            # name can share with a given name. A pair of one person has this shape about as
            # often as a random pair does (twice the share of kunya-only names, 0.03 in all):
            # that share cancels, so u is m times the chance of sharing the family name
            # ("ways" = m), and the weight is the family name's rarity.
            *_bands("a kunya and the same family name", {"kind": "kunya_family", "m": 0.03, "ways": 0.03,
                                                           "bits_of": "word"}),
            *_rarity_bands("most words", share=0.6, of="shorter", m=0.17, ways=16, fraction=0.8),
            # m from the calibration of the linked pairs: at 0.04, pairs sharing one word (the
            # others misspelt) matched 8 times as often as their weight said (synthetic 100k
            # F1 0.9478 -> 0.9499 with the full name's m below; 0.08 and 0.12: 0.9496).
            *_rarity_bands("some word shared", share=0.01, of="shorter", m=0.16, ways=16, bits_of="word"),
            # u declared, as the bands' are (about 0.78 of random pairs on synthetic 10k and 100k).
            {"kind": "else", "label": "no word shared", "m": 0.03, "u": 0.78, "fix_u": True},
        ],
    },
    _name_part("given", m_same=0.75, u_same=0.05, m_loose=0.01, m_other=0.02,
               close_spelling=GIVEN_CLOSE_SPELLING),
    _name_part("family", m_same=0.7, u_same=0.03, m_loose=0.03, m_other=0.07, close_spelling=CLOSE_SPELLING),
    {
        "name": "father_name",
        "description": "the father's name (second word of a full name): another father's name "
                       "is strong evidence of another person",
        "levels": [
            {"kind": "null", "column": "father_key"},
            {"kind": "sql", "sql": _same_vowels("father"), "label": "same father's name",
             "m": 0.8, "u": 0.4, "fix_u": True},  # its rarity is weighed by name_words
            {"kind": "exact", "column": "father_key", "label": "same consonants in the father's name",
             "m": 0.02, "u": 0.05},
            {"kind": "sql", "sql": "father_loose_l = father_loose_r", "label": "similar father's name",
             "m": 0.01, "u": 0.02},
            # A slip of the pen (Mahmoud / Mamoud): not another father.
            {"kind": "jaro_winkler", "column": "father_phon", "threshold": CLOSE_SPELLING,
             "label": "close spelling of the father's name", "m": 0.015, "u": 0.005},
            {"kind": "sql", "sql": _FATHER_ELSEWHERE,
             "label": "father's name elsewhere in the other name", "m": 0.05, "u": 0.05},
            {"kind": "else", "label": "different father's name", "m": 0.03, "u": 0.93},
        ],
    },
    {
        "name": "mother_name",
        "description": "the mother's name, when the list records it",
        "levels": [
            {"kind": "null", "column": "mother_key"},
            {"kind": "exact", "column": "mother_key", "tf": True, "label": "same mother's name",
             "m": 0.85, "u": 0.06},
            {"kind": "sql", "sql": "mother_loose_l = mother_loose_r", "label": "similar mother's name",
             "m": 0.1, "u": 0.03},
            {"kind": "else", "label": "different mother's name", "m": 0.02, "u": 0.91},
        ],
    },
    {
        "name": "full_name_similarity",
        "description": "Jaro-Winkler similarity of the whole name's phonetic key, also with one "
                       "side's last word moved first (lists write \"DROUKDEL Abdelmalek\"), the higher: "
                       "spellings the word keys miss (u declared: the words' rarity is weighed by name_words)",
        "levels": [
            {"kind": "null", "column": "full_phon"},
            # m flatter than the JW alone would suggest (0.4 / 0.1 at the ends before): the
            # words' agreement is already weighed by name_words, and the ends counted it twice.
            {"kind": "sql", "sql": _full_name_jw(0.95), "label": "JW >= 0.95", "m": 0.3, "u": 0.05, "fix_u": True},
            {"kind": "sql", "sql": _full_name_jw(0.85), "label": "JW >= 0.85", "m": 0.35, "u": 0.1, "fix_u": True},
            {"kind": "sql", "sql": _full_name_jw(0.7), "label": "JW >= 0.7", "m": 0.2, "u": 0.3, "fix_u": True},
            {"kind": "else", "label": "JW < 0.7", "m": 0.2, "u": 0.45, "fix_u": True},
        ],
    },
    {
        "name": "rank",
        "description": "military rank",
        "levels": [
            {"kind": "null", "column": "rank"},
            {"kind": "exact", "column": "rank", "label": "same rank", "m": 0.8, "u": 0.15},
            # A promotion between two sources, or a source that writes an earlier rank.
            {"kind": "within", "column": "rank_seniority", "threshold": 1, "label": "the next rank up or down",
             "m": 0.15, "u": 0.2},
            {"kind": "else", "label": "different rank", "m": 0.05, "u": 0.65},
        ],
    },
    {
        "name": "birth_year",
        "description": "year of birth, given or derived from an age at a date",
        "levels": [
            {"kind": "null", "column": "birth_year"},
            {"kind": "sql", "sql": "birth_year_l = birth_year_r AND birth_earliest_l = birth_year_l "
                                   "AND birth_earliest_r = birth_year_r", "label": "same year", "m": 0.45, "u": 0.03},
            # An age at a date allows two years (the birthday before or after the date): the
            # years agree when the two records' years overlap.
            {"kind": "sql", "sql": _YEARS_APART.format(years=0), "label": "same year, as far as an age at a date tells",
             "m": 0.35, "u": 0.05},
            {"kind": "sql", "sql": _YEARS_APART.format(years=1), "label": "within 1 year", "m": 0.17, "u": 0.06},
            {"kind": "sql", "sql": _YEARS_APART.format(years=3), "label": "within 3 years", "m": 0.0298, "u": 0.1},
            {"kind": "else", "label": "more than 3 years apart", "m": 0.0002, "u": 0.81},
        ],
    },
    {
        "name": "origin",
        "description": "place of origin",
        "levels": [
            {"kind": "null", "column": "origin_key"},
            # Written alike, unless the gazetteer tells two places apart (Izraa / al-Thawrah).
            {"kind": "sql", "sql": "origin_key_l = origin_key_r AND coalesce(origin_region_l = origin_region_r, true)",
             "label": "same origin", "m": 0.6, "u": 0.1},
            # Two towns of one governorate (Rastan / Talbiseh) are two places, not one.
            {"kind": "sql", "sql": "origin_region_l = origin_region_r AND origin_place_l <> origin_place_r",
             "label": "another place in the same governorate", "m": 0.01, "u": 0.03},
            # A town and its governorate, or two spellings the gazetteer knows, agree.
            {"kind": "exact", "column": "origin_region", "label": "same governorate", "m": 0.34, "u": 0.05},
            {"kind": "sql", "sql": "origin_region_l <> origin_region_r", "label": "another governorate",
             "m": 0.02, "u": 0.8},
            # u declared: random pairs rarely both name places the gazetteer lacks, so an estimated
            # u made two such different places evidence for a match.
            {"kind": "else", "label": "different origin (a place not known to the gazetteer)", "m": 0.03,
             "u": 0.05, "fix_u": True},
        ],
    },
    {
        "name": "units",
        "description": "military units served in",
        "levels": [
            {"kind": "null", "column": "units"},
            {"kind": "intersect", "column": "units", "min": 1, "label": "a unit in common",
             "m": 0.6, "u": 0.05},
            {"kind": "else", "label": "no unit in common", "m": 0.4, "u": 0.95},
        ],
    },
    {
        "name": "event_dates",
        "description": "dates of events the person took part in, compared as far as both write "
                       "them (a year, a month, a day)",
        "levels": [
            {"kind": "null", "column": "event_years"},
            {"kind": "intersect", "column": "event_days", "min": 1, "label": "an event on the same day",
             "m": 0.3, "u": 0.002},
            # Both write a day of that month, and no day is the same: another event, or a slip.
            {"kind": "intersect", "column": "event_day_months", "min": 1,
             "label": "an event in the same month, on another day", "m": 0.01, "u": 0.018},
            {"kind": "intersect", "column": "event_months", "min": 1, "label": "an event in the same month",
             "m": 0.2, "u": 0.03},
            {"kind": "intersect", "column": "event_month_years", "min": 1,
             "label": "an event year in common, in other months", "m": 0.05, "u": 0.15},
            {"kind": "intersect", "column": "event_years", "min": 1, "label": "an event year in common",
             "m": 0.2, "u": 0.1},
            {"kind": "else", "label": "no event year in common", "m": 0.24, "u": 0.7},
        ],
    },
]

# Candidate pairs: any rule may find a pair. A rule's key joins name keys with one more
# field (father's name, mother's name, birth year, origin), and a key value shared by more than
# BLOCK_MAX_RECORDS records is dropped (no pairs from it): on a million records "Mohammed
# al-Hamad" alone would make millions of pairs that no field tells apart. Rare words and
# loose keys (at most RARE_WORD_MAX_RECORDS records each, more on small lists) catch reordered, misspelt and
# partly missing names. The composite keys are built in :func:`record_features`.
BLOCKING_KEYS: dict[str, tuple[str, ...]] = {
    "block_words": ("name_set",),
    "block_given_family": ("given_key", "family_key"),
    "block_given_father_family": ("given_key", "father_key", "family_key"),
    "block_given_family_year": ("given_key", "family_key", "birth_year"),
    "block_given_family_origin": ("given_key", "family_key", "origin_key"),
    "block_father_family_year": ("father_key", "family_key", "birth_year"),
    "block_given_father_year": ("given_key", "father_key", "birth_year"),
    "block_family_year_origin": ("family_key", "birth_year", "origin_key"),
    "block_given_year_origin": ("given_key", "birth_year", "origin_key"),
    "block_given_father": ("given_key", "father_key"),
    "block_father_family": ("father_key", "family_key"),
    "block_family_year": ("family_key", "birth_year"),
    # The mother's name with the family or the given name: a misspelt given name ("Hatyham")
    # or a missing father's name leaves no other key (synthetic 100k F1 0.9501 -> 0.9516, R +0.003).
    "block_family_mother": ("family_key", "mother_key"),
    "block_given_mother": ("given_key", "mother_key"),
    # The three names by their loose keys (Riyadh / Riyad, Zaher / Zahar), which no key above shares.
    "block_loose_names": ("given_loose", "father_loose", "family_loose"),
}
BLOCKING_RULES: list[dict[str, Any]] = [
    *({"columns": [key]} for key in BLOCKING_KEYS),
    # A kunya-only name with every name of its family (at most KUNYA_PAIR_BUDGET pairs).
    {"sql": "l.kunya_family = r.family_key"},
    {"sql": "l.family_key = r.kunya_family"},
    {"columns": ["rare_word"], "explode": ["rare_word"]},
    {"columns": ["rare_loose"], "explode": ["rare_loose"]},
]

BLOCK_MAX_RECORDS = 200
BLOCK_PAIR_BUDGET = 2_000_000  # candidate pairs per blocking key (reached from a few 100k records)
# Keys of two fields, neither of them the given and family name together, make the most
# candidate pairs for the fewest true pairs no other key finds (synthetic 100k: 2.8M of
# 4.6M pairs, 2.7k of 82k true pairs): they get a smaller budget, which drops their
# biggest blocks (Mohammed son of Ahmad) first.
WEAK_BLOCKING_KEYS = frozenset({"block_given_father", "block_father_family", "block_family_year"})
WEAK_KEY_PAIR_BUDGET = 400_000  # F1 0.9077 -> 0.9076, scoring 78 -> 42 s
KUNYA_PAIR_BUDGET = 400_000
RARE_WORD_MAX_RECORDS = 50
# A smaller list affords bigger rare-word blocks: the cap grows to RARE_WORD_PAIR_BUDGET / N
# records (110 on 4.5k names, where it found 10% more true pairs; 50 from 10k up).
RARE_WORD_PAIR_BUDGET = 500_000
MIN_TRAINING_ROWS = 200
DEFAULT_THRESHOLD = 0.7
# A cluster is coherent when at least half of its member pairs are links (0.3 let chains
# through look-alike names stand; measured on real spellings).
MIN_CLUSTER_DENSITY = 0.5
STRICTER_STEP = 2.0  # match weight added per re-split of an incoherent cluster
U_SAMPLE_PAIRS = 3e5  # random pairs for estimating u
NAMED_PAIR_BITS = 10.0  # names alone this far above even odds: about 1 pair in 1,000 wrong
# The declared m of a field's level counts as this many named pairs: enough to hold it on a
# short list, not to outweigh a list where one person's records never disagree on the field
# (50 -> 10: synthetic 100k F1 0.9473 -> 0.9478, 10k 0.9733 -> 0.9742; 5 measured no better).
FIELD_M_PRIOR_PAIRS = 10.0
FIELD_M_ITERATIONS = 5
PRIOR_MARGIN = 8.0  # bits: how far a re-estimated prior may lift a pair
# Two members of one cluster whose own comparison weighs less than this (P(match) below
# 1 in 2**12) are not put together by links through others. With this check, chains
# through namesakes no longer need the stricter DEFAULT_THRESHOLD of 0.9 that kept them
# out; both values measured on the synthetic and real-spelling benchmarks (-10 to -20
# and 0.5 to 0.9 tried).
CONTRADICTION_WEIGHT = -12.0
# Two groups of a cluster are joined when the pairs between them weigh more than this on
# average (in bits, with the prior): the pairs' odds of a match multiply to more than
# 2**0.75 per pair. (Measured with DENSITY_CHECK_ABOVE 3: 0 -> 0.5, synthetic 100k F1
# 0.9413 -> 0.9427, real spellings B3 0.8518 -> 0.8516; 1.0 lost recall on both.)
AVERAGE_LINK_WEIGHT = 0.75
# Where average linkage follows (a list long enough to train on), the density rule re-splits
# only components of more than this many members: average linkage keeps a small one's
# namesakes apart itself, while the re-split at stricter weights broke up persons whose
# records link loosely. (3 -> 10, with AVERAGE_LINK_WEIGHT 0.5 -> 0.75: synthetic 100k F1
# 0.9427 -> 0.944, R 0.925 -> 0.929; real spellings B3 0.8516 -> 0.852; 6, 15 and 20 measured
# no better.) Without average linkage after it, every component of more than three.
DENSITY_CHECK_ABOVE = 10
DENSITY_CHECK_ABOVE_ALONE = 3
# The comparisons of the name itself. Two names of one cluster that share nothing are what
# aliases look like (a kunya and a full name), so a contradiction also needs the other
# fields (father's or mother's name, birth year, origin, rank, units, event dates) to speak
# against the pair; on names alone the density rule guards against chains. (Measured: real
# spellings B3 0.837 -> 0.842, synthetic 100k F1 0.899 -> 0.904.)
NAME_COMPARISONS = frozenset({"name_words", "given_name", "family_name", "full_name_similarity"})
# The comparisons that differ between a person's aliases and loose spellings: the name's own
# and the father's name. (In the average of regroup_clusters, counting a different father's
# name as evidence split real-spelling clusters of one person: B3 0.851 -> 0.850.)
ALIAS_COMPARISONS = NAME_COMPARISONS | {"father_name"}
# Brothers: given names unlike each other (at the "different given name" level, and far
# apart even as phonetic keys: not a typo of one name) with the same or a similar father's
# name are sons of one father, whatever else they share; such a pair in one cluster is a
# contradiction too. Lists of defectors and detainees often name brothers together.
# (Measured within clusters: on real spellings 198 pairs of different persons and 1 of the
# same person; on synthetic 100k, which has no brothers, 3 and 13.)
SIBLINGS = {"differ": ("given_name", ("different given name",)),
            "agree": ("father_name", ("same father's name", "same consonants in the father's name",
                                      "similar father's name", "close spelling of the father's name")),
            "column": "given_phon", "below_similarity": 0.6}
PARALLEL_NAMES = 20_000  # distinct names from which their keys are built in two processes
DUCKDB_THREADS = 2
DUCKDB_MEMORY = "3GB"

logger = logging.getLogger(__name__)


class LinkageError(Exception):
    """Linkage cannot run (bad records, missing backend); the message says why."""


@dataclass
class ScoredPair:
    """A compared pair. ``contributions`` starts with the prior ("prior") and has one entry
    per comparison (``comparison``, ``level``, ``bayes_factor``, ``log2_weight``); their
    ``log2_weight`` values sum to ``match_weight``."""

    left_id: Hashable
    right_id: Hashable
    match_weight: float
    match_probability: float
    contributions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LinkResult:
    """Clusters of a list.

    ``clusters`` maps every record id to a cluster id (the smallest-positioned member's id).
    ``cluster_probability`` maps every id to the highest match probability between the
    record and another member of its cluster, or None for a record alone in its cluster.
    ``pairs`` are the candidate pairs scored at or above ``threshold`` (or the lower
    ``pairs_floor`` given to :func:`link_records`), built one by one when read.
    """

    clusters: dict[Hashable, Hashable]
    cluster_probability: dict[Hashable, float | None]
    pairs: Sequence[ScoredPair]
    threshold: float
    trained: bool
    _scorer: Callable[[Hashable, Hashable], ScoredPair] | None = field(default=None, repr=False)

    def explain(self, left_id: Hashable, right_id: Hashable) -> ScoredPair:
        """Score any two records of the list, whether or not blocking compared them."""
        if self._scorer is None:
            raise LinkageError("this result has no model to explain pairs with")
        return self._scorer(left_id, right_id)


# ---------------------------------------------------------------- record features

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    match = YEAR.search(str(value))
    return int(match.group(1)) if match else None


def _birth_years(record: dict) -> tuple[int, int] | None:
    """The years of birth a record allows, (earliest, latest): its birth year, or from an
    age at a date the two years before and after that year's birthday."""
    year = _year(record.get("birth_year"))
    if year is not None:
        return year, year
    age, at = record.get("age"), _year(record.get("age_at"))
    try:
        return (at - int(age) - 1, at - int(age)) if age not in (None, "") and at is not None else None
    except (TypeError, ValueError):
        return None


EVENT_DATE = re.compile(r"\b(1[89]\d\d|20\d\d)(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?\b")


def _event_dates(values: Any) -> dict[str, list[str] | None]:
    """Event dates ("2012", "2012-06", "2012-06-14") as far as they are written: the years,
    months and days, and the months and years that are written to the day or to the month
    (so that two dates of one month, each to the day, are seen to differ)."""
    found = [m.groups() for value in (values or []) if (m := EVENT_DATE.search(str(value)))]
    columns = {
        "event_years": {y for y, _, _ in found},
        "event_months": {f"{y}-{m}" for y, m, _ in found if m},
        "event_month_years": {y for y, m, _ in found if m},
        "event_days": {f"{y}-{m}-{d}" for y, m, d in found if d},
        "event_day_months": {f"{y}-{m}" for y, m, d in found if d},
    }
    return {column: sorted(values) or None for column, values in columns.items()}


# Ranks of the vocabulary by seniority, one step apart; a plain "lieutenant" may be either
# lieutenant, so it is half a step from both.
RANK_SENIORITY = {rank: float(i) for i, rank in enumerate(r for r in RANKS if r != "lieutenant")}
RANK_SENIORITY["lieutenant"] = (RANK_SENIORITY["second lieutenant"] + RANK_SENIORITY["first lieutenant"]) / 2


def _key_list(values: Any) -> list[str] | None:
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    keys = sorted({fold(str(v)).strip() for v in values if str(v).strip()})
    return keys or None


@lru_cache(maxsize=1 << 14)
def _folded(text: str) -> str:
    return fold(text).strip()


@lru_cache(maxsize=1 << 14)
def _given_key(text: str) -> str:
    return name_keys(text).given if text.strip() else ""


@lru_cache(maxsize=1 << 14)
def _origin(text: str) -> tuple[str | None, str | None]:
    """The governorate of a place of origin and the place below it (None for a governorate,
    or a place not known), when the gazetteer knows the place: one of its spellings by
    consonants and agreeing vowels (Dimashk, Deir al-Zoour, الميادين; Maydan is not
    Mayadin), else a known place within the phrase ("Samad in eastern Daraa": its
    governorate only)."""
    from tawthiq.extract.rules.geography import locate_place

    if not text.strip():
        return None, None
    keys = name_keys(text)
    vowels = _word_vowel_masks(keys)
    # The spellings of these consonants whose vowels agree, else those one vowel off (Draa,
    # Reqqa: a vowel dropped or changed); of them, one written with the same vowels (Adra is
    # Adra, not درعا), then those sharing the most vowels both write (Izraa is Izraa, not
    # al-Thawrah), then the most both allow (Hema is Hama, not Hmeimim).
    scores: dict[tuple[str, str | None], tuple[int, bool, int, int]] = {}
    for their_vowels, region, place in _gazetteer_spellings().get(" ".join(keys.tokens), ()):
        pairs = [(vowels[w], their_vowels.get(w, ANY_VOWELS)) for w in vowels]
        off = sum(_bit_count(a[0] & ~b[1]) + _bit_count(b[0] & ~a[1]) for a, b in pairs)
        if off <= 1:
            score = (-off, all(a == b for a, b in pairs),
                     *(sum(_bit_count(a[i] & b[i]) for a, b in pairs) for i in (0, 1)))
            scores[region, place] = max(scores.get((region, place), score), score)
    best = [found for found, score in scores.items() if score == max(scores.values())]
    if best and len({region for region, _ in best}) == 1:
        places = {place for _, place in best}
        return best[0][0], places.pop() if len(places) == 1 else None
    located = locate_place(text)
    if located and located[1]:
        return located[1], None
    # Still a tie (Reqqa: Raqqa or the village Ariqa): the governorate, which lists write most.
    governorates = [region for region, place in best if place is None]
    return (governorates[0] if len(governorates) == 1 else None), None

@lru_cache(maxsize=1 << 14)
def _origin_key(text: str) -> str:
    """A place name's comparison key: the name keys of its words, in either script."""
    return " ".join(name_keys(text).tokens) if text.strip() else ""


@lru_cache(maxsize=1)
def _gazetteer_spellings() -> dict[str, list[tuple[dict[str, tuple[int, int]], str, str | None]]]:
    """Every governorate and place spelling of the extraction gazetteer by its comparison
    key, with the vowel masks of its words, its governorate and the place (None for a
    governorate)."""
    from tawthiq.extract.rules.gazetteers import load

    found: dict[str, list] = defaultdict(list)
    for words, entry in load().lookup.items():
        if entry.category in ("governorate", "place") and entry.parent:
            keys = name_keys(" ".join(words))
            place = entry.name if entry.category == "place" else None
            found[" ".join(keys.tokens)].append((_word_vowel_masks(keys), entry.parent, place))
    return dict(found)


def _word_vowel_masks(keys) -> dict[str, tuple[int, int]]:
    return {word: _vowel_masks(*slots) for word, slots in zip(keys.words, keys.word_vowels)}


def _bit_count(mask: int) -> int:
    return bin(mask & ~(-1 << 63)).count("1")  # ANY_VOWELS' may is -1: all 63 bits


def _vowels_agree(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Each spelling's long vowels allowed by the other (the test of :data:`_VOWELS_AGREE`)."""
    return (a[0] & ~b[1]) == 0 and (b[0] & ~a[1]) == 0


ANY_VOWELS = (0, -1)  # (must, may) masks of a word whose vowels are not known: agrees with any


@lru_cache(maxsize=1 << 16)
def _vowel_masks(must: tuple[str, ...], may: tuple[str, ...]) -> tuple[int, int]:
    """vowel_slots codes ("3u": a u after the third consonant) as bit masks, for SQL."""
    if may == UNKNOWN_VOWELS:
        return ANY_VOWELS

    def mask(codes: tuple[str, ...]) -> int:
        return sum(1 << (3 * min(int(c[:-1]), 20) + "aiu".index(c[-1])) for c in set(codes))

    return mask(must), mask(may)


def record_features(records: Sequence[dict]) -> dict[str, list]:
    """Comparison columns, one list per column, one entry per record (``unique_id`` =
    position in ``records``); columnar so that a million records stay small.

    Each name word carries its information in bits, log2(N / records with the word), for
    its skeleton and for its loose key (see :func:`tawthiq.resolve.names.loose_key`)."""
    keys = _all_name_keys([str(r.get("name") or "") for r in records])
    words = [sorted(k.words) for k in keys]
    vowel_masks = [_word_vowel_masks(k) for k in keys]
    loose = [[loose_key(w) for w in ws] for ws in words]
    frequency = Counter(w for ws in words for w in ws)
    # Only run-together keys that are some record's word can ever match one.
    joined = [[j for j in k.joined if j in frequency and j not in ws] for k, ws in zip(keys, words)]
    # A rare-word block holds every record carrying the value, as a word or run together
    # ("Hasan Muhammad" carries a once-seen typo "Hasanmuhammad"): capped on that count.
    carriers = Counter(v for ws, js in zip(words, joined) for v in {*ws, *js})
    loose_frequency = Counter(x for xs in loose for x in set(xs))
    n = max(len(records), 2)
    rare_cap = max(RARE_WORD_MAX_RECORDS, RARE_WORD_PAIR_BUDGET // n)
    word_bits = {w: math.log2(n / c) for w, c in frequency.items()}
    spelling_bits = _spelling_bits(vowel_masks, n)
    loose_word_bits = {w: math.log2(n / c) for w, c in loose_frequency.items()}
    columns: dict[str, list] = defaultdict(list)
    for position, (record, k, tokens, loose_tokens, joined_tokens, vowels) in enumerate(
            zip(records, keys, words, loose, joined, vowel_masks)):
        bits = [spelling_bits[t, vowels[t]] for t in tokens]
        origin_text = str(record.get("origin") or "")
        origin = _origin_key(origin_text)
        region, place = _origin(origin_text)
        dates = _event_dates(record.get("event_dates"))
        rank = _folded(str(record.get("rank") or ""))
        born = _birth_years(record)
        name = str(record.get("name") or "")
        mother = _given_key(str(record.get("mother") or ""))
        row = {
            "unique_id": position,
            "name_raw": _folded(name) or None,
            "name_set": " ".join(tokens) or None,
            "name_tokens": tokens or None,
            "word_must": [vowels[t][0] for t in tokens] or None,
            "word_may": [vowels[t][1] for t in tokens] or None,
            "joined_tokens": joined_tokens,
            "token_bits": bits or None,
            "loose_tokens": loose_tokens or None,
            "loose_bits": [loose_word_bits[x] for x in loose_tokens] or None,
            "name_bits": sum(bits) if tokens else None,
            "family_bits": word_bits.get(k.family),
            "rare_word": sorted(v for v in {*tokens, *joined_tokens} if carriers[v] <= rare_cap) or None,
            "rare_loose": sorted({x for x in loose_tokens if loose_frequency[x] <= rare_cap})
            or None,
            "given_key": k.given or None,
            "given_must": _vowel_masks(*k.given_vowels)[0],
            "given_may": _vowel_masks(*k.given_vowels)[1],
            "father_must": _vowel_masks(*k.father_vowels)[0],
            "father_may": _vowel_masks(*k.father_vowels)[1],
            "family_must": _vowel_masks(*k.family_vowels)[0],
            "family_may": _vowel_masks(*k.family_vowels)[1],
            "given_phon": k.given_phonetic or None,
            "given_loose": loose_key(k.given) or None,
            "given_initial": k.given[:1] or None,
            "family_key": k.family or None,
            "kunya_family": k.family if k.kunya and k.family and not k.given else None,
            "father_key": k.father or None,
            "father_loose": loose_key(k.father) or None,
            "father_phon": k.father_phonetic or None,
            "mother_key": mother or None,
            "mother_loose": loose_key(mother) or None,
            "family_phon": k.family_phonetic or None,
            "family_loose": loose_key(k.family) or None,
            "family_initial": k.family[:1] or None,
            "full_phon": k.full_phonetic or None,
            "full_phon_rotated": k.rotated_phonetic or None,
            "rank": rank or None,
            "rank_seniority": RANK_SENIORITY.get(rank),
            "birth_year": born[1] if born else None,  # the latest: blocking keys hold one year
            "birth_earliest": born[0] if born else None,
            "origin_key": origin or None,
            "origin_region": region,
            "origin_place": place,
            "units": _key_list(record.get("units")),
            **dates,
        }
        for column, value in row.items():
            columns[column].append(value)
    for block, parts in BLOCKING_KEYS.items():
        values = [None if None in v else "|".join(map(str, v)) for v in zip(*(columns[p] for p in parts))]
        counts = Counter(values)
        counts.pop(None, None)
        cap = _block_cap(counts, WEAK_KEY_PAIR_BUDGET if block in WEAK_BLOCKING_KEYS else BLOCK_PAIR_BUDGET)
        columns[block] = [v if v is not None and counts[v] <= cap else None for v in values]
    columns["kunya_family"] = _kunya_blocks(columns["kunya_family"], columns["family_key"])
    return dict(columns)


def _kunya_blocks(kunya_family: list, family: list) -> list:
    """The kunya-only names' family keys, those of the biggest families dropped first
    until their blocks (kunya-only names times the family's names) make at most
    KUNYA_PAIR_BUDGET pairs."""
    wanted = Counter(v for v in kunya_family if v is not None)
    sizes = Counter(v for v in family if v in wanted)
    pairs, kept = 0, set()
    for value in sorted(wanted, key=lambda v: sizes[v]):
        pairs += wanted[value] * sizes[value]
        if pairs > KUNYA_PAIR_BUDGET:
            break
        kept.add(value)
    return [v if v in kept else None for v in kunya_family]


def _name_keys_of(names: list[str]) -> list:
    return [name_keys(name) for name in names]


def _all_name_keys(names: list[str]) -> list:
    """name_keys of every name, each distinct name once; from PARALLEL_NAMES names, half of
    them in a forked second process (pure Python, the keys of 100k names take 15 s of one
    core, while the other idles). Forked, so that the child neither imports the caller's
    main module again nor needs the input pickled; it only computes keys. Without a second
    process (one core, no fork on this platform, or none can start), all here."""
    distinct = list(dict.fromkeys(names))
    if (len(distinct) < PARALLEL_NAMES or (os.cpu_count() or 1) < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        computed = _name_keys_of(distinct)
    else:
        half = len(distinct) // 2
        try:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
                second = pool.submit(_name_keys_of, distinct[half:])
                computed = _name_keys_of(distinct[:half]) + second.result()
        except (OSError, BrokenProcessPool) as exc:
            logger.warning("name keys in one process: %s", exc)
            computed = _name_keys_of(distinct)
    by_name = dict(zip(distinct, computed))
    return [by_name[name] for name in names]


def _spelling_bits(vowel_masks: list[dict[str, tuple[int, int]]], n: int) -> dict[tuple, float]:
    """Bits of each (skeleton, vowel masks) spelling: log2(N / records with a word of that
    skeleton whose vowels agree with it). A skeleton holds several names (Aqqal, Aqeel,
    Oqayli and Aqeeli are all "kl"), and a word shares its bits only with the spellings its
    vowels agree with, so its rarity is counted among those; a spelling that marks no long
    vowel agrees with all of them and counts as the bare skeleton does."""
    spellings = Counter((w, masks) for per_record in vowel_masks for w, masks in per_record.items())
    by_word: dict[str, list[tuple[tuple[int, int], int]]] = defaultdict(list)
    for (word, masks), count in spellings.items():
        by_word[word].append((masks, count))
    return {(word, masks): math.log2(n / sum(c for other, c in variants if _vowels_agree(masks, other)))
            for word, variants in by_word.items() for masks, _ in variants}


def _block_cap(counts: Counter, budget: int) -> int:
    """The most records a value of a blocking key may hold: BLOCK_MAX_RECORDS, lowered
    until the key's blocks make at most ``budget`` pairs (the biggest blocks go
    first), so that the time to score a million records stays bounded."""
    sizes = sorted(c for c in counts.values() if c > 1)
    pairs = 0
    for i, size in enumerate(sizes):
        if size > BLOCK_MAX_RECORDS or pairs + size * (size - 1) // 2 > budget:
            return sizes[i - 1] if i and sizes[i - 1] < size else max(1, size - 1)
        pairs += size * (size - 1) // 2
    return BLOCK_MAX_RECORDS


def _row(columns: dict[str, list], position: int) -> dict[str, Any]:
    return {column: values[position] for column, values in columns.items()}


# ---------------------------------------------------------------- Splink model


# Rarity-weighted word overlap: the information (bits) of the words two names share. A word
# shares its skeleton's bits when the other name has the same skeleton, else its loose key's
# (fewer) bits when the other name has the same loose key. A word the other name writes as
# two or three words (its joined_tokens: "Bin Al Nour" / "Binalnour", "Abdul Rahman" /
# "Abdulrahman") counts on both sides, as those words have no single match of their own.
# Computed from both sides, the smaller taken; compared with the shorter (or longer) name's
# information and with log2 N.
# A word shares its bits only when its vowels agree too: the long vowels one spelling
# writes are allowed by the other (see :func:`tawthiq.resolve.names.vowel_slots`; as bit
# masks, so that the test is two AND-NOTs). Hammoud and Hammad, Holayb and حلبي, or Mahmoud
# and محمد, are different names with one skeleton; but so are Haniya / Haniyeh to the
# test, so a word of the same skeleton with other vowels still shares half its loose bits.
_VOWELS_AGREE = {
    "duckdb": "(word_must_{a}[i] & ~word_may_{b}[{j}]) = 0 AND (word_must_{b}[{j}] & ~word_may_{a}[i]) = 0",
    "spark": "(element_at(word_must_{a}, i) & ~element_at(word_may_{b}, {j})) = 0 "
             "AND (element_at(word_must_{b}, {j}) & ~element_at(word_may_{a}, i)) = 0",
}
_SIDE_BITS = {
    "duckdb": "coalesce(list_sum(list_transform(name_tokens_{a}, (x, i) -> CASE "
              "WHEN list_contains(name_tokens_{b}, x) AND "
              + _VOWELS_AGREE["duckdb"].replace("{j}", "list_position(name_tokens_{b}, x)")
              + " THEN token_bits_{a}[i] "
              "WHEN list_contains(name_tokens_{b}, x) THEN loose_bits_{a}[i] / 2 "
              "WHEN list_contains(loose_tokens_{b}, loose_tokens_{a}[i]) THEN loose_bits_{a}[i] "
              "ELSE 0 END)), 0)",
    "spark": "aggregate(sequence(1, size(name_tokens_{a})), 0D, (acc, i) -> acc + CASE "
             "WHEN array_contains(name_tokens_{b}, element_at(name_tokens_{a}, i)) AND "
             + _VOWELS_AGREE["spark"].replace("{j}", "array_position(name_tokens_{b}, element_at(name_tokens_{a}, i))")
             + " THEN element_at(token_bits_{a}, i) "
             "WHEN array_contains(name_tokens_{b}, element_at(name_tokens_{a}, i)) THEN element_at(loose_bits_{a}, i) / 2 "
             "WHEN array_contains(loose_tokens_{b}, element_at(loose_tokens_{a}, i)) "
             "THEN element_at(loose_bits_{a}, i) ELSE 0D END)",
}
_JOINED_BITS = {
    "duckdb": "coalesce(list_sum(list_transform(name_tokens_{a}, (x, i) -> CASE "
              "WHEN list_contains(joined_tokens_{b}, x) THEN token_bits_{a}[i] ELSE 0 END)), 0)",
    "spark": "aggregate(sequence(1, size(name_tokens_{a})), 0D, (acc, i) -> acc + CASE "
             "WHEN array_contains(joined_tokens_{b}, element_at(name_tokens_{a}, i)) "
             "THEN element_at(token_bits_{a}, i) ELSE 0D END)",
}


def _rarity_basis(log2_n: float) -> float:
    """log2 N, the bits a name needs to be expected once by chance; at least that of
    MIN_TRAINING_ROWS records, as word counts in a short list say little about rarity."""
    return max(log2_n, math.log2(MIN_TRAINING_ROWS))


@dataclass(frozen=True)
class _ListScale:
    """What the levels need to know of the list: its size (log2 N) and how much information
    (bits) its names and their single words carry, each sorted."""

    log2_n: float
    name_bits: Any = None
    word_bits: Any = None

    @property
    def basis(self) -> float:
        return _rarity_basis(self.log2_n)

    def band(self, low: float, high: float, *, of: str = "name", fraction: float = 1.0) -> tuple[float, float]:
        """(share, chance) of a band of shared information [low, high) bits: the share of the
        records (or of the words, ``of="word"``) whose ``fraction`` of information falls in
        it, at least 1e-4 so that every band keeps a weight, and the mean chance 2**-bits
        that a random record shares that much with them (0 outside the band)."""
        import numpy as np

        values = self.word_bits if of == "word" else self.name_bits
        if values is None or not len(values):
            return 1.0 / (len(RARITY_BANDS) + 1), 2.0 ** -max(low, 0.0)
        scaled = np.asarray(values) * fraction
        inside = scaled[(scaled >= low) & (scaled < high)]
        if not len(inside):  # no name of the list is there: as if one were, at its edge
            return 1e-4, 1e-4 * 2.0 ** -(low + 1 if math.isfinite(low) else high - 1)
        return len(inside) / len(scaled), float(np.exp2(-inside).sum()) / len(scaled)


def _word_overlap_sql(spec: dict[str, Any], backend: str, log2_n: float) -> str:
    side, joined = _SIDE_BITS[backend], _JOINED_BITS[backend]
    size = "len" if backend == "duckdb" else "size"
    both_joined = f"{joined.format(a='l', b='r')} + {joined.format(a='r', b='l')}"
    with_joined = ", ".join(
        f"least(name_bits_{a}, {side.format(a=a, b=b)} + {both_joined})" for a, b in (("l", "r"), ("r", "l"))
    )
    # Most names have no run-together key that is a word of the list: skip that sum for them.
    shared = (f"(CASE WHEN {size}(joined_tokens_l) + {size}(joined_tokens_r) = 0 "
              f"THEN least({side.format(a='l', b='r')}, {side.format(a='r', b='l')}) ELSE least({with_joined}) END)")
    # A family name one slip away (TALHI / TALJI), which no key shares, shares half its bits.
    # (The first letters are compared first: a cheap test that spares most pairs the JW.)
    near_family = (f"(CASE WHEN family_loose_l <> family_loose_r AND "
                   f"substr(family_phon_l, 1, 1) = substr(family_phon_r, 1, 1) AND "
                   f"{_JARO_WINKLER[backend]}(family_phon_l, family_phon_r) >= {CLOSE_SPELLING} "
                   f"THEN least(family_bits_l, family_bits_r) / 2 ELSE 0 END)")
    shared = f"({shared} + coalesce({near_family}, 0))"
    basis = "greatest" if spec.get("of") == "longer" else "least"
    least_bits = "least(name_bits_l, name_bits_r)"
    # The shared bits are at most either name's: these cheap tests come first and spare the
    # list lambdas on most pairs. The size tests name the list columns outside the lambdas,
    # where Splink sees them.
    share_bits = f"{spec['share']} * {basis}(name_bits_l, name_bits_r)"
    cheap = [f"{least_bits} >= {share_bits}"]
    needed = share_bits
    if "bits_over_n" in spec:
        bits = f"{_rarity_basis(log2_n) + spec['bits_over_n']:.3f}"
        cheap.append(f"{least_bits} >= {bits}")
        needed = f"greatest({needed}, {bits})"
    if spec.get("bits_under_n") is not None:
        # A pair reaches this band only when it shares less than the band above starts at,
        # and it needs ``share`` of its names' bits: a name that rare skips the band (most
        # pairs do, so the lower bands cost them no list lambdas).
        cheap.append(f"{share_bits} < {_rarity_basis(log2_n) + spec['bits_under_n']:.3f}")
    lists = ("token_bits", "loose_tokens", "loose_bits", "word_must", "word_may")
    return " AND ".join(cheap + [f"{size}({c}_{x}) > 0" for c in lists for x in "lr"] + [f"{shared} >= {needed}"])


def _level(spec: dict[str, Any], with_priors: bool, backend: str = "duckdb",
           scale: _ListScale = _ListScale(10.0)):
    """A Splink level from its spec. Term-frequency adjustments only on lists of at least
    MIN_TRAINING_ROWS rows: in a short list every name looks frequent."""
    import splink.comparison_level_library as cll

    log2_n = scale.log2_n
    kind = spec["kind"]
    column = spec.get("column")
    if kind == "null":
        return cll.NullLevel(column)
    if kind == "exact":
        use_tf = bool(spec.get("tf")) and log2_n >= math.log2(MIN_TRAINING_ROWS)
        level = cll.ExactMatchLevel(column, term_frequency_adjustments=use_tf)
    elif kind == "jaro_winkler":
        level = cll.JaroWinklerLevel(column, spec["threshold"])
    elif kind == "intersect":
        level = cll.ArrayIntersectLevel(column, spec.get("min", 1))
    elif kind == "subset":
        level = cll.ArraySubsetLevel(column)
    elif kind == "sql":
        sql = spec["sql"] if isinstance(spec["sql"], str) else spec["sql"][backend]
        level = cll.CustomLevel(sql, base_dialect_str=backend)
    elif kind == "word_overlap":
        level = cll.CustomLevel(_word_overlap_sql(spec, backend, log2_n), base_dialect_str=backend)
    elif kind == "kunya_family":
        tests = [f"({_KUNYA_AND_GIVEN})", _same_vowels("family")]
        if "bits_over_n" in spec:  # the last band, the commonest names, has no lower bound
            tests.append(f"least(family_bits_l, family_bits_r) >= {_rarity_basis(log2_n) + spec['bits_over_n']:.3f}")
        level = cll.CustomLevel(" AND ".join(tests), base_dialect_str=backend)
    elif kind == "within":
        level = cll.AbsoluteDifferenceLevel(column, spec["threshold"])
    elif kind == "else":
        level = cll.ElseLevel()
    else:
        raise LinkageError(f"unknown comparison level kind {kind!r}")
    options: dict[str, Any] = {"label_for_charts": spec.get("label", kind)}
    m = spec.get("m")
    if "ways" in spec:  # a band of name rarity (see _rarity_bands)
        low, high = (scale.basis + spec[b] if spec.get(b) is not None else bound
                     for b, bound in (("bits_over_n", -math.inf), ("bits_under_n", math.inf)))
        share, chance = scale.band(low, high, of=spec.get("bits_of", "name"), fraction=spec.get("fraction", 1.0))
        m *= share
        # Sharing B bits of name information happens to a random pair about once in 2**B
        # (that is what the bits measure): u is known, and too small to sample at 1M.
        options.update(u_probability=min(0.5, spec["ways"] * chance), fix_u_probability=True)
    elif spec.get("fix_u"):
        options.update(fix_u_probability=True)
    if with_priors:
        options.setdefault("u_probability", spec.get("u"))
        options.update(m_probability=m)
    return level.configure(**options)


def _comparison(spec: dict[str, Any], with_priors: bool, backend: str, scale: _ListScale):
    import splink.comparison_library as cl

    return cl.CustomComparison(
        comparison_levels=[_level(level, with_priors, backend, scale) for level in spec["levels"]],
        output_column_name=spec["name"],
        comparison_description=spec.get("description"),
    )


def _blocking_rule(spec: dict[str, Any]):
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    if "sql" in spec:
        return CustomRule(spec["sql"])
    return block_on(*spec["columns"], arrays_to_explode=spec.get("explode"))


def _level_labels(comparisons: list[dict]) -> dict[str, dict[int, str]]:
    """gamma value -> label per comparison (Splink numbers non-null levels downwards)."""
    labels: dict[str, dict[int, str]] = {}
    for spec in comparisons:
        levels = [lv for lv in spec["levels"] if lv["kind"] != "null"]
        mapping = {len(levels) - 1 - i: lv.get("label", lv["kind"]) for i, lv in enumerate(levels)}
        mapping[-1] = "missing"
        labels[spec["name"]] = mapping
    return labels


def _db_api(backend: str):
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        # Two threads and a memory ceiling, spilling to a temporary directory beyond it
        # (removed with the connection): a million records link within 8 GiB.
        spill = tempfile.TemporaryDirectory(prefix="tawthiq-duckdb-")
        connection = duckdb.connect(config={"threads": DUCKDB_THREADS, "memory_limit": DUCKDB_MEMORY,
                                            "preserve_insertion_order": False,
                                            "temp_directory": spill.name})
        # Splink renders SQL lambdas with arrows (x -> ...), which DuckDB 2 only takes with this.
        connection.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
        db_api = DuckDBAPI(connection)
        db_api.spill_directory = spill  # lives as long as the connection
        return db_api
    if backend == "spark":
        try:
            from pyspark.sql import SparkSession
            from splink import SparkAPI
        except ImportError as exc:
            raise LinkageError(
                "the spark backend needs pyspark, which is not installed (pip install pyspark)"
            ) from exc
        spark = SparkSession.builder.appName("tawthiq-link").getOrCreate()
        return SparkAPI(spark_session=spark)
    raise LinkageError(f"unknown backend {backend!r}: use duckdb or spark")


def _register(db_api, columns: dict[str, list], backend: str, name: str):
    """Hand the feature columns to the backend; returns the Splink table, a function giving
    one record's features (for explaining a pair) without keeping Python lists, and one
    registering the features again with one more column (``name``, ``column``, ``values``)."""
    if backend == "spark":
        rows = [_row(columns, i) for i in range(len(columns["unique_id"]))]

        def with_column_spark(table_name: str, column: str, values: list):
            extended = [{**row, column: value} for row, value in zip(rows, values)]
            return db_api.register(db_api.spark.createDataFrame(extended), dataset_display_name=table_name)

        table = db_api.register(db_api.spark.createDataFrame(rows), dataset_display_name=name)
        return table, rows.__getitem__, with_column_spark
    import pyarrow as pa

    arrow = pa.Table.from_pydict(columns)

    def with_column(table_name: str, column: str, values: list):
        return db_api.register(arrow.append_column(column, pa.array(values, pa.int64())),
                               dataset_display_name=table_name)

    return db_api.register(arrow, dataset_display_name=name), lambda i: arrow.slice(i, 1).to_pylist()[0], with_column


def _fetch(db_api, backend: str, sql: str) -> dict[str, Any]:
    """Result columns of a query on the backend as numpy arrays."""
    import numpy as np

    if backend == "duckdb":
        return {k: np.asarray(v) for k, v in db_api.duckdb_con.execute(sql).fetchnumpy().items()}
    rows = db_api.spark.sql(sql).collect()
    names = rows[0].__fields__ if rows else []
    return {k: np.array([r[k] for r in rows]) for k in names}


def _prior_probability(n_rows: int) -> float:
    """Share of pairs expected to match before comparing: about one duplicate per record
    (a deduplication list), bounded for tiny and huge inputs."""
    n = max(n_rows, 2)
    return min(0.5, max(1e-7, 1.0 / (n - 1)))


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def _estimated_prior(weights, prior: float, n_rows: int) -> float:
    """The share of record pairs that match, estimated from the list with m and u held:
    the expectation-maximisation update of the prior alone, λ = Σ P(match) over the
    scored pairs / all pairs (pairs not scored count as non-matches), repeated to a fixed
    point. A list with many copies per person gets a higher prior than one duplicate per
    record, a list of mostly distinct people a lower one; at most PRIOR_MARGIN bits away."""
    import numpy as np

    pairs = n_rows * (n_rows - 1) / 2
    low, high = prior * 2.0**-PRIOR_MARGIN, min(0.5, prior * 2.0**PRIOR_MARGIN)
    estimate = prior
    for _ in range(100):
        shift = _logit2(estimate) - _logit2(prior)
        updated = float(np.sum(1.0 / (1.0 + np.exp2(-(weights + shift))))) / pairs
        updated = min(high, max(low, updated))
        if abs(math.log2(updated / estimate)) < 0.01:
            return updated
        estimate = updated
    return estimate


def _estimate_field_m(linker, scored: dict[str, Any], comparisons: list[dict]) -> None:
    """Estimate m of the comparisons other than the names (birth year, origin, rank, units,
    event dates, the mother's name) from the scored pairs whose names alone make them a
    match, and update the linker and the pairs' weights (``scored``, in place).

    Expectation maximisation of these m with the names' levels held, on pairs whose names
    alone are NAMED_PAIR_BITS above even odds (rare names spelt alike): how often one
    person's records disagree on a field is a property of the list (a list that copies a
    birth year from record to record, or one whose sources write different event years),
    which the declared m can only guess. Namesakes are few among such pairs, and those the
    other fields contradict get a low posterior, so they do not pull the estimate. The
    declared m counts as FIELD_M_PRIOR_PAIRS pairs, so a list with few such pairs keeps it.
    Synthetic 100k F1 0.928 -> 0.932 (P 0.947 -> 0.956)."""
    import numpy as np

    weight = scored["match_weight"]
    names = np.zeros(len(weight))
    for name in ALIAS_COMPARISONS:
        for column in (f"mw_{name}", f"mw_tf_adj_{name}"):
            if column in scored:
                names = names + np.nan_to_num(scored[column].astype(np.float64))
    named = names + _logit2(linker._settings_obj._probability_two_random_records_match) >= NAMED_PAIR_BITS
    if not named.any():
        return
    settings = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    fields = []  # (comparison, [(level, its pairs, its named pairs, declared m)])
    for spec in comparisons:
        name = spec["name"]
        if name not in ALIAS_COMPARISONS and name in settings and f"gamma_{name}" in scored:
            gamma = scored[f"gamma_{name}"].astype(np.int64)
            levels = []
            for level in settings[name].comparison_levels:
                if not level.is_null_level:
                    pairs = gamma == level.comparison_vector_value
                    levels.append((level, pairs, pairs[named], level.m_probability))
            fields.append((name, levels))
    declared = weight.copy()
    for _ in range(FIELD_M_ITERATIONS):
        posterior = 1.0 / (1.0 + np.exp2(-weight[named]))
        change = np.zeros(len(weight))
        for _, levels in fields:
            observed = sum(float(posterior[named_pairs].sum()) for _, _, named_pairs, _ in levels)
            for level, pairs, named_pairs, m_declared in levels:
                level.m_probability = ((float(posterior[named_pairs].sum()) + FIELD_M_PRIOR_PAIRS * m_declared)
                                       / (observed + FIELD_M_PRIOR_PAIRS))
                change[pairs] += math.log2(level.m_probability / m_declared)
        weight = declared + change
    for name, levels in fields:  # each comparison's own weight, for the explanations
        column = scored[f"mw_{name}"].astype(np.float64)
        for level, pairs, _, m_declared in levels:
            column[pairs] += math.log2(level.m_probability / m_declared)
        scored[f"mw_{name}"] = column
    scored["match_weight"] = weight


def _train(linker, n_rows: int, on_step: Callable[[str], None]) -> bool:
    """Estimate u by random sampling; False (keep the priors) when that cannot work.

    The m probabilities of the name comparisons stay the declared ones: expectation
    maximisation assumes the comparisons independent given the match status, which the
    name comparisons are not (they look at the same words), and on real spellings it
    measured worse than the declared m with estimated u (benchmarks/results/names_real.md).
    The other fields' m are estimated after scoring (:func:`_estimate_field_m`)."""
    if n_rows < MIN_TRAINING_ROWS:
        return False
    settings = linker._settings_obj
    every = settings.comparisons
    # A comparison whose every u is declared (name_words: its rarity bands) is left out of the
    # sampling, which would compute all its levels for nothing (synthetic 100k: 21 of 25 s).
    settings.comparisons = [c for c in every
                            if not all(level._fix_u_probability for level in c._comparison_levels_excluding_null)]
    try:
        on_step("estimating u (random pairs)")
        if settings.comparisons:
            linker.training.estimate_u_using_random_sampling(max_pairs=min(U_SAMPLE_PAIRS, n_rows * 200.0), seed=7)
    except Exception as exc:  # Splink raises plain Exceptions on degenerate inputs
        logger.warning("parameter estimation failed, using prior m/u: %s", exc)
        return False
    finally:
        settings.comparisons = every
    return True


def _contributions(row: dict, comparisons: list[dict], labels, prior: float) -> list[dict]:
    prior_bf = prior / (1 - prior)
    out = [{"comparison": "prior", "level": f"P(match) = {prior:.3g}",
            "bayes_factor": prior_bf, "log2_weight": math.log2(prior_bf)}]
    for spec in comparisons:
        name = spec["name"]
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        gamma = int(row.get(f"gamma_{name}", -1))
        out.append({"comparison": name, "level": labels[name].get(gamma, str(gamma)),
                    "bayes_factor": 2.0**weight, "log2_weight": weight})
    return out


class _Pairs(Sequence):
    """The scored pairs of a result, kept as columns (numpy arrays); a :class:`ScoredPair`
    with its contributions is built only for the pairs that are read, so a million-record
    list does not hold millions of explanation dicts."""

    def __init__(self, ids: list, columns: dict[str, Any], explain_row: Callable[[dict], list[dict]]):
        self._ids = ids
        self._columns = columns
        self._explain_row = explain_row

    def __len__(self) -> int:
        return len(self._columns["unique_id_l"])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = {name: values[index] for name, values in self._columns.items()}
        return ScoredPair(
            left_id=self._ids[int(row["unique_id_l"])], right_id=self._ids[int(row["unique_id_r"])],
            match_weight=float(row["match_weight"]), match_probability=float(row["match_probability"]),
            contributions=self._explain_row(row),
        )


# ---------------------------------------------------------------- clustering


def _component_labels(n: int, left, right):
    """Connected components over n nodes: each node's smallest member (numpy arrays in and
    out). Min-label propagation with pointer jumping: a few vectorised passes even at 1M."""
    import numpy as np

    labels = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return labels
    while True:
        before = labels.copy()
        low = np.minimum(labels[left], labels[right])
        np.minimum.at(labels, left, low)
        np.minimum.at(labels, right, low)
        while True:  # pointer jumping: every node straight to its label's label
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def cluster_arrays(n_records: int, left, right, weight, min_weight: float,
                   min_density: float = MIN_CLUSTER_DENSITY, sparse_above: int = DENSITY_CHECK_ABOVE_ALONE):
    """Cluster label per record (its cluster's smallest position) from pair arrays: connected
    components over pairs with weight >= ``min_weight``; a component of more than
    ``sparse_above`` members with fewer than ``min_density`` of its member pairs linked is
    re-split with a stricter weight, so chains through look-alike names do not make giant
    clusters."""
    import numpy as np

    left, right, weight = (np.asarray(x) for x in (left, right, weight))
    labels = np.arange(n_records, dtype=np.int64)
    keep = weight >= min_weight
    active = np.ones(n_records, dtype=bool)  # nodes still to cluster at this weight
    while keep.any():
        a, b = left[keep], right[keep]
        components = _component_labels(n_records, a, b)
        labels[active] = components[active]
        sizes = np.bincount(components, minlength=n_records)
        links = np.bincount(components[a], minlength=n_records)
        loose = (sizes > sparse_above) & (links < min_density * sizes * (sizes - 1) / 2)
        if not loose.any():
            break
        min_weight += STRICTER_STEP
        active = loose[components]
        labels[active] = np.flatnonzero(active)
        keep = keep & active[left] & (weight >= min_weight)
    return labels


def cluster_pairs(
    n_records: int,
    weighted_pairs: list[tuple[int, int, float]],
    min_weight: float,
    min_density: float = MIN_CLUSTER_DENSITY,
) -> list[list[int]]:
    """:func:`cluster_arrays` over (position, position, weight) tuples, either or both
    directions; returns the clusters as sorted member lists."""
    import numpy as np

    best: dict[tuple[int, int], float] = {}
    for a, b, w in weighted_pairs:
        key = (a, b) if a < b else (b, a)
        if a != b and w > best.get(key, -math.inf):
            best[key] = w
    pairs = np.array(list(best), dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(best.values()), dtype=np.float64)
    labels = cluster_arrays(n_records, pairs[:, 0], pairs[:, 1], weights, min_weight, min_density)
    groups: dict[int, list[int]] = defaultdict(list)
    for position, label in enumerate(labels.tolist()):
        groups[label].append(position)
    return list(groups.values())


def _pairs_within_clusters(linker, db_api, backend: str, register_with, cluster, comparisons):
    """Every pair of records in one cluster of three or more, scored (with the linker's
    current prior, the re-estimated one): a cluster joins records through links, and two of
    its members may never have been compared (blocking) or scored far below the kept pairs
    (a namesake linked to one copy of a person, born ten years before another). Returns
    left, right, the weight to average (0 for a pair that only ALIAS_COMPARISONS weigh
    against) and whether the pair contradicts: a weight below CONTRADICTION_WEIGHT with the
    fields other than the name (NAME_COMPARISONS) against it, or two brothers (SIBLINGS)."""
    import numpy as np
    from splink import block_on

    sizes = np.bincount(cluster, minlength=len(cluster))
    grouped = sizes[cluster] >= 3
    if not grouped.any():
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, bool)
    table = register_with("records_in_clusters", "provisional_cluster",
                          [int(c) if g else None for c, g in zip(cluster.tolist(), grouped.tolist())])
    predictions = linker.inference.predict_within(
        table, blocking_rules_to_generate_predictions=[block_on("provisional_cluster")])
    available = {c.name.strip("\"`") for c in predictions.columns}

    def against(excluded: frozenset[str]) -> str:
        """SQL: the weights of the comparisons not in ``excluded`` sum below zero."""
        columns = [column for spec in comparisons if spec["name"] not in excluded
                   for column in (f"mw_{spec['name']}", f"mw_tf_adj_{spec['name']}") if column in available]
        return f"{' + '.join(f'coalesce({c}, 0)' for c in columns)} < 0" if columns else "false"

    tests = [f"(match_weight < {CONTRADICTION_WEIGHT} AND {against(NAME_COMPARISONS)})"]
    if siblings := _siblings_sql(comparisons, backend, available):
        tests.append(f"({siblings})")
    contradicts = f"coalesce({' OR '.join(tests)}, false)"
    # Names that differ, the father's too, are what aliases and loose spellings look like
    # (a kunya and a full name; "Nazem Ali" / "Nazem Said"): in the average they count as
    # no evidence of two persons unless a field besides the names is against the pair.
    weight = f"CASE WHEN match_weight >= 0 OR {against(ALIAS_COMPARISONS)} THEN match_weight ELSE 0 END"
    found = _fetch(db_api, backend, f"SELECT unique_id_l, unique_id_r, {weight} AS match_weight, "
                                    f"{contradicts} AS contradicts FROM {predictions.physical_name}")
    predictions.drop_table_from_database_and_remove_from_cache()
    return (found["unique_id_l"].astype(np.int64), found["unique_id_r"].astype(np.int64),
            found["match_weight"].astype(np.float64), found["contradicts"].astype(bool))


def _siblings_sql(comparisons: list[dict], backend: str, available: set[str]) -> str | None:
    """The :data:`SIBLINGS` test as SQL on a predictions table, or None when the model
    lacks its comparisons (a custom model)."""
    labels = _level_labels(comparisons)
    parts = []
    for name, wanted in (SIBLINGS["differ"], SIBLINGS["agree"]):
        gammas = [g for g, label in labels.get(name, {}).items() if label in wanted]
        if not gammas or f"gamma_{name}" not in available:
            return None
        parts.append(f"gamma_{name} IN ({', '.join(map(str, gammas))})")
    column = SIBLINGS["column"]
    if f"{column}_l" not in available:
        return None
    parts.append(f"{_JARO_WINKLER[backend]}({column}_l, {column}_r) < {SIBLINGS['below_similarity']}")
    return " AND ".join(parts)


def regroup_clusters(cluster, links_left, links_right, links_weight, min_weight: float,
                     left, right, weight, contradicts):
    """Clusters of three or more re-formed by average linkage: their links at or above
    ``min_weight`` are taken strongest first, and a link joins two groups only when the
    pairs between the groups (``left``, ``right``, ``weight``: every pair within the cluster)
    weigh more than AVERAGE_LINK_WEIGHT on average and none of them ``contradicts``. A chain
    A-B-C whose ends are different people (a namesake linked to one copy of a person) stays
    apart; records of one person that each link to the others do not. Other clusters are
    returned unchanged."""
    import numpy as np

    cluster = np.asarray(cluster).copy()
    if len(left) == 0:
        return cluster
    left, right = np.asarray(left), np.asarray(right)
    scored = {}
    for a, b, w, bad in zip(left.tolist(), right.tolist(), np.asarray(weight).tolist(),
                            np.asarray(contradicts).tolist()):
        scored[(a, b) if a < b else (b, a)] = -math.inf if bad else w
    affected = np.zeros(len(cluster), dtype=bool)
    affected[cluster[left]] = True
    links_left, links_right, links_weight = (np.asarray(x) for x in (links_left, links_right, links_weight))
    inside = ((cluster[links_left] == cluster[links_right]) & affected[cluster[links_left]]
              & (links_weight >= min_weight))
    members = {int(n): [int(n)] for n in np.flatnonzero(affected[cluster])}
    root = {n: n for n in members}
    order = np.argsort(-links_weight[inside], kind="stable")
    for a, b in zip(links_left[inside][order].tolist(), links_right[inside][order].tolist()):
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        cross = [scored.get((x, y) if x < y else (y, x), -math.inf) for x in members[ra] for y in members[rb]]
        if sum(cross) <= AVERAGE_LINK_WEIGHT * len(cross):
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        for n in members[rb]:
            root[n] = ra
        members[ra].extend(members.pop(rb))
    for group in members.values():
        cluster[group] = min(group)
    return cluster


# ---------------------------------------------------------------- entry point


def link_records(
    records: list[dict],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    backend: str = "duckdb",
    train: bool = True,
    comparisons: list[dict[str, Any]] | None = None,
    blocking_rules: list[dict[str, Any]] | None = None,
    on_step: Callable[[str], None] | None = None,
    pairs_floor: float | None = None,
    estimate_prior: bool = True,
) -> LinkResult:
    """Cluster ``records`` into persons. ``threshold`` is a match probability; ``train``
    False keeps the declared priors. ``comparisons`` / ``blocking_rules`` replace the
    default model (same data format as :data:`COMPARISONS` / :data:`BLOCKING_RULES`).
    ``on_step`` receives a short description of each stage, for progress display.
    ``pairs_floor`` (a probability below ``threshold``) keeps the pairs scored down to it
    in ``pairs`` (candidates for review) without changing the clusters. ``estimate_prior``
    False keeps the prior of one duplicate per record instead of estimating it (when
    training) from the scored pairs."""
    step = on_step or (lambda _message: None)
    comparisons = comparisons if comparisons is not None else COMPARISONS
    blocking_rules = blocking_rules if blocking_rules is not None else BLOCKING_RULES
    for value in (threshold, pairs_floor if pairs_floor is not None else threshold):
        if not 0 < value < 1:
            raise LinkageError(f"threshold must be a probability between 0 and 1, not {value}")
    ids = [r.get("id") for r in records]
    if len(set(ids)) != len(ids):
        raise LinkageError("record ids must be unique")
    if len(records) < 2:
        return LinkResult({i: i for i in ids}, {i: None for i in ids}, [], threshold, False,
                          _scorer=None)

    import numpy as np
    from splink import Linker, SettingsCreator

    step("preparing name keys")
    features = record_features(records)
    n_rows = len(records)

    scale = _ListScale(math.log2(n_rows), np.sort([b for b in features["name_bits"] if b is not None]),
                       np.sort([b for bits in features["token_bits"] if bits for b in bits]))
    prior = _prior_probability(n_rows)
    db_api = _db_api(backend)
    table, feature_row, register_with = _register(db_api, features, backend, "records")
    del features  # the backend holds them now
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[_comparison(spec, True, backend, scale) for spec in comparisons],
        blocking_rules_to_generate_predictions=[_blocking_rule(r) for r in blocking_rules],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # keeps the gamma (level) columns
    )
    linker = Linker(table, settings, log_level=None)
    trained = train and _train(linker, n_rows, step)

    step("scoring candidate pairs")
    kept = min(threshold, pairs_floor) if pairs_floor is not None else threshold
    # Scored with the provisional prior, down to PRIOR_MARGIN bits below the kept pairs, so
    # that the pairs a re-estimated prior lifts above them are there.
    floor_weight = math.log2(kept / (1 - kept)) - PRIOR_MARGIN
    predictions = linker.inference.predict(threshold_match_weight=floor_weight, warning_mode="never")
    available = {c.name.strip("\"`") for c in predictions.columns}
    wanted = ["unique_id_l", "unique_id_r", "match_weight"] + [
        c for spec in comparisons
        for c in (f"gamma_{spec['name']}", f"mw_{spec['name']}", f"mw_tf_adj_{spec['name']}")
        if c in available
    ]
    scored = _fetch(db_api, backend, f"SELECT {', '.join(wanted)} FROM {predictions.physical_name}")
    predictions.drop_table_from_database_and_remove_from_cache()

    if trained:
        _estimate_field_m(linker, scored, comparisons)
    # Estimated from the pairs the threshold alone would score, so that a lower pairs_floor
    # (more pairs kept for review) does not move the prior and with it the clusters.
    near = scored["match_weight"] >= math.log2(threshold / (1 - threshold)) - PRIOR_MARGIN
    estimated = (_estimated_prior(scored["match_weight"][near], prior, n_rows)
                 if trained and estimate_prior else None)
    if estimated is not None:
        shift = _logit2(estimated) - _logit2(prior)
        prior = estimated
        linker._settings_obj._probability_two_random_records_match = prior
        scored["match_weight"] = scored["match_weight"] + shift
    keep = scored["match_weight"] >= math.log2(kept / (1 - kept))
    scored = {k: v[keep] for k, v in scored.items()}
    scored["match_probability"] = 1.0 / (1.0 + 2.0 ** -scored["match_weight"])
    labels = _level_labels(comparisons)

    def explain_row(row: dict) -> list[dict]:
        return _contributions(row, comparisons, labels, prior)

    step("clustering")
    left = scored["unique_id_l"].astype(np.int64)
    right = scored["unique_id_r"].astype(np.int64)
    weight = scored["match_weight"].astype(np.float64)
    probability = scored["match_probability"].astype(np.float64)
    min_weight = math.log2(threshold / (1 - threshold))
    cluster = cluster_arrays(n_rows, left, right, weight, min_weight,
                             sparse_above=DENSITY_CHECK_ABOVE if trained else DENSITY_CHECK_ABOVE_ALONE)
    if trained:  # a short list's few clusters are left to the threshold and reviewers
        step("checking that the members of each cluster hold together")
        cluster = regroup_clusters(cluster, left, right, weight, min_weight,
                                   *_pairs_within_clusters(linker, db_api, backend, register_with, cluster,
                                                           comparisons))
    best = np.full(n_rows, -1.0)
    inside = cluster[left] == cluster[right]
    np.maximum.at(best, left[inside], probability[inside])
    np.maximum.at(best, right[inside], probability[inside])

    position = {record_id: i for i, record_id in enumerate(ids)}

    def scorer(left_id: Hashable, right_id: Hashable) -> ScoredPair:
        try:
            a, b = position[left_id], position[right_id]
        except KeyError as exc:
            raise LinkageError(f"no record with id {exc.args[0]!r}") from None
        row = linker.inference.score_pair(feature_row(a), feature_row(b)).as_record_list()[0]
        return ScoredPair(left_id=left_id, right_id=right_id, match_weight=float(row["match_weight"]),
                          match_probability=float(row["match_probability"]),
                          contributions=explain_row(row))

    return LinkResult(
        clusters={record_id: ids[c] for record_id, c in zip(ids, cluster.tolist())},
        cluster_probability={record_id: (p if p >= 0 else None) for record_id, p in zip(ids, best.tolist())},
        pairs=_Pairs(ids, scored, explain_row),
        threshold=threshold,
        trained=trained,
        _scorer=scorer,
    )
