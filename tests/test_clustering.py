"""Constraint clustering: the model proposes, stored decisions dispose."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tawthiq.resolve.clustering import choose_representatives, constrained_clusters


def together(result, a, b):
    return result.clusters[a] == result.clusters[b]


def test_without_constraints_it_is_connected_components_at_the_threshold():
    edges = [(1, 2, 0.99), (2, 3, 0.95), (4, 5, 0.5), (5, 6, 0.97)]
    result = constrained_clusters(range(1, 8), edges, threshold=0.9)
    assert together(result, 1, 3)
    assert not together(result, 4, 5)
    assert together(result, 5, 6)
    assert result.clusters[7] == 7
    assert result.members()[1] == [1, 2, 3]


def test_cannot_link_splits_a_chain_at_its_weakest_edge():
    # 1-2-3-4 all linked by the model; a reviewer says 1 and 4 are different people.
    edges = [(1, 2, 0.99), (2, 3, 0.91), (3, 4, 0.98)]
    result = constrained_clusters([1, 2, 3, 4], edges, threshold=0.9, cannot_link=[(1, 4)])
    assert not together(result, 1, 4)
    assert together(result, 1, 2) and together(result, 3, 4)
    assert not together(result, 2, 3)  # the weakest edge is the one given up
    assert result.edges_blocked == 1
    assert result.cannot_links_applied == 1


def test_must_link_joins_what_the_model_keeps_apart():
    result = constrained_clusters([1, 2, 3], [(1, 2, 0.1)], threshold=0.9, must_link=[(1, 3)])
    assert together(result, 1, 3)
    assert not together(result, 1, 2)
    assert result.must_links_applied == 1


def test_contradicting_decisions_are_reported_not_silently_resolved():
    # 1 = 2 and 2 = 3 but 1 != 3: the later must-link cannot hold.
    result = constrained_clusters(
        [1, 2, 3], [], threshold=0.9, must_link=[(1, 2), (2, 3)], cannot_link=[(1, 3)]
    )
    assert together(result, 1, 2)
    assert not together(result, 1, 3)
    assert result.conflicts == [(2, 3)]


def test_pairs_about_unknown_records_are_ignored():
    result = constrained_clusters([1, 2], [(1, 99, 1.0)], threshold=0.5, must_link=[(2, 98)], cannot_link=[(1, 97)])
    assert result.clusters == {1: 1, 2: 2}
    assert result.must_links_applied == 0 and result.cannot_links_applied == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_random_graphs_never_violate_a_constraint_and_always_honour_must_links(seed):
    rng = random.Random(seed)
    n = 30
    edges = [(rng.randrange(n), rng.randrange(n), rng.random()) for _ in range(80)]
    cannot = [(rng.randrange(n), rng.randrange(n)) for _ in range(6)]
    cannot = [(a, b) for a, b in cannot if a != b]
    must = [(rng.randrange(n), rng.randrange(n)) for _ in range(6)]
    result = constrained_clusters(range(n), edges, threshold=0.6, must_link=must, cannot_link=cannot)
    for a, b in cannot:
        assert not together(result, a, b)
    for a, b in must:
        if (a, b) not in result.conflicts:
            assert together(result, a, b)
    # An edge above the threshold is only ever given up because joining would break a constraint.
    for a, b, p in edges:
        if p >= 0.6 and not together(result, a, b):
            ca, cb = result.clusters[a], result.clusters[b]
            assert any({result.clusters[x], result.clusters[y]} == {ca, cb} for x, y in cannot)


def test_representatives_stay_stable_across_merges_and_splits():
    # Before: 5 stood for 5, 6, 7; 2 stood for itself and 3.
    previous = {5: 5, 6: 5, 7: 5, 2: 2, 3: 2, 9: 9}
    # Now 2, 3, 5, 6, 7 form one cluster: 5 stood for most of them and keeps the job.
    members = {2: [2, 3, 5, 6, 7], 9: [9]}
    chosen = choose_representatives(members, previous)
    assert {chosen[r] for r in [2, 3, 5, 6, 7]} == {5}
    # A split: 6 and 7 leave 5's cluster and get their earliest record as representative.
    chosen = choose_representatives({5: [5], 6: [6, 7]}, previous)
    assert chosen == {5: 5, 6: 6, 7: 6}
    # New records with no history: the earliest record.
    assert choose_representatives({11: [11, 12]}, {}) == {11: 11, 12: 11}
