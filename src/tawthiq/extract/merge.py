"""Identity of extracted items and merging of two extraction results (plain data, no Django).

The same identity serves two purposes: merging what the LLM found into what the rules
found (one person, event or claim, with the union of their evidence), and the stable key
from which the store derives an item's fingerprint when the backend gave none.
"""

import copy
import re

from tawthiq.text import fold

KINDS = ("persons", "organizations", "events", "claims")
PREFIX = {"persons": "p", "organizations": "o", "events": "e", "claims": "c"}
APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u2032"
_POSSESSIVE = re.compile(f"[{APOSTROPHES}]s\\b")
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_NOT_WORD = re.compile(r"[^\w\s]|_")


def name_key(name: str | None) -> str:
    """Comparison key for a name: folded, no punctuation, hyphens or articles (al-, el-, the)."""
    if not name:
        return ""
    text = _POSSESSIVE.sub("", fold(str(name)))
    text = _NOT_WORD.sub(" ", _APOSTROPHE.sub("", text))
    tokens = [t for t in text.split() if t not in ("al", "el")]
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


def person_names(person: dict) -> set[str]:
    keys = {name_key(person.get("name"))} | {name_key(a) for a in person.get("aliases") or []}
    return {k for k in keys if k}


def same_person(a: dict, b: dict) -> bool:
    """Equal names or aliases, or every token of the shorter name (two or more) in the longer."""
    names_a, names_b = person_names(a), person_names(b)
    if names_a & names_b:
        return True
    for x in names_a:
        for y in names_b:
            short, long_ = sorted((x.split(), y.split()), key=len)
            if len(short) >= 2 and set(short) <= set(long_):
                return True
    return False


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Both unknown, or one ISO prefix extends the other."""
    if not a or not b:
        return not a and not b
    return a.startswith(b) or b.startswith(a)


def item_key(kind: str, item: dict, names_by_id: dict[str, str]) -> str:
    """A stable key of what an item says, independent of its local id.

    `names_by_id` maps person and organisation ids to their name keys, so that an event's
    key names its subjects rather than their (unstable) local ids.
    """
    if item.get("key"):
        return str(item["key"])
    if kind in ("persons", "organizations"):
        return name_key(item.get("name"))
    if kind == "events":
        subjects = sorted(names_by_id.get(s, s) for s in item.get("subjects") or [])
        return "|".join([item.get("type") or "", ",".join(subjects), item.get("date") or ""])
    return "|".join(str(item.get(f) or "") for f in ("category", "quantity", "quantity_high"))


def names_by_id(result: dict) -> dict[str, str]:
    return {
        item["id"]: name_key(item.get("name"))
        for kind in ("persons", "organizations")
        for item in result.get(kind) or []
        if item.get("id")
    }


def _union_evidence(target: dict, extra: dict) -> None:
    seen = {(e.get("quote"), e.get("start")) for e in target.get("evidence") or []}
    for ev in extra.get("evidence") or []:
        if (ev.get("quote"), ev.get("start")) not in seen:
            target.setdefault("evidence", []).append(ev)
            seen.add((ev.get("quote"), ev.get("start")))


def _fill_missing(target: dict, extra: dict, fields) -> None:
    for field in fields:
        if target.get(field) in (None, "", []) and extra.get(field) not in (None, "", []):
            target[field] = extra[field]


def _merge_person(target: dict, extra: dict) -> None:
    known = [set(k.split()) for k in person_names(target)]
    for name in [extra.get("name"), *(extra.get("aliases") or [])]:
        tokens = set(name_key(name).split())
        # "Capt. Fares Tamer" beside "Fares Tamer" is the same name with a title, not an alias.
        if tokens and not any(tokens <= k or k <= tokens for k in known):
            target.setdefault("aliases", []).append(name)
            known.append(tokens)
    _fill_missing(target, extra, ("rank", "age", "origin"))
    if extra.get("pseudonym"):
        target["pseudonym"] = True
    roles = list(target.get("roles") or [])
    roles += [r for r in extra.get("roles") or [] if r not in roles]
    target["roles"] = roles
    _union_evidence(target, extra)


class _Ids:
    """Hands out the next free local id of each kind in the merged result."""

    def __init__(self, result: dict):
        self.next = {}
        for kind, prefix in PREFIX.items():
            numbers = [
                int(item["id"][1:]) for item in result.get(kind) or []
                if str(item.get("id", ""))[1:].isdigit()
            ]
            self.next[kind] = max(numbers, default=0) + 1

    def take(self, kind: str) -> str:
        value = f"{PREFIX[kind]}{self.next[kind]}"
        self.next[kind] += 1
        return value


def merge_results(base: dict, extra: dict, *, extra_extractor: str | None = None) -> dict:
    """Merge `extra` into a copy of `base`; items only `extra` has are tagged with `extra_extractor`.

    Persons merge on names (see `same_person`), organisations on name key, events on
    type + subjects + compatible date, claims on category + quantity.
    """
    merged = copy.deepcopy(base)
    for kind in KINDS:
        merged.setdefault(kind, [])
    ids = _Ids(merged)
    remap: dict[str, str] = {}

    def add(kind: str, item: dict) -> dict:
        new = copy.deepcopy(item)
        new["id"] = ids.take(kind)
        new.pop("key", None)
        if extra_extractor:
            new["extractor"] = extra_extractor
        merged[kind].append(new)
        return new

    for person in extra.get("persons") or []:
        match = next((p for p in merged["persons"] if same_person(p, person)), None)
        if match is None:
            match = add("persons", person)
        else:
            _merge_person(match, person)
        remap[person.get("id")] = match["id"]

    orgs_by_key = {name_key(o.get("name")): o for o in merged["organizations"]}
    new_orgs = []
    for org in extra.get("organizations") or []:
        key = name_key(org.get("name"))
        match = orgs_by_key.get(key)
        if match is None:
            match = orgs_by_key[key] = add("organizations", org)
            new_orgs.append(match)
        else:
            _fill_missing(match, org, ("kind", "side"))
            _union_evidence(match, org)
        remap[org.get("id")] = match["id"]
    for org in new_orgs:
        org["parent"] = remap.get(org.get("parent"))

    for event in extra.get("events") or []:
        subjects = [remap[s] for s in event.get("subjects") or [] if s in remap]
        agents = [remap[a] for a in event.get("agents") or [] if a in remap]
        match = next(
            (e for e in merged["events"]
             if e.get("type") == event.get("type")
             and set(e.get("subjects") or []) == set(subjects)
             and dates_compatible(e.get("date"), event.get("date"))),
            None,
        )
        if match is None:
            match = add("events", {**event, "subjects": subjects, "agents": agents})
        else:
            if len(event.get("date") or "") > len(match.get("date") or ""):
                match["date"] = event["date"]
            _fill_missing(match, event, ("date_end", "place", "manner", "amount"))
            match["agents"] = list(match.get("agents") or []) + [
                a for a in agents if a not in (match.get("agents") or [])
            ]
            _union_evidence(match, event)

    for claim in extra.get("claims") or []:
        match = next(
            (c for c in merged["claims"]
             if c.get("category") == claim.get("category") and c.get("quantity") == claim.get("quantity")),
            None,
        )
        if match is None:
            add("claims", claim)
        else:
            _fill_missing(match, claim, ("quantity_high", "population", "place", "period_start",
                                          "period_end", "attributed_to"))
            _union_evidence(match, claim)
    return merged
