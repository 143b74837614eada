"""Persons: the list of canonical persons with filters; the profile with names, timeline, conflicts."""

from django.db.models import Case, CharField, Exists, Max, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from tawthiq import vocabulary as V
from tawthiq.analyse import conflicts, trajectory
from tawthiq.store import models as M
from tawthiq.text import fold
from tawthiq.web import access
from tawthiq.web.pages.common import cluster_records, display_name, paginate, query_without_page, reader, source_label


def _in_cluster(prefix: str = "person") -> Q:
    """Rows whose person (via `prefix`) belongs to the outer canonical person's cluster."""
    return Q(**{f"{prefix}_id": OuterRef("pk")}) | Q(**{f"{prefix}__canonical_id": OuterRef("pk")})


def _clusters_with_status(user, status: str):
    """Canonical ids whose last known status is `status`, in one GROUP BY over participations.

    Each status event gets a sortable key (final, dated, date, life order, type) and the
    largest key per cluster wins: the SQL twin of trajectory.status_key.
    """
    final = trajectory.event_types_for(trajectory.FINAL_STATUS)
    life = Case(*[When(event__type=t, then=Value(f"{i:02d}")) for t, i in trajectory.TYPE_ORDER.items()],
                default=Value("00"), output_field=CharField())
    key = Concat(
        Case(When(event__type__in=final, then=Value("1")), default=Value("0"), output_field=CharField()),
        Case(When(event__date_sort__isnull=True, then=Value("0")), default=Value("1"), output_field=CharField()),
        Coalesce(Cast("event__date_sort", CharField()), Value("0000-00-00")), life, Value("|"), "event__type",
        output_field=CharField(),
    )
    rows = access.only_visible(
        user, M.EventParticipant.objects.filter(person__isnull=False, event__type__in=trajectory.STATUS_BY_EVENT),
        "event",
    )
    wanted = Q()
    for t in trajectory.event_types_for(status):
        wanted |= Q(best__endswith="|" + t)
    return (
        rows.annotate(cluster=Coalesce("person__canonical_id", "person_id")).values("cluster")
        .annotate(best=Max(key)).filter(wanted).values("cluster")
    )


def _filtered(request):
    user = request.user
    persons = access.visible_canonical_persons(user)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "rank", "origin", "status", "unit", "event")}
    records = access.visible_persons(user)
    if f["q"]:
        persons = persons.filter(pk__in=name_matches(user, records, f["q"]))
    if f["rank"]:
        persons = persons.filter(pk__in=_clusters_of(records.filter(rank=f["rank"])))
    if f["origin"]:
        persons = persons.filter(pk__in=_clusters_of(records.filter(origin__icontains=f["origin"])))
    if f["unit"].isdigit():
        unit = int(f["unit"])
        persons = persons.filter(
            Exists(access.visible_memberships(user).filter(_in_cluster(), organization_id=unit))
            | Exists(access.only_visible(user, M.EventParticipant.objects.filter(
                _in_cluster(), event__organization_id=unit), "event"))
        )
    if f["event"]:
        persons = persons.filter(Exists(access.only_visible(user, M.EventParticipant.objects.filter(
            _in_cluster(), event__type=f["event"]), "event")))
    if f["status"] in trajectory.STATUSES:
        persons = persons.filter(pk__in=_clusters_with_status(user, f["status"]))
    return persons.order_by("name", "pk"), f


MATCH_IDS = 2000


def name_matches(user, records, query: str):  # also used by the API (web/api.py)
    """Canonical ids of persons with a name or spelling containing `query` (folded too).

    Two plain scans (records' own names, then every spelling), no join between them, and
    the ids handed over as a list so that the count and the page do not search twice; a
    very common query stays a subquery (no query with thousands of parameters).
    """
    own = _clusters_of(records.filter(name__icontains=query))
    spellings = access.only_visible(user, M.PersonName.objects.filter(
        Q(name__icontains=query) | Q(normalized__contains=fold(query))), "person"
    ).annotate(cluster=Coalesce("person__canonical_id", "person_id")).values("cluster")
    ids = set()
    for matching in (own, spellings):
        found = list(matching.values_list("cluster", flat=True)[:MATCH_IDS + 1])
        if len(found) > MATCH_IDS:
            return own.union(spellings)
        ids.update(found)
    return ids


def _clusters_of(records):
    """The canonical ids of the given person records: one scan, instead of a subquery per person."""
    return records.annotate(cluster=Coalesce("canonical_id", "pk")).values("cluster")


def _events_by_record(user, record_ids):
    """Visible events of the given records with place, unit and document, each once."""
    participations = (
        access.only_visible(user, M.EventParticipant.objects.filter(person_id__in=record_ids), "event")
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
        access.only_visible(request.user, M.EventParticipant.objects.filter(person_id__in=record_ids), "event")
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

