"""The oracle bound on the synthetic records (benchmarks/oracle_bound.py) and its bench row."""

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from tawthiq.resolve.synthetic import generate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_resolve  # noqa: E402
import oracle_bound  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return generate(2_000, seed=20240601, reveal=True)


@pytest.fixture(scope="module")
def bound(data):
    return oracle_bound.oracle_bound(data, seed=20240601)


def test_every_true_pair_is_compatible(data):
    laws = oracle_bound.Laws(20240601)
    a = oracle_bound._encode(data, laws)
    groups = defaultdict(list)
    for k, record in enumerate(data.records):
        groups[data.truth[record["id"]]].append(k)
    pairs = [(x, y) for members in groups.values() for n, x in enumerate(members) for y in members[n + 1:]]
    i, j = (np.array(side, dtype=np.int64) for side in zip(*pairs))
    assert oracle_bound._compatible(a, i, j).all()
    assert np.isfinite(oracle_bound._log_lr(a, laws, i, j)).all()


def test_bound_is_a_valid_score_and_high_on_a_small_set(bound):
    assert bound["true_pairs"] > 1_000
    assert bound["compatible_pairs"] == bound["true_pairs"] + bound["namesake_pairs"]
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= bound[key] <= 1.0
    assert bound["f1"] > 0.9


def test_cluster_aware_oracle_does_not_lose_to_the_pairwise_one(bound):
    clusters = bound["clusters"]
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= clusters[key] <= 1.0
    assert clusters["f1"] >= bound["f1"] - 0.01


def test_records_without_revealed_values_are_refused():
    with pytest.raises(ValueError, match="reveal=True"):
        oracle_bound.oracle_bound(generate(50, seed=1))


def test_bench_entry_and_report_row(data, monkeypatch):
    entry = bench_resolve.run_oracle(data)
    assert entry["status"] == "ok" and entry["f1"] > 0.9 and 0.0 <= entry["cluster_f1"] <= 1.0
    report = {"date": "today", "machine": "test", "seed": 1, "load": "",
              "sizes": [{"records": 2_000, "persons": data.persons, "runs": [], "oracle": entry}]}
    text = bench_resolve.markdown(report)
    assert f"| 2,000 | {data.persons:,} | oracle bound (latent values) | ok | {entry['precision']:.3f} |" in text
    assert f"cluster-aware F1 {entry['cluster_f1']:.3f}" in text

    def too_many(*args, **kwargs):
        raise MemoryError("more than 60,000,000 compatible pairs")

    monkeypatch.setattr(oracle_bound, "oracle_bound", too_many)
    skipped = bench_resolve.run_oracle(data)
    assert skipped["status"] == "skipped" and "60,000,000" in skipped["note"]
    report["sizes"][0]["oracle"] = skipped
    text = bench_resolve.markdown(report)
    assert "| oracle bound (latent values) | skipped | – |" in text
    assert "- 2,000 oracle bound: not computed, out of memory: more than 60,000,000" in text
    assert "cluster-aware F1" not in text
