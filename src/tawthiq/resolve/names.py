"""Arabic personal names: parse them into their parts and build comparison keys.

The same person is written Mohammed / Muhammad / Mohamad, Mu'adh / Moath / Muaz,
al-Smadi / Al Samadi / Smadi, Abdul Latif / Abdulatif / Abd al-Latif, or in Arabic
script. The keys below are built so that such variants compare equal or close, and
Arabic script goes through the same key functions after romanisation (ICU
"Arabic-Latin"), so both scripts compare directly.

Two keys per name unit:
- ``skeleton``: consonant classes only (vowels, medial w/y, doubled letters, ayn and
  hamza marks, a final h dropped; q/k/g/c, th/dh/s/z/soft c, kh/h, sh/ch, ph/f, p/b merged).
  Coarse on purpose: used for blocking and exact-key comparisons.
- ``phonetic``: the same consonant classes with vowels reduced to a / i / u. Softer
  on vowels than the raw spelling, finer than the skeleton: used with Jaro-Winkler.

Parsing follows the usual structure of Arabic names (given name, father's and
grandfather's names, family name; kunya "Abu X" / "Umm X"; nisba "al-...i"), and the
sanctions-list convention of an ALL-CAPS family name. It is a heuristic; keys never
depend on the parse being right except for the given-name and family-name keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tawthiq.text import fold_arabic, fold_latin, script_of

# Standalone Latin particles (lower case, apostrophes removed).
ARTICLES = frozenset(
    "al el il ul l as ash ad ar at az an es ed er et ez en ech ach".split()
)
PATRONYMIC = frozenset("bin ibn ben bint bent b ould wuld walad ibnu bn".split())
KUNYA = frozenset("abu abou abo aboo abi bou bu umm um oum om ummu".split())
ABD = frozenset("abd abdu abdul abdel abdal abdol abdoul abdil abed abid abdur abdus".split())
DIN = frozenset("din deen dine eddine eddin edine uddin uddeen addin eddeen iddin".split())
# "X al-Din" written as one word: Salaheddine, Nuraldeen, Badruddin.
GLUED_DIN = re.compile(r"^([a-z]{2,}?)(?:aldin|aldeen|aldine|eldin|eldine|eddine?|edine|eddeen|uddine?|uddeen"
                       r"|addine?|iddine?)$")
ALLAH = frozenset("allah alla ullah ulla ellah illah".split())  # Nasr Allah = Nasrallah
PARTICLES = ARTICLES | PATRONYMIC | KUNYA | ABD
# Honorifics written before a name ("al-Hajj Abdullah", "Sheikh Daud", "Dr. Ayman"), with
# their romanised Arabic forms (الحاج, الشيخ, الدكتور, الملا): dropped before the first name
# word, where they would be taken for the given name. Elsewhere they are left alone
# ("Abdelbasit Alhaj Alhassan": a name part in Sudanese names).
TITLES = frozenset("hajj haj hadj hajji haji sheikh sheik shaykh shaikh shaik cheikh shykh "
                   "dr doctor duktur dktwr imam mullah mulla mla".split())

# Arabic-script particles, after fold_arabic.
AR_PATRONYMIC = frozenset({"بن", "ابن", "بنت", "ولد"})
AR_KUNYA = {"ابو": "abu", "ام": "umm"}
AR_ABD = "عبد"
AR_DIN = "الدين"

VOWELS = frozenset("aeiou")
ARABIC_H_AFTER = re.compile(r"(?<=[szkdtgcṣḍṭẓ])([hḥ])")
APOSTROPHES = re.compile(r"['’‘`´ʿʾʼʻ\u02be\u02bf]")
NON_LETTER = re.compile(r"[^a-z]+")
TOKEN_SPLIT = re.compile(r"[\s\-_,;/.()\[\]\"«»]+")
BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")

# Digraphs first (longest first), mapped to one class letter each (upper case = done).
DIGRAPHS = [
    ("sch", "X"), ("tch", "X"), ("sh", "X"), ("ch", "X"), ("kh", "H"), ("gh", "K"),
    ("th", "S"), ("dh", "S"), ("dj", "J"), ("ph", "F"), ("ck", "K"),
]
LETTER_CLASS = {
    "q": "K", "k": "K", "g": "K", "c": "K", "z": "S", "s": "S", "x": "S",
    "f": "F", "p": "B", "b": "B", "t": "T", "d": "D", "j": "J", "h": "H", "l": "L",
    "m": "M", "n": "N", "r": "R",
}
VOWEL_CLASS = {"a": "a", "e": "a", "i": "i", "o": "u", "u": "u"}


@lru_cache(maxsize=1)
def _arabic_latin():
    import icu

    return icu.Transliterator.createInstance("Arabic-Latin")


@lru_cache(maxsize=1 << 16)
def romanize_arabic(word: str) -> str:
    """Letter-by-letter romanisation of an Arabic word, folded to plain lower-case ASCII:
    'معاذ' -> 'mʿadh' -> 'madh'. Long vowels come out as a / w / y; short ones are unwritten."""
    latin = _arabic_latin().transliterate(fold_arabic(word))
    # ICU writes the second letter of its digraphs as "ẖ" (sh = ش); an h or ḥ after s, z, k,
    # t, d or g is a letter of its own (ظهور, سهيل, صحراوي): keep it apart from the digraphs.
    latin = ARABIC_H_AFTER.sub(r"a\1", latin)
    # A word-initial ayn carries a vowel, as an initial alef does: the waw or ya after it is
    # then inside the word (عوض = Awad "d", عيسى = Issa "s"), not a consonant at its start.
    if latin.startswith("ʿ"):
        latin = "a" + latin[1:]
    return NON_LETTER.sub("", fold_latin(APOSTROPHES.sub("", latin)))


@lru_cache(maxsize=1 << 17)
def _letters(word: str) -> tuple[tuple[str, str], ...]:
    """Each letter of a Latin word as (class, written letter): consonant classes upper case,
    vowel classes (a / i / u) lower case. Shared by the skeleton, phonetic and vowel keys,
    so that all of them count the same consonants."""
    word = NON_LETTER.sub("", fold_latin(APOSTROPHES.sub("", word)))
    if word.startswith("ou") and len(word) > 2 and word[2] in VOWELS:
        word = "w" + word[2:]  # French Oualid -> Walid
    for digraph, cls in DIGRAPHS:
        word = word.replace(digraph, cls)
    out: list[tuple[str, str]] = []
    for i, ch in enumerate(word):
        if ch.isupper():
            out.append((ch, ch))
        elif ch in ("y", "w", "v"):
            # A consonant at the start of a word (Yusuf, Walid); a vowel inside (Husayn, Nawfal).
            # v is waw in Persian/Turkish-style spellings (Darnavi = Darnawi, Javad = Jawad).
            out.append((("W" if ch == "v" else ch.upper()) if i == 0 else ("i" if ch == "y" else "u"), ch))
        elif ch == "c" and word[i + 1:i + 2] in ("e", "i", "y"):
            out.append(("S", ch))  # French and English soft c: Belkacem, Lounici, Houcine
        elif ch == "e" and "ee" in word[max(0, i - 1):i + 2]:
            out.append(("i", ch))  # a long i (Khateeb = Khatib), where one e is an a or an i
        elif ch in VOWEL_CLASS:
            out.append((VOWEL_CLASS[ch], ch))
        elif ch in LETTER_CLASS:
            out.append((LETTER_CLASS[ch], ch))
    return tuple(out)


@lru_cache(maxsize=1 << 17)
def _classes(word: str) -> tuple[str, ...]:
    """Map a lower-case Latin word to consonant classes (upper case) and vowel classes.
    Cached per word: lists repeat a few thousand words, so 1M names cost little."""
    collapsed: list[str] = []
    for cls, _ in _letters(word):
        if not collapsed or collapsed[-1] != cls:
            collapsed.append(cls)
    return tuple(collapsed)


# Vowel letters written for a long vowel or a diphthong in Latin spellings (Mahmoud, Hussein,
# Qutayba), and the Arabic letter (alef, waw, ya) such a spelling stands for.
LONG_VOWEL_SPELLINGS = {
    "ou": "u", "oo": "u", "uu": "u", "aw": "u", "au": "u", "ow": "u", "uw": "u",
    "ee": "i", "ii": "i", "ie": "i", "iy": "i", "ay": "i", "ai": "i", "ey": "i", "ei": "i", "aa": "a",
}
# Which Arabic vowel a written vowel letter may stand for: e is a fatha or a kasra.
VOWEL_SOUNDS = {"a": "a", "e": "ai", "i": "i", "y": "i", "o": "u", "u": "u", "w": "u", "v": "u"}
UNKNOWN_VOWELS = ("?",)


@lru_cache(maxsize=1 << 17)
def vowel_slots(word: str, arabic: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The vowels between a word's consonants (the consonants of its skeleton), as codes
    "<gap><a|i|u>": those a spelling says are long (``must``) and those it allows (``may``).

    Arabic script writes long vowels (alef, waw, ya) and no short ones, so both are its
    written vowels. A Latin spelling marks a long vowel with two letters (ou, ee, ay) or a
    final i (the nisba's ya) and allows whatever its vowels may stand for. Spellings of the
    same name allow each other's long vowels: Mahmoud needs a waw that محمد lacks, حلبي a
    final ya that Holayb lacks, while Muhammad / محمد and Zaheri / زاهري agree."""
    consonants: list[str] = []
    gaps: list[str] = [""]  # gaps[g]: vowel letters after consonant g (0: before the first)
    for cls, ch in _letters(word):
        if cls.islower():
            gaps[-1] += ch
            continue
        if consonants and consonants[-1] == cls and not gaps[-1]:
            continue  # one consonant written twice (Haddad): as the skeleton counts it
        consonants.append(cls)
        gaps.append("")
    if len(consonants) > 1 and consonants[-1] == "H":  # ta marbuta, as in the skeleton
        consonants.pop()
        gaps[-2] += gaps.pop()
    must: set[str] = set()
    may: set[str] = set()
    last = len(gaps) - 1
    for g, chunk in enumerate(gaps):
        if g == 0 or not chunk:  # an initial vowel is written on a hamza seat in Arabic
            continue
        sounds = {s for ch in chunk for s in VOWEL_SOUNDS[ch]}
        may.update(f"{g}{s}" for s in sounds)
        if arabic:
            must.update(f"{g}{s}" for s in sounds)
            continue
        must.update(f"{g}{LONG_VOWEL_SPELLINGS[chunk[k:k + 2]]}" for k in range(len(chunk) - 1)
                    if chunk[k:k + 2] in LONG_VOWEL_SPELLINGS)
        if g == last and chunk[-1] in "iy":
            must.add(f"{g}i")
    return tuple(sorted(must)), tuple(sorted(may))


