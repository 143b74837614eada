"""Resolving person records into canonical persons, and the reviewer decisions that steer it.

The linkage model (tawthiq.resolve.linkage) proposes scored pairs; stored
ResolutionDecisions dispose (tawthiq.resolve.clustering): "same" is a must-link,
"different" a cannot-link, and both hold on every re-run. A record's `canonical` points at
the representative of its cluster (null on the representative itself); representatives
are kept from run to run whenever they are still in their cluster, so URLs stay stable.

Decisions are never deleted here. A new judgement on a pair replaces the earlier one on
the same pair (the history table keeps the old one).

The web app calls `record_decision`, `merge_persons`, `split_person` and
`canonical_members`; `tawthiq resolve` calls `resolve_all`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from tawthiq.resolve.clustering import ClusterResult, choose_representatives, constrained_clusters
from tawthiq.store import models as M

# Pairs at or above this probability are kept as MatchCandidates for the duplicates page
# (near misses below the link threshold included), unless a reviewer already decided them.
CANDIDATE_FLOOR = 0.2
DEFAULT_THRESHOLD = 0.9
DECIDED = (M.ResolutionDecision.Judgement.SAME, M.ResolutionDecision.Judgement.DIFFERENT)


class DecisionConflict(Exception):
    """A decision contradicts earlier ones (e.g. merging two people a reviewer kept apart)."""


@dataclass
class ResolveReport:
    records: int = 0
    canonical_persons: int = 0
    merged_clusters: int = 0
    decisions_applied: int = 0
    conflicts: list[tuple[int, int]] = field(default_factory=list)
    edges_blocked: int = 0
    candidates: int = 0
    relinked: int = 0  # records whose canonical changed in this run


# -- gathering records ---------------------------------------------------------------


def active_persons():
    """Person records that take part in resolution: everything not rejected by a reviewer."""
    return M.Person.objects.exclude(review_state=M.ReviewState.REJECTED)


def gather_records(person_ids: Iterable[int] | None = None) -> list[dict]:
    """Person records with their linkage features, as `link_records` takes them.

    Names are the primary name plus every other spelling (PersonName rows); units come
    from memberships, the organisations acting in the record's events and the events'
    unit; event dates from the record's events; an age is kept with the date it refers
    to (the record's, else the document's publication date) so linkage can turn it into
    a birth year.
    """
    persons = active_persons()
    if person_ids is not None:
        persons = persons.filter(pk__in=list(person_ids))
    rows = persons.values(
        "pk", "name", "rank", "age", "age_at", "birth_year", "origin", "document__published"
    )
    ids = None if person_ids is None else [row["pk"] for row in rows]

    def scoped(qs, key="person_id"):
        return qs if ids is None else qs.filter(**{f"{key}__in": ids})

    aliases: dict[int, list[str]] = defaultdict(list)
    for pid, name in scoped(M.PersonName.objects).values_list("person_id", "name"):
        aliases[pid].append(name)
    units: dict[int, set[str]] = defaultdict(set)
    memberships = scoped(M.Membership.objects.exclude(review_state=M.ReviewState.REJECTED))
    for pid, unit in memberships.values_list("person_id", "organization__name"):
        units[pid].add(unit)
    dates: dict[int, set[str]] = defaultdict(set)
    participations = scoped(
        M.EventParticipant.objects.filter(person__isnull=False).exclude(event__review_state=M.ReviewState.REJECTED)
    ).values_list("person_id", "event_id", "event__date", "event__organization__name")
    person_events: dict[int, set[int]] = defaultdict(set)
    for pid, event_id, date, unit in participations:
        person_events[event_id].add(pid)
        if date:
            dates[pid].add(date)
        if unit:
            units[pid].add(unit)
    agents = M.EventParticipant.objects.filter(
        event_id__in=list(person_events), organization__isnull=False
    ).values_list("event_id", "organization__name")
    for event_id, unit in agents:
        for pid in person_events[event_id]:
            units[pid].add(unit)

    records = []
    for row in rows:
        pid = row["pk"]
        age_at = row["age_at"] or row["document__published"]
        record = {
            "id": pid,
            "name": row["name"],
            "aliases": sorted({a for a in aliases[pid] if a != row["name"]}),
            "rank": row["rank"] or None,
            "birth_year": row["birth_year"],
            "age": row["age"],
            "age_at": age_at.isoformat() if age_at and row["age"] is not None else None,
            "origin": row["origin"] or None,
            "units": sorted(units[pid]),
            "event_dates": sorted(dates[pid]),
        }
        records.append(record)
    return records


def _decisions(ids: set[int] | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Must-links (oldest first: earlier decisions hold, a later contradicting one is reported) and cannot-links."""
    decisions = M.ResolutionDecision.objects.filter(judgement__in=DECIDED).order_by("decided_at", "pk")
    if ids is not None:
        decisions = decisions.filter(left_id__in=ids, right_id__in=ids)
    must, cannot = [], []
    for left, right, judgement in decisions.values_list("left_id", "right_id", "judgement"):
        (must if judgement == M.ResolutionDecision.Judgement.SAME else cannot).append((left, right))
    return must, cannot


