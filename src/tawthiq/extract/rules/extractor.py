"""One document in, one `tawthiq-extraction/1` record out: the rules backend.

Sentence by sentence (linear in the text): gazetteer matches, dates, places,
organisations, persons (with coreference state carried across sentences), events and
claims. Then per document: events merged per person, deaths implied by notifications,
roles from events, and the record assembled with ids and evidence quotes.
"""

from __future__ import annotations

import re
from datetime import date

from tawthiq.text import script_of
from tawthiq.vocabulary import EXTRACTION_FORMAT

from . import arabic
from .claims import attribution_of, find_claims
from .dates import find_dates, parse_published
from .events import Event, find_events
from .gazetteers import load
from .organizations import OrgMention, OrgRegistry, find_orgs
from .persons import PersonRegistry, find_persons, norm_name
from .pipeline import sentences
from .places import find_places

LATIN = re.compile(r"[A-Za-z]")
ORIGIN_LINK = re.compile(
    r"^(?:['’]s\s+(?:home\s*)?(?:town|village|city)\s+(?:of\s+|in\s+)(?:the\s+)?(?:\w+\s+)?|"
    r",?\s*(?:\d{1,2}(?:[- ]years?[- ]old)?,?\s+)?(?:(?:a|an)\s+(?:\d{1,2}[- ]years?[- ]old\s+)?(?:[\w-]+\s+){0,3}?)?"
    r"(?:(?:is|was|comes|came)\s+(?:originally\s+)?)?(?:from|native of|hails from|originally from)\s+(?:the\s+)?(?:(?:town|village|city|countryside|province|governorate|"
    r"district|region)\s+of\s+(?:the\s+)?)?(?:(?:north|south|east|west)\w*\s+)?(?:countryside\s+of\s+)?)$")
# "X, 26, from Qara," with a town no gazetteer knows.
FROM_TOWN = re.compile(r",?\s*(?:\d{1,2}(?:[- ]years?[- ]old)?,\s*)?from\s+(?:the\s+(?:town|village)\s+of\s+)?"
                       r"(?P<town>(?:al-)?[A-Z][\w’'-]+(?:\s+(?:al-)?[A-Z][\w’'-]+)?)(?=\s*[,.;)]|\s+in\b|\s*$)")
FAMILY_PLACE = re.compile(r"\b(?:to|with|visit(?:ed)?)\s+(?:his|her)\s+family\s+in\s+(?:the\s+)?(?:(?:town|village|city)\s+of\s+)?$")
PSEUDONYM_NOTICE = re.compile(r"\b(?:all|the)\s+(?:sources|names|interviewees|people interviewed)\b[^.]{0,60}\b(?:pseudonyms?|"
                              r"changed|not their real names)", re.I)
RECORD_FIELD = re.compile(r"^(?P<label>Rank|Age|From|Origin|Hometown|Home town|Place of origin)\s*:\s*(?P<value>\S.*)$", re.I)
RANK_VALUE = re.compile(r"(?:lieutenant colonel|brigadier general|major general|first lieutenant|1st lieutenant|second lieutenant|"
                        r"2nd lieutenant|warrant officer|lieutenant|colonel|captain|major|general|sergeant|corporal|private)\b")
SERVED_AS = re.compile(r"\b(?:served|serving|worked|working)\s+as\s+an?\s+(?P<rank>(?:lieutenant colonel|brigadier general|"
                       r"major general|first lieutenant|second lieutenant|warrant officer|lieutenant|colonel|captain|major|"
                       r"sergeant|corporal|private))\b", re.I)
AGE_WHEN = re.compile(r"\b(?:he|He|she|She)\s+was\s+(?P<age>\d{1,2})\s+(?:when|at the time)\b")
NAME_CHANGED = re.compile(r"\b(?:witness|source|interviewee|defector|his|her)['’]?s?\s+(?:real\s+|full\s+)?name\s+"
                          r"(?:has been|was|is)\s+(?:changed|withheld)|\bis not (?:his|her) real name\b", re.I)
BYLINE = re.compile(r"^\s*(?:By|Written by|Reporting by|Translated by)\s+|(?:translated (?:into English )?by|reports\.?$)", re.I)
VICTIM_EVENTS = {"arrest", "imprisonment", "enforced_disappearance", "torture", "death", "extortion", "reprisal",
                 "body_handover", "death_notification"}


def _empty(document_id, title, publisher, published, language) -> dict:
    return {"format": EXTRACTION_FORMAT,
            "document": {"id": document_id, "title": title, "publisher": publisher, "published": published,
                         "language": language},
            "persons": [], "organizations": [], "events": [], "claims": []}


