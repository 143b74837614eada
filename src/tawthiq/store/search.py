"""Full-text search over current documents, Arabic- and Latin-folded.

The index holds the *folded* text (tawthiq.text.fold: alef/hamza forms, ta marbuta,
alef maqsura, harakat, tatweel; Latin case and diacritics), pre-split into words by
Python so that SQLite FTS5 and PostgreSQL's 'simple' parser see the same words. A
query is folded and split the same way; each word becomes a quoted term, so no FTS or
tsquery syntax can be injected. Snippets are cut from the ORIGINAL text: the matched
words are found again by folding the text one character at a time, which keeps a
character-to-character map from folded back to original offsets.

The web app reuses `search_documents` with its own queryset to hide protected documents.
"""

import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Optional

from django.core.exceptions import EmptyResultSet
from django.db import connection

from tawthiq.text import fold

WORD = re.compile(r"\w+")
QUERY_TERM = re.compile(r"(\w+)(\*?)")
SQLITE_TABLE = "store_document_fts"
POSTGRES_TABLE = "store_document_search"
SNIPPET_CHARS = 240
SCAN_CHUNK = 4000


class _FoldTable(dict):
    """str.translate table that folds each character the way tawthiq.text.fold does,
    filled on first sight of a character. fold works character by character (a test
    checks it), so translating with this table gives the same result at C speed."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = fold(chr(codepoint))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_fast(text: str) -> str:
    """tawthiq.text.fold(text), through a per-character cache (ingestion folds megabytes)."""
    return text.translate(_FOLD_TABLE)


def index_text(text: str) -> str:
    """The folded, space-separated words that go into the index for a document text."""
    return " ".join(WORD.findall(fold_fast(text)))


def index_document(document_id: int, text: str) -> None:
    """Add one document to the full-text index (call inside the document's transaction)."""
    body = index_text(text)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT OR REPLACE INTO {SQLITE_TABLE} (rowid, body) VALUES (%s, %s)", [document_id, body])
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {POSTGRES_TABLE} (document_id, tsv) VALUES (%s, to_tsvector('simple', %s)) "
                "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv",
                [document_id, body],
            )


def reindex_all(progress=None) -> int:
    """Rebuild the index from the stored texts (after a change to folding); returns the count."""
    from django.db import transaction

    from tawthiq.store.models import Document

    count = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE if connection.vendor == 'sqlite' else POSTGRES_TABLE}")
        for document_id, text in Document.objects.values_list("id", "text").iterator(chunk_size=200):
            index_document(document_id, text)
            count += 1
            if progress:
                progress(count)
    return count


@dataclass
class QueryTerm:
    word: str
    prefix: bool = False


def parse_query(query: str) -> list[QueryTerm]:
    """Folded words of the query; a trailing * asks for a prefix match ("defect*")."""
    terms, seen = [], set()
    for word, star in QUERY_TERM.findall(fold_fast(query)):
        for part in WORD.findall(word.replace("_", " ")):
            key = (part, bool(star))
            if key not in seen:
                seen.add(key)
                terms.append(QueryTerm(part, bool(star)))
    return terms


@dataclass
class SearchHit:
    document: object  # tawthiq.store.models.Document
    rank: float
    terms: list[QueryTerm] = field(default_factory=list, repr=False)

    # The snippet is cut when first asked for: a page of 50 out of 500 hits cuts 50.
    @cached_property
    def _snippet(self) -> tuple[str, list[tuple[int, int]]]:
        return snippet(self.document.text, self.terms)

    @property
    def snippet_text(self) -> str:
        return self._snippet[0]

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """(start, end) offsets of matched words within snippet_text."""
        return self._snippet[1]

    @property
    def snippet_html(self) -> str:
        """The snippet, HTML-escaped, with matched words in <mark>."""
        parts, last = [], 0
        for start, end in self.highlights:
            parts.append(html.escape(self.snippet_text[last:start]))
            parts.append(f"<mark>{html.escape(self.snippet_text[start:end])}</mark>")
            last = end
        parts.append(html.escape(self.snippet_text[last:]))
        return "".join(parts)


