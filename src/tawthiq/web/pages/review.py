"""The review queue: the machine's suggestions one at a time; accept, correct or reject.

The queue runs through suggested persons, events and claims ordered by
(document, kind, id). Corrections keep the machine's original values in
`suggested_values`; simple_history records who changed what (HistoryRequestMiddleware).
"""

import re

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.highlight import Span, ranges_of, window
from tawthiq.web.highlight import render as render_marked
from tawthiq.web.pages.common import editor, reader

KINDS = {"person": M.Person, "event": M.Event, "claim": M.Claim}
KIND_ORDER = list(KINDS)
VISIBLE = {"person": access.visible_persons, "event": access.visible_events, "claim": access.visible_claims}
ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _queue(user, kind: str):
    return (
        VISIBLE[kind](user).filter(review_state=M.ReviewState.SUGGESTED)
        .annotate(doc_key=Coalesce("document_id", 0))
    )


def _neighbour(user, kind: str, obj, forward: bool):
    """The next (or previous) suggestion after `obj` in (document, kind, id) order, as (kind, pk)."""
    doc = obj.document_id or 0
    here = KIND_ORDER.index(kind)
    best = None
    for k in KIND_ORDER:
        idx = KIND_ORDER.index(k)
        after, before = ("gt", "lt") if forward else ("lt", "gt")
        same_doc = Q(doc_key=doc)
        if idx == here:
            cond = Q(**{f"doc_key__{after}": doc}) | (same_doc & Q(**{f"pk__{after}": obj.pk}))
        elif (idx > here) == forward:
            cond = Q(**{f"doc_key__{after}e": doc})
        else:
            cond = Q(**{f"doc_key__{after}": doc})
        order = ("doc_key", "pk") if forward else ("-doc_key", "-pk")
        found = _queue(user, k).filter(cond).order_by(*order).values_list("doc_key", "pk").first()
        if found:
            key = (found[0], idx, found[1])
            if best is None or (key < best if forward else key > best):
                best = key
    return (KIND_ORDER[best[1]], best[2]) if best else None


def _first(user):
    keys = []
    for i, k in enumerate(KIND_ORDER):
        found = _queue(user, k).order_by("doc_key", "pk").values_list("doc_key", "pk").first()
        if found:
            keys.append((found[0], i, found[1]))
    return (KIND_ORDER[min(keys)[1]], min(keys)[2]) if keys else None


def _left(user) -> int:
    return sum(VISIBLE[k](user).filter(review_state=M.ReviewState.SUGGESTED).count() for k in KINDS)


class PersonForm(forms.ModelForm):
    class Meta:
        model = M.Person
        fields = ["name", "rank", "age", "birth_year", "origin", "pseudonym"]


class EventForm(forms.ModelForm):
    class Meta:
        model = M.Event
        fields = ["type", "date", "date_end", "place_text", "manner", "amount"]

    def clean_date(self):
        value = self.cleaned_data["date"].strip()
        if value and not ISO_PREFIX.match(value):
            raise forms.ValidationError("Write the date as YYYY, YYYY-MM or YYYY-MM-DD.")
        return value

    def save(self, commit=True):
        """Keep precision and the sort date in step with the date as corrected."""
        import datetime as dt

        event = super().save(commit=False)
        event.date_precision = {4: "year", 7: "month", 10: "day"}.get(len(event.date), "")
        try:
            event.date_sort = dt.date.fromisoformat((event.date + "-01-01")[:10]) if event.date else None
        except ValueError:
            event.date_sort = None
        if commit:
            event.save()
        return event


class ClaimForm(forms.ModelForm):
    class Meta:
        model = M.Claim
        fields = ["quantity", "quantity_high", "qualifier", "category", "population", "place_text",
                  "period_start", "period_end", "attributed_to"]


FORMS = {"person": PersonForm, "event": EventForm, "claim": ClaimForm}


def _get(user, kind: str, pk: int):
    if kind not in KINDS:
        raise Http404
    return get_object_or_404(VISIBLE[kind](user).select_related("document__publisher"), pk=pk)