def extract_document(text: str, *, document_id: str, published: str | None = None, language: str | None = None,
                     title: str | None = None, publisher: str | None = None) -> dict:
    """Extract persons, organisations, events and claims from one document's text.

    Offsets of every evidence quote index `text` as given. Relative dates are resolved
    against `published` (ISO date) when given, else left null.
    """
    if isinstance(published, date):
        published = published.isoformat()[:10]
    record = _empty(document_id, title, publisher, published, language)
    text = text or ""
    if not text.strip():
        return record
    # The text decides, not the metadata: a mislabelled English report still gets the English rules.
    if not LATIN.search(text) or script_of(text) == "arabic":
        return arabic.extract(text, record)
    pub = parse_published(published)
    gaz = load()
    persons = PersonRegistry()
    orgs = OrgRegistry()
    events: list[Event] = []
    claims = []
    pseudonym_notice = False

    sentence_index = 0
    previous_end = 0
    context_year = None
    publisher_name = re.compile(r"\b" + re.escape(publisher) + r"\b") if publisher and len(publisher) > 3 else None
    for sentence in sentences(text):
        s = sentence.text
        offset = sentence.start
        sentence_index += 1000 if "\n" in text[previous_end:offset] else 1
        previous_end = sentence.end
        low = s.lower()
        if len(s) < 120 and ("by" in low or "reports" in low) and BYLINE.search(s):
            continue
        if ("pseudonym" in low or "changed" in low or "real name" in low) and PSEUDONYM_NOTICE.search(s):
            pseudonym_notice = True
        if "name" in low and persons.focus is not None and NAME_CHANGED.search(s):
            persons.get(persons.narrator if persons.narrator is not None else persons.focus).pseudonym = True
        words = sentence.words
        hits = [(words[i][0], words[j - 1][1], entry) for i, j, entry in gaz.match(words, s)]
        dates = find_dates(s, pub, context_year)
        context_year = next((int(d.value[:4]) for d in reversed(dates) if d.value), context_year)
        places = find_places(s, hits, gaz.places)
        place_spans = [(p.start, p.end) for p in places]
        org_mentions = find_orgs(s, offset, hits, orgs, [(p.start, p.end) for p in places if p.kind == "facility"])
        if publisher_name:
            _publisher(s, offset, publisher_name, org_mentions, orgs)
        org_spans = [(o.start, o.end) for o in org_mentions]
        date_spans = [(d.start, d.end) for d in dates]
        mentions = find_persons(s, offset, hits, org_spans + date_spans, place_spans, persons)
        _origins(s, mentions, places, persons)
        _record_fields(s, places, persons)
        _pronoun_attributes(s, mentions, persons)
        org_kinds = {m.key: (orgs.orgs[m.key].kind, orgs.orgs[m.key].side) for m in org_mentions if m.key in orgs.orgs}
        wanted = mentions or (org_mentions and "defection of" in low)  # a unit's defection needs no person
        for event in (find_events(s, offset, mentions, org_mentions, places, dates, org_kinds) if wanted else ()):
            event.sentence = sentence_index
            events.append(event)
        attribution = attribution_of(s) or _speaker(s, mentions, persons) or _org_source(s, org_mentions, orgs)
        claims.extend(find_claims(s, offset, dates, places, date_spans, attribution))

    return _assemble(record, text, persons, orgs, events, claims, pseudonym_notice)


def _publisher(s: str, offset: int, pattern: re.Pattern, org_mentions, orgs: OrgRegistry) -> None:
    """The document's own publisher, when its text names it ("told The Levant Ledger"), is a media organisation."""
    for m in pattern.finditer(s):
        if not any(o.start <= m.start() < o.end for o in org_mentions):
            key = orgs.add("pub:" + m.group().lower(), m.group(), "media", "other", (offset + m.start(), offset + m.end()))
            org_mentions.append(OrgMention(m.start(), m.end(), key))


def _speaker(s: str, mentions, persons: PersonRegistry) -> str | None:
    for m in mentions:
        person = persons.get(m.pid)
        if m.kind == "name" and "source" in person.roles and person.name:
            return person.name
    return None


def _org_source(s: str, org_mentions, orgs: OrgRegistry) -> str | None:
    for m in org_mentions:
        org = orgs.orgs.get(orgs.resolve(m.key))
        if org and org.kind in ("ngo", "media") and re.search(r"\b(?:tracked|documented|recorded|reported|counted|told)\b", s):
            return org.name
    return None