@lru_cache(maxsize=1 << 17)
def skeleton(word: str) -> str:
    """Consonant-class skeleton of a Latin word: 'Mohammed', 'Muhammad' -> 'mhmd'."""
    consonants = [c for c in _classes(word) if c.isupper()]
    if len(consonants) > 1 and consonants[-1] == "H":
        consonants.pop()  # ta marbuta / final h: Salameh = Salama, Hamzah = Hamza
    # A letter written twice in a row is one (Haddad = Hadad = حداد); one repeated across a
    # vowel is two (Arouri = العاروري, not "r").
    return "".join(consonants).lower()


# Consonant classes romanisations confuse most, merged for the loose key: the dentals and
# sibilants (t/d/th/dh/s/z: Qaddafi = Qadhafi = Ghathafi), the gutturals (h/kh/k/q/g:
# Koshlaf = Khushlaf) and j with them (Egyptian g: Katrangi = Katranji).
LOOSE_CLASS = str.maketrans({"s": "t", "d": "t", "h": "k", "j": "k"})


@lru_cache(maxsize=1 << 17)
def loose_key(key: str) -> str:
    """A coarser key made from a skeleton: 'kdf' (Qaddafi) and 'ksf' (Ghathafi) -> 'ktf'.
    It confuses more names, so the linker weighs a loose-only match by its own, lower rarity."""
    merged = key.translate(LOOSE_CLASS)
    return "".join(c for i, c in enumerate(merged) if i == 0 or merged[i - 1] != c)


