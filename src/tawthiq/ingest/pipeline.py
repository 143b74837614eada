"""Ingest files and folders: find the files, read each, store each in its own transaction.

`ingest_paths` is the one entry point (the CLI, the demo and the benchmark call it).
A file that cannot be read or stored is recorded as failed with a one-line reason and
the batch goes on.
"""

import json
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from tawthiq.ingest.language import detect_language
from tawthiq.ingest.readers import ReadError, file_type, first_line_title, read_bytes

SIDECAR_SUFFIX = ".meta.json"
STANDARD_KEYS = ("title", "publisher", "published", "url", "language")
OVERRIDE_KEYS = (*STANDARD_KEYS, "id")


@dataclass
class FileResult:
    path: str
    status: str  # see tawthiq.store.documents: new, new version, restored, unchanged, failed
    doc_id: str = ""
    version: int = 0
    message: str = ""


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of types we do not read, found in folders

    @property
    def counts(self) -> Counter:
        return Counter(result.status for result in self.results)

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.results if result.status == "failed"]


class Failure(Exception):
    """One file could not be ingested; the message is the reason."""


def discover(paths: Iterable[str | Path], report: IngestReport) -> list[Path]:
    """Files to ingest, in a stable order. Folders are walked recursively; sidecars and
    hidden files are passed over; other unknown types in folders are noted as skipped.
    Missing or unreadable paths are recorded as failures."""
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            report.results.append(FileResult(str(path), "failed", message="no such file or directory"))
        elif path.is_dir():
            for file_path, error in _walk(path):
                if error:
                    report.results.append(FileResult(str(file_path), "failed", message=error))
                elif file_path.name.endswith(SIDECAR_SUFFIX) or file_path.name.startswith("."):
                    continue
                elif file_type(file_path) is None:
                    report.skipped.append(str(file_path))
                else:
                    add(file_path)
        elif path.name.endswith(SIDECAR_SUFFIX):
            continue  # a sidecar named on the command line goes with its document
        elif file_type(path) is None:
            report.results.append(
                FileResult(str(path), "failed", message=f"unsupported file type {path.suffix or '(none)'!r}")
            )
        else:
            add(path)
    return found


def _walk(folder: Path):
    """(file, None) for each file under folder, (folder, reason) for folders we cannot list."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        while errors:
            error = errors.pop()
            yield Path(error.filename or root), _os_reason(error)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield Path(root) / name, None
    for error in errors:
        yield Path(error.filename or folder), _os_reason(error)


def _os_reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def load_sidecar(path: Path) -> dict:
    """Metadata from NAME.meta.json beside the file (NAME = file stem), or {}."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(f"cannot read sidecar {sidecar.name}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise Failure(f"sidecar {sidecar.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise Failure(f"sidecar {sidecar.name} must hold a JSON object")
    return data


def read_file(path: Path, max_bytes: int) -> tuple[str, bytes]:
    """The file's type and bytes, after the size and type checks."""
    kind = file_type(path)
    if kind is None:
        raise Failure(f"unsupported file type {path.suffix or '(none)'!r}")
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise Failure("not a regular file")
        size = status.st_size
        if size > max_bytes:
            raise Failure(f"file too large ({_megabytes(size)} > limit {_megabytes(max_bytes)})")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Failure(_os_reason(exc)) from None
    if len(data) > max_bytes:  # grew since stat
        raise Failure(f"file too large (> limit {_megabytes(max_bytes)})")
    return kind, data


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def build_input(path: Path, overrides: dict, max_bytes: int):
    """Read, extract and describe one file as a DocumentInput (no database access)."""
    from tawthiq.store.documents import DocumentInput

    kind, data = read_file(path, max_bytes)
    sidecar = load_sidecar(path)
    try:
        extracted = read_bytes(kind, data)
    except ReadError as exc:
        raise Failure(str(exc)) from None
    meta = {key: value for key, value in sidecar.items() if key not in STANDARD_KEYS}
    meta.update(extracted.metadata)
    values = {key: sidecar.get(key) for key in STANDARD_KEYS}
    values.update({key: value for key, value in overrides.items() if value not in (None, "")})
    fields = {key: "" if values.get(key) is None else str(values[key]).strip() for key in STANDARD_KEYS}
    doc_id = str(overrides.get("id") or path.stem).strip()
    if not doc_id:
        raise Failure("empty document id")
    return DocumentInput(
        doc_id=doc_id[:300],
        text=extracted.text,
        title=fields["title"] or extracted.title or first_line_title(extracted.text),
        publisher=fields["publisher"],
        published=fields["published"],
        url=fields["url"],
        language=fields["language"] or detect_language(extracted.text),
        original_filename=str(path),
        original_type=kind,
        encoding=extracted.encoding,
        metadata=meta,
    )


def ingest_paths(
    paths: Iterable[str | Path],
    metadata_overrides: Optional[dict] = None,
    max_bytes: Optional[int] = None,
    progress: Optional[Callable[[FileResult, int, int], None]] = None,
) -> IngestReport:
    """Ingest files and folders into the store (Django must be set up).

    metadata_overrides: title, publisher, published, url, language, id (flags win over
    sidecars; id only for a single file). progress(result, done, total) is called after
    each file. Returns what happened to every file; never raises for a bad file.
    """
    from django.conf import settings
    from django.db import DatabaseError

    from tawthiq.store.documents import store_document

    overrides = {key: value for key, value in (metadata_overrides or {}).items() if key in OVERRIDE_KEYS}
    limit = max_bytes if max_bytes is not None else settings.INGEST_MAX_BYTES
    report = IngestReport()
    files = discover(paths, report)
    if overrides.get("id") and len(files) > 1:
        raise ValueError(f"--id names one document but {len(files)} files were given")
    used_ids: dict[str, Path] = {}
    total = len(files)
    if progress:
        for result in list(report.results):
            progress(result, 0, total)
    for done, path in enumerate(files, start=1):
        result = FileResult(str(path), "failed")
        try:
            item = build_input(path, overrides, limit)
            result.doc_id = item.doc_id
            if item.doc_id in used_ids:
                raise Failure(f"document id {item.doc_id!r} is also the id of {used_ids[item.doc_id]} in this batch")
            used_ids[item.doc_id] = path
            outcome = store_document(item)
            result.status, result.version, result.message = outcome.status, outcome.document.version, outcome.note
        except Failure as exc:
            result.message = str(exc)
        except DatabaseError as exc:
            result.message = f"database error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        except MemoryError:
            result.message = "out of memory reading the file"
        except Exception as exc:  # a reader bug must not stop the batch; say what it was
            result.message = f"unexpected error: {type(exc).__name__}: {str(exc)[:200]}"
        report.results.append(result)
        if progress:
            progress(result, done, total)
    return report
