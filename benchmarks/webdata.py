"""Generate a large FICTIONAL database for the web benchmark, fast.

Every name here is made of invented syllables (Latin and Arabic script side by side)
and belongs to no real person. Rows go in with raw `executemany` inside one
transaction with explicit ids, so 100,000 persons and 1,000,000 events take about a
minute on SQLite. History tables are left empty: the benchmark measures reading.

Shape (per default size): 20,000 documents of ~50 events each, 5 person records per
document, 30 % of person records merged into a canonical record of another document,
one subject per event (a fifth of events also have an organisation as agent), one
evidence span per person and per event, a claim per ten documents. About 5 % of the
documents and 3 % of the person records are protected.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timezone

from tawthiq import vocabulary as V
from tawthiq.text import fold

# (latin, arabic) syllables: the names are pronounceable and clearly invented.
SYLLABLES = [
    ("ba", "با"), ("da", "دا"), ("fa", "فا"), ("ka", "كا"), ("la", "لا"), ("ma", "ما"),
    ("na", "نا"), ("ra", "را"), ("sa", "سا"), ("ta", "تا"), ("za", "زا"), ("qa", "قا"),
    ("bi", "بي"), ("di", "دي"), ("mi", "مي"), ("ni", "ني"), ("ri", "ري"), ("si", "سي"),
    ("lu", "لو"), ("mu", "مو"), ("nu", "نو"), ("ru", "رو"), ("tu", "تو"), ("zu", "زو"),
]
ENDINGS = [("n", "ن"), ("r", "ر"), ("m", "م"), ("l", "ل"), ("s", "س"), ("d", "د")]
FAMILY_SUFFIX = ("wi", "وي")


def invented_name(rng: random.Random, syllables: int, family: bool = False) -> tuple[str, str]:
    """One invented name part in Latin and Arabic script."""
    parts = [rng.choice(SYLLABLES) for _ in range(syllables)]
    end = FAMILY_SUFFIX if family else rng.choice(ENDINGS)
    latin = "".join(p[0] for p in parts) + end[0]
    arabic = "".join(p[1] for p in parts) + end[1]
    return latin.capitalize(), arabic


@dataclass
class Size:
    documents: int = 20_000
    persons_per_document: int = 5
    events_per_document: int = 50
    sources: int = 60
    organizations: int = 400
    places: int = 300

    @property
    def persons(self) -> int:
        return self.documents * self.persons_per_document

    @property
    def events(self) -> int:
        return self.documents * self.events_per_document


class Inserter:
    """Raw multi-row inserts for a Django model, filling every column the caller leaves out
    with the field's default (raw SQL does not apply Django defaults)."""

    def __init__(self, cursor, model, fields: list[str]):
        from django.db import connection

        self.cursor = cursor
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        rest = [f for f in meta.concrete_fields if f.name not in fields and not f.primary_key]
        now = datetime.now(timezone.utc)
        defaults = []
        for f in rest:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                value = ""
            defaults.append(f.get_db_prep_save(value, connection))
        self.defaults = tuple(defaults)
        columns = [f.column for f in given] + [f.column for f in rest]
        table = connection.ops.quote_name(meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        self.pending: list[tuple] = []

    def add(self, *values) -> None:
        self.pending.append(values + self.defaults)
        if len(self.pending) >= 50_000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.cursor.executemany(self.sql, self.pending)
            self.pending = []


def generate(size: Size, seed: int = 7, progress=None) -> dict:
    """Fill the (empty, migrated) default database; return counts and the protected ids."""
    from django.db import connection, transaction

    from tawthiq.store import models as M

    rng = random.Random(seed)
    event_types = list(V.EVENT_TYPES)
    ranks = V.RANKS
    step = progress or (lambda label: None)

    with transaction.atomic(), connection.cursor() as cur:
        step("sources, places, organisations")
        ins = Inserter(cur, M.Source, ["id", "name", "kind", "reliability"])
        for i in range(1, size.sources + 1):
            ins.add(i, f"Fictional Outlet {i}", "media", rng.choice("ABCDEF"))
        ins.flush()

        governorates = [invented_name(rng, 2)[0] for _ in range(14)]
        places = []
        ins = Inserter(cur, M.Place, ["id", "name", "normalized_name", "kind", "governorate"])
        for i in range(1, size.places + 1):
            name = invented_name(rng, 2)[0] + f" {i}"
            places.append(name)
            ins.add(i, name, fold(name), "town", governorates[i % len(governorates)])
        ins.flush()

        orgs = []
        ins = Inserter(cur, M.Organization, ["id", "name", "normalized_name", "kind", "side"])
        for i in range(1, size.organizations + 1):
            name = f"{i}th Fictional Brigade"
            orgs.append(name)
            ins.add(i, name, fold(name), "brigade", "government")
        ins.flush()

        step("documents")
        # Person identities first: the document text mentions them.
        n_persons = size.persons
        first = [invented_name(rng, rng.choice((2, 3))) for _ in range(n_persons)]
        family = [invented_name(rng, 2, family=True) for _ in range(n_persons)]
        doc_protected = [rng.random() < 0.05 for _ in range(size.documents + 1)]

        doc_ins = Inserter(cur, M.Document, [
            "id", "doc_id", "version", "is_current", "title", "publisher", "published", "language",
            "text", "sha256", "original_type", "protected", "credibility",
        ])
        person_ins = Inserter(cur, M.Person, [
            "id", "document", "local_id", "name", "rank", "age", "origin", "roles", "protected",
            "canonical", "review_state", "extractor", "fingerprint",
        ])
        name_ins = Inserter(cur, M.PersonName, ["person", "name", "script", "kind", "normalized"])
        event_ins = Inserter(cur, M.Event, [
            "id", "document", "local_id", "type", "date", "date_precision", "date_sort", "place",
            "place_text", "organization", "review_state", "extractor", "fingerprint",
        ])
        part_ins = Inserter(cur, M.EventParticipant, ["event", "role", "person", "organization"])
        ev_ins = Inserter(cur, M.Evidence, ["document", "start", "end", "quote", "person", "event"])
        claim_ins = Inserter(cur, M.Claim, [
            "id", "document", "local_id", "quantity", "qualifier", "category", "population",
            "review_state", "extractor", "fingerprint",
        ])

        person_id = 0
        event_id = 0
        claim_id = 0
        canonical_pool: list[int] = []  # canonical person ids from non-protected documents
        protected_person_ids: list[int] = []
        for d in range(1, size.documents + 1):
            if d % 2000 == 0:
                step(f"documents {d}/{size.documents}")
            published = date(2012 + d % 12, 1 + d % 12, 1 + d % 28)
            pieces: list[str] = []
            offset = 0
            person_spans = []
            local_persons = []
            for k in range(size.persons_per_document):
                person_id += 1
                idx = person_id - 1
                rank = rng.choice(ranks)
                place = rng.choice(places)
                latin = f"{first[idx][0]} {family[idx][0]}"
                sentence = f"{latin}, a {rank} from {place}, is named in this fictional report. "
                person_spans.append((offset, offset + len(latin), latin))
                pieces.append(sentence)
                offset += len(sentence)
                protected = doc_protected[d] or rng.random() < 0.03
                canonical = None
                if canonical_pool and rng.random() < 0.3:
                    canonical = rng.choice(canonical_pool)
                elif not protected:
                    canonical_pool.append(person_id)
                if protected:
                    protected_person_ids.append(person_id)
                review = rng.choice(("suggested", "suggested", "confirmed"))
                person_ins.add(
                    person_id, d, f"p{k + 1}", latin, rank, rng.randint(19, 60), place, '["defector"]',
                    protected, canonical, review, "rules", f"bench-p-{person_id}",
                )
                arabic = f"{first[idx][1]} {family[idx][1]}"
                name_ins.add(person_id, latin, "latin", "primary", fold(latin))
                name_ins.add(person_id, arabic, "arabic", "variant", fold(arabic))
                local_persons.append(person_id)
            event_spans = []
            for k in range(size.events_per_document):
                event_id += 1
                etype = rng.choice(event_types)
                subject = rng.randrange(len(local_persons))
                year = rng.randint(2011, 2023)
                month = rng.randint(1, 12)
                sentence = f"In {year}-{month:02d} the {etype.replace('_', ' ')} of p{subject + 1} was reported. "
                event_spans.append((offset, offset + len(sentence) - 1, sentence.strip()))
                pieces.append(sentence)
                offset += len(sentence)
                org = rng.randint(1, size.organizations) if rng.random() < 0.2 else None
                event_ins.add(
                    event_id, d, f"e{k + 1}", etype, f"{year}-{month:02d}", "month", date(year, month, 1),
                    rng.randint(1, size.places), "", org, rng.choice(("suggested", "confirmed")),
                    "rules", f"bench-e-{event_id}",
                )
                part_ins.add(event_id, "subject", local_persons[subject], None)
                if org is not None:
                    part_ins.add(event_id, "agent", None, org)
                ev_ins.add(d, event_spans[-1][0], event_spans[-1][1], event_spans[-1][2], None, event_id)
            for (start, end, quote), pid in zip(person_spans, local_persons):
                ev_ins.add(d, start, end, quote, pid, None)
            if d % 10 == 0:
                claim_id += 1
                claim_ins.add(
                    claim_id, d, "c1", rng.randint(10, 5000), "about", rng.choice(event_types),
                    "fictional defectors", "suggested", "rules", f"bench-c-{claim_id}",
                )
            text = "".join(pieces)
            doc_ins.add(
                d, f"bench-{d:06d}", 1, True, f"Fictional report {d} on {places[d % len(places)]}",
                1 + d % size.sources, published, "en", text, hashlib.sha256(text.encode()).hexdigest(),
                "txt", doc_protected[d], "3",
            )
        for ins in (doc_ins, person_ins, name_ins, event_ins, part_ins, ev_ins, claim_ins):
            ins.flush()
    step("analyse")
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("ANALYZE")
    return {
        "documents": size.documents,
        "persons": person_id,
        "events": event_id,
        "claims": claim_id,
        "protected_documents": sum(doc_protected),
        "protected_persons": len(protected_person_ids),
    }
