"""Extraction benchmark: quality through the real CLI path, speed of the rules backend on one core.

(a) quality: ingest -> extract -> export into a throwaway database, scored with
    shared/tools/score_extraction.py, on the shared seeds and on the project's own
    fictional annotated sets (demo/corpus, demo/annotated);
(b) speed: documents/s and words/s of the rules backend, pinned to one core, on generated
    fictional ~1,500-word articles (and, for a second figure, on the seeds read at run time);
(c) long documents: 250 KB, 500 KB and 1 MB texts through extraction and the store, to
    show time linear in the length.

Writes benchmarks/results/extract.json and extract.md. Timings share the machine with
whatever else runs: read them as indicative.

usage: python benchmarks/bench_extract.py [--quick]
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
RESULTS = ROOT / "benchmarks" / "results"
TAWTHIQ = Path(sys.executable).parent / "tawthiq"
SETS = {
    "seeds": (SHARED / "corpus" / "seeds", SHARED / "corpus" / "seeds" / "gold"),
    "demo-corpus": (ROOT / "demo" / "corpus", ROOT / "demo" / "corpus" / "gold"),
    "demo-annotated": (ROOT / "demo" / "annotated", ROOT / "demo" / "annotated" / "gold"),
}
GOALS = {"macro_f1": 0.75, "persons_f1": 0.90, "claims_f1": 0.80, "docs_per_s": 50}

# Fictional paragraphs in the genre of the reports (every name, unit and figure invented).
# {A} {B} {C} are person names, {U} a unit, {T} a town, {Y} a year; filled per article.
PARAGRAPHS = [
    "First Lieutenant {A}, 29, from {T}, defected from the {U} in March {Y} after his unit was ordered "
    "to fire on protesters. He crossed into Turkey two weeks later and joined the Free Syrian Army.",
    "According to the fictional {T} Documentation Office, more than 1,200 soldiers and officers from the "
    "governorate had defected by the end of {Y}, and at least 300 of them were later arrested.",
    "{B}, a pseudonym used because his family still lives in {T}, said that Air Force Intelligence "
    "detained his brother in August {Y} at a checkpoint near the town. The family has heard nothing since.",
    "Captain {C} was killed in fighting near {T} in June {Y}, his relatives said. His body was handed over "
    "to the family three months later, after they paid 2,000 US dollars to an intermediary.",
    "The {U} had been stationed at {T} since April {Y}. Its commander, Brigadier General {A}, was promoted "
    "to major general the following year, according to a decree published by the ministry.",
    "Sergeant {B} told the monitor that he had tried to defect twice before he finally succeeded. "
    "\"They watched us all the time,\" he said. \"Anyone who spoke of leaving disappeared.\"",
    "In {Y}, after the reconciliation agreement, about 40 former defectors from {T} returned to their "
    "villages. Within a year, a local group recorded that 12 of them had been detained by the Military "
    "Security branch.",
    "The family of Warrant Officer {C} received a death notification from the military police in "
    "November {Y}. The notice said he had died of a heart attack in Sednaya prison.",
    "{A}'s house in {T} was seized by the security services in {Y}, relatives said, in what rights "
    "groups describe as a reprisal against the families of defectors.",
    "Tens of thousands of soldiers deserted or defected between 2011 and 2013, the monitor estimates, "
    "though it says the true figure cannot be known.",
    "Private {B} was conscripted in {Y} and served at a checkpoint on the road to {T}. He left his post "
    "one night in winter and walked for two days to reach an opposition area.",
    "Lieutenant Colonel {C}, who graduated from the Military Academy in Homs in 1998, announced his "
    "defection in a video recorded in {T} in July {Y}.",
]
# Context and analysis without named people: most of a real report reads like this.
BACKGROUND = [
    "The road into {T} passes olive groves and a row of shuttered shops. Residents say the market has not "
    "reopened since the checkpoint was set up, and that most young men now avoid the main road altogether.",
    "Rights groups have long argued that the settlement agreements offered little protection. The guarantees "
    "were verbal, they say, and nobody was ever named as responsible for keeping them.",
    "Those who stayed describe a life of waiting. Every summons to a security office is a risk, and every "
    "trip to the city means passing soldiers who may or may not have a list with their names on it.",
    "Researchers who track the issue caution that the numbers are incomplete. Many families do not report "
    "a detention for fear of making things worse, and some only come forward years later.",
    "\"Nobody trusts the papers they gave us,\" one resident said, asking not to be named. \"A paper does "
    "not stop a patrol at night.\"",
    "The reconciliation process in the south was presented as a model for the rest of the country. In "
    "practice, its terms varied from village to village and were renegotiated as the front lines moved.",
]
GIVEN = ["Rami", "Fadi", "Nabil", "Samir", "Ziad", "Hani", "Tarek", "Bassel", "Murad", "Iyad", "Khaled", "Wael"]
FAMILY = ["Darwish", "Haddad", "Mansour", "Shami", "Qasem", "Nahhas", "Salloum", "Atrash", "Zein", "Barakat"]
UNITS = ["56th Brigade", "3rd Armoured Division", "121st Regiment", "9th Battalion", "22nd Brigade"]
TOWNS = ["Tell Warda", "Kafr Nadim", "Ain Sahra", "Deir Jamal", "Qasr Zaytoun"]


def fictional_article(rng: random.Random, words: int = 1500) -> str:
    """Paragraphs of the genre with fresh fictional names until the article has `words` words."""
    out, count = [], 0
    while count < words:
        para = rng.choice(PARAGRAPHS if rng.random() < 0.6 else BACKGROUND).format(
            A=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", B=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            C=f"{rng.choice(GIVEN)} al-{rng.choice(FAMILY)}", U=rng.choice(UNITS), T=rng.choice(TOWNS),
            Y=rng.randint(2011, 2020),
        )
        out.append(para)
        count += len(para.split())
    return "\n\n".join(out)


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return f"pinned to CPU {min(os.sched_getaffinity(0))}"
    except (AttributeError, OSError):
        return "not pinned (single process)"


# -- (a) quality ------------------------------------------------------------------------

def run_cli(args: list[str], env: dict) -> None:
    done = subprocess.run([str(TAWTHIQ), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"tawthiq {' '.join(args)} failed: {done.stderr.strip()[-500:]}")


def score_set(docs: Path, gold: Path) -> dict:
    """Ingest, extract and export the set's documents in a throwaway database; score against gold."""
    with tempfile.TemporaryDirectory(prefix="tawthiq-bench-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "TAWTHIQ_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
               "TAWTHIQ_DATA_DIR": str(tmp)}
        inputs = tmp / "docs"
        inputs.mkdir()
        stems = []
        for text in sorted(docs.glob("*.txt")):
            if (gold / f"{text.stem}.json").exists():
                stems.append(text.stem)
                shutil.copy(text, inputs)
                meta = text.with_suffix(".meta.json")
                if meta.exists():
                    shutil.copy(meta, inputs)
        gold_used = tmp / "gold"
        gold_used.mkdir()
        for stem in stems:  # gold files whose document is not there yet are left out
            shutil.copy(gold / f"{stem}.json", gold_used)
        started = time.perf_counter()
        run_cli(["ingest", str(inputs)], env)
        run_cli(["extract"], env)
        run_cli(["export", "--format", "extraction-json", "--out", str(tmp / "out")], env)
        elapsed = time.perf_counter() - started
        scored = subprocess.run([sys.executable, str(SCORER), str(gold_used), str(tmp / "out"), "--json"],
                                capture_output=True, text=True, check=True)
        scores = json.loads(scored.stdout)
        scores["cli_seconds"] = round(elapsed, 2)
        return scores


