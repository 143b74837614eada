"""`tawthiq import-list`: a list's rows become person records; bad input is reported per row.

Every name here is fictional.
"""

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.resolve.lists import ListError
from tawthiq.store import models as M
from tawthiq.store.imports import import_person_list, normalise_rank, parse_birth_year

ARABIC_LIST = (
    "id,name,rank,birth_year,origin,notes\n"
    "17,مهند خير بكور,نقيب,1985,تل الزيتون,انشق 2012\n"
    "18,وليد صبور نحال,ملازم أول,1990-04-02,حمص,\n"
    "19,,رقيب,1979,درعا,اسم مفقود\n"
    "18,جميل طرزي كنعان,عقيد,غير معروف,حماة,\n"
)


@pytest.fixture
def cp1256_file(tmp_path):
    path = tmp_path / "group-list.csv"
    path.write_bytes(ARABIC_LIST.encode("cp1256"))
    return path


def test_a_windows_1256_list_becomes_confirmed_person_records_with_warnings_per_row(db, cp1256_file):
    report = import_person_list(cp1256_file, "Fictional Documentation Group")
    assert report.encoding.replace("_", "").lower() in ("cp1256", "windows1256")
    assert (report.status, report.rows, report.added, report.skipped) == ("new", 4, 3, 1)
    source = M.Source.objects.get(name="Fictional Documentation Group")
    assert source.kind == "list"
    records = {p.local_id: p for p in M.Person.objects.filter(imported_list__source=source)}
    assert set(records) == {"17", "18", "18#2"}  # the repeated id is kept apart, not dropped
    first = records["17"]
    assert (first.name, first.rank, first.birth_year, first.origin) == ("مهند خير بكور", "captain", 1985, "تل الزيتون")
    assert first.review_state == "confirmed" and first.extractor == "list" and len(first.fingerprint) == 64
    assert first.list_row["notes"] == "انشق 2012"
    assert records["18"].rank == "first lieutenant" and records["18"].birth_year == 1990
    assert records["18#2"].birth_year is None
    name = first.names.get()
    assert (name.script, name.kind, name.normalized) == ("arabic", "primary", "مهند خير بكور")
    text = "\n".join(report.warnings)
    assert "line 4: empty name" in text
    assert "duplicate id '18'" in text
    assert "birth year 'غير معروف' not understood" in text


def test_reimporting_the_same_file_is_a_no_op(db, cp1256_file):
    import_person_list(cp1256_file, "Fictional Documentation Group")
    before = M.Person.history.count()
    again = import_person_list(cp1256_file, "Fictional Documentation Group")
    assert again.status == "unchanged" and again.added == 0 and again.updated == 0
    assert M.Person.objects.count() == 3 and M.ImportedList.objects.count() == 1
    assert M.Person.history.count() == before


def test_a_changed_file_updates_by_id_and_keeps_decisions_and_reviews(db, tmp_path, cp1256_file):
    from tawthiq.store.resolution import record_decision

    import_person_list(cp1256_file, "Fictional Documentation Group")
    first = M.Person.objects.get(local_id="17")
    second = M.Person.objects.get(local_id="18")
    record_decision(first, second, "different", note="brothers")
    second.review_state, second.name = M.ReviewState.CORRECTED, "وليد صبور النحال"
    second.save()
    changed = tmp_path / "group-list-v2.csv"
    changed.write_text(
        "id,name,rank,birth_year,origin\n"
        "17,مهند خير بكور,رائد,1985,تل الزيتون\n"  # promoted
        "18,وليد نحال,ملازم أول,1990,حمص\n"
        "20,سامر عبد اللطيف الحداد,,1988,إدلب\n",
        encoding="utf-8",
    )
    report = import_person_list(changed, "Fictional Documentation Group")
    assert (report.status, report.added, report.updated, report.kept_missing) == ("updated", 1, 2, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.rank == "major"
    assert second.name == "وليد صبور النحال"  # the reviewer's correction stands
    assert second.list_row["name"] == "وليد نحال"  # the new row is kept beside it
    assert M.ResolutionDecision.objects.get().judgement == "different"
    assert M.Person.objects.filter(local_id="18#2").exists()  # not in the new file, kept
    assert M.ImportedList.objects.count() == 1
    assert M.ImportedList.objects.get().history.count() == 2


def test_missing_columns_are_a_clear_error_and_store_nothing(db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("number,full name\n1,Fictional Person\n", encoding="utf-8")
    with pytest.raises(ListError, match="missing column.*'name'.*the file has 'number', 'full name'"):
        import_person_list(path, "Fictional Group")
    assert not M.Source.objects.exists()
    report = import_person_list(path, "Fictional Group", columns={"id": "number", "name": "full name"})
    assert report.added == 1 and M.Person.objects.get().local_id == "1"


def test_rank_and_year_readers():
    assert normalise_rank("Capt.") == "captain"
    assert normalise_rank("lieutenant colonel") == "lieutenant colonel"
    assert normalise_rank("العقيد") == "colonel"
    assert normalise_rank("chef") is None
    assert parse_birth_year("2/3/1985") == 1985
    assert parse_birth_year("1985 or 1986") is None
    assert parse_birth_year("3000") is None


def test_the_command_reports_rows_warnings_and_errors(db, cp1256_file, tmp_path):
    runner = CliRunner()
    outcome = runner.invoke(app, ["import-list", str(cp1256_file), "--source", "Fictional Group", "--protected"])
    assert outcome.exit_code == 0, outcome.output
    assert "records added" in outcome.output and "empty name" in outcome.output
    assert M.Person.objects.filter(protected=True).count() == 3
    again = runner.invoke(app, ["import-list", str(cp1256_file), "--source", "Fictional Group"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    missing = runner.invoke(app, ["import-list", str(tmp_path / "nope.csv"), "--source", "Fictional Group"])
    assert missing.exit_code == 1 and "cannot read" in missing.output and "Traceback" not in missing.output
