"""extract -> re-extract -> export on PostgreSQL (bulk creation with history, stale removal).

A throwaway loopback server started by the tests; texts are fictional.
"""

import json

import pytest

from ingest_support import run_cli

pytestmark = pytest.mark.postgres

STORY = (
    "Major Yazan Kharrat, 41, from the fictional village of Beit Sawsan, defected from the 61st Brigade "
    "in May 2012 and reached Jordan a week later.\n\n"
    "His brother Nader Kharrat was arrested by Air Force Intelligence in 2013; his fate is still unknown.\n\n"
    "A local monitor says more than 250 soldiers from the district defected that year."
)


def test_extract_and_export_on_postgres(postgres_url, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text(STORY, encoding="utf-8")
    (corpus / "story.meta.json").write_text(json.dumps({"published": "2014-01-10", "language": "en"}))
    (corpus / "long.txt").write_text("\n\n".join([STORY] * 200), encoding="utf-8")
    env = {"database_url": postgres_url, "data_dir": tmp_path}
    assert run_cli("ingest", str(corpus), **env).returncode == 0

    first = run_cli("extract", **env)
    assert first.returncode == 0, first.stderr
    run_cli("export", "--format", "extraction-json", "--out", str(tmp_path / "one"), **env)
    again = run_cli("extract", "--force", **env)
    assert again.returncode == 0, again.stderr
    run_cli("export", "--format", "extraction-json", "--out", str(tmp_path / "two"), **env)

    for name in ("story.json", "long.json"):
        one = json.loads((tmp_path / "one" / name).read_text())
        assert one == json.loads((tmp_path / "two" / name).read_text())  # nothing duplicated or lost
        text = (corpus / name.replace(".json", ".txt")).read_text(encoding="utf-8")
        for kind in ("persons", "events", "claims"):
            for item in one[kind]:
                assert all(text[ev["start"]:ev["end"]] == ev["quote"] for ev in item["evidence"])
    story = json.loads((tmp_path / "one" / "story.json").read_text())
    assert story["persons"] and story["document"]["published"] == "2014-01-10"
