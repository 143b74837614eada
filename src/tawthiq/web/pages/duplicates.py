"""Duplicates: candidate pairs side by side with the match explanation; merge or keep apart.

Decisions go through tawthiq.store.resolution, which stores a ResolutionDecision,
re-clusters the two records at once and drops the answered candidate.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tawthiq.store import models as M
from tawthiq.store.resolution import DecisionConflict, merge_persons, record_decision, split_person
from tawthiq.web import access
from tawthiq.web.charts import weight_bar
from tawthiq.web.pages.common import editor, paginate, reader, source_label

PAIRS_PER_PAGE = 10


def _explanation(candidate) -> list[dict]:
    """Each comparison with its level, weight and a bar scaled to the pair's largest weight."""
    items = [
        {"comparison": str(e.get("comparison", "")), "level": str(e.get("level", "")),
         "weight": float(e.get("weight", e.get("bayes_factor", 0.0)) or 0.0)}
        for e in (candidate.explanation or []) if isinstance(e, dict)
    ]
    scale = max((abs(i["weight"]) for i in items), default=1.0)
    for i in items:
        i["bar"] = mark_safe(weight_bar(i["weight"], scale))
    return items


def _visible_pairs(user):
    """Candidate pairs both of whose records the user may see."""
    return access.only_visible(user, access.only_visible(user, M.MatchCandidate.objects.all(), "left"), "right")


def _side(user, record):
    names = [n.name for n in record.names.all()]
    return {"record": record, "source": source_label(record), "names": names or [record.name]}


@reader
def duplicate_list(request):
    user = request.user
    candidates = (
        _visible_pairs(user)
        .select_related("left__document__publisher", "right__document__publisher",
                        "left__imported_list__source", "right__imported_list__source")
        .prefetch_related("left__names", "right__names")
        .order_by("-match_probability", "pk")
    )
    page = paginate(request, candidates, PAIRS_PER_PAGE)
    pairs = [{
        "candidate": c, "left": _side(user, c.left), "right": _side(user, c.right),
        "explanation": _explanation(c),
        "same_cluster": (c.left.canonical_id or c.left.pk) == (c.right.canonical_id or c.right.pk),
    } for c in page]
    return render(request, "tawthiq/duplicates.html", {"page": page, "pairs": pairs})


@require_POST
@editor
def duplicate_decide(request, pk: int):
    candidate = get_object_or_404(_visible_pairs(request.user), pk=pk)
    decision = request.POST.get("decision")
    note = request.POST.get("note", "")[:2000]
    try:
        if decision == "merge":
            merge_persons(candidate.left, candidate.right, request.user, note)
            messages.success(request, "Merged: the two records are now one person.")
        elif decision == "apart":
            record_decision(candidate.left, candidate.right, M.ResolutionDecision.Judgement.DIFFERENT,
                            request.user, note)
            messages.success(request, "Kept apart: resolution will not join these two records again.")
        else:
            messages.error(request, "Choose merge or keep apart.")
    except DecisionConflict as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") if _safe_next(request) else "duplicates")


@require_POST
@editor
def person_split(request, pk: int):
    """Take one record out of its resolved person (a "different" decision against each other member)."""
    record = get_object_or_404(access.visible_persons(request.user).filter(~Q(canonical=None) | Q(members__isnull=False)).distinct(), pk=pk)
    split_person(record, request.user, request.POST.get("note", "")[:2000])
    messages.success(request, "The record now stands on its own.")
    record.refresh_from_db()
    return redirect("person", pk=record.canonical_id or record.pk)


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
