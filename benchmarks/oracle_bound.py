"""Oracle upper bound on pairwise F1 for the synthetic person records.

How well could any pairwise linker do on `tawthiq.resolve.synthetic`, if it could read
through every spelling variant and typo? The oracle sees, per record, the *latent* values
the record reveals (`generate(..., reveal=True)`): the given, father's, grandfather's,
mother's, family and kunya forms as drawn (the kunya-only form "Abu X Family" reveals no
given or father's name), the birth year as the interval the record allows (a written birth
year b: [b-1, b+1], since the generator moves it by one in 5% of records; an age at a date
of year Y: [Y-age-1, Y-age], widened by one on each side), the governorate and the town if
written, the rank as written (moved by one in 8% of records), the units and the
defection-date prefix written.

1. Two records are *compatible* when every field both reveal could come from one person:
   equal names, overlapping birth intervals, equal governorate, equal town when both
   give one, ranks at most 2 apart (each may be one off the person's), at most two units
   between them (a person has at most two), consistent date prefixes. Every true pair is
   compatible (checked). Different-person compatible pairs are the namesakes no field
   tells apart.
2. Compatible pairs are ranked by the Bayes likelihood ratio under the generator's own
   distributions (not empirical frequencies): the Zipf weights of given, mother's and
   family names (father's, grandfather's and kunya son's names are drawn like given
   names; a person has a grandfather's name with probability 0.5, a kunya with 0.2),
   1/14 per governorate, a town with probability 0.7 split evenly among the
   governorate's towns, the discretised triangular birth-year law, the rank law with its
   8% +-1 slip, 1/636 per unit, the defection-year weights and 1/12 per month, 1/28 per
   day. For every field both records reveal, the factor is
   sum_v P(v) L1(v) L2(v) / (sum_v P(v) L1(v) * sum_v P(v) L2(v)), with L the
   likelihood of what the record wrote given the person's value v: for an exactly
   revealed value this is 1 / P(a random person has it); for birth year and rank it
   weighs the exact and the off-by-one readings. Fields missing on either side count 1
   (so is the mere presence or absence of a field, which carries a little information).
3. A threshold is swept over the ratio and the best pairwise precision, recall and F1 any
   threshold gives is reported, counted with the truth.

This is optimistic for a pairwise linker, one that decides each pair from the two
records alone: the oracle knows the latent values (no spelling noise), uses the
generator's true distributions, and picks its threshold with the truth. It is not a bound
for a linker that clusters: a third record can tell two compatible records apart or join
them (A matches C on the father's name, C contradicts B on the birth year, so A is not B).
`oracle_clusters` is a cluster-aware oracle for that: it merges compatible pairs in
decreasing ratio order when the merged clusters' combined latent values are still
consistent, and stops where the truth says F1 is best. It is a greedy heuristic, not a
bound, but it shows how much reasoning over clusters can add to the pairwise figure.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from tawthiq.resolve.synthetic import FEMALE_NAMES, GIVEN_NAMES, RANKS, SENIORITY, UNIT_KINDS, Generator, _parse

NAME_FIELDS = ("given", "father", "grandfather", "mother", "kunya")
# Defection years as the generator draws them (rng.choice over this tuple).
DEFECTION_YEARS = (2011, 2012, 2012, 2012, 2013, 2013, 2014, 2015, 2016)
UNIT_CHOICES = (0, 1, 1, 2)  # how many units a person has (rng.choice)
RANK_SLIP = 0.08  # a record's rank is one off the person's in 8% of records
BIRTH_SLIP = 0.05  # a written birth year is one off in 5% of records
CHUNK = 2_000_000  # candidate pairs evaluated at a time


# ------------------------------------------------------------------ generator's laws


def _zipf_probabilities(keys: list, s: float) -> dict:
    weights = [1.0 / (k + 1) ** s for k in range(len(keys))]
    total = sum(weights)
    out: dict = defaultdict(float)
    for key, weight in zip(keys, weights):
        out[key] += weight / total  # the same form twice in a list adds up
    return dict(out)


def _birth_year_law() -> dict[int, float]:
    """P(int(triangular(1950, 2001, 1988)) == y)."""
    low, high, mode = 1950.0, 2001.0, 1988.0

    def cdf(x: float) -> float:
        if x <= low:
            return 0.0
        if x >= high:
            return 1.0
        if x <= mode:
            return (x - low) ** 2 / ((high - low) * (mode - low))
        return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))

    return {y: cdf(y + 1) - cdf(y) for y in range(1950, 2001)}


def _rank_tables() -> tuple[np.ndarray, np.ndarray]:
    """Person's rank law and W[R, r] = P(record writes r | person has R), ranks numbered by
    seniority (their position in SENIORITY), as the slip moves a rank to the next one."""
    n = len(RANKS)
    rate = 0.35  # _draw_rank: min(int(expovariate(0.35)), n - 1)
    drawn = np.array([math.exp(-rate * k) - math.exp(-rate * (k + 1)) for k in range(n)])
    drawn[n - 1] = math.exp(-rate * (n - 1))
    law = drawn[SENIORITY] * 0.8  # 80% of people have a rank
    written = np.zeros((n, n))
    for rank in range(n):
        written[rank, rank] += 1 - RANK_SLIP
        for step in (-1, 1):
            written[rank, max(0, min(n - 1, rank + step))] += RANK_SLIP / 2
    return law, written


class Laws:
    """The generator's distributions, as -log P for the exactly revealed values."""

    def __init__(self, seed: int):
        generator = Generator(seed)
        given = _zipf_probabilities([f.arabic for f in _parse(GIVEN_NAMES)], 0.9)
        self.names = {
            "given": given,
            "father": given,
            "grandfather": {k: 0.5 * v for k, v in given.items()},
            "kunya": {k: 0.2 * v for k, v in given.items()},
            "mother": _zipf_probabilities([f.arabic for f in _parse(FEMALE_NAMES)], 0.9),
        }
        self.family = _zipf_probabilities([f"{style}:{form.arabic}" for form, style in generator.family.items], 0.6)
        self.governorates = len(generator.places)
        self.towns = [len(towns) for _, towns in generator.places]
        years = _birth_year_law()
        self.year0 = 1940
        self.birth = np.zeros(2030 - self.year0)
        for year, p in years.items():
            self.birth[year - self.year0] = p
        rank_law, written = _rank_tables()
        p_written = rank_law @ written
        # Written ranks more than 2 apart cannot come from one person: their joint probability
        # is 0 and the log ratio -inf on purpose (`_compatible` drops such pairs anyway).
        with np.errstate(divide="ignore"):
            joint = np.log((written.T * rank_law) @ written)
        self.rank_log_lr = joint - np.log(np.outer(p_written, p_written))
        units = len(UNIT_KINDS) * 159
        self.unit_log_lr = -math.log(sum(1 - (1 - 1 / units) ** k for k in UNIT_CHOICES) / len(UNIT_CHOICES))
        counts = Counter(DEFECTION_YEARS)
        self.defection_year = {y: c / len(DEFECTION_YEARS) for y, c in counts.items()}


