"""Aggregations behind the dashboard charts (plain data; the counting itself is SQL)."""

import datetime as dt
import math

# Spacing of month-axis labels, in months: the first that leaves at most `max_labels` labels.
_TICK_STEPS = (1, 3, 6, 12, 24, 60, 120)


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


def month_ticks(months: list[dt.date], max_labels: int = 16) -> list[tuple[int, str]]:
    """(index, label) of the months to label on a continuous month axis.

    Short spans get month names ("Mar", with the year on January and on the first label),
    long ones January of every year or of every 2nd, 5th... year, so labels never crowd.
    """
    if not months:
        return []
    step = next((s for s in _TICK_STEPS if math.ceil(len(months) / s) <= max_labels), None)
    if step is None:  # centuries of months: space the years evenly
        step = 12 * math.ceil(len(months) / 12 / max_labels)
    ticks: list[tuple[int, str]] = []
    for i, month in enumerate(months):
        if step < 12 and (month.month - 1) % step == 0:
            ticks.append((i, month.strftime("%b %Y" if month.month == 1 or not ticks else "%b")))
        elif step >= 12 and month.month == 1 and month.year % (step // 12) == 0:
            ticks.append((i, str(month.year)))
    return ticks


def top_with_rest(counts: list[tuple[str, int]], n: int, rest_label: str = "other") -> list[tuple[str, int]]:
    """The n largest counts, the others summed into one last bar (no bar when nothing is left).

    Equal labels are summed first: the database may group apart what reads the same
    (a missing and an empty governorate are both "unknown").
    """
    merged: dict[str, int] = {}
    for label, value in counts:
        merged[label] = merged.get(label, 0) + value
    ordered = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    head, tail = ordered[:n], ordered[n:]
    rest = sum(v for _, v in tail)
    return head + ([(rest_label, rest)] if rest else [])
