"""Where a place phrase lies: the kind and governorate the gazetteers know for it.

The extraction format carries an event's or claim's place as the document words it
("Samad in eastern Daraa", "Sednaya prison"); the store keeps that text and also files the
place under its governorate, so counts by governorate work across documents.
"""

from tawthiq.extract.rules.gazetteers import WORD, load
from tawthiq.extract.rules.places import find_places


def locate_place(text: str) -> tuple[str, str] | None:
    """(kind, governorate) of a place phrase, or None when no known place is in it.

    The kind is the first place's (governorate, place, country or facility); the governorate
    is the first one stated or implied ("Samad in eastern Daraa" -> Daraa), "" when unknown.
    """
    gaz = load()
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    hits = [(words[i][0], words[j - 1][1], entry) for i, j, entry in gaz.match(words, text)]
    mentions = find_places(text, hits, gaz.places)
    if not mentions:
        return None
    governorate = next((m.governorate for m in mentions if m.governorate), "")
    lead = text[:mentions[0].start]
    # "Samad in eastern Daraa": a name before the first known place is the place itself.
    named_first = any(word[:1].isupper() and word != "The" for word in lead.split())
    kind = "place" if named_first else mentions[0].kind
    return kind, governorate