@lru_cache(maxsize=1 << 17)
def phonetic(word: str) -> str:
    """Softer key keeping vowel classes: 'Moath' -> 'muas', 'Mu'adh' -> 'muas'."""
    classes = list(_classes(word))
    if len(classes) > 2 and classes[-1] == "H" and not classes[-2].isupper():
        classes.pop()
    return "".join(classes).lower()


def _abd_remainder(rest: str) -> str:
    """The divine name after 'Abd', without the article however it is glued:
    'ullatif', 'al latif', 'elatif' -> 'latif' -> skeleton 'tf'."""
    rest = _strip_vowels(rest)
    while rest.startswith("l") and skeleton(rest[1:]) not in ("", "l", "h"):  # not Abd Allah (Abdalah)
        rest = _strip_vowels(rest[1:])
    return rest


def _strip_vowels(text: str) -> str:
    """Leading vowels off, except a French 'ou' before a vowel, which is w ('ouadoud')."""
    stripped = text.lstrip("aeiou")
    if text.startswith("ou") and len(text) > 2 and text[2] in VOWELS:
        return "w" + text[2:]
    return stripped


@dataclass(frozen=True)
class NameUnit:
    """One part of a name: a word, or a compound such as 'Abd al-Latif', 'Abu Khaled',
    'Nur al-Din'. ``text`` is the display form, ``key`` its skeleton, ``phon`` its
    phonetic key."""

    text: str
    key: str
    phon: str
    kind: str = "name"  # name | abd | kunya | din
    article: bool = False  # written with al- / el- (nisba or laqab when not the family name)
    caps: bool = False  # written in ALL CAPS in mixed-case text: a family name


