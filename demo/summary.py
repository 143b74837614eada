"""Print a compact view of what `tawthiq export --format extraction-json` wrote: per
document, how many persons, events and claims were extracted next to the hand-made gold
counts, then a few example persons, events and claims. Used by demo/build.sh.

usage: python demo/summary.py EXPORT_DIR [--gold GOLD_DIR] [--examples N]
"""

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console()


def load(folder: Path) -> dict[str, dict]:
    """Extraction records by document id, from every *.json file (single records or arrays)."""
    records = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            records[record["document"]["id"]] = record
    return records


def counts_table(records: dict[str, dict], gold: dict[str, dict]) -> Table:
    table = Table(title="Extracted per document (gold annotation in brackets)")
    table.add_column("document", overflow="fold")
    table.add_column("lang")
    for key in ("persons", "organizations", "events", "claims"):
        table.add_column(key, justify="right")
    for doc_id, record in records.items():
        expected = gold.get(doc_id)
        cells = [
            f"{len(record[key])}" + (f" ({len(expected[key])})" if expected else "")
            for key in ("persons", "organizations", "events", "claims")
        ]
        table.add_row(doc_id, record["document"].get("language") or "", *cells)
    return table


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def examples(records: dict[str, dict], limit: int) -> list[Table]:
    """A few rows of each kind; `doc` is the document id up to its first underscore."""
    persons = Table(title="Some persons")
    for column in ("name", "rank", "age", "origin", "roles", "doc"):
        persons.add_column(column)
    events = Table(title="Some events")
    for column in ("type", "who", "date", "place", "evidence", "doc"):
        events.add_column(column)
    claims = Table(title="Some claims (figures attributed to a source)")
    for column in ("figure", "category", "population", "according to", "doc"):
        claims.add_column(column)

    def fits(table: Table) -> bool:
        return table.row_count < limit

    for doc_id, record in records.items():
        doc = doc_id.split("_")[0]
        names = {p["id"]: p["name"] for p in record["persons"]}
        # A few of each per document, so every document shows up.
        for p in record["persons"][:3]:
            if fits(persons):
                persons.add_row(_short(p["name"], 30), p.get("rank") or "", str(p.get("age") or ""),
                                p.get("origin") or "", ", ".join(p.get("roles") or []), doc)
        for e in record["events"][:3]:
            if fits(events):
                quote = e["evidence"][0]["quote"] if e.get("evidence") else ""
                events.add_row(e["type"], ", ".join(names.get(s, s) for s in e["subjects"]), e.get("date") or "",
                               _short(e.get("place"), 25), _short(quote, 45), doc)
        for c in record["claims"][:2]:
            if fits(claims):
                figure = f"{c.get('qualifier') or ''} {c['quantity']}" + (
                    f"-{c['quantity_high']}" if c.get("quantity_high") else "")
                claims.add_row(figure.strip(), c["category"], _short(c.get("population"), 40),
                               _short(c.get("attributed_to"), 30), doc)
    return [persons, events, claims]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--gold", type=Path, help="folder of gold extraction files to compare counts with")
    parser.add_argument("--examples", type=int, default=8, help="rows per example table")
    args = parser.parse_args()
    if not args.export_dir.is_dir():
        print(f"error: {args.export_dir} is not a folder", file=sys.stderr)
        return 1
    try:
        records = load(args.export_dir)
        gold = load(args.gold) if args.gold and args.gold.is_dir() else {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read the export: {exc}", file=sys.stderr)
        return 1
    if not records:
        print(f"error: no extraction records in {args.export_dir}", file=sys.stderr)
        return 1
    console.print(counts_table(records, gold))
    shown = [table for table in examples(records, args.examples) if table.row_count]
    if not shown:
        console.print("Nothing was extracted.")
    for table in shown:
        console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
