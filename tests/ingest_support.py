"""Helpers for the ingestion, search and PostgreSQL tests: build small files of every
kind we read, and run the real `tawthiq` command in a subprocess."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a real text layer (Helvetica, ASCII text)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("After the table.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run_cli(*args: str, database_url: str | None = None, data_dir: Path | None = None,
            prefix: tuple[str, ...] = (), timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m tawthiq.cli ARGS` with its own database; returns the completed process.
    prefix: a command to run it under (e.g. setpriv to drop root's file-permission override)."""
    env = dict(os.environ)
    env.pop("TAWTHIQ_DATABASE_URL", None)
    if database_url:
        env["TAWTHIQ_DATABASE_URL"] = database_url
    if data_dir:
        env["TAWTHIQ_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tawthiq.cli", *args], env=env, capture_output=True, text=True,
        timeout=timeout,
    )


SEARCH_SCRIPT = """
import json, sys
from tawthiq.runtime import setup
setup()
from tawthiq.store.search import search_documents
print(json.dumps({q: [h.document.doc_id for h in search_documents(q)] for q in json.loads(sys.argv[1])}))
"""


def search_many(queries: list[str], database_url: str, data_dir: Path) -> dict[str, list[str]]:
    """Document ids found for each query, with search_documents in one subprocess on that database."""
    env = dict(os.environ, TAWTHIQ_DATABASE_URL=database_url, TAWTHIQ_DATA_DIR=str(data_dir))
    result = subprocess.run([sys.executable, "-c", SEARCH_SCRIPT, json.dumps(queries)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def stats_json(**kwargs) -> dict:
    result = run_cli("stats", "--json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