# ------------------------------------------------------------------ encoding


def _encode(synthetic_set, laws: Laws) -> dict[str, np.ndarray]:
    """Per-record arrays of the revealed latent values (-1: not revealed) and their -log P."""
    revealed = synthetic_set.revealed
    if revealed is None:
        raise ValueError("oracle_bound needs generate(..., reveal=True)")
    ids = [r["id"] for r in synthetic_set.records]
    n = len(ids)
    codes: dict[str, dict] = defaultdict(dict)
    a = {key: np.full(n, -1, dtype=np.int32) for key in
         ("family", *NAME_FIELDS, "gov", "town", "rank", "unit1", "unit2", "ey", "em", "ed", "wlo", "person")}
    f = {key: np.zeros(n) for key in ("family", *NAME_FIELDS, "town", "ey")}
    a["blo"] = np.full(n, -10**6, dtype=np.int32)
    a["bhi"] = np.full(n, 10**6, dtype=np.int32)
    weights = np.zeros((n, 4))
    persons: dict[str, int] = {}
    for i, record_id in enumerate(ids):
        shown = revealed[record_id]
        a["person"][i] = persons.setdefault(synthetic_set.truth[record_id], len(persons))
        if "family" not in shown:
            raise AssertionError(f"{record_id} reveals no family form")
        a["family"][i] = codes["family"].setdefault(shown["family"], len(codes["family"]))
        f["family"][i] = -math.log(laws.family[shown["family"]])
        for key in NAME_FIELDS:
            if key in shown:
                a[key][i] = codes["names"].setdefault(shown[key], len(codes["names"]))
                f[key][i] = -math.log(laws.names[key][shown[key]])
        if "birth_year" in shown:
            b = shown["birth_year"]
            a["blo"][i], a["bhi"][i] = b - 1, b + 1
            a["wlo"][i] = b - 1
            weights[i, :3] = (BIRTH_SLIP / 2, 1 - BIRTH_SLIP, BIRTH_SLIP / 2)
        elif "age" in shown:
            age, year = shown["age"]
            a["blo"][i], a["bhi"][i] = year - age - 2, year - age + 1  # [Y-age-1, Y-age] widened by 1
            a["wlo"][i] = year - age - 1
            weights[i, :2] = (0.5, 0.5)
        if "governorate" in shown:
            a["gov"][i] = shown["governorate"]
            if "town" in shown:
                a["town"][i] = shown["town"]
                f["town"][i] = -math.log(0.7 / laws.towns[shown["governorate"]])
        if "rank" in shown:
            a["rank"][i] = SENIORITY.index(shown["rank"])
        units = sorted(codes["units"].setdefault(u, len(codes["units"])) for u in shown["units"])
        assert len(units) <= 2
        if units:
            a["unit1"][i] = units[0]
        if len(units) > 1:
            a["unit2"][i] = units[1]
        if "event" in shown:
            parts = shown["event"].split("-")
            a["ey"][i] = int(parts[0])
            f["ey"][i] = -math.log(laws.defection_year[int(parts[0])])
            if len(parts) > 1:
                a["em"][i] = int(parts[1])
            if len(parts) > 2:
                a["ed"][i] = int(parts[2])
    a.update({f"nl_{key}": value for key, value in f.items()})
    a["weights"] = weights
    a["denominator"] = np.array([
        (laws.birth[wlo - laws.year0: wlo - laws.year0 + 4] * w).sum() if wlo >= 0 else 1.0
        for wlo, w in zip(a["wlo"], weights)])
    return a


