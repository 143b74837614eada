"""Resolution in the store: canonical persons across documents, and reviewer decisions
that hold on every re-run of `tawthiq resolve` and of extraction.

Every document and name here is fictional.
"""

import datetime as dt

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.store import models as M
from tawthiq.store import resolution as R
from tawthiq.store.extraction import save_extraction

pytest.importorskip("tawthiq.resolve.linkage", reason="the linkage layer has not landed yet")

TEXT_A = (
    "First Lieutenant Muhannad Kheir Bakour, 29, from the fictional village of Tell Zaytoun, defected "
    "from the 61st Brigade in June 2012. His cousin Rafiq Hamdan Bakour stayed behind. "
    "Sergeant Walid Sabbour Nahhal was arrested at a checkpoint."
)
TEXT_B = (
    "Mohanad Bakkour, 31, a defector from Tell Zaytoun who left the 61st Brigade in 2012, spoke to us. "
    "A man who gave his name as Abu Samer Haddoura said he had fled too. "
    "Warrant Officer Jamil Tarazi Kanaan, 52, was killed."
)


def quote(text: str, fragment: str) -> list[dict]:
    start = text.index(fragment)
    return [{"quote": fragment, "start": start, "end": start + len(fragment)}]


def person(text, pid, name, fragment, **fields):
    return {"id": pid, "key": name.lower(), "name": name, "aliases": [], "rank": None, "age": None,
            "origin": None, "pseudonym": False, "roles": [], "evidence": quote(text, fragment), **fields}


def result_a() -> dict:
    return {
        "format": "tawthiq-extraction/1",
        "document": {"id": "fict-a"},
        "persons": [
            person(TEXT_A, "p1", "Muhannad Kheir Bakour", "Muhannad Kheir Bakour, 29",
                   rank="first lieutenant", age=29, origin="Tell Zaytoun"),
            person(TEXT_A, "p2", "Rafiq Hamdan Bakour", "His cousin Rafiq Hamdan Bakour"),
            person(TEXT_A, "p3", "Walid Sabbour Nahhal", "Sergeant Walid Sabbour Nahhal", rank="sergeant"),
        ],
        "organizations": [{"id": "o1", "name": "61st Brigade", "kind": "brigade", "side": "government",
                           "parent": None, "evidence": quote(TEXT_A, "61st Brigade")}],
        "events": [{"id": "e1", "key": "defection|muhannad|2012-06", "type": "defection", "subjects": ["p1"],
                    "agents": ["o1"], "date": "2012-06", "date_end": None, "place": None, "manner": None,
                    "evidence": quote(TEXT_A, "defected from the 61st Brigade in June 2012")}],
        "claims": [],
    }


def result_b() -> dict:
    return {
        "format": "tawthiq-extraction/1",
        "document": {"id": "fict-b"},
        "persons": [
            person(TEXT_B, "p1", "Mohanad Bakkour", "Mohanad Bakkour, 31", age=31, origin="Tell Zaytoun"),
            person(TEXT_B, "p2", "Abu Samer Haddoura", "Abu Samer Haddoura"),
            person(TEXT_B, "p3", "Jamil Tarazi Kanaan", "Warrant Officer Jamil Tarazi Kanaan, 52",
                   rank="warrant officer", age=52),
        ],
        "organizations": [{"id": "o1", "name": "61st Brigade", "kind": "brigade", "side": "government",
                           "parent": None, "evidence": quote(TEXT_B, "61st Brigade")}],
        "events": [{"id": "e1", "key": "defection|mohanad|2012", "type": "defection", "subjects": ["p1"],
                    "agents": ["o1"], "date": "2012", "date_end": None, "place": None, "manner": None,
                    "evidence": quote(TEXT_B, "left the 61st Brigade in 2012")}],
        "claims": [],
    }


@pytest.fixture
def documents(db):
    a = M.Document.objects.create(doc_id="fict-a", text=TEXT_A, sha256="a" * 64, published=dt.date(2014, 5, 1))
    b = M.Document.objects.create(doc_id="fict-b", text=TEXT_B, sha256="b" * 64, published=dt.date(2016, 3, 10))
    save_extraction(a, result_a(), "rules")
    save_extraction(b, result_b(), "rules")
    return a, b


def get(name: str) -> M.Person:
    return M.Person.objects.get(name=name)


def same(x: str, y: str) -> bool:
    return get(x).canonical_person == get(y).canonical_person


def test_features_come_from_names_events_units_and_publication_dates(documents):
    records = {r["name"]: r for r in R.gather_records()}
    first = records["Muhannad Kheir Bakour"]
    assert first["units"] == ["61st Brigade"]
    assert first["event_dates"] == ["2012-06"]
    assert first["age"] == 29 and first["age_at"] == "2014-05-01"
    assert first["rank"] == "first lieutenant" and first["origin"] == "Tell Zaytoun"
    assert records["Mohanad Bakkour"]["age_at"] == "2016-03-10"


def test_resolve_links_spelling_variants_across_documents_into_one_canonical_person(documents):
    report = R.resolve_all()
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    assert not same("Muhannad Kheir Bakour", "Rafiq Hamdan Bakour")
    assert not same("Walid Sabbour Nahhal", "Jamil Tarazi Kanaan")
    # The earliest record stands for the person; the other points at it.
    first, second = get("Muhannad Kheir Bakour"), get("Mohanad Bakkour")
    assert first.canonical is None and second.canonical == first
    assert report.records == 6 and report.canonical_persons == 5 and report.merged_clusters == 1
    candidate = M.MatchCandidate.objects.get(left=first, right=second)
    assert candidate.match_probability >= 0.9 and candidate.explanation
    assert [p.pk for p in R.canonical_members(second)] == [first.pk, second.pk]


