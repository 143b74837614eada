"""Organisations: the unit hierarchy as a tree, with the people and events of each unit."""

from collections import Counter, defaultdict

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from tawthiq.store import models as M
from tawthiq.web import access
from tawthiq.web.pages.common import cluster_records, display_name, paginate, reader



def _people_by_unit(user, unit_ids) -> dict[int, list[tuple[int, str]]]:
    """Canonical persons (id, display name) linked to each unit by membership or by an event."""
    links = defaultdict(set)
    for m in access.visible_memberships(user).filter(organization_id__in=unit_ids, person__isnull=False).values(
        "organization_id", "person_id", "person__canonical_id"
    ):
        links[m["organization_id"]].add(m["person__canonical_id"] or m["person_id"])
    participants = access.only_visible(
        user, M.EventParticipant.objects.filter(event__organization_id__in=unit_ids, person__isnull=False),
        "event",
    )
    for p in access.only_visible(user, participants, "person").values(
        "event__organization_id", "person_id", "person__canonical_id"
    ):
        links[p["event__organization_id"]].add(p["person__canonical_id"] or p["person_id"])
    clusters = cluster_records(user, sorted({pk for pks in links.values() for pk in pks}))
    return {
        unit: sorted(((pk, display_name(clusters[pk])) for pk in pks if clusters.get(pk)), key=lambda x: x[1])
        for unit, pks in links.items()
    }


def _people_counts(user, unit_ids) -> dict[int, int]:
    """How many person records each unit has, by membership (the tree shows counts, not names)."""
    rows = access.visible_memberships(user).filter(organization_id__in=unit_ids, person__isnull=False)
    return {r["organization_id"]: r["n"] for r in rows.values("organization_id").annotate(n=Count("person_id", distinct=True))}


def _tree(orgs, people, events) -> list[dict]:
    """Nested nodes from parent links; a parent the user cannot see makes its child a root."""
    nodes = {o.pk: {"org": o, "children": [], "people": people.get(o.pk, 0),
                    "event_counts": sorted(events.get(o.pk, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))}
             for o in orgs}
    roots = []
    for o in orgs:
        parent = nodes.get(o.parent_id)
        (parent["children"] if parent and o.parent_id != o.pk else roots).append(nodes[o.pk])
    return roots


@reader
def organisation_tree(request):
    user = request.user
    orgs = list(access.visible_organizations(user).order_by("name"))
    ids = [o.pk for o in orgs]
    events = defaultdict(Counter)
    for row in access.visible_events(user).filter(organization_id__in=ids).values("organization_id", "type").annotate(n=Count("pk")):
        events[row["organization_id"]][row["type"]] = row["n"]
    return render(request, "tawthiq/organisations.html", {"roots": _tree(orgs, _people_counts(user, ids), events)})


@reader
def organisation_detail(request, pk: int):
    user = request.user
    org = get_object_or_404(access.visible_organizations(user).select_related("parent"), pk=pk)
    access.log_protected_view(user, org, request.path)
    children = access.visible_organizations(user).filter(parent=org).order_by("name")
    people = _people_by_unit(user, [org.pk]).get(org.pk, [])
    events = paginate(request, access.visible_events(user).filter(organization=org)
                      .select_related("place", "document__publisher").order_by("date_sort", "pk"))
    parent = org.parent if org.parent_id and access.visible_organizations(user).filter(pk=org.parent_id).exists() else None
    return render(request, "tawthiq/organisation.html", {
        "org": org, "parent": parent, "children": children, "people": people, "events": events,
    })
