"""Person linkage on real spellings: ../shared/corpus/names/clusters.jsonl through `tawthiq link`.

Every spelling becomes one row of a name-only CSV (columns id, name; shuffled with a
fixed seed) that is run through the real CLI. The clusters it writes are scored with
B-cubed and pairwise precision/recall/F1, beside two baselines on the same rows:
exact match after lower-casing, and a plain Splink model (Jaro-Winkler on the raw
name) at its best threshold. The corpus only measures: nothing of it is in the linker.

A second, small set: the persons of the seed articles' gold files (names and aliases),
which the linker has never been tuned on. They are mostly different people; the set
shows whether common names make the linker merge different people.

Writes benchmarks/results/names_real.json and .md. Timings are noisy (shared machine).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tawthiq.resolve.linkage import DEFAULT_THRESHOLD, cluster_pairs, link_records
from tawthiq.resolve.metrics import bcubed_scores, pairwise_scores
from tawthiq.text import fold

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "benchmarks" / "results"
SEED = 20240503

# The plain baseline, declared in the same format as the linker's own model.
PLAIN_JW = [{
    "name": "raw_name",
    "description": "Jaro-Winkler on the raw lower-cased name",
    "levels": [
        {"kind": "null", "column": "name_raw"},
        {"kind": "jaro_winkler", "column": "name_raw", "threshold": 0.95, "label": "JW >= 0.95", "m": 0.5, "u": 0.001},
        {"kind": "jaro_winkler", "column": "name_raw", "threshold": 0.88, "label": "JW >= 0.88", "m": 0.3, "u": 0.01},
        {"kind": "jaro_winkler", "column": "name_raw", "threshold": 0.8, "label": "JW >= 0.8", "m": 0.15, "u": 0.1},
        {"kind": "else", "label": "JW < 0.8", "m": 0.05, "u": 0.889},
    ],
}]
PLAIN_BLOCKING = [{"columns": ["substr(name_raw, 1, 1)"]}]


def load_clusters(path: Path, sample: int | None = None) -> tuple[list[dict], dict[str, str]]:
    """Rows (id, name) in shuffled order and the true person of each row id."""
    persons = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(SEED)
    if sample is not None and sample < len(persons):
        persons = rng.sample(persons, sample)
    rows, truth = [], {}
    for person in persons:
        for i, name in enumerate(person["names"]):
            row_id = f"r{len(rows)}"
            rows.append({"id": row_id, "name": name})
            truth[row_id] = person["id"]
    rng.shuffle(rows)
    return rows, truth


def run_cli(rows: list[dict], *options: str) -> tuple[dict[str, str], float]:
    """Clusters from `tawthiq link` on a name-only CSV, and the wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "people.csv", Path(tmp) / "clusters.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name"])
            writer.writerows([r["id"], r["name"]] for r in rows)
        command = [sys.executable, "-m", "tawthiq.cli", "link", "--input", str(source), "--output", str(target)]
        command += list(options)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        with target.open(encoding="utf-8") as handle:
            out = list(csv.DictReader(handle))
    if len(out) != len(rows):
        raise SystemExit(f"link wrote {len(out)} rows for {len(rows)} input rows")
    return {r["id"]: r["cluster_id"] for r in out}, elapsed


def exact_baseline(rows: list[dict]) -> dict[str, str]:
    return {r["id"]: r["name"].strip().lower() for r in rows}


def plain_jw_baseline(rows: list[dict], truth: dict[str, str]) -> tuple[dict, dict]:
    """Plain Splink model, swept over thresholds: the runs with the best B-cubed F1 and
    with the best pairwise F1 (often not the same threshold)."""
    # Splink's usual prior (one duplicate per record), not tawthiq's estimated one.
    result = link_records(rows, threshold=0.01, comparisons=PLAIN_JW, blocking_rules=PLAIN_BLOCKING,
                          estimate_prior=False)
    index = {r["id"]: i for i, r in enumerate(rows)}
    weighted = [(index[p.left_id], index[p.right_id], p.match_weight) for p in result.pairs]
    weighted += [(b, a, w) for a, b, w in weighted]
    runs = []
    for threshold in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999):
        groups = cluster_pairs(len(rows), weighted, math.log2(threshold / (1 - threshold)), min_density=0.0)
        predicted = {rows[m]["id"]: g[0] for g in groups for m in g}
        runs.append(dict(score(truth, predicted), threshold=threshold))
    return (max(runs, key=lambda r: r["bcubed"]["f1"]), max(runs, key=lambda r: r["pairwise"]["f1"]))


def score(truth: dict, predicted: dict) -> dict:
    return {"bcubed": bcubed_scores(truth, predicted), "pairwise": pairwise_scores(truth, predicted),
            "clusters": len(set(predicted.values()))}


