"""Documents: list with filters and full-text search; the reader with every span marked."""

import datetime as dt

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from tawthiq.store.search import search_documents
from tawthiq.web import access
from tawthiq.web.highlight import Span, ranges_of
from tawthiq.web.highlight import render as render_marked
from tawthiq.web.pages.common import paginate, query_without_page, reader

SEARCH_LIMIT = 500


def _date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _filtered(request):
    """Current visible documents narrowed by the list's filters; also the filters as read."""
    docs = access.visible_documents(request.user).filter(is_current=True).select_related("publisher")
    f = {
        "publisher": request.GET.get("publisher", ""),
        "language": request.GET.get("language", ""),
        "date_from": _date(request.GET.get("from")),
        "date_to": _date(request.GET.get("to")),
        "q": request.GET.get("q", "").strip(),
    }
    if f["publisher"].isdigit():
        docs = docs.filter(publisher_id=int(f["publisher"]))
    if f["language"]:
        docs = docs.filter(language=f["language"])
    if f["date_from"]:
        docs = docs.filter(published__gte=f["date_from"])
    if f["date_to"]:
        docs = docs.filter(published__lte=f["date_to"])
    return docs, f


def _snippet_html(hit, protected: list[str]) -> str:
    """The search snippet with matched words marked and protected names blanked."""
    marks = [Span(a, b, "match") for a, b in hit.highlights]
    return render_marked(hit.snippet_text, marks, ranges_of(hit.snippet_text, protected))


@reader
def document_list(request):
    docs, f = _filtered(request)
    if f["q"]:
        hits = search_documents(f["q"], limit=SEARCH_LIMIT, queryset=docs)
        page = paginate(request, hits)
        protected = access.protected_strings_by_document(request.user, [h.document for h in page])
        rows = [{"doc": h.document, "snippet": mark_safe(_snippet_html(h, protected[h.document.pk]))} for h in page]
    else:
        page = paginate(request, docs.order_by("-published", "doc_id"))
        rows = [{"doc": d} for d in page]
    publishers = access.visible_sources(request.user).filter(documents__isnull=False).distinct().order_by("name")
    languages = (
        access.visible_documents(request.user).exclude(language="").values_list("language", flat=True)
        .distinct().order_by("language")
    )
    return render(request, "tawthiq/documents.html", {
        "page": page, "rows": rows, "filters": f, "publishers": publishers, "languages": languages,
        "query_string": query_without_page(request), "search_limited": f["q"] and len(page.paginator.object_list) >= SEARCH_LIMIT,
    })


def _span_for(evidence) -> Span | None:
    if evidence.person_id:
        p = evidence.person
        return Span(evidence.start, evidence.end, "person",
                    reverse("person", args=[p.canonical_id or p.pk]), f"person: {p.name}")
    if evidence.event_id:
        return Span(evidence.start, evidence.end, "event", reverse("event", args=[evidence.event_id]),
                    f"event: {evidence.event.get_type_display()} {evidence.event.date}".strip())
    if evidence.claim_id:
        return Span(evidence.start, evidence.end, "claim", reverse("claim", args=[evidence.claim_id]),
                    f"claim: {evidence.claim}")
    if evidence.organization_id:
        return Span(evidence.start, evidence.end, "organization",
                    reverse("organisation", args=[evidence.organization_id]),
                    f"organisation: {evidence.organization.name}")
    if evidence.membership_id:
        return Span(evidence.start, evidence.end, "membership", "", "membership")
    return None


@reader
def document_detail(request, pk: int):
    user = request.user
    doc = get_object_or_404(access.visible_documents(user).select_related("publisher"), pk=pk)
    access.log_protected_view(user, doc, request.path)
    evidence = (
        access.visible_evidence(user).filter(document=doc, start__isnull=False, end__isnull=False)
        .select_related("person", "event", "claim", "organization")
    )
    spans = [s for s in map(_span_for, evidence) if s is not None]
    hidden = access.hidden_spans(user, doc) + ranges_of(doc.text, access.protected_strings(user, doc))
    persons = access.visible_persons(user).filter(document=doc).order_by("local_id", "pk")
    events = access.visible_events(user).filter(document=doc).select_related("place").order_by("date_sort", "pk")
    claims = access.visible_claims(user).filter(document=doc).order_by("pk")
    organizations = access.visible_organizations(user).filter(evidence__document=doc).distinct().order_by("name")
    versions = access.visible_documents(user).filter(doc_id=doc.doc_id).order_by("-version")
    return render(request, "tawthiq/document.html", {
        "doc": doc, "marked_text": mark_safe(render_marked(doc.text, spans, hidden)),
        "persons": persons, "events": events, "claims": claims, "organizations": organizations,
        "versions": versions,
    })
