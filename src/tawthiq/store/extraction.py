"""Store an extraction result (tawthiq-extraction/1) as suggestions, and export it back.

Re-runs find their earlier suggestions by fingerprint (document id + the item's key):
suggestions are updated in place, new items added, items no longer produced deleted;
anything a reviewer decided (confirmed, corrected, rejected) is never touched, nor its
evidence or participants. Organisations and places are shared across documents; which
organisations a document mentions is known from their evidence in it.
"""

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tawthiq import vocabulary as V
from tawthiq.extract.merge import KINDS, item_key, name_key, names_by_id
from tawthiq.store import models as M
from tawthiq.text import fold, script_of

SUGGESTED = M.ReviewState.SUGGESTED
REJECTED = M.ReviewState.REJECTED
ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
KUNYA = re.compile(r"^(abu|abou|umm|um)\b", re.IGNORECASE)


@dataclass
class SaveReport:
    """What one save did, per kind: added, updated, unchanged, kept (reviewed), removed, invalid."""

    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})

    def add(self, other: "SaveReport") -> None:
        for kind in KINDS:
            self.counts[kind].update(other.counts[kind])


def fingerprint(doc_id: str, kind: str, key: str) -> str:
    return hashlib.sha256(f"{doc_id}\x1f{kind}\x1f{key}".encode()).hexdigest()


def parse_iso_prefix(value) -> tuple[str, str, dt.date | None]:
    """'2012-07' -> ('2012-07', 'month', 2012-07-01); anything that is not a valid prefix -> ('', '', None)."""
    match = ISO_PREFIX.match(str(value or "").strip())
    if not match:
        return "", "", None
    year, month, day = match.groups()
    try:
        first = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return "", "", None
    precision = "day" if day else "month" if month else "year"
    return match.group(0), precision, first


def locate_evidence(text: str, evidence) -> list[tuple[int, int, str]]:
    """Verbatim spans (start, end, quote) of the evidence items; items not found verbatim are left out."""
    spans = []
    for ev in evidence or []:
        quote = (ev or {}).get("quote") if isinstance(ev, dict) else None
        if not quote:
            continue
        start = ev.get("start")
        if not (isinstance(start, int) and 0 <= start and text[start:start + len(quote)] == quote):
            start = text.find(quote)
        if start < 0:
            continue
        span = (start, start + len(quote), quote)
        if span not in spans:
            spans.append(span)
    return spans


def _text(value, limit: int) -> str:
    return str(value).strip()[:limit] if value not in (None, "") else ""


