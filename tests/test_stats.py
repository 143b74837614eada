"""`tawthiq stats` reports what the store holds, as tables or as one JSON object."""

import json
import os

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.ingest.pipeline import ingest_paths
from tawthiq.store import models as M

pytestmark = pytest.mark.django_db


def _stats() -> dict:
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_empty_store_has_zero_of_everything():
    data = _stats()
    for key in ("documents", "persons", "organizations", "events", "claims"):
        assert data[key] == 0 and isinstance(data[key], int)


def test_counts_follow_the_store(tmp_path):
    (tmp_path / "a.txt").write_text("Fictional first document.")
    (tmp_path / "b.txt").write_text("وثيقة تجريبية ثانية.")
    ingest_paths([tmp_path])
    (tmp_path / "a.txt").write_text("Fictional first document, second version.")
    ingest_paths([tmp_path / "a.txt"], {"publisher": "Example Monitor"})
    doc = M.Document.objects.get(doc_id="b")
    first = M.Person.objects.create(document=doc, local_id="p1", name="مثال")
    M.Person.objects.create(document=doc, local_id="p2", name="Example", canonical=first, review_state="confirmed")
    M.Organization.objects.create(name="Example Brigade", normalized_name="example brigade")
    M.Event.objects.create(document=doc, type="defection")
    M.Event.objects.create(document=doc, type="defection", review_state="rejected")
    M.Event.objects.create(document=doc, type="arrest")
    M.Claim.objects.create(document=doc, quantity=12, category="defection")

    data = _stats()
    assert data["documents"] == 2 and data["document_versions"] == 3
    assert data["documents_by_language"] == {"ar": 1, "en": 1}
    assert data["sources"] == 1
    assert (data["persons"], data["persons_canonical"]) == (2, 1)
    assert (data["organizations"], data["events"], data["claims"]) == (1, 3, 1)
    assert data["events_by_type"] == {"arrest": 1, "defection": 2}
    assert data["review_states"]["persons"] == {"confirmed": 1, "suggested": 1}
    assert data["review_states"]["events"] == {"rejected": 1, "suggested": 2}


def test_table_output_names_the_counts(tmp_path):
    (tmp_path / "a.txt").write_text("Fictional document.")
    ingest_paths([tmp_path])
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 0
    lines = {line.split("│")[0].strip(): line.split("│")[-1].strip() for line in result.output.splitlines() if "│" in line}
    assert lines["documents"] == "1" and lines["persons"] == "0"


@pytest.mark.parametrize("url", ["mysql://user@127.0.0.1/db", "not a url", "postgresql://"])
def test_an_unusable_database_url_is_one_line_not_a_traceback(url, tmp_path):
    import subprocess
    import sys

    env = dict(os.environ, TAWTHIQ_DATABASE_URL=url, TAWTHIQ_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "tawthiq.cli", "stats"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error:" in done.stderr
