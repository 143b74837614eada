"""`NO_SERVE=1 make demo` end to end: demo/build.sh in a throwaway data directory must
run every step and leave a store with documents, persons, events and claims, the
demo users and the protected testimony. Slow (the whole pipeline), kept in the suite
because it is the newcomer's first command."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _run(args, data_dir: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TAWTHIQ_")}
    environment.update(TAWTHIQ_DATA_DIR=str(data_dir), **env)
    return subprocess.run(args, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    built = _run(["bash", "demo/build.sh"], data_dir, NO_SERVE="1", DEMO_DATA_DIR=str(data_dir), TAWTHIQ_BIN=str(BIN))
    return data_dir, built


def test_every_step_works(demo_store):
    _, built = demo_store
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "failed: none" in built.stdout
    assert "demo-viewer" in built.stdout  # the logins are printed
    assert "Serving" not in built.stderr  # NO_SERVE=1 never serves


def test_store_holds_the_demo(demo_store):
    data_dir, _ = demo_store
    stats = _run([str(BIN / "tawthiq"), "stats", "--json"], data_dir)
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["documents"] == 5
    assert counts["documents_by_language"].get("ar") == 1
    assert counts["protected_documents"] == 1
    for key in ("persons", "events", "claims", "evidence"):
        assert counts[key] > 0, key
    # Resolution ran: the same captain appears in three reports under two spellings.
    assert counts["persons_canonical"] < counts["persons"]


def test_rebuild_starts_from_a_fresh_database(demo_store):
    data_dir, _ = demo_store
    again = _run(["bash", "demo/build.sh"], data_dir, NO_SERVE="1", DEMO_DATA_DIR=str(data_dir), TAWTHIQ_BIN=str(BIN))
    assert again.returncode == 0, again.stderr[-3000:]
    counts = json.loads(_run([str(BIN / "tawthiq"), "stats", "--json"], data_dir).stdout)
    assert counts["documents"] == 5 and counts["document_versions"] == 5  # not re-ingested on top


def test_refuses_to_empty_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("not the demo's")
    refused = _run(["bash", "demo/build.sh"], tmp_path, NO_SERVE="1", DEMO_DATA_DIR=str(tmp_path), TAWTHIQ_BIN=str(BIN))
    assert refused.returncode != 0
    assert "not made by the demo" in refused.stderr
    assert precious.read_text() == "not the demo's"
