"""`tawthiq extract` and `tawthiq export` through the CLI on the test database.

Backends are replaced by a small scripted one where the test is about the command's
behaviour (selection, isolation of a bad document, summaries); texts are fictional.
"""

import hashlib
import json

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.extract.run import Extraction, RulesBackend
from tawthiq.store import models as M

runner = CliRunner()


def scripted_result(document) -> dict:
    """One person per document: the first two words of the text, with its span."""
    name = " ".join(document.text.split()[:2])
    start = document.text.index(name)
    return {
        "persons": [{"id": "p1", "key": name.lower(), "name": name, "aliases": [], "roles": ["defector"],
                     "evidence": [{"quote": name, "start": start, "end": start + len(name)}]}],
        "organizations": [], "events": [], "claims": [],
    }


@pytest.fixture
def scripted(monkeypatch):
    calls = []

    def extract(self, document):
        calls.append(document.doc_id)
        if "BROKEN" in document.text:
            raise ValueError("cannot read this\nfictional document")
        return Extraction(scripted_result(document))

    monkeypatch.setattr(RulesBackend, "extract", extract)
    return calls


def make_doc(doc_id, text, **kw):
    return M.Document.objects.create(doc_id=doc_id, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), **kw)


def output(result) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.mark.django_db
def test_extract_reads_new_documents_once_and_force_redoes_them(scripted):
    make_doc("a", "Amir Sabbagh left his unit.")
    make_doc("b", "Jamil Taan crossed the border.")
    result = runner.invoke(app, ["extract"])
    assert result.exit_code == 0, result.output
    assert sorted(scripted) == ["a", "b"]
    assert "persons" in output(result) and "Extracted 2 of 2 documents" in output(result)
    assert M.Person.objects.count() == 2

    result = runner.invoke(app, ["extract"])
    assert result.exit_code == 0 and "Nothing to extract" in output(result)
    assert len(scripted) == 2

    result = runner.invoke(app, ["extract", "--force"])
    assert result.exit_code == 0 and len(scripted) == 4
    assert M.Person.objects.count() == 2  # no duplicates

    result = runner.invoke(app, ["extract", "--document", "b"])
    assert result.exit_code == 0 and scripted[-1] == "b" and len(scripted) == 5


@pytest.mark.django_db
def test_one_bad_document_is_one_line_and_the_others_are_saved(scripted):
    make_doc("good1", "Amir Sabbagh left his unit.")
    make_doc("bad", "BROKEN file")
    make_doc("good2", "Jamil Taan crossed the border.")
    result = runner.invoke(app, ["extract"])
    assert result.exit_code == 1
    assert "bad: cannot read this fictional document" in output(result)
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error
    assert "1 of 3 documents failed" in output(result)
    assert set(M.Person.objects.values_list("document__doc_id", flat=True)) == {"good1", "good2"}
    assert M.Document.objects.get(doc_id="bad").extracted_at is None


@pytest.mark.django_db
def test_only_current_versions_unless_all_versions(scripted):
    make_doc("v", "Old Text of the first version.", version=1, is_current=False)
    make_doc("v", "New Text of the second version.", version=2)
    runner.invoke(app, ["extract"])
    assert scripted == ["v"] and M.Person.objects.get().name == "New Text"
    result = runner.invoke(app, ["extract", "--all-versions"])
    assert result.exit_code == 0 and set(M.Person.objects.values_list("name", flat=True)) == {"New Text", "Old Text"}


@pytest.mark.django_db
def test_unknown_document_backend_and_missing_llm_url_are_one_line_errors(scripted, settings):
    settings.LLM_URL = ""
    for args, message in (
        (["extract", "--document", "nope"], "no such document: nope"),
        (["extract", "--backend", "magic"], "unknown backend 'magic'"),
        (["extract", "--backend", "llm"], "TAWTHIQ_LLM_URL"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and message in output(result)
        assert isinstance(result.exception, SystemExit)


@pytest.mark.django_db
def test_export_writes_one_file_per_current_document_and_a_single_file(scripted, tmp_path):
    make_doc("a", "Amir Sabbagh left his unit.", title="Fictional A", language="en")
    make_doc("b", "Jamil Taan crossed the border.")
    make_doc("secret", "Hidden Person was here.", protected=True)
    runner.invoke(app, ["extract"])
    result = runner.invoke(app, ["export", "--format", "extraction-json", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 protected documents left out" in output(result)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.json", "b.json"]
    record = json.loads((tmp_path / "out" / "a.json").read_text())
    assert record["document"]["id"] == "a" and record["document"]["title"] == "Fictional A"
    assert [p["name"] for p in record["persons"]] == ["Amir Sabbagh"]
    ev = record["persons"][0]["evidence"][0]
    assert "Amir Sabbagh left his unit."[ev["start"]:ev["end"]] == ev["quote"]

    result = runner.invoke(app, ["export", "--format", "extraction-json", "--out", str(tmp_path / "one"),
                                 "--single-file", "--document", "b", "--include-protected"])
    assert result.exit_code == 0, result.output
    records = json.loads((tmp_path / "one" / "extraction.json").read_text())
    assert [r["document"]["id"] for r in records] == ["b"]


@pytest.mark.django_db
def test_export_rejects_unknown_formats_and_unwritable_places(tmp_path):
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "unknown export format 'csv'" in output(result)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["export", "--format", "extraction-json", "--out", str(blocker / "sub")])
    assert result.exit_code == 1 and "cannot create the output directory" in output(result)
