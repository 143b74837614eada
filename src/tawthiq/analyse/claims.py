"""Figures that sources state (claims): grouping and conflicting figures.

Plain data (no Django). A claim is a dict with quantity, quantity_high (or None),
qualifier, category, place (a comparable key, e.g. a place id or folded name),
period_start / period_end (ISO prefixes, may be empty) and `source` (who says it);
other keys are passed through.

Two figures conflict when they are about the same category and (known) place, their periods
overlap, they come from different sources, and the ranges their qualifiers allow do
not meet ("at least 100" and "120" agree; "120" and "95" do not).
"""

import calendar
import datetime as dt
import math

# The range of true values a qualified figure allows (low, high), as factors of the figure.
_QUALIFIER_RANGE = {
    "exact": (1.0, 1.0),
    "about": (0.9, 1.1),
    "more_than": (1.0, math.inf),
    "at_least": (1.0, math.inf),
    "fewer_than": (0.0, 1.0),
    "order_of": (1.0, 10.0),
}


def figure_range(claim: dict) -> tuple[float, float]:
    low_f, high_f = _QUALIFIER_RANGE.get(claim.get("qualifier") or "exact", (1.0, 1.0))
    low = claim["quantity"] * low_f
    high = (claim.get("quantity_high") or claim["quantity"]) * high_f
    return low, high


def _first_day(prefix: str) -> dt.date:
    parts = [int(p) for p in prefix.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _last_day(prefix: str) -> dt.date:
    parts = [int(p) for p in prefix.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(*parts[:3])


def period(claim: dict) -> tuple[dt.date, dt.date] | None:
    """The days a claim's period covers, or None when it states no (valid) period."""
    start = claim.get("period_start") or ""
    end = claim.get("period_end") or start
    if not start:
        return None
    try:
        return _first_day(start), _last_day(end)
    except ValueError:
        return None


def periods_overlap(a: dict, b: dict) -> bool:
    """Overlapping periods; two claims without a period are taken to speak of the same (unstated) one."""
    pa, pb = period(a), period(b)
    if pa is None or pb is None:
        return pa is None and pb is None
    return pa[0] <= pb[1] and pb[0] <= pa[1]


def figures_agree(a: dict, b: dict) -> bool:
    (alow, ahigh), (blow, bhigh) = figure_range(a), figure_range(b)
    return alow <= bhigh and blow <= ahigh


def period_label(claim: dict) -> str:
    start, end = claim.get("period_start") or "", claim.get("period_end") or ""
    if not start:
        return "no period stated"
    return start if not end or end == start else f"{start} – {end}"


def conflicting_figures(claims: list[dict]) -> list[list[dict]]:
    """Groups of claims that disagree: each group holds claims linked by a disagreement.

    Connected pairs are merged (union-find), so three sources saying 95, 120 and 300
    about the same thing come out as one group of three.
    """
    parent = list(range(len(claims)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    in_conflict = set()
    by_key: dict[tuple, list[int]] = {}
    for i, c in enumerate(claims):
        if c.get("place") not in (None, ""):  # without a place two figures need not be about the same thing
            by_key.setdefault((c["category"], c["place"]), []).append(i)
    for indices in by_key.values():
        for n, i in enumerate(indices):
            for j in indices[n + 1:]:
                a, b = claims[i], claims[j]
                if a["source"] != b["source"] and periods_overlap(a, b) and not figures_agree(a, b):
                    parent[find(i)] = find(j)
                    in_conflict.update((i, j))
    groups: dict[int, list[dict]] = {}
    for i in sorted(in_conflict):
        groups.setdefault(find(i), []).append(claims[i])
    return list(groups.values())


def figures_table(claims: list[dict]) -> list[dict]:
    """Rows by (category, place label, period label) with the claims under each, sorted."""
    rows: dict[tuple, dict] = {}
    for c in claims:
        key = (c["category"], c.get("place_label") or "", period_label(c))
        row = rows.setdefault(key, {"category": key[0], "place": key[1], "period": key[2], "claims": []})
        row["claims"].append(c)
    return [rows[k] for k in sorted(rows)]
