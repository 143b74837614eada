"""Clusters from scored pairs under human constraints (plain Python, no Django).

The linkage model proposes pairs with a probability; reviewers' decisions dispose
(nomenklatura-style judgements). A "same" decision is a must-link, a "different"
decision a cannot-link. Clustering is greedy on the pair graph:

1. must-links are unioned first, in the order given (callers pass oldest first), unless
   one would put two records with a cannot-link into one cluster: that one is reported as
   a conflict and skipped, so a contradiction between decisions is shown, never hidden;
2. model edges at or above the threshold are then unioned by descending probability,
   skipping any edge that would join two components with a cannot-link between them.

Without constraints this is exactly connected components at the threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class ClusterResult:
    """Record -> cluster key (the smallest member id), and what the constraints did."""

    clusters: dict[Hashable, Hashable]
    must_links_applied: int = 0
    cannot_links_applied: int = 0
    # must-link pairs that contradict cannot-links (or a transitive chain of them)
    conflicts: list[tuple[Hashable, Hashable]] = field(default_factory=list)
    # model edges refused because they would join records a reviewer kept apart
    edges_blocked: int = 0

    def members(self) -> dict[Hashable, list[Hashable]]:
        """Cluster key -> sorted member ids."""
        groups: dict[Hashable, list[Hashable]] = {}
        for record, key in self.clusters.items():
            groups.setdefault(key, []).append(record)
        for group in groups.values():
            group.sort()
        return groups


class _ConstrainedUnionFind:
    """Union-find whose components carry the records they must never be joined with."""

    def __init__(self, ids: Iterable[Hashable]):
        self.parent = {i: i for i in ids}
        self.size = dict.fromkeys(self.parent, 1)
        self.forbidden: dict[Hashable, set[Hashable]] = {}

    def find(self, x: Hashable) -> Hashable:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def forbid(self, a: Hashable, b: Hashable) -> None:
        self.forbidden.setdefault(self.find(a), set()).add(b)
        self.forbidden.setdefault(self.find(b), set()).add(a)

    def can_join(self, ra: Hashable, rb: Hashable) -> bool:
        # Cannot-links are few (human decisions), so checking each one is cheap.
        small, other = (ra, rb) if len(self.forbidden.get(ra, ())) <= len(self.forbidden.get(rb, ())) else (rb, ra)
        return all(self.find(x) != other for x in self.forbidden.get(small, ()))

    def union(self, a: Hashable, b: Hashable) -> bool | None:
        """Join a's and b's components: True if joined, False if already one, None if forbidden."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if not self.can_join(ra, rb):
            return None
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.forbidden.pop(rb, None)
        if moved:
            self.forbidden.setdefault(ra, set()).update(moved)
        return True


def constrained_clusters(
    ids: Iterable[Hashable],
    edges: Iterable[tuple[Hashable, Hashable, float]],
    *,
    threshold: float,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
) -> ClusterResult:
    """Cluster `ids` from model `edges` (left, right, probability) and human constraints.

    Pairs that mention an id not in `ids` are ignored (e.g. a decision about a record
    that has since been rejected).
    """
    uf = _ConstrainedUnionFind(ids)
    known = uf.parent
    result = ClusterResult(clusters={})

    for a, b in cannot_link:
        if a in known and b in known and a != b:
            uf.forbid(a, b)
            result.cannot_links_applied += 1
    for a, b in must_link:
        if a in known and b in known and a != b:
            joined = uf.union(a, b)
            if joined is None:
                result.conflicts.append((a, b))
            else:
                result.must_links_applied += 1
    strong = [(p, a, b) for a, b, p in edges if p >= threshold and a in known and b in known]
    strong.sort(key=lambda e: (-e[0], str(e[1]), str(e[2])))
    for _, a, b in strong:
        if uf.union(a, b) is None:
            result.edges_blocked += 1

    groups: dict[Hashable, list[Hashable]] = {}
    for record in known:
        groups.setdefault(uf.find(record), []).append(record)
    for group in groups.values():
        key = min(group)
        for record in group:
            result.clusters[record] = key
    return result


def choose_representatives(
    members: dict[Hashable, list[Hashable]], previous: dict[Hashable, Hashable]
) -> dict[Hashable, Hashable]:
    """Record -> representative, keeping earlier representatives so that URLs stay stable.

    `previous` maps a record to the representative it had before (itself when it was
    canonical). A cluster keeps the earlier representative that stood for most of its
    members, as long as that record is still in the cluster; otherwise the smallest id
    (the earliest-created record) stands for it.
    """
    chosen: dict[Hashable, Hashable] = {}
    for group in members.values():
        inside = set(group)
        votes = Counter(previous[r] for r in group if previous.get(r) in inside)
        if votes:
            best = max(votes.values())
            representative = min(r for r, n in votes.items() if n == best)
        else:
            representative = min(group)
        for record in group:
            chosen[record] = representative
    return chosen
