"""Importing a documentation group's list (CSV) as a source whose rows are person records.

Each row becomes a Person record of the list (`imported_list`, `local_id` = row id,
`list_row` = every column as read). Its review state is "confirmed" with extractor
"list": the record says exactly what the row says, nothing was guessed by a machine, so
it does not belong in the review queue; how far the list itself is to be believed is the
source's Admiralty grade, not the record's review state. A reviewer can still correct or
reject a row's record, and a later import never overwrites that.

Re-importing an unchanged file (same sha256) does nothing. A changed file under the same
source updates rows by id and adds new ones; rows missing from the new file are kept
(with a warning), so resolution decisions about them survive. Reading (encodings, columns,
duplicate ids) is `tawthiq.resolve.lists`; every problem is a warning naming its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tawthiq import vocabulary as V
from tawthiq.resolve.lists import ListError, read_list
from tawthiq.store import models as M
from tawthiq.text import fold, script_of

DEFAULT_COLUMNS = {"id": "id", "name": "name", "rank": "rank", "birth_year": "birth_year", "origin": "origin"}
FIELDS = ("name", "rank", "birth_year", "origin", "list_row", "protected")
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


@dataclass
class ImportReport:
    source: str
    status: str = "new"  # new | updated | unchanged
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows that could not become a record (each has a warning)
    kept_missing: int = 0  # records of an earlier version that are not in this file
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)


def normalise_rank(text: str) -> str | None:
    """The vocabulary term of a rank as written in English or Arabic ('Capt.', 'نقيب'), or None."""
    from tawthiq.extract.rules.gazetteers import WORD, key_of, load

    text = text.strip()
    if text.lower() in V.RANKS:
        return text.lower()
    lookup = load().lookup
    for candidate in (text, text.title()):
        entry = lookup.get(key_of(WORD.findall(candidate)))
        if entry is not None and entry.category == "rank":
            return entry.name
    return None


def parse_birth_year(text: str) -> int | None:
    """A four-digit year from '1985', '1985-03-02', '2/3/1985'; None when there is none or it is implausible."""
    years = YEAR.findall(text)
    if len(years) != 1:
        return None
    year = int(years[0])
    return year if 1900 <= year <= dt.date.today().year else None


def _columns(options: dict[str, str | None], header: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """Column per field: as given (then required), else the default name when the file has it."""
    chosen, required = {}, []
    for key, default in DEFAULT_COLUMNS.items():
        given = options.get(key)
        if given:
            chosen[key] = given
            required.append(given)
        else:
            chosen[key] = default if default in header else None
    if not chosen["name"]:
        chosen["name"] = "name"
        required.append("name")
    return chosen, required


def _fingerprint(source: M.Source, local_id: str) -> str:
    return hashlib.sha256(f"list\x00{source.pk}\x00{local_id}".encode()).hexdigest()


def import_person_list(
    path: Path | str,
    source_name: str,
    *,
    columns: dict[str, str | None] | None = None,
    protected: bool = False,
) -> ImportReport:
    """Store the list at `path` under the source `source_name` (created as kind "list").

    `columns` maps id / name / rank / birth_year / origin to column names of the file.
    Raises ListError (nothing stored) when the file cannot be read or a column is missing.
    """
    path = Path(path)
    source_name = source_name.strip()
    if not source_name:
        raise ListError("the source needs a name (--source)")
    options = columns or {}
    probe = read_list(path, id_column=None, required=[])  # the header, to pick default columns
    chosen, required = _columns(options, probe.columns)
    required = [c for c in required if c != chosen["id"]]
    person_list = read_list(path, id_column=chosen["id"], required=required) if chosen["id"] else probe
    if not chosen["id"]:
        probe.warnings.insert(0, "no id column: rows are identified by their line number, so a changed "
                                 "file should keep its row order (use --id-column)")
    missing = [c for c in required if c not in person_list.columns]
    if missing:
        raise ListError(f"{path}: missing column(s) {', '.join(map(repr, missing))}; "
                        f"the file has {', '.join(map(repr, person_list.columns))}")
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    report = ImportReport(source=source_name, rows=len(person_list.rows), encoding=person_list.encoding,
                          warnings=list(person_list.warnings))

    with transaction.atomic():
        source, _ = M.Source.objects.get_or_create(name=source_name, defaults={"kind": "list"})
        imported = source.lists.order_by("-imported_at", "-pk").first()
        if imported is not None and imported.sha256 == sha256:
            report.status = "unchanged"
            report.unchanged = imported.persons.count()
            report.warnings = []
            return report
        if imported is None:
            imported = M.ImportedList.objects.create(
                source=source, original_filename=path.name, sha256=sha256, columns=person_list.columns,
                protected=protected,
            )
        else:
            report.status = "updated"
            imported.original_filename, imported.sha256 = path.name, sha256
            imported.columns, imported.protected = person_list.columns, imported.protected or protected
            imported.save()
        _store_rows(imported, source, person_list.rows, chosen, report)
    return report


def _row_values(row, chosen: dict[str, str | None], report: ImportReport) -> dict | None:
    def cell(key: str) -> str:
        column = chosen.get(key)
        return row.values.get(column, "").strip() if column else ""

    name = " ".join(cell("name").split())[:300]
    if not name:
        report.skipped += 1
        report.warnings.append(f"line {row.line}: empty name, no person record made for row {row.id!r}")
        return None
    values = {"name": name, "rank": "", "birth_year": None, "origin": cell("origin")[:300], "list_row": row.values}
    if rank := cell("rank"):
        values["rank"] = normalise_rank(rank) or ""
        if not values["rank"]:
            report.warnings.append(f"line {row.line}: rank {rank!r} not recognised; kept in the row only")
    if year := cell("birth_year"):
        values["birth_year"] = parse_birth_year(year)
        if values["birth_year"] is None:
            report.warnings.append(f"line {row.line}: birth year {year!r} not understood; kept in the row only")
    return values


def _store_rows(imported: M.ImportedList, source: M.Source, rows, chosen, report: ImportReport) -> None:
    existing = {p.local_id: p for p in M.Person.objects.filter(imported_list__source=source)}
    new, changed = [], []
    seen = set()
    for row in rows:
        values = _row_values(row, chosen, report)
        seen.add(row.id)
        if values is None:
            continue
        values["protected"] = imported.protected
        person = existing.get(row.id)
        if person is None:
            person = M.Person(
                imported_list=imported, local_id=row.id[:50], extractor="list",
                review_state=M.ReviewState.CONFIRMED, fingerprint=_fingerprint(source, row.id), **values,
            )
            new.append(person)
            continue
        if person.review_state in (M.ReviewState.CORRECTED, M.ReviewState.REJECTED):
            # A reviewer's version stands; the new row is kept beside it.
            report.warnings.append(
                f"line {row.line}: record {row.id!r} was {person.review_state} by a reviewer; "
                "its fields are kept, the new row is stored in list_row"
            )
            values = {"list_row": values["list_row"]}
        differs = {k: v for k, v in values.items() if getattr(person, k) != v}
        if person.imported_list_id != imported.pk:
            differs["imported_list_id"] = imported.pk
        if differs:
            for key, value in differs.items():
                setattr(person, key, value)
            changed.append(person)
        else:
            report.unchanged += 1
    created = bulk_create_with_history(new, M.Person, batch_size=1000, default_change_reason="import-list")
    report.added = len(created)
    if changed:
        fields = sorted({*FIELDS, "imported_list"})
        bulk_update_with_history(changed, M.Person, fields, batch_size=1000, default_change_reason="import-list")
    report.updated = len(changed)
    report.kept_missing = sum(1 for local_id in existing if local_id not in seen)
    if report.kept_missing:
        report.warnings.append(
            f"{report.kept_missing} record(s) of the earlier version are not in this file; kept "
            "(delete them in the web app if the list withdrew them)"
        )
    # Every record's name is one of its PersonName rows, with its script and comparison key;
    # a spelling an earlier version of the list used stays on as an alias.
    M.PersonName.objects.filter(person__imported_list=imported, kind="primary").exclude(
        name=F("person__name")
    ).update(kind="alias")
    have = set(
        M.PersonName.objects.filter(person__imported_list=imported, kind="primary").values_list("person_id", "name")
    )
    persons = M.Person.objects.filter(imported_list=imported).values_list("pk", "name")
    names = [
        M.PersonName(person_id=pk, name=name, kind="primary", script=script_of(name),
                     normalized=" ".join(fold(name).split())[:300])
        for pk, name in persons if (pk, name) not in have
    ]
    bulk_create_with_history(names, M.PersonName, batch_size=1000, default_change_reason="import-list")
