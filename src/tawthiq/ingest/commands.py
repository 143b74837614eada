"""Command-line entry points of this stage (registered in tawthiq.cli)."""

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from tawthiq.console import console, err_console, fail, open_store

SUMMARY_ORDER = ("new", "new version", "restored", "unchanged", "failed")


def _size(value: str) -> int:
    """'20MB', '500k', '1048576' -> bytes."""
    text = value.strip().lower().removesuffix("b")
    factor = {"k": 1024, "m": 1024**2, "g": 1024**3}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    try:
        size = int(float(number) * factor)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a size (e.g. 20MB, 500k, 1048576)") from None
    if size <= 0:
        raise typer.BadParameter("the size limit must be positive")
    return size


def _partial_date(value: str) -> bool:
    import datetime as dt

    padded = {4: "-01-01", 7: "-01", 10: ""}.get(len(value))
    if padded is None:
        return False
    try:
        dt.date.fromisoformat(value + padded)
    except ValueError:
        return False
    return True


def ingest(
    paths: Annotated[
        list[Path],
        # readable=False: unreadable paths are reported per file by the pipeline, not as a usage error
        typer.Argument(help="Files and folders (folders are read recursively).", readable=False),
    ],
    title: Annotated[Optional[str], typer.Option(help="Title (wins over the sidecar).")] = None,
    publisher: Annotated[Optional[str], typer.Option(help="Publisher, stored as a source.")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date, YYYY[-MM[-DD]].")] = None,
    url: Annotated[Optional[str], typer.Option(help="Where the document was found.")] = None,
    language: Annotated[Optional[str], typer.Option(help="Language code (detected when absent).")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--id", help="Document id (one file only; default: file stem).")] = None,
    max_size: Annotated[
        Optional[str], typer.Option("--max-size", help="Refuse files larger than this (default 20MB).")
    ] = None,
) -> None:
    """Read .txt .md .html .pdf .docx files into the store; NAME.meta.json beside a file gives its metadata."""
    limit = _size(max_size) if max_size else None
    if language is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,4})?", language.strip()):
        fail(f"--language {language!r} is not a language code such as ar or en")
    if published is not None and not _partial_date(published.strip()):
        fail(f"--published {published!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
    open_store()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.markup import escape
    from rich.table import Table

    from tawthiq.ingest.pipeline import ingest_paths

    overrides = {"title": title, "publisher": publisher, "published": published, "url": url,
                 "language": language, "id": doc_id}
    with Progress(
        TextColumn("[bold]ingest[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[file]}"),
        TimeRemainingColumn(), console=err_console, transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None, file="")

        def progress(result, done, total):
            if result.status == "failed":
                bar.console.print(
                    f"[bold red]error:[/] {escape(result.path)}: {escape(result.message)}", highlight=False, soft_wrap=True
                )
            if done:
                bar.update(task, total=total, completed=done, file=Path(result.path).name[-40:])

        try:
            report = ingest_paths(paths, overrides, limit, progress=progress)
        except ValueError as exc:
            fail(str(exc))
    if report.skipped:
        kinds = sorted({Path(p).suffix.lower() or "(no extension)" for p in report.skipped})
        err_console.print(
            f"note: skipped {len(report.skipped)} file(s) of unsupported type ({', '.join(kinds)})", highlight=False
        )
    counts = report.counts
    table = Table(title="Ingested", show_edge=False)
    table.add_column("result")
    table.add_column("files", justify="right")
    for status in SUMMARY_ORDER:
        if counts.get(status) or status in ("new", "new version", "unchanged", "failed"):
            table.add_row(status, str(counts.get(status, 0)), style="red" if status == "failed" and counts[status] else None)
    console.print(table)
    if report.failed:
        raise typer.Exit(1)
