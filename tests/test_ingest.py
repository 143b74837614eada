"""Ingestion: every file type, encodings, metadata, versions, and every kind of bad input."""

import codecs
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest_support import make_docx, make_pdf, run_cli, stats_json
from tawthiq.cli import app
from tawthiq.ingest.pipeline import ingest_paths
from tawthiq.store.models import Document, Source

ARABIC = "انشق النقيب عن الكتيبة في مدينة حماة بعد أشهر من الانتظار.\nوقال الشاهد إن الحاجز كان مغلقاً."

pytestmark = pytest.mark.django_db


def _by_status(report):
    out: dict[str, list[str]] = {}
    for result in report.results:
        out.setdefault(result.status, []).append(Path(result.path).name)
    return out


def test_seed_corpus_with_sidecars_then_again_is_unchanged(seeds_dir):
    report = ingest_paths([seeds_dir])
    assert report.counts["new"] == 5 and not report.failed
    assert Document.objects.count() == 5
    for sidecar in sorted(seeds_dir.glob("*.meta.json")):
        meta = json.loads(sidecar.read_text())
        stem = sidecar.name.removesuffix(".meta.json")
        document = Document.objects.get(doc_id=stem)
        assert document.title == meta["title"]
        assert document.language == meta["language"]
        assert (document.publisher.name if document.publisher else None) == meta["publisher"]
        if meta["published"]:
            assert document.published.isoformat() == meta["published"]
        extra = {k: v for k, v in meta.items() if k not in ("title", "publisher", "published", "url", "language")}
        assert document.metadata == extra
        assert document.text == (seeds_dir / f"{stem}.txt").read_text(encoding="utf-8").strip()
    again = ingest_paths([seeds_dir])
    assert again.counts["unchanged"] == 5 and not again.failed
    assert Document.objects.count() == 5


