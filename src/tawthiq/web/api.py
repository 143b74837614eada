"""The JSON API (django-ninja), mounted at /api/; OpenAPI docs at /api/docs.

Read-only. Every query starts from the querysets of `tawthiq.web.access`, so the API
shows exactly what the pages show: a viewer never gets a protected person, document,
quote or source, and a hidden id answers the same 404 as an id that does not exist.

Authentication: `Authorization: Bearer <token>` (tokens from `tawthiq token USER`,
stored hashed) or the browser's session (ninja checks CSRF on unsafe methods).
Without either: 401. Logged in but without a role: 403.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import F, Prefetch, Q
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from tawthiq.store import models as M
from tawthiq.store import search as store_search
from tawthiq.web import access
from tawthiq.web.models import ApiToken
from tawthiq.web.pages import common
from tawthiq.web.pages import persons as person_pages

PAGE_SIZE = 50
COUNT_CAP = 10_000


class BearerToken(HttpBearer):
    """`Authorization: Bearer tq_...`: the hash of the token names the user."""

    def authenticate(self, request, token):
        user = ApiToken.user_for(token.strip())
        if user is not None:
            request.user = user  # so that access.* sees the token's user, as for a session
        return user


api = NinjaAPI(
    title="Tawthiq API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
)


class Pages(PageNumberPagination):
    """Numbered pages whose total is counted up to COUNT_CAP: for a viewer, counting a
    million visible events means testing each for protection (seconds); a page needs
    no exact total beyond that."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=f"Matching items, counted up to {COUNT_CAP:,}.")
        count_capped: bool = Field(..., description="True when there are more than `count`.")

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, **kwargs)

    def _items_count(self, queryset) -> int:
        return queryset.all()[: COUNT_CAP + 1].count()

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["count_capped"] = page["count"] > COUNT_CAP
        page["count"] = min(page["count"], COUNT_CAP)
        return page


def _reader(request):
    """The user behind the request, who must have a role."""
    if not access.can_read(request.user):
        raise HttpError(403, "your account has no role; ask an administrator")
    return request.user


def _not_found(kind: str):
    # The same message for "does not exist" and "hidden": nothing to learn from it.
    return HttpError(404, f"no such {kind}")


# --- schemas --------------------------------------------------------------------------

class SourceOut(Schema):
    id: int
    name: str
    kind: str
    reliability: str


class DocumentOut(Schema):
    id: str = Field(..., alias="doc_id", description="The document id (doc_id); all versions share it.")
    version: int
    title: str
    publisher: str | None = Field(None, alias="publisher.name")
    published: date | None
    language: str
    url: str
    original_type: str
    protected: bool
    credibility: str
    ingested_at: datetime


class PersonRef(Schema):
    id: int = Field(..., description="The canonical person id (what /api/persons/{id} shows).")
    name: str


class EvidenceOut(Schema):
    document: str
    quote: str
    start: int | None
    end: int | None


class EventOut(Schema):
    id: int
    type: str
    date: str
    date_end: str
    date_precision: str
    place: str
    manner: str
    organization: str | None
    amount: str
    document: str | None
    review_state: str
    subjects: list[PersonRef]
    agents: list[str] = Field(..., description="Agent persons' and organisations' names.")
    evidence: list[EvidenceOut]


class ClaimOut(Schema):
    id: int
    quantity: int
    quantity_high: int | None
    qualifier: str
    category: str
    population: str
    place: str
    period_start: str
    period_end: str
    attributed_to: str
    document: str | None
    review_state: str
    evidence: list[EvidenceOut]


class PersonOut(Schema):
    id: int
    name: str = Field(..., description="The name of the person's first record the caller may see.")
    rank: str
    review_state: str


class PersonNameOut(Schema):
    name: str
    script: str
    kind: str


class PersonRecordOut(Schema):
    """What one document (or list row) says about the person."""

    id: int
    document: str | None
    local_id: str
    name: str
    rank: str
    age: int | None
    birth_year: int | None
    origin: str
    pseudonym: bool
    roles: list[str]
    review_state: str
    evidence: list[EvidenceOut]


class MembershipOut(Schema):
    organization: str
    role: str
    start: str
    end: str
    place: str
    document: str | None


class PersonDetail(Schema):
    id: int
    name: str
    names: list[PersonNameOut]
    records: list[PersonRecordOut]
    trajectory: list[EventOut] = Field(..., description="Events the person took part in, by date.")
    memberships: list[MembershipOut]
    sources: list[DocumentOut] = Field(..., description="Documents the person is known from.")