@dataclass(frozen=True)
class ParsedName:
    """A name split into its parts. Any part may be missing (None / empty)."""

    original: str
    script: str
    units: tuple[NameUnit, ...]
    given: NameUnit | None = None
    father: NameUnit | None = None
    grandfather: NameUnit | None = None
    middle: tuple[NameUnit, ...] = ()
    family: NameUnit | None = None
    kunya: NameUnit | None = None
    nisba: tuple[NameUnit, ...] = ()
    laqab: tuple[NameUnit, ...] = ()
    particles: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class NameKeys:
    """Comparison keys of one name (empty strings when there is nothing to compare)."""

    tokens: tuple[str, ...]  # skeleton of every unit, in order
    words: tuple[str, ...]  # distinct skeletons of the units that are not initials, bracketed ones too
    word_vowels: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # vowel_slots of each word
    given_vowels: tuple[tuple[str, ...], tuple[str, ...]]  # vowel_slots of the given name
    father_vowels: tuple[tuple[str, ...], tuple[str, ...]]  # of the father's name
    family_vowels: tuple[tuple[str, ...], tuple[str, ...]]  # of the family name
    token_set: str  # sorted distinct skeletons, space-joined: order-free full-name key
    full_skeleton: str  # skeletons in written order
    full_phonetic: str  # phonetic keys in written order
    rotated_phonetic: str  # the same with the last unit first: "DROUKDEL Abdelmalek" order
    given: str
    given_phonetic: str
    father: str
    father_phonetic: str
    family: str
    family_phonetic: str
    kunya: str = ""  # a kunya written in the name itself ("Abu Khaled ..."), not in brackets
    joined: tuple[str, ...] = ()  # keys of 2-3 consecutive written words run together
    rare_tokens: tuple[str, ...] = ()  # filled by the linker from token frequencies


def _raw_tokens(name: str) -> list[tuple[str, bool]]:
    """(lower-case Latin token, was ALL CAPS) pairs; Arabic tokens are romanised here,
    with their particles turned into the Latin ones the parser knows."""
    text = unicodedata.normalize("NFKC", BRACKETED.sub(" ", name))
    # A c with a cedilla is an s (Fayçal = Faysal), which folding would make a hard c.
    text = APOSTROPHES.sub("", text).replace("ç", "s").replace("Ç", "S")
    before, comma, after = text.partition(",")
    if comma and "," not in after and after.strip() and 1 <= len(before.split()) <= 3:
        text = f"{after} {before}"  # list order "FAMILY, Given Father"
    out: list[tuple[str, bool]] = []
    for token in TOKEN_SPLIT.split(text):
        if token:
            out.extend(_token(token))
    return out


@lru_cache(maxsize=1 << 17)
def _token(token: str) -> tuple[tuple[str, bool], ...]:
    """One written token as parser tokens; cached, as lists repeat their words."""
    if script_of(token) == "arabic":
        # Alef maqsura is a long a (مصطفى = Mustafa, موسى = Musa), not the ya folding makes it.
        return tuple((t, False) for t in _arabic_token(fold_arabic(token.replace("ى", "ا"))))
    letters = [c for c in token if c.isalpha()]
    caps = len(letters) >= 2 and all(c.isupper() for c in letters)
    return ((fold_latin(token), caps),)


