"""Organisation mentions: gazetteer entries plus patterns for what no list can hold.

Patterns: numbered units and their hierarchy ("the 9th Division's 52nd Brigade",
"the 52nd Brigade of the 9th Division"), a unit's security office ("the Fourth
Division's security office"), numbered and named branches ("Raid Branch 215",
"Political Security Branch"), named armed groups ("Liwa al-Fathin", "Jaysh al-X"), and
documentation groups / outlets by their head noun ("... Documentation Office",
"... Observatory", "... News Agency").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteers import Entry

ORDINAL_WORDS = (
    "First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Twelfth|Thirteenth|"
    "Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth|Nineteenth|Twentieth|Twenty-\\w+|Thirtieth"
)
UNIT_KINDS = {"division": "division", "brigade": "brigade", "regiment": "regiment", "battalion": "battalion",
              "company": "company", "corps": "army", "squadron": "battalion", "platoon": "company"}
UNIT = re.compile(
    rf"\b(?P<num>\d{{1,3}}(?:st|nd|rd|th)|{ORDINAL_WORDS})\s+"
    r"(?P<type>(?:(?:Tank|Armou?red|Mechani[sz]ed|Infantry|Special Forces|Special Mission Forces|Airborne|Artillery|"
    r"Commando|Missile|Air Defen[cs]e|Border Guard|Republican Guard|Reserve|Engineering|Signals|Marine|Naval|Assault|"
    r"Military Police)\s+){0,2}"
    r"(?P<unit>Division|Brigade|Regiment|Battalion|Company|Corps|Squadron|Platoon))\b"
)
# Unit X of/in/from unit Y, and Y's X.
OF_PARENT = re.compile(r"^\s*(?:of|in|from|within|belonging to|part of)\s+(?:the\s+)?$")
POSSESSIVE = re.compile(r"^['’]s?\s+$")
SECURITY_OFFICE = re.compile(r"^['’]s?\s+(?P<office>security (?:office|branch|bureau|committee)|intelligence (?:office|branch))\b", re.I)
BRANCH = re.compile(
    r"\b(?:(?:the\s+)?(?P<name>(?:[A-Z][a-z]+\s+){1,3}Branch(?:\s+(?:No\.\s*)?\d{2,3})?)|(?P<num>Branch\s+(?:No\.\s*)?\d{2,3}))\b"
)
GROUP_HEADS = r"Liwa|Jaysh|Jaish|Kataib|Katibat|Harakat|Faylaq|Failaq|Tajammu|Alwiyat|Saraya|Ahrar|Jabhat|Ansar|Firqat|Usud|Shuhada"
ARMED_GROUP = re.compile(
    rf"\b(?P<name>(?:{GROUP_HEADS})\s+(?:(?:al|Al|el|ibn|bin|Abu|Ahl|wa)[-\s])?[A-Z][\w'’]+(?:\s+(?:(?:al|Al|el)-)?[A-Z][\w'’]+){{0,2}}"
    r"(?:\s+(?:al|el)-[A-Z][\w'’]+)?)"
)
NGO_HEADS = (r"Documentation (?:Office|Center|Centre|Group|Network)|Observatory|Network for [A-Z][\w ]+|"
             r"Human Rights|Cent(?:er|re) for [A-Z][\w-]+(?: (?:and|for|of) [A-Z][\w-]+)*(?: Studies)?|Commission|"
             r"Committee|Association|Foundation|League|Coalition|Initiative|Institute(?: for [A-Z][\w ]+)?|Archive|"
             r"Register|Registry|Monitor|Families Network|Network|Council|Collective|Project")
NGO = re.compile(rf"\b(?P<name>(?:[A-Z][\w'’-]+\s+){{1,4}}(?:{NGO_HEADS})|(?:{NGO_HEADS}))\b")
# A named (not numbered) unit or rebel group: "Northern Shield Brigade", "Free Men of al-Zawiya Brigade".
NAMED_UNIT = re.compile(r"\b(?P<name>(?:[A-Z][\w'’-]+|al-[A-Z][\w'’-]+)(?:\s+(?:[A-Z][\w'’-]+|of|of the|al-[A-Z][\w'’-]+)){0,4}"
                        r"\s+(?:Brigades?|Battalions?|Regiment|Front|Legion|Movement|Gathering|Command))\b")
# "the Military Intelligence branch in Daraa": a regional branch of a directorate.
REGIONAL_BRANCH = re.compile(r"\s+[Bb]ranch\s+(?:in|at|of)\s+(?:the\s+)?(?:[A-Z][\w'’-]+)(?:\s+(?:[A-Z][\w'’-]+|airport|city))?")
OFFICE_OF = re.compile(r"\b(?:the\s+)?(?P<office>security (?:office|branch|committee)|intelligence (?:office|branch))\s+of\s+(?:the\s+)?$", re.I)
DIRECTORATE = re.compile(r"\b(?P<name>(?:[A-Z][\w'’-]+\s+){1,3}Directorate)\b")
MEDIA = re.compile(r"\b(?P<name>(?!(?:Middle|East|Arab|World|Opinion|Breaking|Latest|Top|Daily|Local|Middle-east)\b)(?:[A-Z][\w'’-]+\s+){1,3}(?:News(?: Agency| Network)?|Press|Post|Times|TV|Radio|Media Center|Media Office))\b")
# Cheap tests before the patterns above (speed): the head word must occur.
UNIT_QUICK = re.compile(r"Division|Brigade|Regiment|Battalion|Company|Corps|Squadron|Platoon")
BRANCH_QUICK = re.compile(r"Branch")
GROUP_QUICK = re.compile(GROUP_HEADS)
NGO_QUICK = re.compile(r"Documentation|Observatory|Network|Human Rights|Cent(?:er|re)|Commission|Committee|Association|"
                       r"Foundation|League|Coalition|Initiative|Institute|Archive|Regist|Monitor|Council|Collective|Project")
DIRECTORATE_QUICK = re.compile(r"Directorate")
GOVERNMENT_WORDS = re.compile(r"\b(?:Air|Defen[cs]e|Guard|Republican|Armou?red|Mechani[sz]ed|Artillery|Infantry|Tank|"
                              r"Special|Forces|Military|Army|Naval|Border|Syrian Arab)\b")
NAMED_UNIT_QUICK = re.compile(r"Brigade|Battalion|Regiment|Front|Legion|Movement|Gathering|Command")
MEDIA_QUICK = re.compile(r"News|Press|Post|Times|TV|Radio|Media")
NOT_A_NAME_START = {"The", "A", "An", "In", "On", "At", "Of", "For", "And", "But", "According", "By", "From", "To",
                    "With", "As", "This", "That", "These", "Those", "Since", "After", "Before", "While", "When", "Under"}


@dataclass
class Org:
    """One organisation of a document; `names` keeps every surface form seen."""

    key: str
    name: str
    kind: str
    side: str | None
    parent: str | None = None  # key of the parent organisation
    names: list[str] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class OrgMention:
    start: int  # offsets within the sentence
    end: int
    key: str


class OrgRegistry:
    """The organisations of one document, deduplicated by canonical key."""

    def __init__(self):
        self.orgs: dict[str, Org] = {}
        self.aliases: dict[str, str] = {}  # key of a renamed organisation -> key kept

    def add(self, key: str, surface: str, kind: str, side: str | None, span: tuple[int, int],
            parent: str | None = None, canonical: str | None = None) -> str:
        org = self.orgs.get(key)
        if org is None:
            org = self.orgs[key] = Org(key, surface, kind, side, parent)
        if parent and not org.parent:
            org.parent = parent
        org.names.append(surface)
        # The name shown: the canonical name when the document spells it out, else the first form used.
        if canonical and surface == canonical:
            org.name = surface
        if len(org.evidence) < 3:
            org.evidence.append(span)
        return key

    def rename(self, old: str, new: str) -> None:
        """'X, which became known as Y': Y is another name of X."""
        if old in self.orgs and new in self.orgs and old != new:
            self.orgs[old].names.extend(self.orgs[new].names)
            del self.orgs[new]
            self.aliases[new] = old

    def resolve(self, key: str) -> str:
        return self.aliases.get(key, key)


def _unit_key(num: str, unit: str) -> str:
    number = re.sub(r"(st|nd|rd|th)$", "", num)
    if not number.isdigit():
        words = ORDINAL_WORDS.split("|")
        number = str(words.index(num) + 1) if num in words else num.lower()
    return f"unit:{number}:{unit.lower()}"


def find_orgs(text: str, offset: int, gaz_hits: list[tuple[int, int, Entry]], registry: OrgRegistry,
              blocked: list[tuple[int, int]]) -> list[OrgMention]:
    """Organisation mentions of one sentence (offsets within it); registers them in `registry`.

    `gaz_hits` are the sentence's gazetteer matches as (start, end, entry) character spans;
    `blocked` are spans already claimed (places, facilities) that patterns must not cover.
    """
    mentions: list[OrgMention] = []
    taken: list[tuple[int, int]] = list(blocked)

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    def add(start, end, key, surface, kind, side, parent=None, canonical=None):
        registry.add(key, surface, kind, side, (offset + start, offset + end), parent, canonical)
        mentions.append(OrgMention(start, end, key))
        taken.append((start, end))

    # Numbered units, with a parent named right after ("of the 9th Division") or before ("Division's").
    units = [(m.start(), m.end(), _unit_key(m.group("num"), m.group("unit")), m.group(0), m.group("unit").lower())
             for m in UNIT.finditer(text)] if UNIT_QUICK.search(text) else []
    for index, (start, end, key, surface, unit) in enumerate(units):
        parent = None
        if index + 1 < len(units) and OF_PARENT.match(text[end:units[index + 1][0]]):
            parent = units[index + 1][2]
        if index > 0 and POSSESSIVE.match(text[units[index - 1][1]:start]):
            parent = units[index - 1][2]
        add(start, end, key, surface, UNIT_KINDS[unit], "government", parent)
    # Gazetteer organisations; a directorate followed by "branch in X" is that regional branch.
    for start, end, entry in gaz_hits:
        if entry.category == "organization" and free(start, end):
            add(start, end, f"gaz:{entry.name}", text[start:end], entry.kind, entry.side, canonical=entry.name)
            branch = REGIONAL_BRANCH.match(text, end) if entry.kind == "directorate" else None
            if branch:
                taken.append((end, branch.end()))
                add(start, branch.end(), f"pat:{text[start:branch.end()].lower()}", text[start:branch.end()], "branch",
                    entry.side, f"gaz:{entry.name}")
    # "the Fourth Division's security office": an office whose parent is the unit just named.
    for mention in list(mentions):
        m = SECURITY_OFFICE.match(text[mention.end:])
        if m and registry.orgs[mention.key].kind in ("division", "brigade", "regiment", "battalion", "army"):
            start, end = mention.start, mention.end + m.end()
            parent = registry.orgs[mention.key]
            add(start, end, f"office:{mention.key}:{m.group('office').lower()}", text[start:end], "office",
                parent.side, mention.key)
    # "the security office of the 30th Division"
    for mention in list(mentions):
        m = OFFICE_OF.search(text, max(0, mention.start - 40), mention.start)
        if m and registry.orgs[mention.key].kind in ("division", "brigade", "regiment", "battalion", "army"):
            start = m.start("office")
            add(start, mention.end, f"office:{mention.key}:{m.group('office').lower()}", text[start:mention.end], "office",
                registry.orgs[mention.key].side, mention.key)
    for pattern, quick, kind, side in ((BRANCH, BRANCH_QUICK, "branch", "government"),
                                       (DIRECTORATE, DIRECTORATE_QUICK, "directorate", "government"),
                                       (ARMED_GROUP, GROUP_QUICK, "armed_group", "opposition"),
                                       (NGO, NGO_QUICK, "ngo", "other"), (MEDIA, MEDIA_QUICK, "media", "other"),
                                       (NAMED_UNIT, NAMED_UNIT_QUICK, "armed_group", "opposition")):
        if not quick.search(text):
            continue
        for m in pattern.finditer(text):
            group = "name" if m.group("name") else "num"
            start, end = m.span(group)
            surface = m.group(group)
            words = surface.split()
            while words and (words[0] in NOT_A_NAME_START or words[0].endswith("-based")):
                start += len(words[0]) + 1
                words = words[1:]
            surface = text[start:end]
            if len(words) < 2 or not free(start, end) or any(len(w) > 3 and w.isupper() for w in words):
                continue  # "ASHARQ AL-AWSAT English Archive": a page header, not a name
            if pattern is NAMED_UNIT and GOVERNMENT_WORDS.search(surface):
                add(start, end, f"pat:{surface.lower()}", surface, "army", "government")
                continue
            add(start, end, f"pat:{surface.lower()}", surface, kind, side)
    # A header in capitals ("ORONTES VALLEY DOCUMENTATION GROUP"): the name in its usual case.
    if len(text) < 90 and text.isupper() and not mentions and len(text.title()) == len(text):
        titled = text.title()
        for pattern in (NGO, MEDIA):
            for m in pattern.finditer(titled):
                start, end = m.span("name")
                if len(m.group("name").split()) >= 2 and free(start, end):
                    add(start, end, f"pat:{m.group('name').lower()}", m.group("name"), "ngo" if pattern is NGO else "media",
                        "other")
    # "X, which became known as Y" / "X (later renamed Y)"
    ordered = sorted(mentions, key=lambda mm: mm.start)
    for first, second in zip(ordered, ordered[1:]):
        between = text[first.end:second.start]
        if re.fullmatch(r",?\s*(?:which|that|who)\s+(?:later\s+)?(?:became|was)\s+(?:known as|renamed|rebranded as)\s+|"
                        r"\s*\(?(?:later|now)\s+(?:renamed|known as|called)\s+", between):
            registry.rename(first.key, second.key)
            second.key = first.key
    return sorted(mentions, key=lambda mm: mm.start)
