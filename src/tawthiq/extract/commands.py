"""Command-line entry points of this stage (registered in tawthiq.cli): `extract` and `export`."""

import json
from pathlib import Path

import typer

from tawthiq.console import console, err_console, fail, open_store

# Heavier imports wait inside the commands: `tawthiq --help` stays fast.
BACKENDS = ("rules", "llm")
EXPORT_FORMATS = ("extraction-json",)
COLUMNS = ("added", "updated", "unchanged", "kept", "removed", "invalid")


def _selected_documents(ids: list[str] | None, all_versions: bool):
    """The documents named (all current ones when none are), or fail naming the unknown ids."""
    from tawthiq.store.models import Document

    documents = Document.objects.all() if all_versions else Document.objects.filter(is_current=True)
    if ids:
        documents = documents.filter(doc_id__in=ids)
        missing = sorted(set(ids) - set(documents.values_list("doc_id", flat=True)))
        if missing:
            fail(f"no such document: {', '.join(missing)}")
    return documents.select_related("publisher").order_by("doc_id", "-version")


def extract(
    backend: str = typer.Option("rules", "--backend", help=f"Extractor: {' or '.join(BACKENDS)}."),
    document: list[str] = typer.Option(None, "--document", help="Only this document id (repeatable); always re-extracted."),
    all_versions: bool = typer.Option(False, "--all-versions", help="Also earlier versions of the documents."),
    force: bool = typer.Option(False, "--force", help="Re-extract documents that were extracted before."),
    send_protected: bool = typer.Option(
        False, "--send-protected", help="Also send protected documents to the LLM endpoint (default: rules only)."),
) -> None:
    """Extract persons, organisations, events and claims from the ingested documents as suggestions.

    By default only documents not extracted yet are read. Re-running never duplicates a
    suggestion and never changes anything a reviewer confirmed, corrected or rejected.
    """
    if backend not in BACKENDS:
        fail(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    open_store()
    from django.conf import settings
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from tawthiq.extract.merge import KINDS
    from tawthiq.extract.run import BackendUnavailable, DocumentInput, get_backend, run_extraction
    from tawthiq.store.extraction import save_extraction
    from tawthiq.store.models import Document

    try:
        chosen = get_backend(backend, llm_url=settings.LLM_URL, llm_model=settings.LLM_MODEL, llm_key=settings.LLM_KEY,
                             send_protected=send_protected)
    except BackendUnavailable as exc:
        fail(str(exc))
    documents = _selected_documents(document, all_versions)
    if not (force or document):
        documents = documents.filter(extracted_at__isnull=True)
    # Keys first, each document read when its turn comes: saving while a read cursor is open
    # is not safe on SQLite, and a 1 MB text need not stay in memory longer than its run.
    pks = list(documents.values_list("pk", flat=True))
    total = len(pks)
    if not total:
        console.print("Nothing to extract: every selected document was extracted already (use --force to redo).")
        return

    def inputs():
        for pk in pks:
            doc = Document.objects.select_related("publisher").filter(pk=pk).first()
            if doc is None:  # deleted since the run started
                continue
            yield DocumentInput(
                doc_id=doc.doc_id, text=doc.text, published=doc.published, language=doc.language or None,
                title=doc.title or None, publisher=doc.publisher.name if doc.publisher_id else None,
                protected=doc.protected, ref=doc,
            )

    def save(doc: DocumentInput, result: dict, extractor: str):
        return save_extraction(doc.ref, result, extractor).counts

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(f"extract ({backend})", total=total)

        def on_done(doc: DocumentInput, error: str | None) -> None:
            if error:
                progress.console.print(f"[bold red]error:[/] {doc.doc_id}: {error}", highlight=False)
            progress.advance(task)

        try:
            summary = run_extraction(inputs(), chosen, save, on_done)
        except BackendUnavailable as exc:
            fail(f"{exc} (documents extracted before this stay saved)")

    table = Table(title=f"Extracted {summary.documents} of {total} documents ({backend})")
    table.add_column("", no_wrap=True)
    for column in COLUMNS:
        table.add_column(column if column != "kept" else "kept (reviewed)", justify="right")
    for kind in KINDS:
        table.add_row(kind, *(str(summary.counts[kind].get(column, 0)) for column in COLUMNS))
    console.print(table)
    if backend == "llm":
        console.print(f"LLM items dropped because a quote was not verbatim in the document: {summary.dropped}; "
                      f"outside the vocabulary or incomplete: {summary.invalid}")
        if summary.withheld:
            console.print(f"{summary.withheld} protected documents were not sent to the LLM (rules only; "
                          "--send-protected sends them)")
    if summary.failed:
        fail(f"{len(summary.failed)} of {total} documents failed (see the errors above)")


def export(
    format: str = typer.Option(..., "--format", help=f"Output format: {', '.join(EXPORT_FORMATS)}."),
    out: Path = typer.Option(..., "--out", help="Directory to write into (created when missing)."),
    document: list[str] = typer.Option(None, "--document", help="Only this document id (repeatable)."),
    single_file: bool = typer.Option(False, "--single-file", help="One JSON array in OUT/extraction.json."),
    include_protected: bool = typer.Option(False, "--include-protected", help="Also protected documents and persons."),
) -> None:
    """Write what the current documents say (reviewed values, rejected items left out) as OUT/<document id>.json."""
    if format not in EXPORT_FORMATS:
        fail(f"unknown export format {format!r} (available: {', '.join(EXPORT_FORMATS)})")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create the output directory {out}: {exc.strerror or exc}")
    open_store()
    from tawthiq.store.extraction import export_document

    documents = _selected_documents(document, all_versions=False)
    skipped = 0
    if not include_protected:
        skipped = documents.filter(protected=True).count()
        documents = documents.exclude(protected=True)
    records = []
    try:
        for doc in documents.defer("text"):
            record = export_document(doc, include_protected=include_protected)
            if single_file:
                records.append(record)
            else:
                (out / f"{_file_stem(doc.doc_id)}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
                records.append(None)
        if single_file:
            (out / "extraction.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write into {out}: {exc.strerror or exc}")
    where = out / "extraction.json" if single_file else out
    note = f" ({skipped} protected documents left out; --include-protected exports them)" if skipped else ""
    console.print(f"Exported {len(records)} documents to {where}{note}")


def _file_stem(doc_id: str) -> str:
    """The document id, made safe as a file name (ids come from file stems, so usually unchanged)."""
    return "".join(ch if ch.isalnum() or ch in "-_.() " else "_" for ch in doc_id).strip(". ") or "document"