# -- (b) and (c) speed ---------------------------------------------------------------------

def docs_per_second(extract, texts: list[str], min_seconds: float = 3.0) -> dict:
    for text in texts[:3]:
        extract(text, document_id="warm-up")
    runs = docs = words = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while time.perf_counter() - started < min_seconds or runs == 0:
        for i, text in enumerate(texts):
            extract(text, document_id=f"bench-{i}")
            docs += 1
            words += len(text.split())
        runs += 1
    elapsed = time.perf_counter() - started
    # CPU time of this process: what one core costs, whatever else the machine is running.
    cpu = time.process_time() - cpu_started
    return {"documents": docs, "seconds": round(elapsed, 3), "cpu_seconds": round(cpu, 3),
            "docs_per_s": round(docs / elapsed, 1), "words_per_s": round(words / elapsed),
            "cpu_docs_per_s": round(docs / cpu, 1), "cpu_words_per_s": round(words / cpu),
            "mean_words": round(words / docs),
            "mean_items": round(sum(sum(_items(extract(t, document_id="count")).values()) for t in texts) / len(texts), 1)}


def long_documents(extract, sizes_kb) -> list[dict]:
    """Extraction and storing time of one long fictional document per size."""
    from tawthiq.store import models as M
    from tawthiq.store.extraction import save_extraction

    rng = random.Random(7)
    rows = []
    for size in sizes_kb:
        parts, length = [], 0
        while length < size * 1024:
            parts.append(fictional_article(rng, 1500))
            length += len(parts[-1]) + 2
        text = "\n\n".join(parts)[: size * 1024]
        started = time.perf_counter()
        result = extract(text, document_id=f"long-{size}")
        extracted = time.perf_counter() - started
        document = M.Document.objects.create(doc_id=f"long-{size}", text=text, sha256=f"{size:064d}")
        started = time.perf_counter()
        save_extraction(document, result, "rules")
        saved = time.perf_counter() - started
        started = time.perf_counter()
        save_extraction(document, result, "rules")  # the re-run: everything found by fingerprint
        resaved = time.perf_counter() - started
        rows.append({
            "kb": size, "words": len(text.split()), "extract_s": round(extracted, 3), "save_s": round(saved, 3),
            "rerun_save_s": round(resaved, 3), "items": sum(len(result.get(k) or []) for k in
                                                           ("persons", "organizations", "events", "claims")),
            "extract_s_per_mb": round(extracted / (size / 1024), 3),
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter timing runs")
    args = parser.parse_args()
    out: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                 "note": "shared machine, other jobs running: timings are indicative", "goals": GOALS,
                 "load_average_at_start": [round(x, 1) for x in os.getloadavg()]}

    quality = {}
    for name, (docs, gold) in SETS.items():
        if not SCORER.exists() or not gold.is_dir():
            quality[name] = {"skipped": f"{gold if gold.is_dir() else docs} or the scorer not found"}
            continue
        print(f"quality: {name} ...", flush=True)
        quality[name] = score_set(docs, gold)
    out["quality"] = quality

    os.environ["TAWTHIQ_DATA_DIR"] = tempfile.mkdtemp(prefix="tawthiq-bench-")
    os.environ.pop("TAWTHIQ_DATABASE_URL", None)
    out["cpu"] = pin_to_one_core()
    from tawthiq.extract.rules import extract_document
    from tawthiq.runtime import setup

    rng = random.Random(42)
    articles = [fictional_article(rng) for _ in range(50)]
    seconds = 1.0 if args.quick else 5.0
    print("speed: fictional articles ...", flush=True)
    speed = {"fictional_1500_words": docs_per_second(extract_document, articles, seconds)}
    seeds = sorted((SHARED / "corpus" / "seeds").glob("*.txt"))
    if seeds:
        print("speed: seeds ...", flush=True)
        speed["seeds"] = docs_per_second(extract_document, [p.read_text(encoding="utf-8") for p in seeds], seconds)
    out["speed"] = speed

    print("long documents ...", flush=True)
    setup()
    out["long_documents"] = long_documents(extract_document, [250, 500, 1024])
    out["edge_cases"] = {
        "empty": _items(extract_document("", document_id="empty")),
        "arabic_only": _items(extract_document("انشق النقيب عن الفرقة في آذار ٢٠١٢.", document_id="ar")),
    }

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "extract.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "extract.md").write_text(markdown(out))
    print(markdown(out))
    return 0


def _items(result: dict) -> dict:
    return {k: len(result.get(k) or []) for k in ("persons", "organizations", "events", "claims")}


def markdown(out: dict) -> str:
    lines = ["# Extraction benchmark", "", f"{out['machine']}; {out['cpu']}. {out['note']} "
             f"(load average at start: {', '.join(map(str, out['load_average_at_start']))}).", "",
             "## Quality (score_extraction.py, through ingest -> extract -> export)", "",
             "| set | docs | persons F1 | organizations F1 | events F1 | claims F1 | macro F1 |",
             "|---|---|---|---|---|---|---|"]
    for name, q in out["quality"].items():
        if "skipped" in q:
            lines.append(f"| {name} | skipped: {q['skipped']} | | | | | |")
            continue
        lines.append(f"| {name} | {q['documents']} | " + " | ".join(
            f"{q[k]['f1']:.3f}" for k in ("persons", "organizations", "events", "claims")) + f" | {q['macro_f1']:.3f} |")
    lines += ["", f"Goals on the seeds: macro F1 >= {GOALS['macro_f1']}, persons F1 >= {GOALS['persons_f1']}, "
              f"claims F1 >= {GOALS['claims_f1']}.", "", "## Speed of the rules backend (one core)", "",
              "| texts | documents | mean words | mean items | docs/s (wall) | words/s (wall) | docs/s (CPU) "
              "| words/s (CPU) |", "|---|---|---|---|---|---|---|---|"]
    for name, s in out["speed"].items():
        lines.append(f"| {name} | {s['documents']} | {s['mean_words']} | {s['mean_items']} | {s['docs_per_s']} | "
                     f"{s['words_per_s']} | "
                     f"{s['cpu_docs_per_s']} | {s['cpu_words_per_s']} |")
    lines += ["", f"Goal: at least {GOALS['docs_per_s']} documents/s on ~1,500-word articles. Wall-clock figures",
              "count the time other jobs took the core from us; CPU figures are what the work itself costs.", "",
              "## Long documents (extraction, then storing, then the re-run's storing)", "",
              "| size | words | items | extract s | s per MB | save s | re-run save s |", "|---|---|---|---|---|---|---|"]
    for row in out["long_documents"]:
        lines.append(f"| {row['kb']} KB | {row['words']} | {row['items']} | {row['extract_s']} | "
                     f"{row['extract_s_per_mb']} | {row['save_s']} | {row['rerun_save_s']} |")
    lines += ["", f"Edge cases (items found): empty {out['edge_cases']['empty']}, "
              f"Arabic only {out['edge_cases']['arabic_only']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
