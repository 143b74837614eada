"""Clustering quality measures for person linkage: pairwise and B-cubed precision/recall/F1.

Both take a truth and a predicted clustering as ``{record id: cluster label}``. Only ids
present in both are scored (a record missing from the prediction is a bug elsewhere, not a
clustering error). Pairwise scores count same-cluster record pairs, so big clusters weigh
quadratically; B-cubed scores average per record, so every record counts once.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping


def _groups(assignment: Mapping[Hashable, Hashable], ids: set) -> dict[Hashable, set]:
    groups: dict[Hashable, set] = defaultdict(set)
    for record_id in ids:
        groups[assignment[record_id]].add(record_id)
    return groups


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(precision: float, recall: float) -> dict[str, float]:
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def pairwise_scores(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> dict[str, float]:
    """Precision, recall and F1 over record pairs put in one cluster.

    With no predicted pairs precision is 1.0 (nothing wrongly merged); with no true pairs
    recall is 1.0 (nothing to find).
    """
    ids = set(truth) & set(predicted)
    true_groups = _groups(truth, ids)
    pred_groups = _groups(predicted, ids)
    true_pairs = sum(len(g) * (len(g) - 1) // 2 for g in true_groups.values())
    pred_pairs = sum(len(g) * (len(g) - 1) // 2 for g in pred_groups.values())
    # Pairs in both = pairs inside each (true cluster ∩ predicted cluster) cell.
    cells: dict[tuple, int] = defaultdict(int)
    for record_id in ids:
        cells[(truth[record_id], predicted[record_id])] += 1
    both = sum(n * (n - 1) // 2 for n in cells.values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    return _scores(precision, recall)


def bcubed_scores(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> dict[str, float]:
    """B-cubed precision, recall and F1: per record, the share of its predicted cluster that
    truly belongs with it (precision) and of its true cluster that was found (recall)."""
    ids = set(truth) & set(predicted)
    if not ids:
        return _scores(1.0, 1.0)
    true_sizes: dict[Hashable, int] = defaultdict(int)
    pred_sizes: dict[Hashable, int] = defaultdict(int)
    cells: dict[tuple, int] = defaultdict(int)
    for record_id in ids:
        true_sizes[truth[record_id]] += 1
        pred_sizes[predicted[record_id]] += 1
        cells[(truth[record_id], predicted[record_id])] += 1
    precision = recall = 0.0
    for record_id in ids:
        shared = cells[(truth[record_id], predicted[record_id])]
        precision += shared / pred_sizes[predicted[record_id]]
        recall += shared / true_sizes[truth[record_id]]
    return _scores(precision / len(ids), recall / len(ids))
