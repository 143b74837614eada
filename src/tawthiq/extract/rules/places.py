"""Place mentions: governorates, towns, countries and facilities, with their modifiers.

A mention keeps the phrase as the document words it ("the eastern countryside of Idlib",
"Daraa province", "Aleppo's western countryside") for an event's `place`, and the bare
canonical name ("Idlib") for a person's origin. Towns missing from the gazetteer are
still found after "the town/village/city of" and before "village"/"town"; facilities
by their head noun ("X Central Prison", "X Military Hospital", "X camp").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteers import Entry

DIRECTION = r"(?:north|south|east|west|northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|south-?western|central|rural)"
BEFORE = re.compile(rf"(?:the\s+)?(?:(?:{DIRECTION})\s+)?(?:countryside|suburbs|outskirts|desert|province|governorate|city|town|village|neighbou?rhood|district|region|area)\s+of\s+$|(?:{DIRECTION})\s+$", re.I)
AFTER = re.compile(rf"^(?:['’]s\s+(?:(?:{DIRECTION})\s+)?(?:countryside|suburbs|outskirts))|^\s+(?:province|governorate|countryside|city|City|Province|Governorate|village|town|camp|Camp|countrysides)\b")
NAMED_PLACE = re.compile(r"\b(?:town|village|city|neighbou?rhood|district|suburb|camp)\s+of\s+(?P<name>(?:(?:al|Al|el)-)?[A-Z][\w'’]+(?:[\s-](?:(?:al|el)-)?[A-Z][\w'’]+){0,2})")
PLACE_BEFORE_NOUN = re.compile(r"\b(?P<name>(?:(?:al|Al|el)-)?[A-Z][\w'’]+(?:\s+(?:(?:al|el)-)?[A-Z][\w'’]+)?)(?<!['’]s)\s+(?:village|town)\b")
FACILITY = re.compile(
    r"\b(?P<name>(?:(?:al|Al|el)-)?[A-Z][\w'’-]+(?:\s+(?:(?:al|el)-)?[A-Z][\w'’-]+){0,3}\s+"
    r"(?:(?:Central|Military|Civil|National|Field)\s+)?(?:Prison|Hospital|Camp|Airport|Airbase|Air Base|Checkpoint|Barracks))\b"
)
FACILITY_QUICK = re.compile(r"Prison|Hospital|Camp|Airport|Airbase|Air Base|Checkpoint|Barracks")
TOWN_QUICK = re.compile(r"town|village|city|neighbou?rhood|district|suburb|camp")
NOT_PLACE_START = {"The", "A", "In", "On", "At", "His", "Her", "Their", "Its", "After", "Before", "From", "To", "By",
                   "When", "While", "Since", "According", "During", "Later", "Then"}


@dataclass
class PlaceMention:
    start: int  # offsets within the sentence
    end: int
    name: str  # canonical name (origin)
    kind: str  # governorate, place, country, facility
    governorate: str | None
    phrase_start: int = -1  # the phrase with its modifiers, for an event's place
    phrase_end: int = -1

    def phrase(self, text: str) -> str:
        return text[self.phrase_start:self.phrase_end]


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    before = BEFORE.search(text[max(0, start - 60):start])
    if before:
        start = start - (len(text[max(0, start - 60):start]) - before.start())
        if text[start:start + 4].lower() == "the ":
            start += 4
    after = AFTER.match(text[end:])
    if after:
        end += after.end()
    return start, end


def find_places(text: str, gaz_hits: list[tuple[int, int, Entry]], places_index: dict[str, Entry]) -> list[PlaceMention]:
    """Place and facility mentions of one sentence, earliest first."""
    found: list[PlaceMention] = []

    def free(start, end):
        return not any(start < p.end and p.start < end for p in found)

    for start, end, entry in gaz_hits:
        if entry.category in ("governorate", "place", "country", "facility"):
            governorate = entry.parent if entry.category in ("governorate", "place") else None
            if entry.category == "facility" and entry.parent in places_index:
                governorate = places_index[entry.parent].parent
            found.append(PlaceMention(start, end, entry.name, entry.category, governorate))
    for m in (FACILITY.finditer(text) if FACILITY_QUICK.search(text) else ()):
        start, end = m.span("name")
        words = m.group("name").split()
        while words and words[0] in NOT_PLACE_START:
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) >= 2 and free(start, end):
            found.append(PlaceMention(start, end, text[start:end], "facility", None))
    for pattern in (NAMED_PLACE, PLACE_BEFORE_NOUN) if TOWN_QUICK.search(text) else ():
        for m in pattern.finditer(text):
            start, end = m.span("name")
            if m.group("name").split()[0] not in NOT_PLACE_START and free(start, end):
                found.append(PlaceMention(start, end, m.group("name"), "place", None))
    for mention in found:
        mention.phrase_start, mention.phrase_end = (
            (mention.start, mention.end) if mention.kind == "facility" else _widen(text, mention.start, mention.end))
    return sorted(found, key=lambda p: p.start)