def _context_html(user, obj) -> tuple[str, str]:
    """The source sentence(s) around the item's first evidence span, the span marked."""
    ev = access.visible_evidence(user).filter(**{obj._meta.model_name: obj}, start__isnull=False).first()
    if ev is None or obj.document is None:
        return "", ""
    text = obj.document.text
    lo, hi = window(text, ev.start, ev.end)
    hidden = [(a - lo, b - lo) for a, b in ranges_of(text[lo:hi], access.protected_strings(user, obj.document))]
    return mark_safe(render_marked(text[lo:hi], [Span(ev.start - lo, ev.end - lo, "focus")], hidden)), ev.quote


@reader
def review_start(request):
    first = _first(request.user)
    if first is None:
        return render(request, "tawthiq/review.html", {"left": 0})
    return redirect("review-item", kind=first[0], pk=first[1])


@reader
def review_item(request, kind: str, pk: int):
    user = request.user
    obj = _get(user, kind, pk)
    access.log_protected_view(user, obj, request.path)
    marked, quote = _context_html(user, obj)
    nxt, prev = _neighbour(user, kind, obj, True), _neighbour(user, kind, obj, False)
    document_left = 0
    if obj.document_id:
        document_left = sum(
            VISIBLE[k](user).filter(document_id=obj.document_id, review_state=M.ReviewState.SUGGESTED).count()
            for k in KINDS
        )
    return render(request, "tawthiq/review.html", {
        "kind": kind, "obj": obj, "form": FORMS[kind](instance=obj), "marked": marked, "quote": quote,
        "next": nxt, "prev": prev, "left": _left(user), "document_left": document_left,
    })


def _decide(obj, state: str, user) -> None:
    obj.review_state = state
    obj.reviewed_by = user
    obj.reviewed_at = timezone.now()
    obj.save()


def _after(request, kind, obj):
    """Go on to the next suggestion (or the queue's end)."""
    nxt = _neighbour(request.user, kind, obj, True)
    return redirect("review-item", kind=nxt[0], pk=nxt[1]) if nxt else redirect("review")


@require_POST
@editor
def review_action(request, kind: str, pk: int, action: str):
    obj = _get(request.user, kind, pk)
    if action == "accept":
        _decide(obj, M.ReviewState.CONFIRMED, request.user)
    elif action == "reject":
        _decide(obj, M.ReviewState.REJECTED, request.user)
    elif action == "correct":
        original = {name: getattr(obj, name) for name in FORMS[kind].Meta.fields}
        form = FORMS[kind](request.POST, instance=obj)
        if not form.is_valid():
            marked, quote = _context_html(request.user, obj)
            return render(request, "tawthiq/review.html", {
                "kind": kind, "obj": obj, "form": form, "marked": marked, "quote": quote, "left": _left(request.user),
                "next": _neighbour(request.user, kind, obj, True), "prev": _neighbour(request.user, kind, obj, False),
                "show_form": True,
            }, status=400)
        with transaction.atomic():
            obj = form.save(commit=False)
            machine = dict(obj.suggested_values or {})
            for name in form.changed_data:
                machine.setdefault(name, _plain(original[name]))
            obj.suggested_values = machine
            _decide(obj, M.ReviewState.CORRECTED, request.user)
    else:
        raise Http404
    messages.success(request, f"{kind.capitalize()} {action}ed." if action != "correct" else f"{kind.capitalize()} corrected.")
    return _after(request, kind, obj)


def _plain(value):
    """A JSON-safe copy of a field value for `suggested_values`."""
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


@require_POST
@editor
def review_accept_document(request, pk: int):
    """Accept every remaining suggestion of one document (each saved, so history keeps who)."""
    doc = get_object_or_404(access.visible_documents(request.user), pk=pk)
    count = 0
    with transaction.atomic():
        for kind, model in KINDS.items():
            for obj in model.objects.filter(document=doc, review_state=M.ReviewState.SUGGESTED):
                _decide(obj, M.ReviewState.CONFIRMED, request.user)
                count += 1
    messages.success(request, f"Accepted {count} suggestion(s) of this document.")
    return redirect("review")

