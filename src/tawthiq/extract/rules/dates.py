"""Date expressions of one sentence as ISO 8601 prefixes, relative ones resolved.

Absolute forms ("January 25, 2013", "25 January 2013", "April 2012", "in 2012",
"mid-2013", "the end of 2018") keep their precision: a year stays `YYYY`.
Relative forms ("last November", "in August", "on November 21", "last year",
"this weekend") are resolved against the publication date when it is known, and are
`None` when it is not (the spec: unresolved relative dates are null).
Own regular expressions rather than dateparser: the genre's forms are few, and
dateparser costs milliseconds per call and misreads "in August" without a year as
the current year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
YEAR = r"(?P<year>(?:19[5-9]|20[0-4])\d)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
END_WORDS = r"(?P<end>until|till|up to|through|to)\s+"

# Which patterns can match at all (speed): each needs a digit, a month name, or one of some words.
HAS_DIGIT = re.compile(r"\d")
HAS_MONTH = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
SEASONS = ("early", "late", "mid", "end", "beginning", "start", "middle", "spring", "summer", "autumn", "fall", "winter",
           "half")
NEEDS = {  # kind -> (needs a digit, needs a month name, any of these words in the lower-cased text)
    "iso": (True, False, ("-",)), "dmy_num": (True, False, ("/", ".")), "mdy": (True, True, ()),
    "dmy": (True, True, ()), "my": (True, True, ()), "season_year": (True, False, SEASONS), "year": (True, False, ()),
    "md": (True, True, ()), "dm": (True, True, ()), "last_month_name": (False, True, ()), "in_month": (False, True, ()),
    "relative_year": (False, False, ("year",)), "relative_month": (False, False, ("month",)),
    "years_ago": (False, False, ("ago",)), "weekday": (False, False, ("day",)),
    "recent": (False, False, ("yesterday", "today", "week")),
}
PATTERNS = [
    # 2013-01-25 and 25/01/2013 (day first, as written in the region)
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("dmy_num", re.compile(r"\b(?P<day>[0-3]?\d)([/.])(?P<month>[01]?\d)\2(?P<year>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b")),
    ("dmy", re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}\b")),
    ("my", re.compile(rf"\b{MONTH},?\s+(?:of\s+)?{YEAR}\b")),
    ("season_year", re.compile(
        rf"\b(?P<part>early|late|mid|the end of|end of|the beginning of|beginning of|the start of|start of|"
        rf"the middle of|middle of|spring|summer|autumn|fall|winter|the first half of|the second half of|"
        rf"first half of|second half of)[\s-]+(?:of\s+)?{YEAR}\b", re.I)),
    ("year", re.compile(rf"(?<![\d,.$£€-])\b{YEAR}\b(?!\d|,\d|\s*(?:percent|%|persons|people|men|soldiers|officers|defectors|detainees))")),
    ("md", re.compile(rf"\b{MONTH}\s+{DAY}\b(?!,?\s*(?:19|20)\d\d)(?!\s*(?:percent|%|persons|people|men|soldiers))")),
    ("dm", re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}\b(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")),
    ("last_month_name", re.compile(rf"\b(?:last|past|this past)\s+{MONTH}\b(?!\s+(?:of\s+)?(?:19|20)\d\d)", re.I)),
    ("in_month", re.compile(rf"\b(?:in|In|since|Since|during|During|until|Until|by|By|early|late|mid-|end of|beginning of)\s+{MONTH}(?![\w-])(?!,?\s+(?:of\s+)?[0-3]?\d(?:st|nd|rd|th)?\b(?!-))(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")),
    ("relative_year", re.compile(r"\b(?P<which>last|this|past|previous|next)\s+year\b", re.I)),
    ("relative_month", re.compile(r"\b(?P<which>last|this|past|previous)\s+month\b", re.I)),
    ("years_ago", re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>years?|months?)\s+ago\b", re.I)),
    ("weekday", re.compile(r"\b(?:last|on|On|this|early last|late last)\s+(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("recent", re.compile(r"\b(?P<which>yesterday|today|this week|last week|this weekend|last weekend)\b", re.I)),
]


@dataclass
class DateMention:
    start: int  # offsets within the sentence
    end: int
    value: str | None  # ISO prefix, None when relative and unresolvable
    is_end: bool = False  # "until August 2011"


def parse_published(published: str | date | None) -> date | None:
    """The publication date as a `date` (first day of the month/year when partial), or None."""
    if not published:
        return None
    if isinstance(published, date):  # a date or datetime passed as such
        return date(published.year, published.month, published.day)
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published.strip())
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(value: str) -> int:
    return MONTHS[value.lower().rstrip(".")]


def _recent_month(month: int, published: date, strictly_before: bool) -> str:
    year = published.year
    if month > published.month or (strictly_before and month == published.month):
        year -= 1
    return f"{year:04d}-{month:02d}"


def _recent_day(month: int, day: int, published: date) -> str | None:
    year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _shift_months(published: date, months: int) -> str:
    index = published.year * 12 + published.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _value(kind: str, m: re.Match, published: date | None) -> str | None:
    g = m.groupdict()
    if kind == "iso":
        return f"{g['year']}-{g['month']}-{g['day']}"
    if kind == "dmy_num":
        month, day = int(g["month"]), int(g["day"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return f"{g['year']}-{month:02d}-{day:02d}"
    if kind in ("mdy", "dmy"):
        try:
            return date(int(g["year"]), _month(g["month"]), int(g["day"])).isoformat()
        except ValueError:
            return None
    if kind == "my":
        return f"{g['year']}-{_month(g['month']):02d}"
    if kind in ("season_year", "year"):
        return g["year"]
    if published is None:
        return None
    if kind in ("md", "dm"):
        day = int(g["day"])
        return _recent_day(_month(g["month"]), day, published) if 1 <= day <= 31 else None
    if kind == "last_month_name":
        return _recent_month(_month(g["month"]), published, strictly_before=True)
    if kind == "in_month":
        return _recent_month(_month(g["month"]), published, strictly_before=False)
    if kind == "relative_year":
        which = g["which"].lower()
        return str(published.year + {"this": 0, "next": 1}.get(which, -1))
    if kind == "relative_month":
        return _shift_months(published, 0 if g["which"].lower() == "this" else 1)
    if kind == "years_ago":
        n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
        if g["unit"].lower().startswith("year"):
            return str(published.year - n)
        return _shift_months(published, n)
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[g["weekday"].lower()]) % 7 or 7
        return (published - timedelta(days=back)).isoformat()
    if kind == "recent":  # a week's precision is not kept: the month of the day
        which = g["which"].lower()
        if which == "yesterday":
            return (published - timedelta(days=1)).isoformat()
        if which == "today":
            return published.isoformat()
        back = 7 if which.startswith("last") else 0
        return (published - timedelta(days=back)).isoformat()[:7]
    return None


def find_dates(text: str, published: date | None, context_year: int | None = None) -> list[DateMention]:
    """Date mentions of one sentence, earliest first, never overlapping (the first pattern wins).

    Without a publication date, a month without a year ("in July") takes `context_year`, the
    year the account last named ("positions in April 2012 ... withdrew in July"); relative
    dates ("last November") stay unresolved.
    """
    taken: list[tuple[int, int]] = []
    matches: list[tuple[int, int, str, re.Match]] = []
    low = text.lower()
    has_digit, has_month = bool(HAS_DIGIT.search(text)), bool(HAS_MONTH.search(text))
    for kind, pattern in PATTERNS:
        digit, month, words = NEEDS[kind]
        if (digit and not has_digit) or (month and not has_month) or (words and not any(w in low for w in words)):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if kind == "year" and _is_quantity(text, start):
                continue
            taken.append((start, end))
            matches.append((start, end, kind, m))
    found: list[DateMention] = []
    year = context_year
    for start, end, kind, m in sorted(matches, key=lambda x: x[0]):
        before = text[max(0, start - 12):start].lower()
        is_end = bool(re.search(r"\b(until|till|up to|through)\s+(the\s+)?(end\s+of\s+|early\s+|late\s+)?$", before))
        value = _value(kind, m, published)
        if value is None and published is None and year and kind in ("in_month", "md", "dm"):
            value = _value(kind, m, date(year, 12, 31))
        if value and kind not in ("in_month", "md", "dm"):
            year = int(value[:4])
        found.append(DateMention(start, end, value, is_end))
    return found


def _is_quantity(text: str, start: int) -> bool:
    """'2000 soldiers', 'Number 61 of 1950' is a date; 'of 2,000' is not matched at all."""
    return bool(re.match(r"\s*(?:members|people|persons|defectors|soldiers|officers|detainees)", text[start + 4:]))