class _Saver:
    """One document's save; helpers share the document, the places cache and the report."""

    def __init__(self, document: M.Document, extractor: str):
        self.document = document
        self.extractor = extractor
        self.report = SaveReport()
        self.places: dict[str, M.Place] = {}
        self.existing: dict[type, dict[str, object]] = {}

    # -- shared pieces ---------------------------------------------------------------
    def place(self, text: str) -> M.Place | None:
        key = name_key(text)[:300]
        if not key:
            return None
        if key not in self.places:
            self.places[key], _ = M.Place.objects.get_or_create(
                normalized_name=key, governorate="", defaults={"name": text[:300]}
            )
        return self.places[key]

    def sync_evidence(self, target: str, obj, spans) -> bool:
        """Make the evidence of `obj` in this document exactly `spans`; True when it changed."""
        existing = M.Evidence.objects.filter(document=self.document, **{target: obj})
        if sorted((e.start or 0, e.end or 0, e.quote) for e in existing) == sorted(spans):
            return False
        existing.delete()
        M.Evidence.objects.bulk_create(
            M.Evidence(document=self.document, start=s, end=e, quote=q, **{target: obj}) for s, e, q in spans
        )
        return True

    def upsert(self, kind: str, model, fp: str, values: dict, sync_children) -> tuple[object, bool]:
        """Create or update the suggestion with fingerprint `fp`; leave a reviewed one alone.

        Returns (object, changeable). `sync_children(obj)` updates names, evidence and
        participants and says whether anything changed.
        """
        if model not in self.existing:  # one query per kind, not one per item
            self.existing[model] = {}
            for row in model.objects.filter(document=self.document).exclude(fingerprint="").order_by("pk"):
                self.existing[model].setdefault(row.fingerprint, row)
        obj = self.existing[model].get(fp)
        if obj is not None and obj.review_state != SUGGESTED:
            self.report.counts[kind]["kept"] += 1
            return obj, False
        if obj is None:
            obj = model.objects.create(
                document=self.document, fingerprint=fp, review_state=SUGGESTED, **values
            )
            sync_children(obj)
            self.report.counts[kind]["added"] += 1
            return obj, True
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        children_changed = sync_children(obj)
        self.report.counts[kind]["updated" if changed or children_changed else "unchanged"] += 1
        return obj, True

    # -- kinds ---------------------------------------------------------------------------
    def organization(self, item: dict) -> tuple[M.Organization | None, list]:
        name = _text(item.get("name"), 300)
        key = name_key(name)[:300]
        if not key:
            self.report.counts["organizations"]["invalid"] += 1
            return None, []
        kind = item.get("kind") if item.get("kind") in V.ORGANIZATION_KINDS else "other"
        side = item.get("side") if item.get("side") in V.SIDES else ""
        org, created = M.Organization.objects.get_or_create(
            normalized_name=key, defaults={"name": name, "kind": kind, "side": side}
        )
        if not created:
            fill = {}
            if org.kind == "other" and kind != "other":
                fill["kind"] = kind
            if not org.side and side:
                fill["side"] = side
            if fill:
                for name_, value in fill.items():
                    setattr(org, name_, value)
                org.save(update_fields=list(fill))
        spans = locate_evidence(self.document.text, item.get("evidence"))
        if not spans:
            # Organisations need no evidence in the format; their name in the text is one.
            start = self.document.text.find(name)
            spans = [(start, start + len(name), name)] if start >= 0 else []
        self.report.counts["organizations"]["added" if created else "unchanged"] += 1
        return org, spans

    def person(self, item: dict, fp: str) -> M.Person | None:
        name = _text(item.get("name"), 300)
        spans = locate_evidence(self.document.text, item.get("evidence"))
        if not name or not spans:
            self.report.counts["persons"]["invalid"] += 1
            return None
        age = item.get("age")
        origin = _text(item.get("origin"), 300)
        values = {
            "local_id": _text(item.get("id"), 50),
            "name": name,
            "rank": item.get("rank") if item.get("rank") in V.RANKS else "",
            "age": age if isinstance(age, int) and 0 < age < 130 else None,
            "age_at": self.document.published if isinstance(age, int) else None,
            "origin": origin,
            "origin_place": self.place(origin) if origin else None,
            "pseudonym": bool(item.get("pseudonym")),
            "roles": [r for r in item.get("roles") or [] if r in V.PERSON_ROLES],
            "extractor": item.get("extractor") or self.extractor,
        }
        if self.document.protected:
            # Only ever raised here: a record someone protected stays protected.
            values["protected"] = True
        names = [(name, "pseudonym" if values["pseudonym"] else "primary")]
        for alias in item.get("aliases") or []:
            alias = _text(alias, 300)
            if alias and alias != name and all(alias != n for n, _ in names):
                names.append((alias, "kunya" if KUNYA.match(alias) else "alias"))

        def children(person) -> bool:
            wanted = {(n, k) for n, k in names}
            have = {(pn.name, pn.kind): pn for pn in person.names.all()}
            stale = [pn.pk for key, pn in have.items() if key not in wanted]
            M.PersonName.objects.filter(pk__in=stale).delete()
            M.PersonName.objects.bulk_create(
                M.PersonName(person=person, name=n, kind=k, script=script_of(n), normalized=" ".join(fold(n).split()))
                for n, k in names if (n, k) not in have
            )
            evidence_changed = self.sync_evidence("person", person, spans)
            return bool(stale) or len(have) - len(stale) != len(wanted) or evidence_changed

        person, _ = self.upsert("persons", M.Person, fp, values, children)
        return person

    def event(self, item: dict, fp: str, refs: dict) -> M.Event | None:
        spans = locate_evidence(self.document.text, item.get("evidence"))
        if item.get("type") not in V.EVENT_TYPES or not spans:
            self.report.counts["events"]["invalid"] += 1
            return None
        date, precision, date_sort = parse_iso_prefix(item.get("date"))
        place_text = _text(item.get("place"), 300)
        participants = [
            (role, refs[ref]) for role, field_ in (("subject", "subjects"), ("agent", "agents"))
            for ref in item.get(field_) or [] if ref in refs
        ]
        agent_orgs = [obj for role, obj in participants if isinstance(obj, M.Organization)]
        values = {
            "local_id": _text(item.get("id"), 50),
            "type": item["type"],
            "date": date,
            "date_precision": precision,
            "date_end": parse_iso_prefix(item.get("date_end"))[0],
            "date_sort": date_sort,
            "place_text": place_text,
            "place": self.place(place_text) if place_text else None,
            "manner": item.get("manner") if item.get("manner") in V.DEATH_MANNERS else "",
            "organization": agent_orgs[0] if agent_orgs else None,
            "amount": _text(item.get("amount"), 200),
            "extractor": item.get("extractor") or self.extractor,
        }

        def children(event) -> bool:
            wanted = sorted(
                (role, obj.pk if isinstance(obj, M.Person) else None,
                 obj.pk if isinstance(obj, M.Organization) else None)
                for role, obj in participants
            )
            have = sorted(event.participants.values_list("role", "person_id", "organization_id"))
            changed = have != wanted
            if changed:
                event.participants.all().delete()
                M.EventParticipant.objects.bulk_create(
                    M.EventParticipant(event=event, role=r, person_id=p, organization_id=o) for r, p, o in set(wanted)
                )
            return self.sync_evidence("event", event, spans) or changed

        event, _ = self.upsert("events", M.Event, fp, values, children)
        return event

    def claim(self, item: dict, fp: str) -> M.Claim | None:
        spans = locate_evidence(self.document.text, item.get("evidence"))
        quantity = item.get("quantity")
        if item.get("category") not in V.EVENT_TYPES or not isinstance(quantity, int) or not spans:
            self.report.counts["claims"]["invalid"] += 1
            return None
        high = item.get("quantity_high")
        place_text = _text(item.get("place"), 300)
        attributed_to = _text(item.get("attributed_to"), 300)
        values = {
            "local_id": _text(item.get("id"), 50),
            "quantity": quantity,
            "quantity_high": high if isinstance(high, int) else None,
            "qualifier": item.get("qualifier") if item.get("qualifier") in V.CLAIM_QUALIFIERS else "exact",
            "category": item["category"],
            "population": _text(item.get("population"), 500),
            "place_text": place_text,
            "place": self.place(place_text) if place_text else None,
            "period_start": parse_iso_prefix(item.get("period_start"))[0],
            "period_end": parse_iso_prefix(item.get("period_end"))[0],
            "attributed_to": attributed_to,
            "attributed_source": (
                M.Source.objects.filter(name__iexact=attributed_to).first() if attributed_to else None
            ),
            "extractor": item.get("extractor") or self.extractor,
        }
        claim, _ = self.upsert("claims", M.Claim, fp, values, lambda c: self.sync_evidence("claim", c, spans))
        return claim

    # -- the whole result ------------------------------------------------------------
    def save(self, result: dict) -> SaveReport:
        doc_id = self.document.doc_id
        names = names_by_id(result)
        extractors = {self.extractor} | {
            item["extractor"] for kind in KINDS for item in result.get(kind) or [] if item.get("extractor")
        }

        def fingerprints(kind):
            seen = Counter()
            for item in result.get(kind) or []:
                key = item_key(kind, item, names)
                seen[key] += 1
                # Two items with the same key in one document stay two suggestions.
                yield item, fingerprint(doc_id, kind, key if seen[key] == 1 else f"{key}#{seen[key]}")

        refs: dict[str, object] = {}
        orgs = {}
        org_spans: dict[M.Organization, list] = {}
        for item in result.get("organizations") or []:
            org, spans = self.organization(item)
            if org is not None:
                refs[item.get("id")] = orgs[item.get("id")] = org
                org_spans.setdefault(org, [])
                org_spans[org] += [span for span in spans if span not in org_spans[org]]
        for org, spans in org_spans.items():
            self.sync_evidence("organization", org, spans)
        M.Evidence.objects.filter(document=self.document, organization__isnull=False).exclude(
            organization__in=list(org_spans)
        ).delete()
        for item in result.get("organizations") or []:
            parent = orgs.get(item.get("parent"))
            org = orgs.get(item.get("id"))
            if org is not None and parent is not None and org.parent_id is None and parent.pk != org.pk:
                org.parent = parent
                org.save(update_fields=["parent"])

        produced = {kind: set() for kind in ("persons", "events", "claims")}
        for item, fp in fingerprints("persons"):
            person = self.person(item, fp)
            if person is not None:
                refs[item.get("id")] = person
                produced["persons"].add(fp)
        for item, fp in fingerprints("events"):
            if self.event(item, fp, refs) is not None:
                produced["events"].add(fp)
        for item, fp in fingerprints("claims"):
            if self.claim(item, fp) is not None:
                produced["claims"].add(fp)
        self.remove_stale(produced, extractors)
        self.document.extracted_at = timezone.now()
        self.document.save(update_fields=["extracted_at"])
        return self.report

    def remove_stale(self, produced: dict, extractors: set[str]) -> None:
        """Delete suggestions of this run's extractors that the run no longer produced.

        A person stays when a reviewed event, a resolution decision or another record
        (as its canonical) points at it: deleting it would change what a reviewer decided.
        """
        for kind, model in (("events", M.Event), ("claims", M.Claim), ("persons", M.Person)):
            stale = model.objects.filter(
                document=self.document, review_state=SUGGESTED, extractor__in=extractors
            ).exclude(fingerprint__in=produced[kind])
            if kind == "persons":
                decided = M.ResolutionDecision.objects.values_list
                stale = stale.exclude(
                    Q(participations__event__review_state__in=[s for s in M.ReviewState if s != SUGGESTED])
                    | Q(members__isnull=False)
                    | Q(pk__in=decided("left_id", flat=True))
                    | Q(pk__in=decided("right_id", flat=True))
                ).distinct()
            _, removed = model.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
            if removed.get(model._meta.label):
                self.report.counts[kind]["removed"] += removed[model._meta.label]