# ------------------------------------------------------------------ candidate pairs


def _candidate_pairs(a: dict[str, np.ndarray]):
    """Pairs sharing the family form and, when both reveal one, the given name, in chunks."""
    family, given = a["family"], a["given"]
    order = np.lexsort((given, family))
    triu: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    size = 0

    def add(i: np.ndarray, j: np.ndarray):
        nonlocal size
        left.append(i)
        right.append(j)
        size += len(i)

    boundaries = np.flatnonzero(np.diff(family[order])) + 1
    for block in np.split(order, boundaries):
        if len(block) < 2:
            continue
        no_given = block[given[block] < 0]  # "Abu X Family": compared with the whole block
        with_given = block[given[block] >= 0]
        if len(no_given):
            others = np.concatenate([no_given, with_given])
            for k, record in enumerate(no_given):
                rest = others[k + 1:]
                add(np.full(len(rest), record, dtype=np.int64), rest.astype(np.int64))
        cuts = np.flatnonzero(np.diff(given[with_given])) + 1
        for group in np.split(with_given, cuts):
            m = len(group)
            if m < 2:
                continue
            if m not in triu:
                triu[m] = np.triu_indices(m, 1)
            ii, jj = triu[m]
            add(group[ii].astype(np.int64), group[jj].astype(np.int64))
        if size >= CHUNK:
            yield np.concatenate(left), np.concatenate(right)
            left, right, size = [], [], 0
    if left:
        yield np.concatenate(left), np.concatenate(right)


