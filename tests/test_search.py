"""Search: Arabic spelling variants and Latin accents fold together; snippets show the original."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.ingest.pipeline import ingest_paths
from tawthiq.store.models import Document
from tawthiq.store.search import _folded_with_map, fold_fast, parse_query, search_documents
from tawthiq.text import fold

ARABIC_DOC = (
    "تقرير تجريبي مختلق (fictional). قال الشاهد إنّ المسؤول أحمد المثال نُقل إلى مستشفى المدينة، "
    "ثم إلى مدرسة قديمة قرب إدلب حيث بقي أشهراً."
)
LATIN_DOC = "A fictional report: the unit moved from Ḥamāh to Dûma, then to the Café Élysée checkpoint."


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "arabic.txt").write_text(ARABIC_DOC, encoding="utf-8")
    (tmp_path / "latin.txt").write_text(LATIN_DOC, encoding="utf-8")
    (tmp_path / "other.txt").write_text("An unrelated fictional note about the weather.", encoding="utf-8")
    report = ingest_paths([tmp_path])
    assert report.counts["new"] == 3
    return tmp_path


def _ids(hits):
    return [hit.document.doc_id for hit in hits]


def _highlighted(hit):
    return [hit.snippet_text[s:e] for s, e in hit.highlights]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, original",
    [
        ("احمد", "أحمد"),  # hamza on alef dropped
        ("إحمد", "أحمد"),  # hamza below instead of above
        ("أَحْمَد", "أحمد"),  # with harakat
        ("احـــمد", "أحمد"),  # with tatweel
        ("مستشفي", "مستشفى"),  # ya for alef maqsura
        ("مدرسه", "مدرسة"),  # ha for ta marbuta
        ("ادلب", "إدلب"),
        ("المسوول", "المسؤول"),  # waw for hamza on waw
        ("ان", "إنّ"),  # shadda in the text
    ],
)
def test_arabic_found_whatever_the_alef_hamza_ya_ta_marbuta_spelling(corpus, query, original):
    hits = search_documents(query)
    assert _ids(hits) == ["arabic"]
    assert original in _highlighted(hits[0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, original",
    [("hamah", "Ḥamāh"), ("HAMAH", "Ḥamāh"), ("duma", "Dûma"), ("cafe elysee", "Élysée"), ("Dûma", "Dûma")],
)
def test_latin_found_without_diacritics_and_case(corpus, query, original):
    hits = search_documents(query)
    assert _ids(hits) == ["latin"]
    assert original in _highlighted(hits[0])
    assert "<mark>" + original + "</mark>" in hits[0].snippet_html


@pytest.mark.django_db
def test_all_words_must_match_and_prefixes_need_a_star(corpus):
    assert _ids(search_documents("hamah weather")) == []
    assert _ids(search_documents("checkpoint")) == ["latin"]
    assert _ids(search_documents("check")) == []
    assert _ids(search_documents("check*")) == ["latin"]
    assert set(_ids(search_documents("fictional"))) == {"arabic", "latin", "other"}
    assert len(search_documents("fictional", limit=2)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ['"', "'", "NEAR(hamah", "hamah OR", "AND", "*", "col:hamah", "hamah\"); DROP TABLE x; --", "^duma",
              "(", "a -b", "\\", "%", "ـ", "َ"],
)
def test_query_syntax_cannot_be_injected(corpus, query):
    hits = search_documents(query)  # never raises
    for term in parse_query(query):
        assert re.fullmatch(r"\w+", term.word) and "_" not in term.word
    assert all(isinstance(hit.rank, float) for hit in hits)
    assert Document.objects.count() == 3


@pytest.mark.django_db
def test_restricting_to_a_queryset_or_ids_and_old_versions_are_not_searched(corpus):
    arabic = Document.objects.get(doc_id="arabic")
    assert set(_ids(search_documents("fictional", queryset=Document.objects.exclude(doc_id="latin")))) == {
        "arabic", "other"}
    assert _ids(search_documents("المثال", document_ids=[arabic.pk])) == ["arabic"]
    assert _ids(search_documents("المثال", document_ids=[])) == []
    (corpus / "latin.txt").write_text("A fictional report, corrected: nothing about that town now.")
    ingest_paths([corpus / "latin.txt"])
    assert _ids(search_documents("hamah")) == []
    assert _ids(search_documents("corrected")) == ["latin"]


@pytest.mark.django_db
def test_snippet_is_a_window_of_the_original_text_around_the_match(tmp_path):
    filler = " ".join(["word"] * 400)
    (tmp_path / "long.txt").write_text(f"{filler} the Ḥamāh report {filler} Ḥamāh again", encoding="utf-8")
    ingest_paths([tmp_path])
    [hit] = search_documents("hamah")
    assert hit.snippet_text.startswith("…") and hit.snippet_text.endswith("…")
    assert len(hit.snippet_text) < 300
    assert _highlighted(hit) == ["Ḥamāh"]
    assert "the Ḥamāh report" in hit.snippet_text


@pytest.mark.django_db
def test_cli_search_prints_id_title_and_snippet(corpus):
    result = CliRunner().invoke(app, ["search", "hamah"])
    assert result.exit_code == 0, result.output
    assert "latin" in result.output and "Ḥamāh" in result.output
    assert CliRunner().invoke(app, ["search", "nothingmatches"]).output.strip() == "no matching documents"
    empty = CliRunner().invoke(app, ["search", "«»"])
    assert empty.exit_code == 1 and "no words" in empty.output
    reindex = CliRunner().invoke(app, ["search", "--reindex", "duma"])
    assert reindex.exit_code == 0 and "rebuilt: 3" in reindex.output and "Dûma" in reindex.output


TEXT = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآؤئةىًٌٍَُِّْـﻻﻷ ") + list("aéÉḤāûÖsſßİ ,.-\n")),
    max_size=60,
) | st.text(max_size=60)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_folding_one_character_at_a_time_equals_folding_the_text(text):
    """Snippet offsets and the fast indexing fold rely on this: folding is per character."""
    folded, offsets = _folded_with_map(text)
    assert folded == fold(text) == fold_fast(text)
    assert len(offsets) == len(folded) + 1
    assert offsets == sorted(offsets)