class DocumentDetail(DocumentOut):
    # Aliases name the attributes get_document sets on the Document it returns.
    text: str = Field(
        ..., alias="shown_text", description="As ingested; for viewers, protected names and quotes are redacted."
    )
    offsets_exact: bool = Field(..., description="False when redaction changed the text: use quotes, not offsets.")
    versions: list[int] = Field(..., alias="version_numbers")
    persons: list[PersonRecordOut] = Field(..., alias="shown_persons")
    events: list[EventOut] = Field(..., alias="shown_events")
    claims: list[ClaimOut] = Field(..., alias="shown_claims")


class SearchHit(Schema):
    document: DocumentOut
    snippet: str


class SearchOut(Schema):
    query: str
    documents: list[SearchHit]
    persons: list[PersonOut]


# --- building the output ------------------------------------------------------------

class Redactor:
    """Blanks, for users who may not see protection, the names of hidden persons a
    document mentions, in that document's text and quotes (one lookup per document)."""

    def __init__(self, user):
        self.user = user
        self.active = not access.can_see_protected(user)
        self._strings: dict[int, list[str]] = {}

    def prefetch(self, documents) -> None:
        """Look up the names to blank for many documents at once (a results page)."""
        if self.active:
            self._strings.update(access.protected_strings_by_document(self.user, documents))

    def strings(self, document) -> list[str]:
        if not self.active or document is None:
            return []
        if document.pk not in self._strings:
            self._strings[document.pk] = access.protected_strings(self.user, document)
        return self._strings[document.pk]

    def quote(self, evidence) -> str:
        return access.redact(evidence.quote, self.strings(evidence.document))

    def text(self, document) -> str:
        if not self.active:
            return document.text
        text = document.text
        # Hidden spans first (their offsets index the original text), from the end.
        for start, end in sorted(access.hidden_spans(self.user, document), reverse=True):
            text = text[:start] + access.REDACTED + text[end:]
        return access.redact(text, self.strings(document))

    def snippet(self, hit, query: str) -> str:
        """The search snippet, cut from the redacted text when redaction applies."""
        if not self.active:
            return hit.snippet_text
        return store_search.snippet(self.text(hit.document), store_search.parse_query(query))[0]


def _evidence(items, redactor: Redactor) -> list[dict]:
    changed = redactor.active
    return [
        {
            "document": e.document.doc_id,
            "quote": redactor.quote(e),
            "start": None if changed else e.start,
            "end": None if changed else e.end,
        }
        for e in items
    ]


def _evidence_prefetch(user) -> Prefetch:
    spans = (
        access.visible_evidence(user).select_related("document").defer("document__text", "document__metadata")
        # Ordered here: the model's default order (by document) makes SQLite walk every span.
        .order_by("start", "pk")
    )
    return Prefetch("evidence", queryset=spans, to_attr="shown_evidence")


def _narrow(queryset, **lookups):
    """Apply the filters that were asked for (an empty or missing parameter asks for nothing)."""
    return queryset.filter(**{key: value for key, value in lookups.items() if value not in (None, "")})


def _not_rejected(queryset, review_state: str = ""):
    """Rejected statements are left out, as in exports, unless asked for by review state."""
    if review_state:
        return queryset.filter(review_state=review_state)
    return queryset.exclude(review_state=M.ReviewState.REJECTED)


def _events_query(user):
    """Visible events with what EventOut needs, in a fixed number of queries."""
    return (
        access.visible_events(user)
        .select_related("place", "organization", "document")
        .prefetch_related(
            Prefetch("participants", queryset=M.EventParticipant.objects.select_related("person", "organization")),
            _evidence_prefetch(user),
        )
    )


def _event(event, redactor: Redactor) -> dict:
    subjects, agents = [], []
    for part in event.participants.all():
        if part.role == M.EventParticipant.Role.SUBJECT and part.person is not None:
            subjects.append({"id": part.person.canonical_id or part.person_id, "name": part.person.name})
        else:
            agents.append(part.person.name if part.person is not None else part.organization.name)
    return {
        "id": event.pk,
        "type": event.type,
        "date": event.date,
        "date_end": event.date_end,
        "date_precision": event.date_precision,
        "place": event.place.name if event.place else event.place_text,
        "manner": event.manner,
        "organization": event.organization.name if event.organization else None,
        "amount": event.amount,
        "document": event.document.doc_id if event.document else None,
        "review_state": event.review_state,
        "subjects": subjects,
        "agents": agents,
        "evidence": _evidence(event.shown_evidence, redactor),
    }


def _claim(claim, redactor: Redactor) -> dict:
    return {
        "id": claim.pk,
        "quantity": claim.quantity,
        "quantity_high": claim.quantity_high,
        "qualifier": claim.qualifier,
        "category": claim.category,
        "population": claim.population,
        "place": claim.place.name if claim.place else claim.place_text,
        "period_start": claim.period_start,
        "period_end": claim.period_end,
        "attributed_to": claim.attributed_to,
        "document": claim.document.doc_id if claim.document else None,
        "review_state": claim.review_state,
        "evidence": _evidence(claim.shown_evidence, redactor),
    }