@lru_cache(maxsize=1 << 16)
def _arabic_token(token: str) -> tuple[str, ...]:
    if token in AR_PATRONYMIC:
        return ("bin",)
    if token in AR_KUNYA:
        return (AR_KUNYA[token],)
    if token == AR_DIN:
        return ("din",)
    if token.startswith(AR_ABD) and len(token) > len(AR_ABD) + 1:
        return ("abd", romanize_arabic(token[len(AR_ABD):]))
    if token == AR_ABD:
        return ("abd",)
    if token.startswith("ال") and len(token) > 3:
        return ("al", romanize_arabic(token[2:]))
    return (romanize_arabic(token),)


def _strip_glued_article(token: str) -> tuple[str, bool]:
    """'alsmadi' -> ('smadi', True); 'ali', 'elias' stay."""
    if token[:2] not in ("al", "el") or len(token) < 5 or token[2] in "ywl":
        return token, False
    if token[2] not in VOWELS or (len(token) >= 6 and token[3] not in VOWELS):
        return token[2:], True  # Alsmadi, Alenezi, Alotaibi; not Alaeddin, Elias
    return token, False


def _unit(text: str, kind: str = "name", *, article: bool = False, caps: bool = False,
          key_text: str | None = None) -> NameUnit:
    basis = key_text if key_text is not None else text
    return NameUnit(text=text, key=skeleton(basis), phon=phonetic(basis), kind=kind,
                    article=article, caps=caps)


def _skip_articles(tokens: list[tuple[str, bool]], j: int) -> int:
    """The index of the first word from j on that is not an article (the last word is kept)."""
    while j < len(tokens) - 1 and tokens[j][0] in ARTICLES:
        j += 1
    return j


def _kunya_marker(tok: str) -> str:
    return "b" if tok.startswith(("a", "b")) else "m"


def _abd_compound(tokens: list[tuple[str, bool]], i: int) -> tuple[NameUnit, int] | None:
    """The 'Abd X' name starting at word i, spaced ('abd al rahman', 'abdul rahman') or
    glued ('abdurrahman'), and the index after it; None if there is none."""
    tok, caps = tokens[i]
    if tok in ABD and i + 1 < len(tokens):
        j = _skip_articles(tokens, i + 1)
        nxt, nxt_caps = tokens[j]
        if nxt in PATRONYMIC or nxt in KUNYA or nxt in ABD:
            return None
        glue = "".join(t for t, _ in tokens[i + 1:j])
        tail = tok[3:] if tok.startswith("abd") else ""  # abdul -> ul; abid -> ""
        rest = _abd_remainder(tail + glue + nxt)
        return NameUnit(text=f"{tok} {nxt}", key="bd" + skeleton(rest), phon="abd" + phonetic(rest),
                        kind="abd", caps=caps and nxt_caps), j + 1
    if tok.startswith("abd") and len(tok) >= 6 and tok not in ABD:
        rest = _abd_remainder(tok[3:])
        return NameUnit(text=tok, key="bd" + skeleton(rest), phon="abd" + phonetic(rest),
                        kind="abd", caps=caps), i + 1
    return None