@pytest.mark.parametrize("codec", ["cp1256", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_arabic_text_in_every_encoding_is_stored_exactly(tmp_path, codec):
    path = tmp_path / "shahid.txt"
    path.write_bytes(ARABIC.encode(codec))
    report = ingest_paths([path])
    assert report.counts["new"] == 1, report.results
    document = Document.objects.get(doc_id="shahid")
    assert document.text == ARABIC
    assert document.language == "ar"
    expected = {"cp1256": "windows-1256", "utf-16": "utf-16"}.get(codec, codec)
    assert document.encoding == expected


def test_short_windows_1256_arabic_file(tmp_path):
    (tmp_path / "short.txt").write_bytes("في حمص".encode("cp1256"))
    ingest_paths([tmp_path])
    assert Document.objects.get(doc_id="short").text == "في حمص"


def test_latin1_and_windows_1252_text(tmp_path):
    text = "Le capitaine a quitté l'armée à Dûma — «témoin»"
    (tmp_path / "fr.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "latin.txt").write_bytes("Ça été déjà vu à Hamāh".replace("ā", "a").encode("latin-1"))
    report = ingest_paths([tmp_path])
    assert not report.failed
    assert Document.objects.get(doc_id="fr").text == text
    assert Document.objects.get(doc_id="fr").language == "fr"
    assert Document.objects.get(doc_id="latin").text == "Ça été déjà vu à Hamah"


def test_html_keeps_main_text_and_paragraphs_only(tmp_path):
    (tmp_path / "page.html").write_text(
        """<!doctype html><html><head><title>A fictional report</title>
        <style>p { color: red }</style><script>var secret = "script text";</script></head>
        <body><header>Site header</header><nav><a href="/">Home</a> <a href="/x">Menu item</a></nav>
        <main><h1>Fictional heading</h1><p>First   paragraph with <b>bold</b> words.</p>
        <p>Second paragraph.<br>Same paragraph, new line.</p><!-- a comment -->
        <ul><li>one</li><li>two</li></ul></main>
        <footer>Copyright footer</footer><script>more()</script></body></html>""",
        encoding="utf-8",
    )
    ingest_paths([tmp_path])
    document = Document.objects.get(doc_id="page")
    assert document.title == "A fictional report"
    assert document.original_type == "html"
    assert document.text == (
        "Fictional heading\n\nFirst paragraph with bold words.\n\n"
        "Second paragraph.\nSame paragraph, new line.\n\none\ntwo"
    )


def test_html_noise_classes_go_but_a_page_wrapper_with_such_a_class_stays(tmp_path):
    (tmp_path / "wrapped.html").write_text(
        """<html><body><div class="page has-sidebar">
        <div class="sidebar">Related links</div><div class="share-buttons">Share</div>
        <div class="story"><p>The fictional story itself, long enough to be most of the page text.</p></div>
        </div></body></html>""",
        encoding="utf-8",
    )
    ingest_paths([tmp_path])
    assert Document.objects.get(doc_id="wrapped").text == (
        "The fictional story itself, long enough to be most of the page text."
    )


def test_html_in_windows_1256_declared_by_meta(tmp_path):
    page = '<html><head><meta charset="windows-1256"></head><body><p>في حمص</p></body></html>'
    (tmp_path / "ar.htm").write_bytes(page.encode("cp1256"))
    ingest_paths([tmp_path])
    assert Document.objects.get(doc_id="ar").text == "في حمص"


def test_pdf_text_layer_and_docx_paragraphs_and_tables(tmp_path):
    (tmp_path / "statement.pdf").write_bytes(make_pdf(["Fictional captain left the unit in 2012.", "Second line."]))
    (tmp_path / "letter.docx").write_bytes(
        make_docx(["A fictional letter.", "Its second paragraph."], [["Unit", "Year"], ["Example brigade", "2013"]])
    )
    report = ingest_paths([tmp_path])
    assert report.counts["new"] == 2, report.results
    pdf = Document.objects.get(doc_id="statement")
    assert pdf.text == "Fictional captain left the unit in 2012.\nSecond line."
    assert pdf.original_type == "pdf" and pdf.language == "en"
    docx = Document.objects.get(doc_id="letter")
    assert docx.text == (
        "A fictional letter.\n\nIts second paragraph.\n\nUnit\tYear\nExample brigade\t2013\n\nAfter the table."
    )


def test_changed_file_is_a_new_version_and_the_old_one_is_kept(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("First version of a fictional report.")
    assert ingest_paths([path]).counts["new"] == 1
    path.write_text("Second version of a fictional report, corrected.")
    assert ingest_paths([path]).counts["new version"] == 1
    versions = list(Document.objects.filter(doc_id="report").order_by("version"))
    assert [(d.version, d.is_current) for d in versions] == [(1, False), (2, True)]
    assert versions[0].text == "First version of a fictional report."
    # Same text again: nothing new. Back to the first text: version 1 is current again.
    assert ingest_paths([path]).counts["unchanged"] == 1
    path.write_text("First version of a fictional report.")
    assert ingest_paths([path]).counts["restored"] == 1
    assert Document.objects.get(doc_id="report", is_current=True).version == 1
    assert Document.objects.filter(doc_id="report").count() == 2


def test_same_text_under_another_name_is_one_document(tmp_path):
    (tmp_path / "a.txt").write_text("Identical fictional text.")
    (tmp_path / "b.md").write_text("Identical fictional text.\r\n\r\n")
    report = ingest_paths([tmp_path])
    assert report.counts == {"new": 1, "unchanged": 1}
    assert Document.objects.count() == 1


def test_flags_win_over_sidecar_and_partial_dates_stay_raw(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("A fictional note about a checkpoint.")
    (tmp_path / "note.meta.json").write_text(json.dumps(
        {"title": "Sidecar title", "publisher": "Example Monitor", "published": "2013-08", "language": "en",
         "url": "https://example.org/n", "note": "extra key"}
    ))
    ingest_paths([path], {"title": "Flag title", "id": "custom-id"})
    document = Document.objects.get(doc_id="custom-id")
    assert document.title == "Flag title"
    assert document.publisher == Source.objects.get(name="Example Monitor")
    assert document.published is None
    assert document.metadata == {"note": "extra key", "published": "2013-08"}
    assert document.url == "https://example.org/n"


def test_same_stem_twice_in_one_batch_is_refused_for_the_second(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"Fictional text in {folder}.")
    report = ingest_paths([tmp_path])
    assert report.counts == {"new": 1, "failed": 1}
    assert "also the id of" in report.failed[0].message


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\t\n", "empty file"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "binary content"),
    "noise.txt": (bytes(range(0x80, 0x100)) * 8, "undecodable"),
    "big.txt": (b"fictional words " * 200, "file too large"),
    "broken.html": (b"<html><head><script>var a = 1;</script></head><body></body></html>", "no text found in the HTML"),
    "plain.html": (b"no markup in this file at all", "malformed HTML"),
    "broken.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "malformed PDF"),
    "scanned.pdf": (make_pdf([]), "no text layer"),
    "broken.docx": (b"PK\x03\x04 not really a zip archive", "malformed DOCX"),
    "bad-sidecar.txt": (b"Fictional text with a broken sidecar.", "not valid JSON"),
}


def test_every_bad_input_fails_alone_with_its_reason(tmp_path):
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "bad-sidecar.meta.json").write_text("{not json")
    (tmp_path / "good.txt").write_text("A good fictional file.")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    report = ingest_paths([tmp_path, tmp_path / "missing.txt"], max_bytes=2000)
    reasons = {Path(r.path).name: r.message for r in report.failed}
    for name, (_, reason) in BAD_INPUTS.items():
        assert reason in reasons.pop(name), (name, reasons)
    assert reasons == {"missing.txt": "no such file or directory", "pipe.txt": "not a regular file"}
    assert report.counts["new"] == 1
    assert list(Document.objects.values_list("doc_id", flat=True)) == ["good"]
    assert [Path(p).name for p in report.skipped] == ["photo.png"]


def test_cli_reports_each_failure_on_one_line_and_exits_non_zero(tmp_path):
    (tmp_path / "good.txt").write_text("A good fictional file.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_text("x" * 3000)
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--max-size", "2k"])
    assert result.exit_code == 1
    output = result.output
    assert "Traceback" not in output
    error_lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert sorted(error_lines) == [
        f"error: {tmp_path / 'big.txt'}: file too large (0.0 MB > limit 0.0 MB)",
        f"error: {tmp_path / 'empty.txt'}: empty file",
    ]
    assert Document.objects.filter(doc_id="good").exists()
    ok = CliRunner().invoke(app, ["ingest", str(tmp_path / "good.txt")])
    assert ok.exit_code == 0 and "unchanged" in ok.output


def test_cli_refuses_id_for_many_files_and_a_bad_size(tmp_path):
    (tmp_path / "a.txt").write_text("Fictional a.")
    (tmp_path / "b.txt").write_text("Fictional b.")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--id", "x"])
    assert result.exit_code == 1 and "--id names one document" in result.output
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--max-size", "lots"])
    assert result.exit_code != 0 and "not a size" in result.output
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.txt"), "--published", "2013-02-30"])
    assert result.exit_code == 1 and "not a date" in result.output
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.txt"), "--language", "English"])
    assert result.exit_code == 1 and "not a language code" in result.output
    assert not Document.objects.exists()


# Root reads any file; without these two capabilities it meets permissions like anyone.
NO_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")


def test_unreadable_file_and_folder_fail_with_permission_denied(tmp_path):
    """Real permission errors, also under root (CI), where the command runs without the override."""
    prefix = NO_OVERRIDE if os.geteuid() == 0 else ()
    if prefix and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    data_dir = tmp_path / "data"
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "readable.txt").write_text("A readable fictional file.")
    (corpus / "secret.txt").write_text("An unreadable fictional file.")
    (corpus / "locked" / "inner.txt").write_text("Inside a folder nobody may list.")
    (corpus / "secret.txt").chmod(0)
    (corpus / "locked").chmod(0)
    try:
        result = run_cli("ingest", str(corpus), str(corpus / "secret.txt"), data_dir=data_dir, prefix=prefix)
    finally:
        (corpus / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error:"))
    assert errors == [
        f"error: {corpus / 'locked'}: permission denied",
        f"error: {corpus / 'secret.txt'}: permission denied",
    ]
    assert "Traceback" not in result.stderr
    assert stats_json(data_dir=data_dir)["documents"] == 1
