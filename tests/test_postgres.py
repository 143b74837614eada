"""The store on PostgreSQL: the real CLI (migrations, ingestion, full-text search, stats)
against a throwaway loopback server started by the tests."""

import json

import pytest

from ingest_support import run_cli, search_many, stats_json

pytestmark = pytest.mark.postgres


def _summary(stdout: str) -> dict[str, int]:
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.replace("┃", "│").split("│")]
        if len(cells) == 2 and cells[1].isdigit():
            rows[cells[0]] = int(cells[1])
    return rows


def test_seed_corpus_on_postgres(postgres_url, seeds_dir, tmp_path):
    first = run_cli("ingest", str(seeds_dir), database_url=postgres_url, data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert _summary(first.stdout)["new"] == 5
    again = run_cli("ingest", str(seeds_dir), database_url=postgres_url, data_dir=tmp_path)
    assert _summary(again.stdout)["unchanged"] == 5
    assert stats_json(database_url=postgres_url, data_dir=tmp_path)["documents"] == 5


def test_ingest_versions_search_and_stats_on_postgres(postgres_url, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ar.txt").write_bytes("قال الشاهد إنّ المسؤول أحمد المثال نُقل إلى مستشفى قرب إدلب.".encode("cp1256"))
    (corpus / "lat.txt").write_text("A fictional unit moved from Ḥamāh to Dûma.", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    env = {"database_url": postgres_url, "data_dir": tmp_path}

    result = run_cli("ingest", str(corpus), **env)
    assert result.returncode == 1
    assert f"error: {corpus / 'empty.txt'}: empty file" in result.stderr.splitlines()
    assert _summary(result.stdout) == {"new": 2, "new version": 0, "unchanged": 0, "failed": 1}

    queries = {"احمد": ["ar"], "المسوول": ["ar"], "مستشفي": ["ar"], "ادلب": ["ar"], "hamah": ["lat"],
               "DUMA": ["lat"], "fict*": ["lat"], "weather": [], "'; DROP TABLE store_document; --": [],
               "a:* & !b | (c": []}
    assert search_many(list(queries), **env) == queries
    found = run_cli("search", "hamah", **env)
    assert found.returncode == 0 and "│ lat " in found.stdout and "Ḥamāh" in found.stdout

    (corpus / "lat.txt").write_text("A fictional unit, report corrected: it stayed put.", encoding="utf-8")
    (corpus / "empty.txt").unlink()
    second = run_cli("ingest", str(corpus), **env)
    assert second.returncode == 0, second.stderr
    assert _summary(second.stdout) == {"new": 0, "new version": 1, "unchanged": 1, "failed": 0}
    assert search_many(["hamah", "corrected"], **env) == {"hamah": [], "corrected": ["lat"]}

    stats = stats_json(**env)
    assert (stats["documents"], stats["document_versions"]) == (2, 3)
    assert stats["documents_by_language"] == {"ar": 1, "en": 1}
    assert json.loads(run_cli("stats", "--json", **env).stdout)["claims"] == 0
