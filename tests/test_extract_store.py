"""Storing extraction results as suggestions, re-runs, reviews and the export round trip.

The document and every name in it are fictional.
"""

import pytest

from tawthiq.store import models as M
from tawthiq.store.extraction import export_document, locate_evidence, parse_iso_prefix, save_extraction

TEXT = (
    "Captain Hadi Farhoun, 34, from the fictional town of Qaryat al-Ward, defected from the "
    "77th Brigade of the 9th Division in March 2012. The brigade's commander, Colonel Nizar "
    "Qassab, ordered his arrest. Farhoun, who asked to be called Abu Rami, said that more than "
    "300 soldiers had defected from the division by the end of that year. "
    "Military Intelligence later detained his brother Samer Farhoun at a checkpoint."
)


def quote(fragment: str) -> dict:
    start = TEXT.index(fragment)
    return {"quote": fragment, "start": start, "end": start + len(fragment)}


def result() -> dict:
    """A hand-made record in the extraction format, as a backend returns it."""
    return {
        "format": "tawthiq-extraction/1",
        "document": {"id": "fict-1"},
        "persons": [
            {"id": "p1", "key": "hadi farhoun", "name": "Hadi Farhoun", "aliases": ["Abu Rami", "أبو رامي"],
             "rank": "captain", "age": 34, "origin": "Qaryat al-Ward", "pseudonym": False,
             "roles": ["defector", "source"], "evidence": [quote("Captain Hadi Farhoun, 34")]},
            {"id": "p2", "key": "nizar qassab", "name": "Nizar Qassab", "aliases": [], "rank": "colonel",
             "age": None, "origin": None, "pseudonym": False, "roles": ["commander"],
             "evidence": [quote("commander, Colonel Nizar")]},
            {"id": "p3", "key": "samer farhoun", "name": "Samer Farhoun", "aliases": [], "rank": None,
             "age": None, "origin": None, "pseudonym": False, "roles": ["family", "victim"],
             "evidence": [quote("detained his brother Samer Farhoun")]},
        ],
        "organizations": [
            {"id": "o1", "name": "77th Brigade", "kind": "brigade", "side": "government", "parent": "o2",
             "evidence": [quote("77th Brigade")]},
            {"id": "o2", "name": "9th Division", "kind": "division", "side": "government", "parent": None},
            {"id": "o3", "name": "Military Intelligence", "kind": "directorate", "side": "government",
             "parent": None},
        ],
        "events": [
            {"id": "e1", "key": "defection|hadi farhoun|2012-03", "type": "defection", "subjects": ["p1"],
             "agents": ["o1"], "date": "2012-03", "date_end": None, "place": None, "manner": None,
             "evidence": [quote("defected from the 77th Brigade of the 9th Division in March 2012")]},
            {"id": "e2", "key": "arrest|samer farhoun|", "type": "arrest", "subjects": ["p3"], "agents": ["o3"],
             "date": None, "date_end": None, "place": "a checkpoint", "manner": None,
             "evidence": [quote("Military Intelligence later detained his brother Samer Farhoun at a checkpoint")]},
        ],
        "claims": [
            {"id": "c1", "key": "defection|300", "quantity": 300, "quantity_high": None, "qualifier": "more_than",
             "category": "defection", "population": "soldiers", "place": None, "period_start": "2012",
             "period_end": "2012-12", "attributed_to": "Hadi Farhoun",
             "evidence": [quote("more than 300 soldiers had defected from the division")]},
        ],
    }


@pytest.fixture
def document(db):
    publisher = M.Source.objects.create(name="Fictional Gazette", kind="publisher")
    return M.Document.objects.create(
        doc_id="fict-1", text=TEXT, sha256="f" * 64, title="A fictional report", publisher=publisher,
        language="en", published=__import__("datetime").date(2013, 2, 1),
    )


