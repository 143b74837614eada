"""Crash safety: `tawthiq ingest` killed with SIGKILL in the middle of a batch leaves
every stored document whole (row, history, search index) and no partial one, and
running it again completes the batch."""

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tawthiq.devtools.fakedocs import write_corpus
from tawthiq.store.search import index_text

FILES = 600


def _query_sqlite(path: Path):
    def query(sql, params=()):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    return query


def _query_postgres(url: str):
    import psycopg

    def query(sql, params=()):
        with psycopg.connect(url) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()

    return query


def _count(query) -> int:
    try:
        return query("SELECT count(*) FROM store_document")[0][0]
    except Exception:  # tables not migrated yet, database file not created yet
        return 0


def _ingest(corpus: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tawthiq.cli", "ingest", str(corpus)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_mid_batch(corpus: Path, env: dict, query) -> int:
    process = _ingest(corpus, env)
    deadline = time.monotonic() + 240
    while _count(query) < 40:
        assert process.poll() is None, f"ingest ended before it could be killed: {process.communicate()}"
        assert time.monotonic() < deadline, "ingest too slow to reach 40 documents"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    return _count(query)


def _check_whole(query, vendor: str, corpus_files: dict[str, str]) -> int:
    rows = query("SELECT id, doc_id, text, sha256, version, is_current FROM store_document")
    for pk, doc_id, text, sha, version, is_current in rows:
        assert text == corpus_files[doc_id], f"{doc_id} stored partially or altered"
        assert sha == hashlib.sha256(text.encode()).hexdigest()
        assert (version, bool(is_current)) == (1, True)
        if vendor == "sqlite":
            assert query("SELECT body FROM store_document_fts WHERE rowid = ?", (pk,)) == [(index_text(text),)]
    history = query("SELECT count(*) FROM store_historicaldocument")[0][0]
    table = "store_document_fts" if vendor == "sqlite" else "store_document_search"
    indexed = query(f"SELECT count(*) FROM {table}")[0][0]
    assert history == indexed == len(rows), "history or index rows without their document (or missing)"
    if vendor == "sqlite":
        assert query("PRAGMA integrity_check") == [("ok",)]
    return len(rows)


@pytest.mark.slow
@pytest.mark.parametrize("vendor", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_mid_batch_leaves_whole_documents_and_rerun_completes(vendor, tmp_path, request):
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, FILES, size=8000, seed=7)
    corpus_files = {path.stem: path.read_text(encoding="utf-8").strip() for path in paths}
    env = dict(os.environ, TAWTHIQ_DATA_DIR=str(tmp_path / "data"))
    if vendor == "sqlite":
        env.pop("TAWTHIQ_DATABASE_URL", None)
        query = _query_sqlite(tmp_path / "data" / "tawthiq.sqlite3")
    else:
        env["TAWTHIQ_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        query = _query_postgres(env["TAWTHIQ_DATABASE_URL"])

    stored = _kill_mid_batch(corpus, env, query)
    assert 40 <= stored < FILES, "the kill should land in the middle of the batch"
    assert _check_whole(query, vendor, corpus_files) == stored

    process = _ingest(corpus, env)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    assert _check_whole(query, vendor, corpus_files) == FILES
    summary = {cells[0].strip(): cells[1].strip() for cells in (line.split("│") for line in out.splitlines())
               if len(cells) == 2}
    assert summary["new"] == str(FILES - stored) and summary["unchanged"] == str(stored)