def search_documents(
    query: str,
    limit: int = 20,
    document_ids: Optional[Iterable[int]] = None,
    queryset=None,
) -> list[SearchHit]:
    """Current documents matching every word of `query`, best first, with snippets.

    `queryset` (a Document queryset, e.g. without protected documents) and
    `document_ids` restrict the documents searched; both compose.
    """
    from tawthiq.store.models import Document

    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    scope = (queryset if queryset is not None else Document.objects.all()).filter(is_current=True)
    if document_ids is not None:
        scope = scope.filter(pk__in=list(document_ids))
    try:
        # No ORDER BY in the subquery (the model's default ordering would sort it for nothing).
        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. document_ids=[]: nothing to search
        return []
    if connection.vendor == "sqlite":
        match = " ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in terms)
        # `+rowid`: filter the matches by the scope. A bare `rowid IN (...)` lets FTS5 run the
        # MATCH once per document in scope (37 s instead of 0.1 s for a common word in 20,000).
        sql = (
            f"SELECT rowid, -bm25({SQLITE_TABLE}) FROM {SQLITE_TABLE} "
            f"WHERE {SQLITE_TABLE} MATCH %s AND +rowid IN ({scope_sql}) ORDER BY bm25({SQLITE_TABLE}) LIMIT %s"
        )
    elif connection.vendor == "postgresql":
        match = " & ".join(f"'{t.word}'" + (":*" if t.prefix else "") for t in terms)
        sql = (
            f"SELECT s.document_id, ts_rank(s.tsv, q) AS rank FROM {POSTGRES_TABLE} s, "
            f"to_tsquery('simple', %s) q WHERE s.tsv @@ q AND s.document_id IN ({scope_sql}) "
            "ORDER BY rank DESC, s.document_id LIMIT %s"
        )
    else:
        raise NotImplementedError(f"full-text search is not available on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *scope_params, limit])
        ranked = cursor.fetchall()
    documents = Document.objects.select_related("publisher").in_bulk([pk for pk, _ in ranked])
    hits = []
    for pk, rank in ranked:
        hits.append(SearchHit(document=documents[pk], rank=float(rank), terms=terms))
    return hits


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """Fold one character at a time; map[i] is the original offset of folded character i."""
    if text.isascii():  # folding ASCII is lower-casing, one character for one (and 20x faster)
        return text.lower(), list(range(len(text) + 1))
    pieces, offsets = [], []
    for index, ch in enumerate(text):
        folded = _FOLD_TABLE[ord(ch)]
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return "".join(pieces), offsets


def _terms_pattern(terms: list[QueryTerm]) -> re.Pattern:
    """Whole words equal to a term (or starting with a prefix term), in one regex (C speed)."""
    alternatives = "|".join(re.escape(t.word) + (r"\w*" if t.prefix else "") for t in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _matches_in(text: str, terms: list[QueryTerm], base: int = 0) -> list[tuple[int, int]]:
    """Original-text spans of words that match a query term."""
    folded, offsets = _folded_with_map(text)
    spans = []
    for word in _terms_pattern(terms).finditer(folded):
        start = offsets[word.start()]
        end = offsets[word.end() - 1] + 1
        # keep combining marks and tatweel that follow the last letter
        while end < len(text) and _FOLD_TABLE[ord(text[end])] == "":
            end += 1
        spans.append((base + start, base + end))
    return spans


def _first_matches(text: str, terms: list[QueryTerm]) -> list[tuple[int, int]]:
    """Matched spans in the first chunk that has any; chunks cut at whitespace."""
    position = 0
    while position < len(text):
        end = min(len(text), position + SCAN_CHUNK)
        if end < len(text):
            space = text.rfind(" ", position + SCAN_CHUNK // 2, end)
            end = space if space > 0 else end
        chunk = text[position:end]
        if any(term.word in fold_fast(chunk) for term in terms):
            spans = _matches_in(chunk, terms, position)
            if spans:
                return spans
        position = end
    return []


def snippet(text: str, terms: list[QueryTerm], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of the original text around the first match, and the matches inside it."""
    spans = _first_matches(text, terms)
    if not spans:
        cut = text[:width]
        return (cut + ("…" if len(text) > width else "")), []
    first_start = spans[0][0]
    start = max(0, first_start - width // 3)
    if start > 0:
        space = text.find(" ", start, first_start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > 0 else end
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    inside = [(s + len(prefix), e + len(prefix)) for s, e in _matches_in(window, terms)]
    return prefix + window.replace("\n", " ") + suffix, inside