def _origins(s: str, mentions, places, persons: PersonRegistry) -> None:
    """'X, 29, from Quneitra', "X's town in northern Daraa", 'to his family in the town of Inkhil'."""
    for m in mentions:
        town = FROM_TOWN.match(s, m.end) if m.kind == "name" else None
        if town:
            person = persons.get(m.pid)
            person.origin = person.origin or town.group("town")
    for place in places:
        if place.kind == "facility":
            continue
        before = s[:place.phrase_start if place.phrase_start >= 0 else place.start]
        for m in reversed([m for m in mentions if m.end <= place.start]):
            gap = s[m.end:place.start]
            if m.kind != "pronoun" and ORIGIN_LINK.match(gap) and len(gap) < 90:
                person = persons.get(m.pid)
                person.origin = person.origin or (place.governorate if "town" in gap and place.governorate
                                                  and gap.startswith(("'", "’")) else s[place.start:place.end])
                break
            if m.kind == "pronoun" and FAMILY_PLACE.search(before):
                person = persons.get(m.pid)
                person.origin = person.origin or s[place.start:place.end]
                break


def _record_fields(s: str, places, persons: PersonRegistry) -> None:
    """List bulletins: 'Rank: Corporal', 'Age: 26', 'From: Kafr Nabuda, Hama' describe the record's person."""
    m = RECORD_FIELD.match(s)
    if not m or persons.focus is None:
        return
    person = persons.get(persons.focus)
    label, value = m.group("label").lower(), m.group("value")
    if label == "rank":
        rank = RANK_VALUE.match(value.lower())
        person.rank = person.rank or (rank.group(0).replace("1st", "first").replace("2nd", "second") if rank else None)
    elif label == "age" and value[:3].strip().isdigit():
        person.age = person.age or int(value[:3].strip())
    elif label in ("from", "origin", "hometown", "home town", "place of origin"):
        named = [p for p in places if p.start >= m.start("value") and p.kind != "facility"]
        first = value.split(",")[0].strip()
        person.origin = person.origin or first


def _pronoun_attributes(s: str, mentions, persons: PersonRegistry) -> None:
    """'He served as a sergeant in ...', 'He was 26 when he was arrested': rank and age of the person meant."""
    for pattern, attribute, needed in ((SERVED_AS, "rank", " as "), (AGE_WHEN, "age", " was ")):
        m = pattern.search(s) if needed in s else None
        if not m:
            continue
        before = [pm for pm in mentions if pm.start <= m.start() and pm.kind != "modifier"]
        if not before or m.start() - before[-1].end > 40:
            continue
        person = persons.get(before[-1].pid)
        if getattr(person, attribute) is None:
            value = m.group(attribute)
            setattr(person, attribute, int(value) if attribute == "age" else RANK_VALUE.match(value.lower()).group(0))


def _merge_events(events: list[Event], persons: PersonRegistry) -> list[Event]:
    """One event per (type, subject) unless their dates or places differ."""
    merged: list[Event] = []
    by_kind: dict[tuple, list[Event]] = {}  # (type, subjects) -> merged events: no pairwise scan
    last_date: dict[int, tuple[str, int]] = {}  # person -> (date, sentence) of the last dated event
    document_last: str | None = None
    for event in events:
        event.subjects = [persons.get(p).pid for p in event.subjects]
        if not event.subjects:  # a unit's defection: nothing to carry or merge by person
            same = by_kind.setdefault((event.type, tuple(event.agents)), [])
            if not same:
                merged.append(event)
                same.append(event)
            elif len(same[0].evidence) < 3:
                same[0].evidence.extend(event.evidence)
            continue
        previous = last_date.get(event.subjects[0])
        if not event.date and previous and (event.same_time or (event.sentence - previous[1] == 1 and not event.sequel)):
            # "the same day", "since", or the next sentence of a dated account: the same time.
            event.date = previous[0][:4] if event.roughly else previous[0]
        elif not event.date and event.same_time == "any" and document_last:
            event.date = document_last  # "In the same week the body of X was returned"
        if event.date:
            last_date[event.subjects[0]] = (event.date, event.sentence)
            document_last = event.date
        same = by_kind.setdefault((event.type, tuple(event.subjects)), [])
        for other in same:
            dates_ok = not event.date or not other.date or event.date.startswith(other.date) or other.date.startswith(event.date)
            places_ok = event.type not in ("deployment", "imprisonment") or not event.place or not other.place \
                or event.place == other.place
            if dates_ok and places_ok:
                if event.date and (not other.date or len(event.date) > len(other.date)):
                    other.date = event.date
                other.date_end = other.date_end or event.date_end
                other.place = other.place or event.place
                if other.manner in (None, "unknown"):
                    other.manner = event.manner
                other.agents = list(dict.fromkeys(other.agents + event.agents))
                if len(other.evidence) < 3:
                    other.evidence.extend(e for e in event.evidence if e not in other.evidence)
                break
        else:
            merged.append(event)
            same.append(event)
    # An arrest and the disappearance that follows it are one moment in these accounts:
    # an undated one takes the date of the other when that date is the only one known.
    for kind, other_kind in (("arrest", "enforced_disappearance"), ("enforced_disappearance", "arrest")):
        for event in merged:
            if event.type == kind and not event.date:
                dated = {e.date for e in by_kind.get((other_kind, tuple(event.subjects)), []) if e.date}
                if len(dated) == 1:
                    event.date = dated.pop()
    tortured = {e.subjects[0] for e in merged if e.type == "torture"}
    for event in merged:
        if event.type == "death" and event.manner == "unknown" and event.subjects and event.subjects[0] in tortured:
            event.manner = "torture"
    return merged