def _both(x: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return (x[i] >= 0) & (x[j] >= 0)


def _compatible(a, i, j) -> np.ndarray:
    ok = a["family"][i] == a["family"][j]
    for key in (*NAME_FIELDS, "gov", "town", "ey", "em", "ed"):
        ok &= ~_both(a[key], i, j) | (a[key][i] == a[key][j])
    ok &= (a["blo"][i] <= a["bhi"][j]) & (a["blo"][j] <= a["bhi"][i])
    ok &= ~_both(a["rank"], i, j) | (np.abs(a["rank"][i] - a["rank"][j]) <= 2)
    units = np.stack([a["unit1"][i], a["unit2"][i], a["unit1"][j], a["unit2"][j]], axis=1)
    units = np.sort(units, axis=1)
    distinct = (units >= 0).sum(axis=1) - ((units[:, 1:] == units[:, :-1]) & (units[:, 1:] >= 0)).sum(axis=1)
    ok &= distinct <= 2
    return ok


def _log_lr(a, laws: Laws, i, j) -> np.ndarray:
    score = a["nl_family"][i].copy()
    for key in NAME_FIELDS:
        score += np.where(_both(a[key], i, j), a[f"nl_{key}"][i], 0.0)
    governorate = _both(a["gov"], i, j)
    score += np.where(governorate, math.log(laws.governorates), 0.0)
    score += np.where(_both(a["town"], i, j), a["nl_town"][i], 0.0)
    # Birth year: sum_y P(y) L_i(y) L_j(y) / (D_i D_j), over the two 4-year windows.
    birth = _both(a["wlo"], i, j)
    wi, wj = a["weights"][i], a["weights"][j]
    offset = a["wlo"][j] - a["wlo"][i]
    numerator = np.zeros(len(i))
    for k in range(4):
        kk = k - offset
        valid = birth & (kk >= 0) & (kk < 4)
        years = np.clip(a["wlo"][i] + k - laws.year0, 0, len(laws.birth) - 1)
        numerator += np.where(valid, laws.birth[years] * wi[:, k] * wj[np.arange(len(i)), np.clip(kk, 0, 3)], 0.0)
    with np.errstate(divide="ignore"):
        birth_lr = np.log(numerator) - np.log(a["denominator"][i]) - np.log(a["denominator"][j])
    score += np.where(birth, birth_lr, 0.0)
    rank = _both(a["rank"], i, j)
    score += np.where(rank, laws.rank_log_lr[np.maximum(a["rank"][i], 0), np.maximum(a["rank"][j], 0)], 0.0)
    shared = np.zeros(len(i), dtype=np.int32)
    for ui in ("unit1", "unit2"):
        for uj in ("unit1", "unit2"):
            shared += (a[ui][i] >= 0) & (a[ui][i] == a[uj][j])
    score += shared * laws.unit_log_lr
    score += np.where(_both(a["ey"], i, j), a["nl_ey"][i], 0.0)
    score += np.where(_both(a["em"], i, j), math.log(12), 0.0)
    score += np.where(_both(a["ed"], i, j), math.log(28), 0.0)
    return score


# ------------------------------------------------------------------ the bound


def _scores(tp: float, predicted: float, true_pairs: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def oracle_bound(synthetic_set, seed: int = 20240601, clusters: bool = True, max_pairs: int = 60_000_000) -> dict:
    """Best pairwise precision/recall/F1 over thresholds on the latent-value likelihood ratio.

    `synthetic_set` from `generate(n, seed, reveal=True)` (the seed gives the family-name
    weights). Returns the best scores with the log10 threshold that gives them, the number of
    true pairs, of compatible different-person pairs ("namesakes") and of those scoring at
    least the median true pair, and with `clusters` the cluster-aware oracle's best scores.
    """
    laws = Laws(seed)
    a = _encode(synthetic_set, laws)
    person = a["person"]
    sizes = np.bincount(person)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    kept_i, kept_j, kept_lr, kept_true = [], [], [], []
    candidates = compatible = 0
    for i, j in _candidate_pairs(a):
        candidates += len(i)
        ok = _compatible(a, i, j)
        same = person[i] == person[j]
        if (same & ~ok).any():
            k = int(np.flatnonzero(same & ~ok)[0])
            raise AssertionError(f"true pair not compatible: records {int(i[k])} and {int(j[k])}")
        i, j, same = i[ok], j[ok], same[ok]
        compatible += len(i)
        if compatible > max_pairs:
            raise MemoryError(f"more than {max_pairs:,} compatible pairs")
        kept_i.append(i.astype(np.int32))
        kept_j.append(j.astype(np.int32))
        kept_lr.append(_log_lr(a, laws, i, j))
        kept_true.append(same)
    i = np.concatenate(kept_i) if kept_i else np.zeros(0, np.int32)
    j = np.concatenate(kept_j) if kept_j else np.zeros(0, np.int32)
    log_lr = np.concatenate(kept_lr) if kept_lr else np.zeros(0)
    same = np.concatenate(kept_true) if kept_true else np.zeros(0, bool)
    found_true = int(same.sum())
    assert found_true == true_pairs, f"{true_pairs - found_true} true pairs not among the candidates"
    assert np.isfinite(log_lr[same]).all(), "a true pair has likelihood ratio 0"

    order = np.argsort(-log_lr, kind="stable")
    log_lr, same, i, j = log_lr[order], same[order], i[order], j[order]
    tp = np.cumsum(same)
    predicted = np.arange(1, len(same) + 1)
    # Only cut between different ratios: tied pairs go together.
    cuts = np.flatnonzero(np.append(log_lr[1:] != log_lr[:-1], True))
    precision = tp[cuts] / predicted[cuts]
    recall = tp[cuts] / max(true_pairs, 1)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0.0)
    best = int(np.argmax(f1)) if len(cuts) else None
    namesakes = ~same
    median_true = float(np.median(log_lr[same])) if found_true else math.inf
    result = {
        "records": len(synthetic_set.records),
        "true_pairs": true_pairs,
        "candidate_pairs": int(candidates),
        "compatible_pairs": int(compatible),
        "namesake_pairs": int(namesakes.sum()),
        "namesakes_at_or_above_median_true": int((namesakes & (log_lr >= median_true)).sum()),
        "median_true_log10_lr": round(median_true / math.log(10), 3),
    }
    if best is None:
        result.update(_scores(0, 0, true_pairs), threshold_log10_lr=None)
    else:
        cut = cuts[best]
        result.update(_scores(int(tp[cut]), int(predicted[cut]), true_pairs),
                      threshold_log10_lr=round(float(log_lr[cut]) / math.log(10), 3))
    if clusters:
        result["clusters"] = _oracle_clusters(synthetic_set, a, i, j, log_lr, true_pairs)
    return result


# ------------------------------------------------------------------ cluster-aware oracle


def _profile(a, k: int) -> dict:
    units = {int(u) for u in (a["unit1"][k], a["unit2"][k]) if u >= 0}
    rank = int(a["rank"][k])
    return {
        **{key: int(a[key][k]) for key in (*NAME_FIELDS, "gov", "town", "ey", "em", "ed") if a[key][k] >= 0},
        "birth": (int(a["blo"][k]), int(a["bhi"][k])),
        "rank": (rank - 1, rank + 1) if rank >= 0 else (-99, 99),
        "units": units,
    }


def _merge(p: dict, q: dict) -> dict | None:
    """The combined latent values of two clusters, or None when no one person fits both."""
    out = dict(p)
    for key, value in q.items():
        if key == "birth" or key == "rank":
            lo, hi = max(p[key][0], value[0]), min(p[key][1], value[1])
            if lo > hi:
                return None
            out[key] = (lo, hi)
        elif key == "units":
            units = p["units"] | value
            if len(units) > 2:
                return None
            out["units"] = units
        elif key in p:
            if p[key] != value:
                return None
        else:
            out[key] = value
    return out


def _oracle_clusters(synthetic_set, a, i, j, log_lr, true_pairs: int) -> dict:
    """Greedy merging in decreasing ratio order while the clusters stay consistent; best F1
    over stopping points (chosen with the truth). A heuristic, not a bound."""
    n = len(synthetic_set.records)
    person = a["person"]
    parent = list(range(n))
    profiles: list[dict | None] = [None] * n
    members: list[Counter | None] = [None] * n
    size = [1] * n

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    tp = predicted = 0
    best = (-1.0, 0, 0, None)
    last = None
    for x, y, score in zip(i.tolist(), j.tolist(), log_lr.tolist()):
        if score != last:  # a stopping point between different ratios
            f1 = _scores(tp, predicted, true_pairs)["f1"]
            if f1 > best[0]:
                best = (f1, tp, predicted, last)
            last = score
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        px = profiles[rx] if profiles[rx] is not None else _profile(a, rx)
        py = profiles[ry] if profiles[ry] is not None else _profile(a, ry)
        merged = _merge(px, py)
        if merged is None:
            profiles[rx], profiles[ry] = px, py
            continue
        if size[rx] < size[ry]:
            rx, ry = ry, rx
        mx = members[rx] or Counter({int(person[rx]): 1})
        my = members[ry] or Counter({int(person[ry]): 1})
        tp += sum(count * mx.get(key, 0) for key, count in my.items())
        predicted += size[rx] * size[ry]
        mx.update(my)
        parent[ry] = rx
        size[rx] += size[ry]
        members[rx], members[ry] = mx, None
        profiles[rx], profiles[ry] = merged, None
    f1 = _scores(tp, predicted, true_pairs)["f1"]
    if f1 > best[0]:
        best = (f1, tp, predicted, last)
    _, tp, predicted, threshold = best
    return {**_scores(tp, predicted, true_pairs),
            "threshold_log10_lr": None if threshold is None else round(threshold / math.log(10), 3)}
