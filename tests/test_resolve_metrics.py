"""Pairwise and B-cubed scores on small clusterings worked out by hand."""

import pytest

from tawthiq.resolve.metrics import bcubed_scores, pairwise_scores

TRUTH = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "c"}


def test_perfect_clustering_scores_one():
    assert pairwise_scores(TRUTH, TRUTH) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert bcubed_scores(TRUTH, TRUTH)["f1"] == pytest.approx(1.0)


def test_all_singletons_have_full_precision_and_low_recall():
    singletons = {i: i for i in TRUTH}
    pairwise = pairwise_scores(TRUTH, singletons)
    assert pairwise["precision"] == 1.0 and pairwise["recall"] == 0.0 and pairwise["f1"] == 0.0
    bcubed = bcubed_scores(TRUTH, singletons)
    assert bcubed["precision"] == 1.0
    # per record recall: 1/3 x3, 1/2 x2, 1/1
    assert bcubed["recall"] == pytest.approx((1 / 3 * 3 + 1 / 2 * 2 + 1) / 6)


def test_one_wrong_merge():
    predicted = {1: "x", 2: "x", 3: "x", 4: "x", 5: "y", 6: "z"}
    pairwise = pairwise_scores(TRUTH, predicted)
    # predicted pairs: 6 (cluster of 4), true among them: 3
    assert pairwise["precision"] == pytest.approx(3 / 6)
    # true pairs: 3 + 1 = 4, found 3
    assert pairwise["recall"] == pytest.approx(3 / 4)
    bcubed = bcubed_scores(TRUTH, predicted)
    assert bcubed["precision"] == pytest.approx((3 / 4 * 3 + 1 / 4 + 1 + 1) / 6)
    assert bcubed["recall"] == pytest.approx((1 * 3 + 1 / 2 * 2 + 1) / 6)