def _record(person, redactor: Redactor) -> dict:
    return {
        "id": person.pk,
        "document": person.document.doc_id if person.document else None,
        "local_id": person.local_id,
        "name": person.name,
        "rank": person.rank,
        "age": person.age,
        "birth_year": person.birth_year,
        "origin": person.origin,
        "pseudonym": person.pseudonym,
        "roles": person.roles or [],
        "review_state": person.review_state,
        "evidence": _evidence(person.shown_evidence, redactor),
    }


def _person_rows(user, persons) -> list[dict]:
    """PersonOut rows for one page of canonical persons, named as the persons page names them:
    from the first record the user may see (the canonical record itself may be hidden)."""
    persons = list(persons)
    clusters = common.cluster_records(user, [p.pk for p in persons])
    rows = []
    for person in persons:
        shown = clusters.get(person.pk) or [M.Person(name=common.display_name([]))]
        rows.append({"id": person.pk, "name": common.display_name(shown), "rank": shown[0].rank,
                     "review_state": shown[0].review_state})
    return rows


def _persons_matching(user, q: str):
    """Canonical persons with a visible record whose name or spelling contains `q` (folded),
    found as the persons page finds them."""
    persons = access.visible_canonical_persons(user)
    return persons.filter(pk__in=person_pages.name_matches(user, access.visible_persons(user), q))


# --- endpoints ------------------------------------------------------------------------

@api.get("/documents", response=list[DocumentOut], tags=["documents"])
@paginate(Pages)
def list_documents(
    request,
    q: str = Query("", description="Words the title contains."),
    language: str = "",
    publisher: str = Query("", description="Publisher name contains."),
    published_from: date | None = None,
    published_to: date | None = None,
    all_versions: bool = False,
):
    """Documents (current versions unless `all_versions`), newest first."""
    docs = access.visible_documents(_reader(request)).select_related("publisher")
    if not all_versions:
        docs = docs.filter(is_current=True)
    docs = _narrow(docs, title__icontains=q, language=language, publisher__name__icontains=publisher,
                   published__gte=published_from, published__lte=published_to)
    return docs.order_by(F("published").desc(nulls_last=True), "doc_id", "-version")


@api.get("/documents/{doc_id}", response=DocumentDetail, tags=["documents"])
def get_document(request, doc_id: str, version: int | None = None):
    """A document's current version (or `version`) with its text and what was extracted from it."""
    user = _reader(request)
    versions = access.visible_documents(user).filter(doc_id=doc_id)
    doc = (versions.filter(version=version) if version else versions.filter(is_current=True)).select_related(
        "publisher"
    ).first()
    if doc is None:
        raise _not_found("document")
    access.log_protected_view(user, doc, request.path)
    redactor = Redactor(user)
    persons = (
        _not_rejected(access.visible_persons(user).filter(document=doc)).select_related("document")
        .prefetch_related(_evidence_prefetch(user)).order_by("pk")
    )
    claims = (
        _not_rejected(access.visible_claims(user).filter(document=doc)).select_related("document", "place")
        .prefetch_related(_evidence_prefetch(user)).order_by("pk")
    )
    doc.shown_text = redactor.text(doc)
    doc.offsets_exact = not redactor.active
    doc.version_numbers = sorted(versions.values_list("version", flat=True))
    doc.shown_persons = [_record(p, redactor) for p in persons]
    events = _not_rejected(_events_query(user).filter(document=doc)).order_by("pk")
    doc.shown_events = [_event(e, redactor) for e in events]
    doc.shown_claims = [_claim(c, redactor) for c in claims]
    return doc


@api.get("/persons", response=list[PersonOut], tags=["persons"])
@paginate(Pages)
def list_persons(request, q: str = Query("", description="Any name or spelling contains (Arabic or Latin)."),
                 rank: str = ""):
    """Canonical (resolved) persons."""
    user = _reader(request)
    persons = _persons_matching(user, q) if q.strip() else access.visible_canonical_persons(user)
    persons = _narrow(persons, rank=rank).order_by("name", "pk")
    return _Mapped(persons, lambda page: _person_rows(user, page))


