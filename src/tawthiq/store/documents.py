"""Store one ingested document: deduplicate by content, version by id, index for search.

Everything for one document (its source, the previous version losing `is_current`, the
new row, its history row and its search-index row) happens in one transaction, so a
process killed at any moment leaves either the whole document or none of it.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from tawthiq.store.models import Document, Source
from tawthiq.store.search import index_document

NEW = "new"
NEW_VERSION = "new version"
RESTORED = "restored"
UNCHANGED = "unchanged"
FAILED = "failed"


@dataclass
class DocumentInput:
    doc_id: str
    text: str
    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""
    language: str = ""
    original_filename: str = ""
    original_type: str = ""
    encoding: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class StoreOutcome:
    status: str
    document: Document
    note: str = ""


def _retire_current(rows) -> None:
    """The current version of a document id is current no more (saved, so its history shows it)."""
    for pk, _, _, is_current, _ in rows:
        if is_current:
            old = Document.objects.get(pk=pk)
            old.is_current = False
            old.save(update_fields=["is_current"])


def parse_published(value: str) -> dt.date | None:
    """A full ISO date becomes a date; partial ("2013-08", "2013") or other forms stay raw."""
    try:
        return dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        return None


def store_document(item: DocumentInput) -> StoreOutcome:
    """Add the document, a new version of it, or nothing when its text is already stored."""
    sha = item.sha256
    try:
        with transaction.atomic():
            return _store(item, sha)
    except IntegrityError:
        # Another process stored the same text or version between our check and insert.
        existing = Document.objects.filter(sha256=sha).first()
        if existing is not None:
            return StoreOutcome(UNCHANGED, existing, "stored meanwhile by another process")
        raise


def _store(item: DocumentInput, sha: str) -> StoreOutcome:
    # One query for both questions: is this text stored, and which versions has this id?
    # (Plain SQL: this runs once per file and the ORM would spend more time compiling it than running it.)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, doc_id, version, is_current, sha256 FROM {Document._meta.db_table} "
            "WHERE sha256 = %s OR doc_id = %s",
            [sha, item.doc_id],
        )
        rows = cursor.fetchall()
    same_text = next((row for row in rows if row[4] == sha), None)
    if same_text is not None:
        existing = Document.objects.get(pk=same_text[0])
        if existing.doc_id != item.doc_id:
            return StoreOutcome(UNCHANGED, existing, f"same text as document {existing.doc_id!r}")
        if existing.is_current:
            return StoreOutcome(UNCHANGED, existing)
        # The file went back to an earlier version's text: that version is current again.
        _retire_current(rows)
        existing.is_current = True
        existing.save(update_fields=["is_current"])
        return StoreOutcome(RESTORED, existing, f"back to version {existing.version}")
    previous = [row for row in rows if row[1] == item.doc_id]
    _retire_current(previous)
    metadata = dict(item.metadata)
    published = parse_published(item.published) if item.published else None
    if item.published and published is None:
        metadata["published"] = item.published
    publisher = Source.objects.get_or_create(name=item.publisher[:300])[0] if item.publisher else None
    document = Document.objects.create(
        doc_id=item.doc_id,
        version=max((row[2] for row in previous), default=0) + 1,
        is_current=True,
        title=item.title[:1000],
        publisher=publisher,
        published=published,
        url=item.url[:2000],
        language=item.language[:8],
        text=item.text,
        sha256=sha,
        original_filename=item.original_filename[-1000:],
        original_type=item.original_type,
        encoding=item.encoding[:40],
        metadata=metadata,
    )
    index_document(document.pk, document.text)
    return StoreOutcome(NEW_VERSION if previous else NEW, document)
