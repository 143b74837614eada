"""The real rules backend through `tawthiq extract` / `tawthiq export`.

End-to-end on the shared seeds the way the project is measured (a throwaway database,
ingest, extract, export, score_extraction.py), and awkward inputs on the test database.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app
from tawthiq.store import models as M

if not hasattr(pytest.importorskip("tawthiq.extract.rules"), "extract_document"):
    pytest.skip("the rules backend is not in place yet", allow_module_level=True)

SCORER = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "score_extraction.py"
TAWTHIQ = Path(sys.executable).parent / "tawthiq"

# Fictional.
STORY = (
    "Major Yazan Kharrat, 41, from the fictional village of Beit Sawsan, defected from the 61st Brigade "
    "in May 2012 and reached Jordan a week later.\n\n"
    "His brother Nader Kharrat was arrested by Air Force Intelligence in 2013; his fate is still unknown.\n\n"
    "A local monitor says more than 250 soldiers from the district defected that year."
)


def run(args, env):
    done = subprocess.run([str(TAWTHIQ), *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"tawthiq {args[0]}: {done.stderr[-2000:]}"
    return done


@pytest.mark.slow
def test_seeds_through_ingest_extract_export_meet_the_quality_bar(seeds_dir, tmp_path):
    if not SCORER.exists():
        pytest.skip(f"scorer not found at {SCORER}")
    env = {**os.environ, "TAWTHIQ_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
           "TAWTHIQ_DATA_DIR": str(tmp_path)}
    run(["ingest", str(seeds_dir)], env)
    run(["extract"], env)
    run(["export", "--format", "extraction-json", "--out", str(tmp_path / "out")], env)
    files = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert files == sorted(p.name for p in (seeds_dir / "gold").glob("*.json"))
    for path in (tmp_path / "out").glob("*.json"):
        record = json.loads(path.read_text())
        text = (seeds_dir / f"{path.stem}.txt").read_text(encoding="utf-8")
        for kind in ("persons", "events", "claims"):
            for item in record[kind]:
                assert item["evidence"], f"{path.stem} {item['id']} has no evidence"
                for ev in item["evidence"]:
                    assert text[ev["start"]:ev["end"]] == ev["quote"]
    scored = subprocess.run([sys.executable, str(SCORER), str(seeds_dir / "gold"), str(tmp_path / "out"), "--json"],
                            capture_output=True, text=True, check=True)
    scores = json.loads(scored.stdout)
    assert scores["missing"] == []
    assert scores["macro_f1"] >= 0.75, scores
    assert scores["persons"]["f1"] >= 0.90, scores
    assert scores["claims"]["f1"] >= 0.80, scores

    # A second run over the same store adds nothing.
    again = run(["extract", "--force"], env)
    assert "added" in again.stdout
    run(["export", "--format", "extraction-json", "--out", str(tmp_path / "out2")], env)
    for path in (tmp_path / "out").glob("*.json"):
        assert json.loads(path.read_text()) == json.loads((tmp_path / "out2" / path.name).read_text())


def make_doc(doc_id, text, **kw):
    return M.Document.objects.create(doc_id=doc_id, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), **kw)


@pytest.mark.django_db
def test_rules_through_the_store_give_verbatim_evidence_and_survive_awkward_input(tmp_path):
    import datetime as dt

    make_doc("story", STORY, published=dt.date(2014, 1, 10), language="en")
    make_doc("empty", "")
    make_doc("arabic", "انشق الرائد عن اللواء في أيار ٢٠١٢ ووصل إلى الأردن.", language="ar")
    make_doc("long", "\n\n".join([STORY] * 400))
    result = CliRunner().invoke(app, ["extract"])
    assert result.exit_code == 0, result.output
    story = M.Document.objects.get(doc_id="story")
    assert story.persons.exists() and M.Document.objects.filter(extracted_at__isnull=True).count() == 0
    for ev in M.Evidence.objects.select_related("document"):
        assert ev.document.text[ev.start:ev.end] == ev.quote
    counts = {d: M.Person.objects.filter(document__doc_id=d).count() for d in ("story", "long")}
    assert counts["long"] <= 2 * counts["story"] + 2  # the same people, not one record per repetition

    before = {m: m.objects.count() for m in (M.Person, M.Event, M.Claim, M.Evidence, M.PersonName)}
    assert CliRunner().invoke(app, ["extract", "--force"]).exit_code == 0
    assert {m: m.objects.count() for m in before} == before
    assert CliRunner().invoke(app, ["export", "--format", "extraction-json", "--out", str(tmp_path)]).exit_code == 0
    assert json.loads((tmp_path / "empty.json").read_text())["persons"] == []