def _units(tokens: list[tuple[str, bool]]) -> tuple[list[NameUnit], list[str]]:
    units: list[NameUnit] = []
    particles: list[str] = []
    i = 0
    article_pending = False
    while i < len(tokens):
        tok, caps = tokens[i]
        has_next = i + 1 < len(tokens)
        if tok in ARTICLES and has_next:
            article_pending = True
            particles.append(tok)
            i += 1
            continue
        # "bin Ali" (son of Ali); leading, "Ben Salah Adnan", it starts a Maghrebi family
        # name and is not the given name either.
        if tok in PATRONYMIC and has_next:
            particles.append(tok)
            article_pending = article_pending or not units  # "Bin Laden" alone: a family name
            i += 1
            continue
        if not units and has_next and _strip_glued_article(tok)[0] in TITLES:
            particles.append(tok)
            article_pending = False
            i += 1
            continue
        if tok in ALLAH and units and units[-1].kind == "name":
            prev = units.pop()
            units.append(NameUnit(text=f"{prev.text} allah", key=skeleton(prev.text + "l"),
                                  phon=prev.phon + "ala", article=prev.article, caps=prev.caps))
            i += 1
            continue
        # "Abu Nour al-Din" is the kunya of a son named Nour al-Din, as "Abu Nureddin" is.
        if tok in DIN and units and units[-1].kind in ("name", "abd", "kunya"):
            prev = units.pop()
            key = prev.key + "dn"
            units.append(NameUnit(text=f"{prev.text} al-din", key=key, phon=prev.phon + "din",
                                  kind="kunya" if prev.kind == "kunya" else "din", article=prev.article,
                                  caps=prev.caps))
            article_pending = False
            i += 1
            continue
        abd = _abd_compound(tokens, i)
        if abd is None and tok in KUNYA and i + 1 < len(tokens):
            # "Abu Abd al-Rahman": the kunya names a son whose name is itself a compound.
            son = _abd_compound(tokens, i + 1)
            if son is not None:
                unit, after = son
                marker = _kunya_marker(tok)
                abd = (NameUnit(text=f"{tok} {unit.text}", key=marker + unit.key,
                                phon=("abu" if marker == "b" else "um") + unit.phon,
                                kind="kunya", caps=caps and unit.caps), after)
        if abd is None and tok in KUNYA and has_next:
            j = _skip_articles(tokens, i + 1)
            nxt, nxt_caps = tokens[j]
            if nxt not in PATRONYMIC and nxt not in KUNYA and nxt not in ABD:
                name_part, _ = _strip_glued_article(nxt)
                marker = _kunya_marker(tok)
                abd = (NameUnit(text=f"{tok} {nxt}", key=marker + skeleton(name_part),
                                phon=("abu" if marker == "b" else "um") + phonetic(name_part),
                                kind="kunya", caps=caps and nxt_caps), j + 1)
        if abd is not None:
            unit, i = abd
            units.append(unit)
            article_pending = False
            continue
        glued_din = GLUED_DIN.match(tok)
        if glued_din:
            first = _unit(glued_din.group(1), caps=caps)
            units.append(NameUnit(text=tok, key=first.key + "dn", phon=first.phon + "din", kind="din",
                                  article=article_pending, caps=caps))
            article_pending = False
            i += 1
            continue
        word, glued = _strip_glued_article(tok)
        if skeleton(word) or len(word) > 1:
            units.append(_unit(word, article=article_pending or glued, caps=caps))
        article_pending = False
        i += 1
    return [u for u in units if u.key], particles


@lru_cache(maxsize=65536)
def parse_name(name: str) -> ParsedName:
    """Split a name (Latin or Arabic script) into given, father's, grandfather's and family
    names, kunya, nisba and laqab. Single letters (initials) are kept as units but never
    chosen as given or family name."""
    units, particles = _units(_raw_tokens(name or ""))
    script = script_of(name or "")
    kunya = next((u for u in units if u.kind == "kunya"), None)
    named = [u for u in units if len(u.text) > 1 or u.kind != "name"]
    # A leading kunya ("Abu Khaled al-Nashmi") is not the given name; a trailing one
    # ("Faisal Abu Issa", "ABU TEIR") is a family name (a kunya in brackets is dropped).
    core = [u for u in named if u is not kunya or (u is named[-1] and len(named) > 1)]
    if kunya in core:
        kunya = None
    if len(core) >= 2 and core[0].caps and not any(u.caps for u in core[1:]):
        core = core[1:] + core[:1]  # "HADDAD Omar": the capitalised family name written first
    given = core[0] if core else None
    family = core[-1] if len(core) >= 2 else None
    if len(core) == 1 and (kunya is not None or given.article or given.caps):
        given, family = None, core[0]  # "Abu Khaled AL-NASHMI": no given name written
    inner = core[1:-1] if len(core) >= 2 else []
    father = inner[0] if inner else None
    grandfather = inner[1] if len(inner) >= 2 else None
    middle = tuple(inner[2:])
    nisba = tuple(u for u in core[1:] if u.article and u.text.endswith(("i", "y", "ee")))
    laqab = tuple(u for u in inner if u.article and u not in nisba)
    return ParsedName(original=name, script=script, units=tuple(units), given=given,
                      father=father, grandfather=grandfather, middle=middle, family=family,
                      kunya=kunya, nisba=nisba, laqab=laqab, particles=tuple(particles))


