"""Aggregations behind the dashboard charts (plain data; the counting itself is SQL)."""

import datetime as dt


def month_series(counts: dict[dt.date, int]) -> list[tuple[dt.date, int]]:
    """Every month from the first to the last with a count, gaps filled with zero."""
    if not counts:
        return []
    months = sorted(counts)
    first, last = months[0].replace(day=1), months[-1].replace(day=1)
    series, current = [], first
    while current <= last:
        series.append((current, counts.get(current, 0)))
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return series


def top_with_rest(counts: list[tuple[str, int]], n: int, rest_label: str = "other") -> list[tuple[str, int]]:
    """The n largest counts, the others summed into one last bar (no bar when nothing is left)."""
    ordered = sorted(counts, key=lambda kv: (-kv[1], kv[0]))
    head, tail = ordered[:n], ordered[n:]
    rest = sum(v for _, v in tail)
    return head + ([(rest_label, rest)] if rest else [])
