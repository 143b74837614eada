"""Single records: an event page, the history page of any record, protect/unprotect."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.pages.common import cluster_q, editor, reader, source_label

HISTORY_KINDS = {
    "person": (M.Person, access.visible_persons),
    "event": (M.Event, access.visible_events),
    "claim": (M.Claim, access.visible_claims),
    "document": (M.Document, access.visible_documents),
    "organisation": (M.Organization, access.visible_organizations),
}
HISTORY_LIMIT = 200


@reader
def event_detail(request, pk: int):
    user = request.user
    event = get_object_or_404(
        access.visible_events(user).select_related("place", "organization", "document__publisher"), pk=pk)
    access.log_protected_view(user, event, request.path)
    participants = [
        p for p in event.participants.select_related("person", "organization")
        if (p.person_id is None or access.visible_persons(user).filter(pk=p.person_id).exists())
        and (p.organization_id is None or access.visible_organizations(user).filter(pk=p.organization_id).exists())
    ]
    return render(request, "tawthiq/event.html", {
        "event": event, "participants": participants, "source": source_label(event),
        "evidence": access.visible_evidence(user).filter(event=event),
    })


def _changes(entries) -> list[dict]:
    """History entries newest first, each with the fields it changed against the one before."""
    rows = []
    for i, entry in enumerate(entries):
        older = entries[i + 1] if i + 1 < len(entries) else None
        changes = []
        if older is not None and entry.history_type == "~":
            changes = [{"field": c.field, "old": c.old, "new": c.new} for c in entry.diff_against(older).changes]
        rows.append({"entry": entry, "changes": changes,
                     "what": {"+": "created", "~": "changed", "-": "deleted"}.get(entry.history_type, "")})
    return rows


@reader
def history(request, kind: str, pk: int):
    if kind not in HISTORY_KINDS:
        raise Http404
    model, visible = HISTORY_KINDS[kind]
    obj = get_object_or_404(visible(request.user), pk=pk)
    access.log_protected_view(request.user, obj, request.path)
    entries = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_LIMIT + 1])
    return render(request, "tawthiq/history.html", {
        "obj": obj, "kind": kind, "rows": _changes(entries[:HISTORY_LIMIT + 1])[:HISTORY_LIMIT],
        "truncated": len(entries) > HISTORY_LIMIT,
    })


@require_POST
@editor
def protect_person_view(request, pk: int):
    person = get_object_or_404(M.Person, pk=pk)
    flag = request.POST.get("protected") == "1"
    # Protecting marks this record; removing protection clears every record of the cluster,
    # since any one of them would keep the whole profile hidden.
    cluster = person.canonical_id or person.pk
    targets = [person.pk] if flag else M.Person.objects.filter(cluster_q(cluster)).values_list("pk", flat=True)
    for target in targets:
        access.protect_person(target, flag)
    messages.success(request, "Protected: viewers no longer see this person." if flag else "Protection removed.")
    return redirect("person", pk=person.canonical_id or person.pk)


@require_POST
@editor
def protect_document_view(request, pk: int):
    doc = get_object_or_404(M.Document, pk=pk)
    flag = request.POST.get("protected") == "1"
    access.protect_document(doc.doc_id, flag)
    messages.success(request, "Protected: viewers no longer see this document." if flag else "Protection removed.")
    return redirect("document", pk=doc.pk)
