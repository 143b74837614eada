"""Reading external person lists (a documentation group's spreadsheet saved as CSV).

Such files come in Windows-1256 as often as in UTF-8 (with or without a BOM), with
extra columns, empty cells, repeated ids and short or long rows. Reading never drops
a row: every problem is reported as a warning naming the row, and only a missing
required column stops the read (with an error naming it and the columns present).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes


class ListError(Exception):
    """The file cannot be read as a list; the message says why, in one line."""


@dataclass
class ListRow:
    """One data row: its 1-based line number in the file, its cells by column name
    (missing cells are ''), and the id used internally (unique, see :func:`read_list`)."""

    line: int
    values: dict[str, str]
    id: str


@dataclass
class PersonList:
    columns: list[str]
    rows: list[ListRow]
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM stripped) when valid, else the best guess of
    charset-normalizer (Windows-1256 for Arabic spreadsheets saved by Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        return data.decode("cp1256", errors="replace"), "cp1256"
    return str(best), best.encoding


def read_list(
    path: Path | str,
    *,
    id_column: str | None,
    required: list[str],
) -> PersonList:
    """Read a CSV list. ``required`` columns must exist (ListError otherwise). Ids come
    from ``id_column`` when given (an empty or repeated id gets a warning and a unique
    replacement such as ``7#2``), else from the line number."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListError(f"cannot read {path}: {exc.strerror or exc}") from None
    text, encoding = decode(data)
    if not text.strip():
        raise ListError(f"{path} is empty")
    # The delimiter is the commonest of , ; tab in the header line; quoting is always the
    # spreadsheet kind (csv.Sniffer mistakes the apostrophes of Mu'adh for quote marks).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    wanted = required + ([id_column] if id_column else [])
    missing = [c for c in wanted if c not in header]
    if missing:
        raise ListError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the file has {', '.join(repr(h) for h in header)}"
        )
    result = PersonList(columns=header, rows=[], encoding=encoding)
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            result.warnings.append(f"line {line}: blank line, not a record")
            continue
        if len(cells) != len(header):
            result.warnings.append(
                f"line {line}: {len(cells)} cells for {len(header)} columns "
                f"({'missing cells left empty' if len(cells) < len(header) else 'extra cells ignored'})"
            )
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        record_id = values[id_column] if id_column else str(line)
        if not record_id:
            result.warnings.append(f"line {line}: empty id, using line number {line}")
            record_id = f"line-{line}"
        if record_id in seen:
            unique = record_id
            while unique in seen:
                seen[record_id] += 1
                unique = f"{record_id}#{seen[record_id]}"
            seen[unique] = 1
            result.warnings.append(
                f"line {line}: duplicate id {record_id!r}, kept as a separate record {unique!r}"
            )
            record_id = unique
        else:
            seen[record_id] = 1
        result.rows.append(ListRow(line=line, values=values, id=record_id))
    return result
