"""Month axis of the dashboard timeline: continuous months and labels that never crowd."""

import datetime as dt

from tawthiq.analyse.dashboard import month_series, month_ticks, top_with_rest


def months_from(year: int, month: int, n: int) -> list[dt.date]:
    counts = {dt.date(year, month, 1): 1}
    last = dt.date(year + (month - 1 + n - 1) // 12, (month - 1 + n - 1) % 12 + 1, 1)
    counts[last] = 1
    return [m for m, _ in month_series(counts)]


def test_a_single_month_is_one_labelled_slot():
    assert month_series({dt.date(2012, 3, 1): 7}) == [(dt.date(2012, 3, 1), 7)]
    assert month_ticks([dt.date(2012, 3, 1)]) == [(0, "Mar 2012")]
    assert month_ticks([]) == []


def test_gaps_across_years_are_zero_months():
    series = month_series({dt.date(2011, 12, 1): 4, dt.date(2013, 1, 1): 2})
    assert len(series) == 14 and sum(n for _, n in series) == 6
    assert [n for _, n in series[1:-1]] == [0] * 12


def test_short_spans_name_months_and_the_year_on_january():
    months = months_from(2012, 10, 6)
    assert month_ticks(months) == [(0, "Oct 2012"), (1, "Nov"), (2, "Dec"), (3, "Jan 2013"), (4, "Feb"), (5, "Mar")]


def test_medium_spans_label_quarters():
    ticks = month_ticks(months_from(2011, 7, 30))
    assert ticks[:4] == [(0, "Jul 2011"), (3, "Oct"), (6, "Jan 2012"), (9, "Apr")]
    assert all(i % 3 == 0 for i, _ in ticks) and len(ticks) == 10


def test_long_spans_label_januaries_and_never_more_than_the_limit():
    for n in (97, 200, 400, 3000):
        months = months_from(1990, 5, n)
        ticks = month_ticks(months)
        assert 2 <= len(ticks) <= 16, n
        assert all(months[i].month == 1 and label == str(months[i].year) for i, label in ticks)
        gaps = {b - a for (a, _), (b, _) in zip(ticks, ticks[1:])}
        assert len(gaps) == 1 and gaps.pop() % 12 == 0  # evenly spaced whole years


def test_labels_that_read_the_same_are_one_bar():
    # A missing and an empty governorate both come out as "unknown".
    assert top_with_rest([("unknown", 48), ("Idlib", 5), ("unknown", 48)], 5) == [("unknown", 96), ("Idlib", 5)]
