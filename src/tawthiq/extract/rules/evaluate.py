"""Run the rules extractor on a folder of documents and score it against gold files.

usage: python -m tawthiq.extract.rules.evaluate DOCS_DIR [GOLD_DIR] [--out DIR] [--scorer PATH]

DOCS_DIR holds <id>.txt with optional <id>.meta.json (title, publisher, published,
language); GOLD_DIR (default DOCS_DIR/gold) holds <id>.json gold records. The records
are written to --out (default a temporary folder) and scored with
shared/tools/score_extraction.py (found next to the project, or given with --scorer).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .extractor import extract_document

DEFAULT_SCORER = Path(__file__).resolve().parents[5] / "shared" / "tools" / "score_extraction.py"


def run(docs: Path, out: Path) -> int:
    """Extract every <id>.txt of `docs` into `out`/<id>.json; returns the number of documents."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(docs.glob("*.txt")):
        doc_id = path.stem
        meta_path = path.with_name(doc_id + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        record = extract_document(path.read_text(encoding="utf-8"), document_id=doc_id,
                                  published=meta.get("published"), language=meta.get("language"),
                                  title=meta.get("title"), publisher=meta.get("publisher"))
        (out / f"{doc_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        count += 1
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=Path)
    parser.add_argument("gold", type=Path, nargs="?")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--json", action="store_true", help="print the scorer's JSON")
    args = parser.parse_args(argv)
    gold = args.gold or args.docs / "gold"
    if not args.docs.is_dir() or not gold.is_dir():
        print(f"error: {args.docs} or {gold} is not a folder", file=sys.stderr)
        return 2
    if not args.scorer.exists():
        print(f"error: scorer not found at {args.scorer} (use --scorer)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        run(args.docs, out)
        command = [sys.executable, str(args.scorer), str(gold), str(out), "--json" if args.json else "--verbose"]
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
