"""Conflicting statements about one person across their records, for side-by-side display.

Plain data (no Django). A statement is a dict with the value's fields plus `source`
(anything the page needs to show where it comes from: record, document, publisher,
quote); it is passed through untouched. A conflict is
`{"field": str, "values": [{"value": str, "statements": [statement, ...]}, ...]}`,
values in the order first seen.

Values that can both be true are not conflicts: "2016" and "2016-05" as a date of death;
"41 years old in 2017" and "born 1976".
"""

from tawthiq.text import fold


def _group(statements: list[dict], display) -> list[dict]:
    groups: dict[str, dict] = {}
    for st in statements:
        label = display(st)
        groups.setdefault(label, {"value": label, "statements": []})["statements"].append(st)
    return list(groups.values())


def _plain_conflict(field: str, statements: list[dict], key: str, normalise=lambda v: v) -> dict | None:
    """Different values of one field (after `normalise`), empty values ignored."""
    stated = [s for s in statements if s.get(key) not in (None, "")]
    if len({normalise(s[key]) for s in stated}) < 2:
        return None
    return {"field": field, "values": _group(stated, lambda s: str(s[key]))}


def birth_year_range(statement: dict) -> tuple[int, int] | None:
    """Years of birth a statement allows: its birth year, or from an age at a date (two years)."""
    if statement.get("birth_year"):
        return statement["birth_year"], statement["birth_year"]
    if statement.get("age") is not None and statement.get("age_at") is not None:
        year = statement["age_at"].year - statement["age"]
        return year - 1, year
    return None


def _birth_label(statement: dict) -> str:
    if statement.get("birth_year"):
        return f"born {statement['birth_year']}"
    low, high = birth_year_range(statement)
    return f"aged {statement['age']} in {statement['age_at'].year} (born {low}–{high})"


def _birth_conflict(statements: list[dict]) -> dict | None:
    stated = [s for s in statements if birth_year_range(s) is not None]
    ranges = [birth_year_range(s) for s in stated]
    if not ranges or max(low for low, _ in ranges) <= min(high for _, high in ranges):
        return None  # all ranges share at least one year
    return {"field": "birth year / age", "values": _group(stated, _birth_label)}


def dates_compatible(a: str, b: str) -> bool:
    """ISO prefixes of different precision agree when one extends the other."""
    return a.startswith(b) or b.startswith(a)


def _date_conflict(field: str, statements: list[dict]) -> dict | None:
    stated = [s for s in statements if s.get("date")]
    dates = [s["date"] for s in stated]
    if all(dates_compatible(a, b) for i, a in enumerate(dates) for b in dates[i + 1:]):
        return None
    return {"field": field, "values": _group(stated, lambda s: s["date"])}


def person_conflicts(records: list[dict], deaths: list[dict]) -> list[dict]:
    """Conflicts among a person's records (rank, birth year/age, origin) and death events (date, manner).

    `records`: dicts with rank, age, age_at (date), birth_year, origin, source.
    `deaths`: dicts with date (ISO prefix), manner, source.
    """
    manners = [d for d in deaths if d.get("manner") not in (None, "", "unknown")]
    found = [
        _plain_conflict("rank", records, "rank"),
        _birth_conflict(records),
        _plain_conflict("origin", records, "origin", normalise=lambda v: fold(v).strip()),
        _date_conflict("date of death", deaths),
        _plain_conflict("manner of death", manners, "manner"),
    ]
    return [c for c in found if c is not None]