def save_extraction(document: M.Document, result: dict, extractor: str) -> SaveReport:
    """Store one document's extraction result as suggestions, in one transaction."""
    with transaction.atomic():
        return _Saver(document, extractor).save(result)


# -- export ---------------------------------------------------------------------------

def _evidence(rows) -> list[dict]:
    return [{"quote": e.quote, "start": e.start, "end": e.end} for e in sorted(rows, key=lambda e: (e.start or 0, e.pk))]


def export_document(document: M.Document, *, include_protected: bool = False) -> dict:
    """The document's statements in the extraction format; rejected ones left out.

    Corrected statements carry the reviewer's values (the fields themselves); protected
    persons are left out unless `include_protected`.
    """
    persons = document.persons.exclude(review_state=REJECTED).prefetch_related("names", "evidence").order_by("pk")
    if not include_protected:
        persons = persons.exclude(protected=True)
    events = document.events.exclude(review_state=REJECTED).select_related("place").prefetch_related(
        "participants", "evidence"
    ).order_by("date_sort", "pk")
    claims = document.claims.exclude(review_state=REJECTED).prefetch_related("evidence").order_by("pk")
    events, claims, persons = list(events), list(claims), list(persons)

    person_ids = {p.pk: f"p{i}" for i, p in enumerate(persons, 1)}
    org_pks: dict[int, int] = {}  # organisation -> first offset it is seen at
    for ev in M.Evidence.objects.filter(document=document, organization__isnull=False).order_by("start"):
        org_pks.setdefault(ev.organization_id, ev.start or 0)
    for event in events:
        for part in event.participants.all():
            if part.organization_id:
                org_pks.setdefault(part.organization_id, 1 << 62)  # after those seen in the text
    orgs = sorted(M.Organization.objects.filter(pk__in=org_pks), key=lambda o: (org_pks[o.pk], o.pk))
    org_ids = {o.pk: f"o{i}" for i, o in enumerate(orgs, 1)}

    def refs(event, role):
        out = []
        for part in event.participants.all():
            if part.role != role:
                continue
            ref = person_ids.get(part.person_id) if part.person_id else org_ids.get(part.organization_id)
            if ref and ref not in out:
                out.append(ref)
        return out

    return {
        "format": V.EXTRACTION_FORMAT,
        "document": {
            "id": document.doc_id,
            "title": document.title or None,
            "publisher": document.publisher.name if document.publisher_id else None,
            "published": document.published.isoformat() if document.published else None,
            "language": document.language or None,
        },
        "persons": [
            {
                "id": person_ids[p.pk],
                "name": p.name,
                "aliases": [n.name for n in sorted(p.names.all(), key=lambda n: n.pk) if n.name != p.name],
                "rank": p.rank or None,
                "age": p.age,
                "origin": p.origin or None,
                "pseudonym": p.pseudonym,
                "roles": list(p.roles or []),
                "evidence": _evidence(p.evidence.all()),
            }
            for p in persons
        ],
        "organizations": [
            {"id": org_ids[o.pk], "name": o.name, "kind": o.kind or "other", "side": o.side or None,
             "parent": org_ids.get(o.parent_id)}
            for o in orgs
        ],
        "events": [
            {
                "id": f"e{i}",
                "type": e.type,
                "subjects": refs(e, "subject"),
                "agents": refs(e, "agent"),
                "date": e.date or None,
                "date_end": e.date_end or None,
                "place": e.place_text or (e.place.name if e.place_id else None),
                "manner": e.manner or None,
                **({"amount": e.amount} if e.amount else {}),
                "evidence": _evidence(e.evidence.all()),
            }
            for i, e in enumerate(events, 1)
        ],
        "claims": [
            {
                "id": f"c{i}",
                "quantity": c.quantity,
                "quantity_high": c.quantity_high,
                "qualifier": c.qualifier,
                "category": c.category,
                "population": c.population or None,
                "place": c.place_text or None,
                "period_start": c.period_start or None,
                "period_end": c.period_end or None,
                "attributed_to": c.attributed_to or None,
                "evidence": _evidence(c.evidence.all()),
            }
            for i, c in enumerate(claims, 1)
        ],
    }
