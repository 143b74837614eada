"""Persons: the list of canonical persons with filters; the profile with names, timeline, conflicts."""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from tawthiq import vocabulary as V
from tawthiq.analyse import conflicts, trajectory
from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.pages.common import cluster_records, display_name, paginate, query_without_page, reader, source_label


def _in_cluster(prefix: str = "person") -> Q:
    """Rows whose person (via `prefix`) belongs to the outer canonical person's cluster."""
    return Q(**{f"{prefix}_id": OuterRef("pk")}) | Q(**{f"{prefix}__canonical_id": OuterRef("pk")})


def _status_type(user) -> Subquery:
    """The type of the event that sets the outer person's status (mirrors trajectory.status_key)."""
    final = trajectory.event_types_for(trajectory.FINAL_STATUS)
    order = Case(*[When(type=t, then=Value(i)) for t, i in trajectory.TYPE_ORDER.items()],
                 default=Value(-1), output_field=IntegerField())
    events = (
        access.visible_events(user).filter(type__in=trajectory.STATUS_BY_EVENT)
        .filter(Exists(M.EventParticipant.objects.filter(event=OuterRef("pk")).filter(
            Q(person_id=OuterRef(OuterRef("pk"))) | Q(person__canonical_id=OuterRef(OuterRef("pk")))
        )))
        .annotate(is_final=Case(When(type__in=final, then=Value(1)), default=Value(0), output_field=IntegerField()),
                  life=order)
        # SQLite and PostgreSQL sort NULL dates differently: undated explicitly after dated.
        .order_by("-is_final", F("date_sort").desc(nulls_last=True), "-life")
    )
    return Subquery(events.values("type")[:1])


def _filtered(request):
    user = request.user
    persons = access.visible_canonical_persons(user)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "rank", "origin", "status", "unit", "event")}
    records = access.visible_persons(user)
    if f["q"]:
        from tawthiq.text import fold

        key = fold(f["q"])
        persons = persons.filter(Exists(records.filter(cluster_q_outer()).filter(
            Q(name__icontains=f["q"]) | Q(names__name__icontains=f["q"]) | Q(names__normalized__contains=key)
        )))
    if f["rank"]:
        persons = persons.filter(Exists(records.filter(cluster_q_outer(), rank=f["rank"])))
    if f["origin"]:
        persons = persons.filter(Exists(records.filter(cluster_q_outer(), origin__icontains=f["origin"])))
    if f["unit"].isdigit():
        unit = int(f["unit"])
        persons = persons.filter(
            Exists(access.visible_memberships(user).filter(_in_cluster(), organization_id=unit))
            | Exists(M.EventParticipant.objects.filter(_in_cluster(), event__in=access.visible_events(user).filter(organization_id=unit)))
        )
    if f["event"]:
        persons = persons.filter(Exists(M.EventParticipant.objects.filter(
            _in_cluster(), event__in=access.visible_events(user).filter(type=f["event"])
        )))
    if f["status"] in trajectory.STATUSES:
        persons = persons.annotate(status_type=_status_type(user)).filter(
            status_type__in=trajectory.event_types_for(f["status"])
        )
    return persons.order_by("name", "pk"), f


def cluster_q_outer() -> Q:
    """Person records of the outer canonical person's cluster."""
    return Q(pk=OuterRef("pk")) | Q(canonical_id=OuterRef("pk"))


def _events_by_record(user, record_ids):
    """Visible events of the given records with place, unit and document, each once."""
    participations = (
        M.EventParticipant.objects.filter(person_id__in=record_ids, event__in=access.visible_events(user))
        .select_related("event__place", "event__organization", "event__document__publisher")
    )
    seen, events = set(), []
    for part in participations:
        if part.event_id not in seen:
            seen.add(part.event_id)
            events.append(part.event)
    return events


@reader
def person_list(request):
    persons, f = _filtered(request)
    page = paginate(request, persons)
    ids = [p.pk for p in page]
    clusters = cluster_records(request.user, ids)
    record_ids = [r.pk for rs in clusters.values() for r in rs]
    events_of: dict[int, list] = {}
    parts = (
        M.EventParticipant.objects.filter(person_id__in=record_ids, event__in=access.visible_events(request.user))
        .values("person_id", "person__canonical_id", "event__type", "event__date_sort").distinct()
    )
    for part in parts:
        events_of.setdefault(part["person__canonical_id"] or part["person_id"], []).append(
            {"type": part["event__type"], "date_sort": part["event__date_sort"]}
        )
    rows = []
    for p in page:
        records = clusters.get(p.pk, [])
        rows.append({
            "pk": p.pk, "name": display_name(records), "records": len(records),
            "ranks": sorted({r.rank for r in records if r.rank}, key=V.RANKS.index),
            "origins": sorted({r.origin for r in records if r.origin}),
            "status": trajectory.status_of(events_of.get(p.pk, [])),
            "events": len(events_of.get(p.pk, [])),
        })
    units = access.visible_organizations(request.user).exclude(kind__in=["ngo", "media"]).order_by("name")
    return render(request, "tawthiq/persons.html", {
        "page": page, "rows": rows, "filters": f, "ranks": V.RANKS, "statuses": trajectory.STATUSES,
        "event_types": list(V.EVENT_TYPES), "units": units, "query_string": query_without_page(request),
    })


def _steps(user, events):
    """Timeline steps: the event, its visible evidence quotes and its source."""
    quotes: dict[int, list] = {}
    for ev in access.visible_evidence(user).filter(event__in=[e.pk for e in events]).select_related("document__publisher"):
        quotes.setdefault(ev.event_id, []).append(ev)
    plain = [{"type": e.type, "date_sort": e.date_sort, "event": e, "evidence": quotes.get(e.pk, []),
              "source": source_label(e)} for e in events]
    return trajectory.timeline(plain)


def _conflicts(records, events):
    statements = [{
        "rank": r.get_rank_display() if r.rank else "", "age": r.age, "age_at": r.age_at or (
            r.document.published if r.document_id and r.document.published else None),
        "birth_year": r.birth_year, "origin": r.origin, "source": source_label(r), "record": r,
    } for r in records]
    deaths = [{"date": e.date, "manner": e.manner, "source": source_label(e), "event": e}
              for e in events if e.type == "death"]
    return conflicts.person_conflicts(statements, deaths)


@reader
def person_detail(request, pk: int):
    user = request.user
    person = get_object_or_404(M.Person.objects.only("pk", "canonical_id"), pk=pk)
    if person.canonical_id:
        if not access.visible_persons(user).filter(pk=pk).exists():
            raise Http404
        return redirect("person", pk=person.canonical_id)
    canonical = get_object_or_404(access.visible_canonical_persons(user), pk=pk)
    access.log_protected_view(user, canonical, request.path)
    records = cluster_records(user, [pk])[pk]
    record_ids = [r.pk for r in records]
    names = M.PersonName.objects.filter(person_id__in=record_ids).select_related("person__document__publisher").order_by("kind", "name")
    events = _events_by_record(user, record_ids)
    memberships = (
        access.visible_memberships(user).filter(person_id__in=record_ids)
        .select_related("organization", "document__publisher")
    )
    return render(request, "tawthiq/person.html", {
        "canonical": canonical, "name": display_name(records), "records": records,
        "record_sources": [(r, source_label(r)) for r in records], "names": names,
        "steps": _steps(user, events), "status": trajectory.status_of([{"type": e.type, "date_sort": e.date_sort} for e in events]),
        "conflicts": _conflicts(records, events), "memberships": memberships,
        "protected": any(r.protected for r in records),
    })