@lru_cache(maxsize=1 << 17)
def _joined_key(text: str) -> str:
    """Key of words run together, read as one written word would be ('binalnour',
    'alnour' -> 'nour'); empty when that is not a single name unit."""
    units, _ = _units([(text, False)])
    return units[0].key if len(units) == 1 else ""


def joined_keys(name: str) -> tuple[str, ...]:
    """Keys of two or three consecutive written words run together, particles included:
    the one word another spelling may write them as ('Bin Al Nour' / 'Binalnour')."""
    tokens = [t for t, _ in _raw_tokens(name or "")]
    runs = [tokens[i:i + n] for n in (2, 3) for i in range(len(tokens) - n + 1)]
    # Not a run ending in a particle ('abd al'), nor one whose key is its last word's alone
    # (an article stripped again), nor a short key (two consonants match too much by chance).
    keys = [_joined_key("".join(run)) for run in runs if run[-1] not in PARTICLES]
    last = [skeleton(run[-1]) for run in runs if run[-1] not in PARTICLES]
    return tuple(dict.fromkeys(k for k, word in zip(keys, last) if len(k) >= 3 and k != word))


def _unit_vowels(unit: NameUnit, arabic: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """vowel_slots of a name unit; compounds (Abd al-X, Abu X, X al-Din) are keyed
    differently from their letters, so their vowels are not known."""
    return vowel_slots(unit.text, arabic) if unit.kind == "name" else ((), UNKNOWN_VOWELS)


def _either_vowels(first: tuple, second: tuple) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Vowel slots that agree with whatever either of two words' slots agree with: the
    vowels both must have; any either may have."""
    if UNKNOWN_VOWELS in (first[1], second[1]):
        return (), UNKNOWN_VOWELS
    return (tuple(sorted(set(first[0]) & set(second[0]))),
            tuple(sorted(set(first[1]) | set(second[1]))))


def name_keys(name: str) -> NameKeys:
    """Comparison keys of a name; see the module docstring."""
    parsed = parse_name(name or "")
    tokens = tuple(u.key for u in parsed.units)
    arabic = parsed.script == "arabic"
    # A kunya or alias in brackets ("(Abu Khaled)") is not part of the name's structure, but
    # another source may write the person by it alone: its words are words of the name.
    bracketed = " ".join(m.group()[1:-1] for m in BRACKETED.finditer(name or ""))
    aside = parse_name(bracketed).units if bracketed.strip() else ()
    vowels: dict[str, tuple] = {}
    for unit in (*parsed.units, *aside):
        if len(unit.text) > 1 or unit.kind != "name":
            # Two words with one skeleton (Muhammad Mahmoud) make one word that agrees with
            # the vowels of either.
            vowels[unit.key] = _either_vowels(vowels[unit.key], _unit_vowels(unit, arabic)) \
                if unit.key in vowels else _unit_vowels(unit, arabic)
    return NameKeys(
        tokens=tokens,
        words=tuple(vowels),
        word_vowels=tuple(vowels.values()),
        given_vowels=_unit_vowels(parsed.given, arabic) if parsed.given else ((), UNKNOWN_VOWELS),
        father_vowels=_unit_vowels(parsed.father, arabic) if parsed.father else ((), UNKNOWN_VOWELS),
        family_vowels=_unit_vowels(parsed.family, arabic) if parsed.family else ((), UNKNOWN_VOWELS),
        token_set=" ".join(sorted(set(tokens))),
        full_skeleton=" ".join(tokens),
        full_phonetic=" ".join(u.phon for u in parsed.units),
        rotated_phonetic=" ".join(u.phon for u in parsed.units[-1:] + parsed.units[:-1]),
        given=parsed.given.key if parsed.given else "",
        given_phonetic=parsed.given.phon if parsed.given else "",
        father=parsed.father.key if parsed.father else "",
        father_phonetic=parsed.father.phon if parsed.father else "",
        family=parsed.family.key if parsed.family else "",
        family_phonetic=parsed.family.phon if parsed.family else "",
        kunya=parsed.kunya.key if parsed.kunya else "",
        joined=joined_keys(name),
    )
