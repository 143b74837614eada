"""The fictional demo and evaluation corpus (demo/corpus, demo/annotated) stays usable as
gold: every file is marked fictional, every gold file follows the extraction format and
its vocabulary, every quote is verbatim in its document, and every id it refers to exists.
A gold file that drifts from its text would silently skew every extraction score."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import NAMES, REPO_ROOT, SEEDS
from tawthiq import vocabulary as V

CORPORA = [REPO_ROOT / "demo" / "corpus", REPO_ROOT / "demo" / "annotated"]
TEXTS = sorted(p for corpus in CORPORA for p in corpus.glob("*.txt"))
NOTICE = "Fictional sample report written for the Tawthiq demo."
ARABIC_NOTICE = "عيّنة خيالية"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _gold_path(text_path: Path) -> Path:
    return text_path.parent / "gold" / f"{text_path.stem}.json"


def _meta(text_path: Path) -> dict:
    return json.loads(text_path.with_name(f"{text_path.stem}.meta.json").read_text(encoding="utf-8"))


PER_DOCUMENT = [pytest.param(p, id=p.stem) for p in TEXTS]


def test_corpus_is_there():
    """Five demo reports (one in Arabic) and at least three more annotated ones."""
    demo = [p for p in TEXTS if p.parent.name == "corpus"]
    annotated = [p for p in TEXTS if p.parent.name == "annotated"]
    assert len(demo) >= 5 and len(annotated) >= 3
    assert any(_meta(p)["language"] == "ar" for p in demo)


@pytest.mark.parametrize("text_path", PER_DOCUMENT)
def test_document_is_marked_fictional_and_has_sidecar_and_gold(text_path):
    text = text_path.read_text(encoding="utf-8")
    head = "\n".join(text.splitlines()[:3])
    assert NOTICE in head
    meta = _meta(text_path)
    if meta["language"] == "ar":
        assert ARABIC_NOTICE in head
    assert DATE.match(meta["published"]) and meta["url"].startswith("https://example.org/")
    assert meta["title"] and meta["publisher"]
    assert _gold_path(text_path).is_file()


@pytest.mark.parametrize("text_path", PER_DOCUMENT)
def test_gold_follows_the_extraction_format(text_path):
    gold = json.loads(_gold_path(text_path).read_text(encoding="utf-8"))
    meta = _meta(text_path)
    assert gold["format"] == V.EXTRACTION_FORMAT
    doc = gold["document"]
    assert doc["id"] == text_path.stem
    assert (doc["title"], doc["publisher"], doc["published"], doc["language"]) == (
        meta["title"], meta["publisher"], meta["published"], meta["language"])

    ids = [x["id"] for key in ("persons", "organizations", "events", "claims") for x in gold[key]]
    assert len(ids) == len(set(ids)), "duplicate ids"
    persons = {p["id"] for p in gold["persons"]}
    orgs = {o["id"] for o in gold["organizations"]}
    assert persons and gold["events"]

    for p in gold["persons"]:
        assert p["name"].strip()
        assert p["rank"] is None or p["rank"] in V.RANKS, p
        assert p["age"] is None or 14 <= p["age"] <= 90, p
        assert p["pseudonym"] in (True, False, None)
        assert p["roles"] and set(p["roles"]) <= set(V.PERSON_ROLES), p
    for o in gold["organizations"]:
        assert o["kind"] in V.ORGANIZATION_KINDS, o
        assert o["side"] is None or o["side"] in V.SIDES, o
        assert o["parent"] is None or o["parent"] in orgs, o
    for e in gold["events"]:
        assert e["type"] in V.EVENT_TYPES, e
        assert set(e["subjects"]) <= persons, e
        assert set(e["agents"]) <= persons | orgs, e
        for key in ("date", "date_end"):
            assert e[key] is None or DATE.match(e[key]), e
        if e["type"] == "death":
            assert e["manner"] in V.DEATH_MANNERS, e
        else:
            assert e["manner"] is None, e
    for c in gold["claims"]:
        assert c["category"] in V.EVENT_TYPES, c
        assert c["qualifier"] in V.CLAIM_QUALIFIERS, c
        assert isinstance(c["quantity"], int) and c["quantity"] > 0, c
        assert c["quantity_high"] is None or c["quantity_high"] > c["quantity"], c
        for key in ("period_start", "period_end"):
            assert c[key] is None or DATE.match(c[key]), c
        assert c["attributed_to"], c


@pytest.mark.parametrize("text_path", PER_DOCUMENT)
def test_every_quote_is_verbatim(text_path):
    text = text_path.read_text(encoding="utf-8")
    gold = json.loads(_gold_path(text_path).read_text(encoding="utf-8"))
    for key in ("persons", "events", "claims"):
        for item in gold[key]:
            assert item["evidence"], f"{item['id']} has no evidence"
            for ev in item["evidence"]:
                assert ev["quote"] in text, f"{item['id']}: {ev['quote']!r}"
                if "start" in ev:
                    assert text[ev["start"]:ev["end"]] == ev["quote"], item["id"]


def _name_key(name: str) -> str:
    """The scorer's normalisation: no diacritics, punctuation, articles or case."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).lower().replace("-", " ")
    words = re.sub(r"[^\w\s]", " ", name).split()
    return " ".join(w for w in words if w not in ("al", "el"))


def test_no_real_names_in_the_fictional_corpus():
    """People at risk are real: no demo name may be a spelling from the sanctions-list
    clusters or a person named in the real seed articles."""
    if not (NAMES / "clusters.jsonl").is_file() or not (SEEDS / "gold").is_dir():
        pytest.skip(f"shared name corpus or seeds not found under {NAMES.parent}")
    real = set()
    for line in (NAMES / "clusters.jsonl").read_text(encoding="utf-8").splitlines():
        real.update(_name_key(n) for n in json.loads(line)["names"])
    for path in (SEEDS / "gold").glob("*.json"):
        for p in json.loads(path.read_text(encoding="utf-8"))["persons"]:
            real.update(_name_key(n) for n in [p["name"], *p["aliases"]])
    for text_path in TEXTS:
        gold = json.loads(_gold_path(text_path).read_text(encoding="utf-8"))
        for p in gold["persons"]:
            for name in [p["name"], *p["aliases"]]:
                assert _name_key(name) not in real, f"{text_path.stem}: {name}"
