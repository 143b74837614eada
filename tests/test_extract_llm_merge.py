"""Merging a second backend's result into the rules' result, and item identity (plain data)."""

from tawthiq.extract.merge import item_key, merge_results, name_key, names_by_id, same_person


def ev(quote, start):
    return {"quote": quote, "start": start, "end": start + len(quote)}


BASE = {
    "persons": [{"id": "p1", "name": "Fares al-Tamer", "aliases": [], "rank": None, "roles": ["defector"],
                 "evidence": [ev("Fares al-Tamer", 0)]}],
    "organizations": [{"id": "o1", "name": "The 14th Brigade", "kind": "brigade", "side": None, "parent": None}],
    "events": [{"id": "e1", "type": "defection", "subjects": ["p1"], "agents": [], "date": "2012",
                "evidence": [ev("defected", 20)]}],
    "claims": [{"id": "c1", "category": "defection", "quantity": 500, "population": None,
                "evidence": [ev("500", 40)]}],
}
EXTRA = {
    "persons": [
        {"id": "p1", "name": "Ghassan Eid", "roles": ["source"], "evidence": [ev("Ghassan Eid", 60)]},
        {"id": "p2", "name": "Capt. Fares Tamer", "aliases": ["Abu Yamen"], "rank": "captain",
         "roles": ["defector", "victim"], "pseudonym": True, "evidence": [ev("Fares Tamer", 80)]},
    ],
    "organizations": [
        {"id": "o1", "name": "14th brigade", "kind": "brigade", "side": "government", "parent": "o2"},
        {"id": "o2", "name": "5th Division", "kind": "division", "side": "government", "parent": None},
    ],
    "events": [
        {"id": "e1", "type": "defection", "subjects": ["p2"], "agents": ["o1"], "date": "2012-05",
         "place": "Tell Fictional", "evidence": [ev("defected in May", 90)]},
        {"id": "e2", "type": "arrest", "subjects": ["p1"], "date": None, "evidence": [ev("arrested", 120)]},
    ],
    "claims": [
        {"id": "c1", "category": "defection", "quantity": 500, "population": "officers", "evidence": [ev("500", 40)]},
        {"id": "c2", "category": "arrest", "quantity": 30, "evidence": [ev("30", 150)]},
    ],
}


def test_names_compare_without_articles_punctuation_or_case():
    assert name_key("Al-Fares  al-Tamer") == name_key("fares tamer") == "fares tamer"
    assert name_key("The 18th Division’s") == "18th division"
    assert same_person({"name": "Fares Tamer"}, {"name": "Captain Fares al-Tamer"})
    assert not same_person({"name": "Fares"}, {"name": "Fares Tamer"})  # one token is too little
    assert same_person({"name": "Abu Yamen", "aliases": ["Fares Tamer"]}, {"name": "fares al-tamer"})


def test_merge_unites_persons_events_claims_and_organizations():
    merged = merge_results(BASE, EXTRA, extra_extractor="llm")
    persons = {p["id"]: p for p in merged["persons"]}
    assert list(persons) == ["p1", "p2"]
    fares = persons["p1"]
    assert fares["rank"] == "captain" and fares["pseudonym"] is True
    assert fares["roles"] == ["defector", "victim"]
    assert fares["aliases"] == ["Abu Yamen"]  # "Capt. Fares Tamer" is the same name with a title
    assert [e["quote"] for e in fares["evidence"]] == ["Fares al-Tamer", "Fares Tamer"]
    assert "extractor" not in fares and persons["p2"]["extractor"] == "llm"
    assert persons["p2"]["name"] == "Ghassan Eid"

    orgs = {o["name"]: o for o in merged["organizations"]}
    assert set(orgs) == {"The 14th Brigade", "5th Division"}
    assert orgs["The 14th Brigade"]["side"] == "government"
    assert orgs["5th Division"]["id"] == "o2"

    events = merged["events"]
    assert len(events) == 2
    defection = events[0]
    assert defection["date"] == "2012-05" and defection["place"] == "Tell Fictional"
    assert defection["agents"] == ["o1"] and len(defection["evidence"]) == 2
    assert events[1]["type"] == "arrest" and events[1]["subjects"] == ["p2"]

    claims = merged["claims"]
    assert len(claims) == 2 and claims[0]["population"] == "officers"
    assert claims[0]["evidence"] == [ev("500", 40)]  # the same span is not added twice
    assert claims[1]["id"] == "c2"
    assert BASE["persons"][0]["rank"] is None  # the inputs are not modified


def test_event_keys_name_subjects_not_local_ids():
    names = names_by_id(BASE)
    key = item_key("events", BASE["events"][0], names)
    renumbered = {**BASE["events"][0], "id": "e7", "subjects": ["p9"]}
    assert key == item_key("events", renumbered, {"p9": "fares tamer"}) == "defection|fares tamer|2012"
    assert item_key("events", {**BASE["events"][0], "key": "given"}, names) == "given"
    assert item_key("claims", BASE["claims"][0], names) == "defection|500|"