def test_a_split_holds_on_every_rerun(documents):
    R.resolve_all()
    first, second = get("Muhannad Kheir Bakour"), get("Mohanad Bakkour")
    R.split_person(second, note="different fathers")
    assert not same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    R.resolve_all()
    assert not same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    decision = M.ResolutionDecision.objects.get()
    assert (decision.left, decision.right, decision.judgement) == (first, second, "different")
    # The decided pair is no longer offered on the duplicates page.
    assert not M.MatchCandidate.objects.filter(left=first, right=second).exists()


def test_a_merge_keeps_every_member_of_both_persons(documents):
    R.resolve_all()
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    # Membership alone holds a record in its person: the candidate rows that made the link
    # may be gone (a newer resolve scored the pair lower, or the rows were cleared).
    M.MatchCandidate.objects.all().delete()
    R.merge_persons(get("Mohanad Bakkour"), get("Rafiq Hamdan Bakour"), note="a cousin's name misread")
    assert same("Muhannad Kheir Bakour", "Rafiq Hamdan Bakour")
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")


def test_a_merge_holds_on_reruns_of_resolve_and_of_extraction(documents):
    R.resolve_all()
    assert not same("Rafiq Hamdan Bakour", "Abu Samer Haddoura")
    canonical = R.merge_persons(get("Rafiq Hamdan Bakour"), get("Abu Samer Haddoura"))
    assert canonical == get("Rafiq Hamdan Bakour")
    assert same("Rafiq Hamdan Bakour", "Abu Samer Haddoura")
    R.resolve_all()
    assert same("Rafiq Hamdan Bakour", "Abu Samer Haddoura")
    # Extraction runs again over both documents: the records keep their identity.
    a, b = documents
    save_extraction(a, result_a(), "rules")
    save_extraction(b, result_b(), "rules")
    R.resolve_all()
    assert same("Rafiq Hamdan Bakour", "Abu Samer Haddoura")
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    assert M.ResolutionDecision.objects.filter(judgement="same").count() == 1


def test_a_decision_beats_a_model_link(documents):
    R.resolve_all()
    # The model links Muhannad and Mohanad; a reviewer says Mohanad is Rafiq, and Rafiq is not Muhannad.
    R.record_decision(get("Muhannad Kheir Bakour"), get("Rafiq Hamdan Bakour"), "different")
    R.merge_persons(get("Mohanad Bakkour"), get("Rafiq Hamdan Bakour"))
    for _ in range(2):
        assert same("Mohanad Bakkour", "Rafiq Hamdan Bakour")
        assert not same("Muhannad Kheir Bakour", "Mohanad Bakkour")
        R.resolve_all()


def test_merging_against_stored_decisions_is_refused_and_stores_nothing(documents):
    R.resolve_all()
    R.merge_persons(get("Muhannad Kheir Bakour"), get("Mohanad Bakkour"))
    R.record_decision(get("Muhannad Kheir Bakour"), get("Rafiq Hamdan Bakour"), "different")
    with pytest.raises(R.DecisionConflict):
        R.merge_persons(get("Mohanad Bakkour"), get("Rafiq Hamdan Bakour"))
    assert M.ResolutionDecision.objects.filter(judgement="same").count() == 1
    assert not same("Mohanad Bakkour", "Rafiq Hamdan Bakour")
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")


def test_a_failure_while_writing_leaves_the_previous_resolution_intact(documents, monkeypatch):
    R.resolve_all()
    first, second = get("Muhannad Kheir Bakour"), get("Mohanad Bakkour")
    candidates = M.MatchCandidate.objects.count()
    # A decision stored without its local re-clustering: the next resolve would split them.
    M.ResolutionDecision.objects.create(left=first, right=second, judgement="different")

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(M.MatchCandidate.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        R.resolve_all()
    assert get("Mohanad Bakkour").canonical == first
    assert M.MatchCandidate.objects.count() == candidates
    monkeypatch.undo()
    R.resolve_all()
    assert get("Mohanad Bakkour").canonical is None


def test_rejected_records_take_no_part(documents):
    R.resolve_all()
    second = get("Mohanad Bakkour")
    second.review_state = M.ReviewState.REJECTED
    second.save()
    report = R.resolve_all()
    assert report.records == 5
    assert get("Mohanad Bakkour").canonical is None
    assert not M.MatchCandidate.objects.filter(right=second).exists()


def test_the_resolve_command_prints_a_summary(documents):
    outcome = CliRunner().invoke(app, ["resolve", "--threshold", "0.9"])
    assert outcome.exit_code == 0, outcome.output
    assert "canonical persons" in outcome.output and "5" in outcome.output
    assert same("Muhannad Kheir Bakour", "Mohanad Bakkour")
    bad = CliRunner().invoke(app, ["resolve", "--backend", "oracle"])
    assert bad.exit_code == 1 and "unknown backend" in bad.output


def test_imported_list_rows_link_to_persons_extracted_from_documents(documents, tmp_path):
    from tawthiq.store.imports import import_person_list

    path = tmp_path / "list.csv"
    path.write_text(
        "id,name,rank,birth_year,origin\n"
        "7,Mouhanad Kheir Bakkour,First Lieutenant,1985,Tell Zaytoun\n"
        "8,Fictional Nobody Else,,1970,\n",
        encoding="utf-8",
    )
    import_person_list(path, "Fictional Group")
    R.resolve_all()
    listed = M.Person.objects.get(local_id="7", imported_list__isnull=False)
    assert listed.canonical_person == get("Muhannad Kheir Bakour")
    assert get("Fictional Nobody Else").canonical_person == get("Fictional Nobody Else")
