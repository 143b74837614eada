"""Conflicting statements about one person: real disagreements only."""

import datetime as dt

from tawthiq.analyse.conflicts import birth_year_range, dates_compatible, person_conflicts


def rec(source, **fields):
    return {"source": source, **fields}


def test_different_ranks_and_origins_are_side_by_side_with_their_sources():
    found = person_conflicts(
        [rec("A", rank="captain", origin="Tell Warda"), rec("B", rank="major", origin="tell  warda".replace("  ", " ")),
         rec("C", rank="captain", origin="Beit Samir")], [])
    by_field = {c["field"]: c for c in found}
    assert [v["value"] for v in by_field["rank"]["values"]] == ["captain", "major"]
    assert [s["source"] for s in by_field["rank"]["values"][0]["statements"]] == ["A", "C"]
    assert len(by_field["origin"]["values"]) == 3  # shown as written, compared folded
    assert person_conflicts([rec("A", origin="Tell Warda"), rec("B", origin="TELL WARDA")], []) == []


def test_age_and_birth_year_conflict_only_when_no_year_fits_both():
    age = rec("A", age=41, age_at=dt.date(2017, 3, 1))
    assert birth_year_range(age) == (1975, 1976)
    assert person_conflicts([age, rec("B", birth_year=1976)], []) == []
    found = person_conflicts([age, rec("B", birth_year=1980)], [])
    assert found[0]["field"] == "birth year / age"
    assert [v["value"] for v in found[0]["values"]] == ["aged 41 in 2017 (born 1975–1976)", "born 1980"]


def test_death_dates_of_different_precision_agree_unless_they_differ():
    assert dates_compatible("2016", "2016-05-02") and not dates_compatible("2016-04", "2016-05")
    assert person_conflicts([], [{"date": "2016", "source": "A"}, {"date": "2016-05", "source": "B"}]) == []
    found = person_conflicts([], [{"date": "2016-04", "manner": "torture", "source": "A"},
                                  {"date": "2016-05", "manner": "execution", "source": "B"},
                                  {"date": "", "manner": "unknown", "source": "C"}])
    assert [c["field"] for c in found] == ["date of death", "manner of death"]
    assert [v["value"] for v in found[1]["values"]] == ["torture", "execution"]
