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
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tawthiq import vocabulary as V
from tawthiq.extract.merge import KINDS, item_key, name_key, names_by_id
from tawthiq.extract.rules.geography import locate_place
from tawthiq.store import models as M
from tawthiq.text import fold, script_of

SUGGESTED = M.ReviewState.SUGGESTED
REJECTED = M.ReviewState.REJECTED
ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EVIDENCE_TARGETS = ("person", "event", "claim", "organization", "membership")
KUNYA = re.compile(r"^(?:abu|abou|umm|um|أبو|ابو|أم|ام)\s", re.IGNORECASE)


@dataclass
class SaveReport:
    """What one save did, per kind: added, updated, unchanged, kept (reviewed), removed, invalid."""

    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})


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
    spans = {}  # an ordered set: an organisation can have thousands of mentions
    for ev in evidence or []:
        quote = (ev or {}).get("quote") if isinstance(ev, dict) else None
        if not quote:
            continue
        start = ev.get("start")
        if not (isinstance(start, int) and 0 <= start and text[start:start + len(quote)] == quote):
            start = text.find(quote)
        if start < 0:
            continue
        spans[start, start + len(quote), quote] = None
    return list(spans)


def _differs(obj, name: str, value) -> bool:
    """Whether a field holds something else; relations compared by key, without a query."""
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        return getattr(obj, field_.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _text(value, limit: int) -> str:
    return str(value).strip()[:limit] if value not in (None, "") else ""


class _Saver:
    """One document's save.

    Everything the document already holds is read up front (a few queries), new rows
    are bulk-created with their history and stale child rows deleted in one query per
    model, so that the cost grows with the number of items, not with queries per item.
    """

    def __init__(self, document: M.Document, extractor: str):
        self.document = document
        self.extractor = extractor
        self.report = SaveReport()
        self.places: dict[str, M.Place] = {}
        self.creates: dict[type, list] = defaultdict(list)
        self.deletes: dict[type, list] = defaultdict(list)
        self.existing = {
            model: {}
            for model in (M.Person, M.Event, M.Claim)
        }
        for model, rows in self.existing.items():
            for row in model.objects.filter(document=document).exclude(fingerprint="").order_by("pk"):
                rows.setdefault(row.fingerprint, row)
        self.evidence = defaultdict(list)  # (target field, target pk) -> evidence rows in this document
        for ev in M.Evidence.objects.filter(document=document):
            for target in EVIDENCE_TARGETS:
                if getattr(ev, f"{target}_id"):
                    self.evidence[target, getattr(ev, f"{target}_id")].append(ev)
        self.names = defaultdict(list)
        for row in M.PersonName.objects.filter(person__document=document):
            self.names[row.person_id].append(row)
        self.participants = defaultdict(list)
        for row in M.EventParticipant.objects.filter(event__document=document):
            self.participants[row.event_id].append(row)

    # -- shared pieces ---------------------------------------------------------------
    def place(self, text: str) -> M.Place | None:
        key = name_key(text)[:300]
        if not key:
            return None
        if key not in self.places:
            kind, governorate = locate_place(text) or ("other", "")
            self.places[key], _ = M.Place.objects.get_or_create(
                normalized_name=key, governorate=governorate, defaults={"name": text[:300], "kind": kind}
            )
        return self.places[key]

    def sync(self, model, have: list, wanted: list, key, make) -> bool:
        """Plan rows of `model` so that exactly `wanted` keys exist; True when anything changes."""
        wanted = list(dict.fromkeys(wanted))
        wanted_set, seen = set(wanted), set()
        for row in have:
            if key(row) in wanted_set and key(row) not in seen:
                seen.add(key(row))
            else:
                self.deletes[model].append(row.pk)
        missing = [k for k in wanted if k not in seen]
        self.creates[model] += [make(k) for k in missing]
        return bool(missing) or len(seen) != len(have)

    def sync_evidence(self, target: str, obj, spans) -> bool:
        return self.sync(
            M.Evidence, self.evidence.get((target, obj.pk), []), spans,
            lambda e: (e.start, e.end, e.quote),
            lambda k: M.Evidence(document=self.document, start=k[0], end=k[1], quote=k[2], **{target: obj}),
        )

    def upsert(self, kind: str, model, items) -> list:
        """Create or update the suggestions of one kind; reviewed ones are left alone.

        `items` holds (fingerprint, values, children) triples; `children(obj)` plans the
        object's names, evidence and participants and says whether they change. Returns
        the objects in the order of `items`.
        """
        out, new, touched = [], [], []
        for fp, values, children in items:
            obj = self.existing[model].get(fp)
            if obj is not None and obj.review_state != SUGGESTED:
                self.report.counts[kind]["kept"] += 1
            elif obj is None:
                obj = model(document=self.document, fingerprint=fp, review_state=SUGGESTED, **values)
                new.append(obj)
                touched.append((obj, None, children))
            else:
                changed = [name for name, value in values.items() if _differs(obj, name, value)]
                for name in changed:
                    setattr(obj, name, values[name])
                if changed:
                    obj.save(update_fields=changed)
                touched.append((obj, changed, children))
            out.append(obj)
        bulk_create_with_history(new, model)
        for obj, changed, children in touched:
            children_changed = children(obj)
            state = "added" if changed is None else "updated" if changed or children_changed else "unchanged"
            self.report.counts[kind][state] += 1
        return out

    def flush(self) -> None:
        """Apply the planned child rows: deletions first, then creations (with history)."""
        for model, pks in self.deletes.items():
            model.objects.filter(pk__in=pks).delete()
        for model, rows in self.creates.items():
            bulk_create_with_history(rows, model)

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

    def person(self, item: dict):
        """(values, children) for a person item, or None when it has no name or no verbatim evidence."""
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
            if alias and all(alias != n for n, _ in names):
                names.append((alias, "kunya" if KUNYA.match(alias) else "alias"))

        def children(person) -> bool:
            names_changed = self.sync(
                M.PersonName, self.names.get(person.pk, []), names, lambda row: (row.name, row.kind),
                lambda k: M.PersonName(person=person, name=k[0], kind=k[1], script=script_of(k[0]),
                                       normalized=" ".join(fold(k[0]).split())),
            )
            return self.sync_evidence("person", person, spans) or names_changed

        return values, children

    def event(self, item: dict, refs: dict):
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
            wanted = [
                (role, obj.pk if isinstance(obj, M.Person) else None,
                 obj.pk if isinstance(obj, M.Organization) else None)
                for role, obj in participants
            ]
            changed = self.sync(
                M.EventParticipant, self.participants.get(event.pk, []), wanted,
                lambda row: (row.role, row.person_id, row.organization_id),
                lambda k: M.EventParticipant(event=event, role=k[0], person_id=k[1], organization_id=k[2]),
            )
            return self.sync_evidence("event", event, spans) or changed

        return values, children

    def claim(self, item: dict):
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
        return values, lambda c: self.sync_evidence("claim", c, spans)

    # -- the whole result ------------------------------------------------------------
    def save(self, result: dict) -> SaveReport:
        doc_id = self.document.doc_id
        names = names_by_id(result)
        extractors = {self.extractor} | {
            item["extractor"] for kind in KINDS for item in result.get(kind) or [] if item.get("extractor")
        }

        def planned(kind, make):
            """(item, fingerprint, values, children) of the valid items of one kind."""
            seen = Counter()
            for item in result.get(kind) or []:
                if not isinstance(item, dict):
                    self.report.counts[kind]["invalid"] += 1
                    continue
                key = item_key(kind, item, names)
                seen[key] += 1
                plan = make(item)
                if plan is not None:
                    # Two items with the same key in one document stay two suggestions.
                    yield item, fingerprint(doc_id, kind, key if seen[key] == 1 else f"{key}#{seen[key]}"), *plan

        refs: dict[str, object] = {}
        orgs = {}
        org_spans: dict[M.Organization, dict] = {}  # organisation -> ordered set of spans
        for item in result.get("organizations") or []:
            org, spans = self.organization(item)
            if org is not None:
                refs[item.get("id")] = orgs[item.get("id")] = org
                org_spans.setdefault(org, {}).update(dict.fromkeys(spans))
        for item in result.get("organizations") or []:
            parent = orgs.get(item.get("parent"))
            org = orgs.get(item.get("id"))
            if org is not None and parent is not None and org.parent_id is None and parent.pk != org.pk:
                org.parent = parent
                org.save(update_fields=["parent"])
        for (target, pk), rows in self.evidence.items():
            if target == "organization" and pk not in {org.pk for org in org_spans}:
                self.deletes[M.Evidence] += [row.pk for row in rows]
        for org, spans in org_spans.items():
            self.sync_evidence("organization", org, list(spans))

        produced = {}
        for kind, model, make in (
            ("persons", M.Person, self.person),
            ("events", M.Event, lambda item: self.event(item, refs)),
            ("claims", M.Claim, self.claim),
        ):
            plans = list(planned(kind, make))
            objects = self.upsert(kind, model, [(fp, values, children) for _, fp, values, children in plans])
            produced[kind] = {fp for _, fp, _, _ in plans}
            if kind == "persons":
                refs.update((item.get("id"), obj) for (item, *_), obj in zip(plans, objects))
        self.flush()
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
            candidates = model.objects.filter(document=self.document, review_state=SUGGESTED, extractor__in=extractors)
            stale = model.objects.filter(pk__in=[
                pk for pk, fp in candidates.values_list("pk", "fingerprint") if fp not in produced[kind]
            ])
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