def test_save_stores_suggestions_with_names_places_and_verbatim_evidence(document):
    report = save_extraction(document, result(), "rules")
    assert report.counts["persons"]["added"] == 3
    assert report.counts["events"]["added"] == 2
    assert report.counts["claims"]["added"] == 1
    hadi = M.Person.objects.get(document=document, name="Hadi Farhoun")
    assert hadi.review_state == "suggested" and hadi.extractor == "rules" and len(hadi.fingerprint) == 64
    assert hadi.age_at == document.published and hadi.origin_place.name == "Qaryat al-Ward"
    names = {(n.name, n.kind, n.script, n.normalized) for n in hadi.names.all()}
    assert names == {("Hadi Farhoun", "primary", "latin", "hadi farhoun"), ("Abu Rami", "kunya", "latin", "abu rami"),
                     ("أبو رامي", "kunya", "arabic", "ابو رامي")}
    for ev in M.Evidence.objects.filter(document=document):
        assert TEXT[ev.start:ev.end] == ev.quote
    brigade = M.Organization.objects.get(normalized_name="77th brigade")
    assert brigade.parent.name == "9th Division"
    # The division had no evidence item: its name in the text is its evidence.
    division_ev = M.Evidence.objects.get(organization__name="9th Division")
    assert TEXT[division_ev.start:division_ev.end] == "9th Division"
    arrest = M.Event.objects.get(type="arrest")
    assert arrest.place.name == "a checkpoint" and arrest.place_text == "a checkpoint"
    assert arrest.organization.name == "Military Intelligence"
    defection = M.Event.objects.get(type="defection")
    assert (defection.date, defection.date_precision, str(defection.date_sort)) == ("2012-03", "month", "2012-03-01")
    roles = set(defection.participants.values_list("role", "person__name", "organization__name"))
    assert roles == {("subject", "Hadi Farhoun", None), ("agent", None, "77th Brigade")}
    document.refresh_from_db()
    assert document.extracted_at is not None


def test_export_round_trip_gives_back_the_record(document):
    original = result()
    save_extraction(document, original, "rules")
    exported = export_document(document)
    assert exported["format"] == "tawthiq-extraction/1"
    assert exported["document"] == {"id": "fict-1", "title": "A fictional report", "publisher": "Fictional Gazette",
                                     "published": "2013-02-01", "language": "en"}

    def strip(items, drop=("id", "key")):
        return [{k: v for k, v in item.items() if k not in drop} for item in items]

    assert strip(exported["persons"]) == strip(original["persons"])
    assert strip(exported["claims"]) == strip(original["claims"])
    by_name = {o["id"]: o["name"] for o in exported["organizations"]}
    assert {(o["name"], o["kind"], by_name.get(o["parent"])) for o in exported["organizations"]} == {
        ("77th Brigade", "brigade", "9th Division"), ("9th Division", "division", None),
        ("Military Intelligence", "directorate", None)}
    persons = {p["id"]: p["name"] for p in exported["persons"]}
    events = {e["type"]: e for e in exported["events"]}
    assert [persons[s] for s in events["defection"]["subjects"]] == ["Hadi Farhoun"]
    assert [by_name[a] for a in events["arrest"]["agents"]] == ["Military Intelligence"]
    assert events["arrest"]["place"] == "a checkpoint"
    assert strip([events["defection"]], ("id", "key", "subjects", "agents")) == strip(
        [original["events"][0]], ("id", "key", "subjects", "agents"))


def test_rerun_never_duplicates_and_updates_suggestions_in_place(document):
    save_extraction(document, result(), "rules")
    before = {m: set(m.objects.values_list("pk", flat=True)) for m in (M.Person, M.Event, M.Claim, M.Evidence)}
    report = save_extraction(document, result(), "rules")
    assert report.counts["persons"] == {"unchanged": 3}
    assert {m: set(m.objects.values_list("pk", flat=True)) for m in before} == before
    changed = result()
    changed["persons"][0]["rank"] = "major"
    report = save_extraction(document, changed, "rules")
    assert report.counts["persons"]["updated"] == 1
    assert M.Person.objects.filter(document=document).count() == 3
    assert M.Person.objects.get(name="Hadi Farhoun").rank == "major"


