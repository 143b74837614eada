"""Command-line entry points of this stage (registered in tawthiq.cli)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from tawthiq.console import console, err_console, fail, open_store
from tawthiq.resolve.linkage import DEFAULT_THRESHOLD


def link(
    input: Annotated[str, typer.Option("--input", "-i", help="CSV list of persons to deduplicate.")],
    output: Annotated[str, typer.Option("--output", "-o", help="CSV to write: the input plus cluster_id, match_probability.")],
    id_column: Annotated[str | None, typer.Option(help="Column with record ids (default: line numbers).")] = None,
    name_column: Annotated[str, typer.Option(help="Column with the person's name.")] = "name",
    rank_column: Annotated[str | None, typer.Option(help="Column with the military rank.")] = None,
    birth_year_column: Annotated[str | None, typer.Option(help="Column with the year (or date) of birth.")] = None,
    origin_column: Annotated[str | None, typer.Option(help="Column with the place of origin.")] = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Same person when the match probability reaches this.")
    ] = DEFAULT_THRESHOLD,
    backend: Annotated[str, typer.Option(help="Linkage engine: duckdb, or spark for very large lists.")] = "duckdb",
    train: Annotated[bool, typer.Option(help="Estimate the model from the list (else the declared priors).")] = True,
) -> None:
    """Deduplicate an external list: every row comes out, in input order, with the
    cluster (person) it belongs to and its match probability to the rest of the cluster.
    Name-only lists work; other columns are kept as they are."""
    from tawthiq.resolve.lists import ListError, read_list

    if id_column is None and _has_column(input, "id"):
        id_column = "id"
    optional = {"rank": rank_column, "birth_year": birth_year_column, "origin": origin_column}
    try:
        people = read_list(input, id_column=id_column,
                           required=[name_column] + [c for c in optional.values() if c])
    except ListError as exc:
        fail(str(exc))
    records = _link_records_from_rows(people.rows, name_column, optional, people.warnings)
    for warning in people.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    result = _run_linkage(records, threshold, backend, train)
    _write_link_output(output, people, result)
    _print_link_summary(people, result, output)


def _has_column(path: str, column: str) -> bool:
    from tawthiq.resolve.lists import ListError, read_list

    try:
        return column in read_list(path, id_column=None, required=[]).columns
    except ListError:
        return False  # read_list in link() reports the problem


def _link_records_from_rows(rows, name_column: str, optional: dict, warnings: list[str]) -> list[dict]:
    records = []
    for row in rows:
        name = row.values.get(name_column, "")
        if not name.strip():
            warnings.append(f"line {row.line}: empty name, the row is kept as a person of its own")
        record = {"id": row.id, "name": name}
        record.update({field: row.values.get(col) or None for field, col in optional.items() if col})
        records.append(record)
    return records


def _run_linkage(records: list[dict], threshold: float, backend: str, train: bool):
    from tawthiq.resolve.linkage import LinkageError, link_records

    named = [r for r in records if str(r["name"]).strip()]
    try:
        with console.status("linking…") as status:
            result = link_records(named, threshold=threshold, backend=backend, train=train,
                                  on_step=lambda message: status.update(f"linking: {message}"))
    except LinkageError as exc:
        fail(str(exc))
    for record in records:  # empty names: persons of their own
        result.clusters.setdefault(record["id"], record["id"])
        result.cluster_probability.setdefault(record["id"], None)
    return result


def _write_link_output(output: str, people, result) -> None:
    import csv

    columns = people.columns + [c for c in ("cluster_id", "match_probability") if c not in people.columns]
    try:
        with open(output, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in people.rows:
                probability = result.cluster_probability.get(row.id)
                values = dict(row.values, cluster_id=result.clusters[row.id],
                              match_probability="" if probability is None else f"{probability:.4f}")
                writer.writerow([values.get(c, "") for c in columns])
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def _print_link_summary(people, result, output: str) -> None:
    from collections import Counter

    from rich.table import Table

    sizes = Counter(result.clusters.values())
    table = Table(title="link", show_header=False)
    table.add_row("rows", str(len(people.rows)))
    table.add_row("encoding", people.encoding)
    table.add_row("persons (clusters)", str(len(sizes)))
    table.add_row("clusters with several rows", str(sum(1 for n in sizes.values() if n > 1)))
    table.add_row("largest cluster", str(max(sizes.values(), default=0)))
    table.add_row("model", "estimated from the list" if result.trained else "prior parameters (list too small)")
    table.add_row("warnings", str(len(people.warnings)))
    table.add_row("written to", output)
    console.print(table)


def import_list(
    file: Annotated[Path, typer.Argument(help="The list as CSV (UTF-8 or Windows-1256; , ; or tab separated).")],
    source: Annotated[str, typer.Option("--source", help="Who keeps the list (stored as a source of kind list).")],
    id_column: Annotated[Optional[str], typer.Option(help="Column with the row id (default: 'id' if present).")] = None,
    name_column: Annotated[Optional[str], typer.Option(help="Column with the name (default: 'name').")] = None,
    rank_column: Annotated[Optional[str], typer.Option(help="Column with the rank (default: 'rank' if present).")] = None,
    birth_year_column: Annotated[
        Optional[str], typer.Option(help="Column with the birth year (default: 'birth_year' if present).")
    ] = None,
    origin_column: Annotated[Optional[str], typer.Option(help="Column with the origin (default: 'origin' if present).")] = None,
    protected: Annotated[bool, typer.Option("--protected", help="Protect the list and every record made from it.")] = False,
) -> None:
    """Import a documentation group's list: every row becomes a person record that `tawthiq resolve` links.

    Re-importing the same file does nothing; a changed file updates rows by id and keeps
    what reviewers decided.
    """
    open_store()
    from rich.table import Table

    from tawthiq.resolve.lists import ListError
    from tawthiq.store.imports import import_person_list

    columns = {"id": id_column, "name": name_column, "rank": rank_column, "birth_year": birth_year_column,
               "origin": origin_column}
    try:
        with err_console.status(f"importing {file.name}"):
            report = import_person_list(file, source, columns=columns, protected=protected)
    except ListError as exc:
        fail(str(exc))
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {file.name}: {warning}", highlight=False)
    if report.status == "unchanged":
        console.print(f"{file.name}: already imported under {report.source!r}, nothing to do")
        return
    table = Table(title=f"{file.name} -> {report.source} ({report.status}, {report.encoding})")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("rows read", report.rows), ("records added", report.added), ("records updated", report.updated),
        ("records unchanged", report.unchanged), ("rows without a record (see warnings)", report.skipped),
        ("earlier records not in this file (kept)", report.kept_missing), ("warnings", len(report.warnings)),
    ):
        table.add_row(label, str(value))
    console.print(table)
    console.print("run `tawthiq resolve` to link the new records to known persons")


def resolve(
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Link two records when the model's probability reaches this.")
    ] = DEFAULT_THRESHOLD,
    backend: Annotated[str, typer.Option(help="Linkage engine: duckdb or spark.")] = "duckdb",
) -> None:
    """Link the person records of all documents and imported lists into canonical persons.

    Reviewers' decisions (same / different person) always override the model; they are
    never deleted. Pairs worth a look are stored for the duplicates page.
    """
    if backend not in ("duckdb", "spark"):
        fail(f"unknown backend {backend!r} (duckdb or spark)")
    open_store()
    from rich.table import Table

    from tawthiq.store.resolution import resolve_all

    with err_console.status("resolving") as status:
        try:
            report = resolve_all(threshold=threshold, backend=backend, progress=status.update)
        except ImportError as exc:
            fail(f"the {backend} backend is not available: {exc}")
        except Exception as exc:  # one line, never a traceback; the store is left as it was
            fail(f"resolve failed, nothing was changed: {type(exc).__name__}: {exc}")
    table = Table(title="resolve")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("person records", report.records),
        ("canonical persons", report.canonical_persons),
        ("merged clusters (2+ records)", report.merged_clusters),
        ("reviewer decisions applied", report.decisions_applied),
        ("model links refused by decisions", report.edges_blocked),
        ("records re-linked in this run", report.relinked),
        ("match candidates stored", report.candidates),
    ):
        table.add_row(label, str(value))
    console.print(table)
    for left, right in report.conflicts:
        err_console.print(
            f"[yellow]warning:[/] decision 'same' on records {left} and {right} contradicts 'different' "
            "decisions in their clusters; not applied",
            highlight=False,
        )