def seed_persons() -> tuple[list[dict], dict[str, str]] | None:
    """Names and aliases of the gold persons of the seed articles. The same folded name
    in two files is taken as one person (the gold has no cross-document identities)."""
    gold = SHARED / "seeds" / "gold"
    if not gold.is_dir():
        return None
    rows, truth, by_name = [], {}, {}
    for path in sorted(gold.glob("*.json")):
        for person in json.loads(path.read_text(encoding="utf-8")).get("persons", []):
            key = f"{path.stem}/{person['id']}"
            for name in [person["name"], *person.get("aliases", [])]:
                folded = fold(name).strip()
                if not folded:
                    continue
                person_key = by_name.setdefault(folded, key)
                row_id = f"s{len(rows)}"
                rows.append({"id": row_id, "name": name})
                truth[row_id] = person_key
    return rows, truth


def confusion(rows: list[dict], truth: dict, predicted: dict, limit: int = 15) -> dict:
    """Worst false merges (predicted clusters mixing people) and splits, for tuning."""
    names = {r["id"]: r["name"] for r in rows}
    groups: dict[str, list[str]] = {}
    for row_id, cluster in predicted.items():
        groups.setdefault(cluster, []).append(row_id)
    merges = sorted((g for g in groups.values() if len({truth[i] for i in g}) > 1), key=len, reverse=True)
    people: dict[str, list[str]] = {}
    for row_id, person in truth.items():
        people.setdefault(person, []).append(row_id)
    splits = sorted((g for g in people.values() if len({predicted[i] for i in g}) > 1), key=len, reverse=True)
    return {
        "false_merges": len(merges),
        "split_persons": len(splits),
        "worst_merges": [[names[i] for i in g][:12] for g in merges[:limit]],
        "worst_splits": [[names[i] for i in g][:12] for g in splits[:limit]],
    }


def fmt(scores: dict) -> str:
    b, p = scores["bcubed"], scores["pairwise"]
    return (f"{b['precision']:.3f} | {b['recall']:.3f} | **{b['f1']:.3f}** | "
            f"{p['precision']:.3f} | {p['recall']:.3f} | **{p['f1']:.3f}** | {scores['clusters']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="score only this many persons (quick runs)")
    parser.add_argument("--errors", action="store_true", help="print the worst merges and splits")
    args = parser.parse_args()
    path = SHARED / "names" / "clusters.jsonl"
    if not path.is_file():
        print(f"skipped: {path} not found")
        return 0
    rows, truth = load_clusters(path, args.sample)
    predicted, elapsed = run_cli(rows)
    ours = score(truth, predicted)
    priors_predicted, _ = run_cli(rows, "--no-train", "--threshold", "0.5")
    priors = score(truth, priors_predicted)
    exact = score(truth, exact_baseline(rows))
    plain, plain_pairwise = plain_jw_baseline(rows, truth)
    report = {
        "rows": len(rows), "persons": len(set(truth.values())), "seconds_link_cli": round(elapsed, 1),
        "tawthiq_link": ours, "tawthiq_link_priors_0.5": priors, "exact_lowercase": exact, "plain_splink_jw": plain,
        "plain_splink_jw_best_pairwise": plain_pairwise,
        "goals": {"bcubed_f1": 0.85, "pairwise_f1": 0.70},
        "confusion": confusion(rows, truth, predicted),
    }
    seeds = seed_persons()
    if seeds:
        seed_rows, seed_truth = seeds
        seed_predicted, _ = run_cli(seed_rows)
        report["seed_articles"] = dict(score(seed_truth, seed_predicted), rows=len(seed_rows),
                                       persons=len(set(seed_truth.values())),
                                       confusion=confusion(seed_rows, seed_truth, seed_predicted))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "names_real.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    lines = [
        "# Person linkage on real spellings",
        "",
        f"{report['rows']} spellings of {report['persons']} persons (sanctions lists, name-only CSV, "
        f"shuffled, seed {SEED}); `tawthiq link` took {report['seconds_link_cli']} s (shared machine: noisy).",
        "",
        "| method | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 | clusters |",
        "|---|---|---|---|---|---|---|---|",
        f"| tawthiq link (defaults: u estimated from the list, declared m, threshold {DEFAULT_THRESHOLD}) | {fmt(ours)} |",
        f"| tawthiq link --no-train --threshold 0.5 (declared priors) | {fmt(priors)} |",
        f"| exact match, lower-cased | {fmt(exact)} |",
        f"| plain Splink, Jaro-Winkler on raw names (best B3 threshold {plain['threshold']}) | {fmt(plain)} |",
        f"| plain Splink, Jaro-Winkler on raw names (best pairwise threshold {plain_pairwise['threshold']}) "
        f"| {fmt(plain_pairwise)} |",
        "",
        "Goals: B-cubed F1 >= 0.85, pairwise F1 >= 0.70. The issue's reference figures for plain "
        "Jaro-Winkler were B3 0.61 / pairwise 0.36. The plain baseline's thresholds are chosen on "
        "this set (an upper bound for it); tawthiq's are its defaults.",
    ]
    if seeds:
        s = report["seed_articles"]
        lines += [
            "", "## Persons of the seed articles (never used for tuning)", "",
            f"{s['rows']} names and aliases of {s['persons']} persons; mostly distinct people, so this "
            "measures false merges more than recall (the gold has only one alias).", "",
            "| B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 | clusters |", "|---|---|---|---|---|---|---|",
            f"| {fmt(s)} |",
        ]
    (RESULTS / "names_real.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    if args.errors:
        print(json.dumps(report["confusion"], indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