def _quote(text: str, span: tuple[int, int]) -> dict:
    start, end = span
    return {"quote": text[start:end], "start": start, "end": end}


def _assemble(record, text, persons: PersonRegistry, orgs: OrgRegistry, events, claims, pseudonym_notice) -> dict:
    events = _merge_events(events, persons)
    kept = [p for p in persons.persons if p.merged_into is None and p.name]
    pid_to_id = {p.pid: f"p{i + 1}" for i, p in enumerate(kept)}
    for event in events:
        for pid in event.subjects:
            if event.type == "defection":
                persons.get(pid).roles.add("defector")
            elif event.type in VICTIM_EVENTS:
                persons.get(pid).roles.add("victim")
    for person in kept:
        if pseudonym_notice and "source" in person.roles:
            person.pseudonym = True
        record["persons"].append({
            "id": pid_to_id[person.pid], "name": person.name, "aliases": person.aliases, "rank": person.rank,
            "age": person.age, "origin": person.origin, "pseudonym": person.pseudonym,
            "roles": sorted(person.roles) or ["other"],
            "evidence": [_quote(text, span) for span in person.evidence[:3]],
            "key": "person:" + norm_name(person.name),
        })
    org_ids = {}
    for i, org in enumerate(orgs.orgs.values()):
        org_ids[org.key] = f"o{i + 1}"
    for org in orgs.orgs.values():
        record["organizations"].append({
            "id": org_ids[org.key], "name": org.name, "kind": org.kind, "side": org.side,
            "parent": org_ids.get(orgs.resolve(org.parent)) if org.parent else None,
            "evidence": [_quote(text, span) for span in org.evidence],
            "key": "org:" + norm_name(org.name) if not org.key.startswith("unit:") else org.key,
        })
    n = 0
    for event in events:
        subjects = [pid_to_id[p] for p in event.subjects if p in pid_to_id]
        if not subjects and (event.subjects or not event.agents):
            continue  # about someone never named, or about nobody
        n += 1
        agents = [org_ids[orgs.resolve(a)] for a in event.agents if orgs.resolve(a) in org_ids]
        record["events"].append({
            "id": f"e{n}", "type": event.type, "subjects": subjects, "agents": list(dict.fromkeys(agents)),
            "date": event.date, "date_end": event.date_end, "place": event.place, "manner": event.manner,
            "evidence": [_quote(text, span) for span in event.evidence[:3]],
            "key": "|".join(["event", event.type, *(persons.get(p) and "person:" + norm_name(persons.get(p).name)
                                                    for p in event.subjects), event.date or "",
                             str(event.evidence[0][0])]),
        })
    for i, claim in enumerate(claims):
        record["claims"].append({
            "id": f"c{i + 1}", "quantity": claim.quantity, "quantity_high": claim.quantity_high,
            "qualifier": claim.qualifier, "category": claim.category, "population": claim.population,
            "place": claim.place, "period_start": claim.period_start, "period_end": claim.period_end,
            "attributed_to": claim.attributed_to,
            "evidence": [_quote(text, span) for span in claim.evidence],
            "key": f"claim|{claim.category}|{claim.quantity}|{claim.evidence[0][0]}",
        })
    _unique_keys(record)
    return record


def _unique_keys(record: dict) -> None:
    """Two items of one kind never share a key (two namesakes in one document): '#2', '#3' on repeats."""
    for kind in ("persons", "organizations", "events", "claims"):
        seen: dict[str, int] = {}
        for item in record[kind]:
            count = seen[item["key"]] = seen.get(item["key"], 0) + 1
            if count > 1:
                item["key"] = f"{item['key']}#{count}"