def _decided_pairs() -> set[tuple[int, int]]:
    return set(M.ResolutionDecision.objects.filter(judgement__in=DECIDED).values_list("left_id", "right_id"))


# -- writing clusters ----------------------------------------------------------------


def _write_canonical(clusters: ClusterResult, ids: Iterable[int]) -> int:
    """Point every record at its cluster's representative; returns how many changed."""
    ids = list(ids)
    persons = {p.pk: p for p in M.Person.objects.filter(pk__in=ids).only("pk", "canonical_id")}
    previous = {pk: p.canonical_id or pk for pk, p in persons.items()}
    representatives = choose_representatives(clusters.members(), previous)
    changed = []
    for pk, person in persons.items():
        wanted = representatives.get(pk, pk)
        wanted = None if wanted == pk else wanted
        if person.canonical_id != wanted:
            person.canonical_id = wanted
            changed.append(person)
    if changed:
        bulk_update_with_history(changed, M.Person, ["canonical"], batch_size=2000, default_change_reason="resolve")
    return len(changed)


def model_edges(result, threshold: float) -> list[tuple]:
    """The pairs the model links: at or above `threshold` and inside the linkage layer's clusters.

    Its clustering splits chains of look-alike names that plain connected components
    would glue together; keeping only the edges inside its clusters preserves that, and
    the decisions are then applied on top.
    """
    return [
        (p.left_id, p.right_id, p.match_probability)
        for p in result.pairs
        if p.match_probability >= threshold and result.clusters[p.left_id] == result.clusters[p.right_id]
    ]


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def resolve_all(
    threshold: float = DEFAULT_THRESHOLD,
    backend: str = "duckdb",
    train: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ResolveReport:
    """Link every active person record, apply all stored decisions, write canonical links
    and match candidates. The writes happen in one transaction: a failure leaves the
    previous resolution untouched."""
    from tawthiq.resolve.linkage import link_records

    say = progress or (lambda message: None)
    say("gathering person records")
    records = gather_records()
    ids = [r["id"] for r in records]
    pairs, edges = [], []
    if len(records) > 1:
        say(f"linking {len(records)} records")
        # Pairs kept down to the candidate floor, so that near misses reach the duplicates page.
        result = link_records(records, threshold=threshold, pairs_floor=CANDIDATE_FLOOR, backend=backend, train=train)
        pairs, edges = result.pairs, model_edges(result, threshold)
    must, cannot = _decisions()
    clusters = constrained_clusters(ids, edges, threshold=threshold, must_link=must, cannot_link=cannot)
    report = ResolveReport(
        records=len(ids),
        decisions_applied=clusters.must_links_applied + clusters.cannot_links_applied,
        conflicts=clusters.conflicts,
        edges_blocked=clusters.edges_blocked,
    )
    members = clusters.members()
    report.canonical_persons = len(members)
    report.merged_clusters = sum(len(group) > 1 for group in members.values())

    decided = _decided_pairs()
    candidates = {}
    for p in pairs:
        key = _pair(p.left_id, p.right_id)
        if p.match_probability >= CANDIDATE_FLOOR and key not in decided:
            candidates[key] = M.MatchCandidate(
                left_id=key[0], right_id=key[1], match_weight=p.match_weight,
                match_probability=p.match_probability, explanation=list(p.contributions),
            )
    say("writing canonical persons")
    with transaction.atomic():
        report.relinked = _write_canonical(clusters, ids)
        # Rejected records stand for no one and belong to no one.
        rejected = M.Person.objects.filter(review_state=M.ReviewState.REJECTED, canonical__isnull=False)
        report.relinked += rejected.update(canonical=None)
        M.MatchCandidate.objects.all().delete()
        M.MatchCandidate.objects.bulk_create(candidates.values(), batch_size=2000)
    report.candidates = len(candidates)
    return report


# -- reviewer actions ----------------------------------------------------------------


def canonical_members(person: M.Person) -> list[M.Person]:
    """Every record of the resolved person that `person` belongs to, representative first."""
    representative = person.canonical_id or person.pk
    members = M.Person.objects.filter(Q(pk=representative) | Q(canonical_id=representative))
    return sorted(members, key=lambda p: (p.pk != representative, p.pk))


def _cluster_ids(person: M.Person) -> set[int]:
    return {p.pk for p in canonical_members(person)}


def _store_decision(left: M.Person, right: M.Person, judgement: str, user, note: str) -> M.ResolutionDecision:
    if left.pk == right.pk:
        raise DecisionConflict("a record cannot be judged against itself")
    if judgement not in M.ResolutionDecision.Judgement.values:
        raise ValueError(f"unknown judgement {judgement!r} (same, different or unsure)")
    a, b = _pair(left.pk, right.pk)
    decision, _ = M.ResolutionDecision.objects.update_or_create(
        left_id=a, right_id=b, defaults={"judgement": judgement, "decided_by": user, "note": note}
    )
    return decision


def _recluster(ids: set[int], threshold: float) -> ClusterResult:
    """Re-cluster a few records from their stored candidate pairs and all decisions among them.

    A local, model-free version of `resolve_all` so that a reviewer's action shows at once;
    the next `tawthiq resolve` redoes it with fresh scores.
    """
    current = {pk: canonical or pk for pk, canonical in M.Person.objects.filter(pk__in=ids).values_list("pk", "canonical_id")}
    candidates = M.MatchCandidate.objects.filter(left_id__in=ids, right_id__in=ids)
    # Only links the last resolve made (inside current clusters): a chain it split stays split.
    edges = [e for e in candidates.values_list("left_id", "right_id", "match_probability") if current[e[0]] == current[e[1]]]
    # Current membership counts as a link too, so that a merge never drops a member whose own
    # candidate pair is gone (decided, or never stored); only a "different" decision splits.
    edges += [(pk, representative, 1.0) for pk, representative in current.items() if pk != representative]
    must, cannot = _decisions(ids)
    clusters = constrained_clusters(ids, edges, threshold=threshold, must_link=must, cannot_link=cannot)
    _write_canonical(clusters, ids)
    return clusters


def record_decision(
    left: M.Person, right: M.Person, judgement: str, user=None, note: str = "",
    threshold: float = DEFAULT_THRESHOLD,
) -> M.ResolutionDecision:
    """Store a reviewer's judgement on two records and apply it to their clusters at once.

    Raises DecisionConflict (and stores nothing) when the judgement contradicts stored
    decisions, e.g. A=B and A≠C stored, then B=C. A judgement on a pair that was already
    judged replaces the earlier one (a reviewer changing their mind is no contradiction).
    """
    with transaction.atomic():
        decision = _store_decision(left, right, judgement, user, note)
        if judgement != M.ResolutionDecision.Judgement.UNSURE:
            _apply_locally(_cluster_ids(left) | _cluster_ids(right), threshold)
        M.MatchCandidate.objects.filter(left_id=decision.left_id, right_id=decision.right_id).delete()
    return decision


def _apply_locally(ids: set[int], threshold: float) -> None:
    """Re-cluster after a new decision; refuse it (the caller's transaction rolls back) if it
    contradicts stored ones."""
    clusters = _recluster(ids, threshold)
    if clusters.conflicts:
        pairs = ", ".join(f"{a}={b}" for a, b in clusters.conflicts)
        raise DecisionConflict(
            f"this decision contradicts earlier ones: 'same' on {pairs} cannot hold together with "
            "the 'different' decisions between these records; change one of them first"
        )


def merge_persons(a: M.Person, b: M.Person, user=None, note: str = "") -> M.Person:
    """Same person: store the decision and re-point both clusters to one representative."""
    record_decision(a, b, M.ResolutionDecision.Judgement.SAME, user, note)
    a.refresh_from_db()
    return a.canonical_person


def split_person(record: M.Person, user=None, note: str = "") -> list[M.ResolutionDecision]:
    """Take a record out of its resolved person: "different" from every other member."""
    others = [p for p in canonical_members(record) if p.pk != record.pk]
    with transaction.atomic():
        decisions = [
            _store_decision(record, other, M.ResolutionDecision.Judgement.DIFFERENT, user, note) for other in others
        ]
        if others:
            _apply_locally({record.pk, *(p.pk for p in others)}, DEFAULT_THRESHOLD)
        M.MatchCandidate.objects.filter(
            Q(left_id=record.pk, right_id__in=[p.pk for p in others])
            | Q(right_id=record.pk, left_id__in=[p.pk for p in others])
        ).delete()
    return decisions