def test_rerun_never_changes_what_a_reviewer_decided(document):
    save_extraction(document, result(), "rules")
    hadi = M.Person.objects.get(name="Hadi Farhoun")
    hadi.review_state, hadi.rank = "corrected", "major"
    hadi.save()
    qassab = M.Person.objects.get(name="Nizar Qassab")
    qassab.review_state = "rejected"
    qassab.save()
    arrest = M.Event.objects.get(type="arrest")
    arrest.review_state = "confirmed"
    arrest.save()
    claim = M.Claim.objects.get()
    claim.review_state = "confirmed"
    claim.save()
    snapshot = {
        "hadi": (hadi.rank, list(hadi.evidence.values_list("pk", "quote")), list(hadi.names.values_list("pk"))),
        "arrest": list(arrest.participants.values_list("pk", "person_id", "organization_id")),
        "arrest_ev": list(arrest.evidence.values_list("pk", "quote")),
    }

    # The next run says different things about all of them, and no longer sees Samer or the claim.
    changed = result()
    changed["persons"][0]["rank"] = "lieutenant"
    changed["persons"][0]["evidence"] = [quote("Farhoun, who asked")]
    changed["persons"][1]["rank"] = "general"
    del changed["persons"][2]
    changed["events"][1]["place"] = "a prison"
    changed["events"][1]["subjects"] = []
    changed["claims"] = []
    report = save_extraction(document, changed, "rules")

    assert report.counts["persons"]["kept"] == 2 and report.counts["claims"]["kept"] == 0
    hadi.refresh_from_db()
    assert hadi.rank == "major" and hadi.review_state == "corrected"
    assert (hadi.rank, list(hadi.evidence.values_list("pk", "quote")), list(hadi.names.values_list("pk"))) == snapshot["hadi"]
    assert M.Person.objects.get(name="Nizar Qassab").rank == "colonel"
    arrest.refresh_from_db()
    assert arrest.place_text == "a checkpoint" and arrest.review_state == "confirmed"
    assert list(arrest.participants.values_list("pk", "person_id", "organization_id")) == snapshot["arrest"]
    assert list(arrest.evidence.values_list("pk", "quote")) == snapshot["arrest_ev"]
    # Samer is no longer produced, but the confirmed arrest names him: he stays.
    assert M.Person.objects.filter(name="Samer Farhoun").exists()
    assert M.Claim.objects.get().review_state == "confirmed"


def test_stale_suggestions_are_removed_and_canonical_kept(document):
    save_extraction(document, result(), "rules")
    qassab = M.Person.objects.get(name="Nizar Qassab")
    samer = M.Person.objects.get(name="Samer Farhoun")
    samer.canonical = qassab  # as resolution would set it (fictional)
    samer.save()
    changed = result()
    del changed["claims"][0]
    changed["events"] = changed["events"][:1]
    changed["persons"][2]["age"] = 29
    report = save_extraction(document, changed, "rules")
    assert report.counts["claims"]["removed"] == 1 and report.counts["events"]["removed"] == 1
    samer.refresh_from_db()
    assert samer.age == 29 and samer.canonical == qassab
    # Nizar is canonical for another record: even when no longer produced he stays.
    changed["persons"] = [p for p in changed["persons"] if p["name"] != "Nizar Qassab"]
    save_extraction(document, changed, "rules")
    assert M.Person.objects.filter(pk=qassab.pk).exists()