@api.get("/persons/{person_id}", response=PersonDetail, tags=["persons"])
def get_person(request, person_id: int):
    """A resolved person: every visible record, name, event (by date), membership and source."""
    user = _reader(request)
    found = access.visible_persons(user).filter(pk=person_id).first()
    root = (found.canonical_id or found.pk) if found else None
    if root is None and access.visible_canonical_persons(user).filter(pk=person_id).exists():
        root = person_id
    if root is None:
        raise _not_found("person")
    records = list(
        _not_rejected(access.visible_persons(user).filter(Q(pk=root) | Q(canonical_id=root)))
        .select_related("document__publisher").prefetch_related(_evidence_prefetch(user), "names")
        .order_by("pk")
    )
    if not records:
        raise _not_found("person")
    for record in records:
        access.log_protected_view(user, record, request.path)
    redactor = Redactor(user)
    head = next((r for r in records if r.pk == root), records[0])
    names, seen = [], set()
    for record in records:
        for n in [*record.names.all()] or [M.PersonName(name=record.name, script="", kind="primary")]:
            if (n.name, n.kind) not in seen:
                seen.add((n.name, n.kind))
                names.append({"name": n.name, "script": n.script, "kind": n.kind})
    events = list(
        _not_rejected(_events_query(user).filter(participants__person__in=[r.pk for r in records])).distinct()
        .order_by(F("date_sort").asc(nulls_last=True), "date", "pk")
    )
    memberships = (
        _not_rejected(access.visible_memberships(user).filter(person__in=records))
        .select_related("organization", "place", "document").order_by("start", "pk")
    )
    documents = {r.document_id for r in records} | {e.document_id for e in events}
    sources = (
        access.visible_documents(user).filter(pk__in=documents - {None}).select_related("publisher")
        .order_by(F("published").asc(nulls_last=True), "doc_id")
    )
    return {
        "id": root,
        "name": head.name,
        "names": names,
        "records": [_record(r, redactor) for r in records],
        "trajectory": [_event(e, redactor) for e in events],
        "memberships": [
            {
                "organization": m.organization.name, "role": m.role, "start": m.start, "end": m.end,
                "place": m.place.name if m.place else "", "document": m.document.doc_id if m.document else None,
            }
            for m in memberships
        ],
        "sources": list(sources),
    }


class _Mapped:
    """A queryset whose slices come out converted a page at a time (ninja's paginator slices,
    then counts with `.all().count()`), so each page is built in a fixed number of queries."""

    def __init__(self, queryset, convert_page):
        self.queryset, self.convert_page = queryset, convert_page

    def all(self):
        return self.queryset

    def __getitem__(self, item):
        return self.convert_page(list(self.queryset[item]))


def _statements_page(redactor: Redactor, convert):
    """Convert a page of events or claims, with their documents' redactions looked up at once."""
    def convert_page(rows):
        redactor.prefetch({row.document for row in rows if row.document_id})
        return [convert(row, redactor) for row in rows]
    return convert_page


@api.get("/events", response=list[EventOut], tags=["events"])
@paginate(Pages)
def list_events(
    request,
    type: str = Query("", description="Event type (see the vocabulary)."),
    date_from: date | None = None,
    date_to: date | None = None,
    person: int | None = Query(None, description="Canonical person id."),
    document: str = Query("", description="Document id (doc_id)."),
    review_state: str = "",
):
    """Events, by date."""
    user = _reader(request)
    events = _narrow(_events_query(user), type=type, date_sort__gte=date_from, date_sort__lte=date_to,
                     document__doc_id=document)
    if person is not None:
        records = access.visible_persons(user).filter(Q(pk=person) | Q(canonical_id=person))
        events = events.filter(participants__person__in=records).distinct()
    events = _not_rejected(events, review_state)
    redactor = Redactor(user)
    return _Mapped(events.order_by(F("date_sort").asc(nulls_last=True), "pk"), _statements_page(redactor, _event))


@api.get("/claims", response=list[ClaimOut], tags=["claims"])
@paginate(Pages)
def list_claims(
    request,
    category: str = "",
    document: str = Query("", description="Document id (doc_id)."),
    review_state: str = "",
):
    """Figures sources state about many people or operations."""
    user = _reader(request)
    claims = (
        access.visible_claims(user).select_related("document", "place").prefetch_related(_evidence_prefetch(user))
    )
    claims = _not_rejected(_narrow(claims, category=category, document__doc_id=document), review_state)
    redactor = Redactor(user)
    return _Mapped(claims.order_by("period_start", "pk"), _statements_page(redactor, _claim))


@api.get("/search", response=SearchOut, tags=["search"])
def search(request, q: str = Query(..., description="Words (Arabic or Latin); a trailing * matches a prefix."),
           limit: int = Query(20, ge=1, le=100)):
    """Full-text search of current documents, and persons by name."""
    user = _reader(request)
    redactor = Redactor(user)
    hits = store_search.search_documents(q, limit=limit, queryset=access.visible_documents(user))
    redactor.prefetch([hit.document for hit in hits])
    persons = _persons_matching(user, q).order_by("name", "pk")[:limit] if q.strip() else []
    return {
        "query": q,
        "documents": [{"document": hit.document, "snippet": redactor.snippet(hit, q)} for hit in hits],
        "persons": _person_rows(user, persons),
    }
