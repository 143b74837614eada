"""Claims: figures grouped by category, place and period; conflicting figures."""

from tawthiq.analyse.claims import conflicting_figures, figure_range, figures_table, period, periods_overlap


def claim(quantity, source, qualifier="exact", start="2012", end="", place="tell warda", category="defection", high=None):
    return {"quantity": quantity, "quantity_high": high, "qualifier": qualifier, "category": category,
            "place": place, "place_label": place.title(), "period_start": start, "period_end": end, "source": source}


def test_qualified_figures_allow_ranges():
    assert figure_range(claim(100, "a", "at_least"))[0] == 100
    assert figure_range(claim(100, "a", "fewer_than")) == (0, 100)
    assert figure_range(claim(100, "a", high=150)) == (100, 150)


def test_periods_overlap_by_days_and_missing_periods_match_only_each_other():
    assert period(claim(1, "a", start="2012-02", end="")) [1].isoformat() == "2012-02-29"
    assert periods_overlap(claim(1, "a", start="2012"), claim(1, "b", start="2012-06", end="2013"))
    assert not periods_overlap(claim(1, "a", start="2011"), claim(1, "b", start="2012"))
    assert not periods_overlap(claim(1, "a", start=""), claim(1, "b", start="2012"))
    assert periods_overlap(claim(1, "a", start=""), claim(1, "b", start=""))


def test_conflicts_need_same_subject_overlapping_period_other_source_and_disjoint_figures():
    a, b = claim(120, "herald"), claim(95, "activists")
    agree = claim(100, "ngo", "at_least")  # at least 100: agrees with 120, not with 95
    same_source = claim(300, "herald")
    other_place = claim(5, "ngo2", place="beit samir")
    other_year = claim(7, "ngo3", start="2015")
    no_place = [claim(10, "x", place=""), claim(20, "y", place="")]
    groups = conflicting_figures([a, b, agree, same_source, other_place, other_year, *no_place])
    assert len(groups) == 1
    assert {c["quantity"] for c in groups[0]} == {120, 95, 100, 300}  # 300 (same source as 120) conflicts with 95


def test_figures_table_groups_rows():
    rows = figures_table([claim(120, "a"), claim(95, "b"), claim(4, "c", start="2013")])
    assert [(r["period"], len(r["claims"])) for r in rows] == [("2012", 2), ("2013", 1)]