def test_rejected_items_are_left_out_of_the_export_and_corrected_values_exported(document):
    save_extraction(document, result(), "rules")
    M.Person.objects.filter(name="Nizar Qassab").update(review_state="rejected")
    M.Claim.objects.update(review_state="rejected")
    M.Event.objects.filter(type="defection").update(review_state="corrected", date="2012-04")
    exported = export_document(document)
    assert [p["name"] for p in exported["persons"]] == ["Hadi Farhoun", "Samer Farhoun"]
    assert exported["claims"] == []
    assert {e["type"]: e["date"] for e in exported["events"]} == {"defection": "2012-04", "arrest": None}


def test_events_of_a_rejected_person_lose_that_subject_in_the_export(document):
    save_extraction(document, result(), "rules")
    M.Person.objects.filter(name="Samer Farhoun").update(review_state="rejected")
    arrest = next(e for e in export_document(document)["events"] if e["type"] == "arrest")
    assert arrest["subjects"] == []


def test_items_without_verbatim_evidence_or_vocabulary_are_counted_invalid(document):
    bad = result()
    bad["persons"].append({"id": "p9", "name": "Nobody", "evidence": [{"quote": "not in the text"}]})
    bad["events"].append({"id": "e9", "type": "parade", "subjects": [], "evidence": [quote("March 2012")]})
    bad["claims"].append({"id": "c9", "category": "defection", "quantity": None, "evidence": [quote("300")]})
    bad["persons"][0]["rank"] = "field marshal"
    report = save_extraction(document, bad, "rules")
    assert [report.counts[k]["invalid"] for k in ("persons", "events", "claims")] == [1, 1, 1]
    assert M.Person.objects.get(name="Hadi Farhoun").rank == ""


def test_wrong_offsets_are_recomputed_from_the_quote():
    spans = locate_evidence("abc abc", [{"quote": "abc", "start": 3, "end": 6}, {"quote": "bc a"}, {"quote": "zz"}])
    assert spans == [(0, 3, "abc"), (1, 5, "bc a")]


def test_iso_prefix_parsing_keeps_precision():
    assert parse_iso_prefix("2012") == ("2012", "year", __import__("datetime").date(2012, 1, 1))
    assert parse_iso_prefix("2012-07-14")[1] == "day"
    assert parse_iso_prefix("2012-13") == ("", "", None)
    assert parse_iso_prefix("last year") == ("", "", None)


def test_same_key_twice_gives_two_suggestions(document):
    twice = result()
    twice["events"].append({**twice["events"][1], "id": "e3", "evidence": [quote("Military Intelligence")]})
    save_extraction(document, twice, "rules")
    assert M.Event.objects.filter(type="arrest").count() == 2
    save_extraction(document, twice, "rules")
    assert M.Event.objects.filter(type="arrest").count() == 2


def test_history_is_kept_for_new_rows_and_an_unchanged_rerun_writes_none(document):
    save_extraction(document, result(), "rules")
    models = (M.Person, M.PersonName, M.Event, M.EventParticipant, M.Claim, M.Evidence)
    for model in models:
        assert model.history.count() == model.objects.count() > 0, model
    counts = {model: model.history.count() for model in models}
    save_extraction(document, result(), "rules")
    assert {model: model.history.count() for model in models} == counts


def test_places_are_filed_under_their_governorate_when_the_gazetteers_know_it(document):
    data = result()
    data["events"][1]["place"] = "a checkpoint near Nawa in western Daraa"
    data["claims"][0]["place"] = "Hama countryside"
    save_extraction(document, data, "rules")
    arrest = M.Event.objects.get(type="arrest")
    assert (arrest.place.governorate, arrest.place_text) == ("Daraa", "a checkpoint near Nawa in western Daraa")
    assert M.Claim.objects.get().place.governorate == "Hama"
    # A place no gazetteer knows keeps an empty governorate rather than a guess.
    data["events"][1]["place"] = "Qaryat al-Ward"
    save_extraction(document, data, "rules")
    assert M.Event.objects.get(type="arrest").place.governorate == ""
