"""Command-line entry points of this stage (registered in tawthiq.cli)."""

import json
from typing import Annotated

import typer

from tawthiq.console import console, fail, open_store


def search(
    query: Annotated[str, typer.Argument(help="Words to find (all must occur); word* matches a prefix.")] = "",
    limit: Annotated[int, typer.Option("--limit", "-n", help="Most results to show.")] = 20,
    reindex: Annotated[bool, typer.Option("--reindex", help="Rebuild the search index from the stored texts.")] = False,
) -> None:
    """Full-text search over current documents (Arabic spelling variants and Latin accents fold together)."""
    if limit < 1:
        fail("--limit must be at least 1")
    if not query.strip() and not reindex:
        fail("give words to search for")
    open_store()
    from rich.markup import escape
    from rich.table import Table

    from tawthiq.store.search import parse_query, reindex_all, search_documents

    if reindex:
        count = reindex_all()
        console.print(f"search index rebuilt: {count} document version(s)")
        if not query.strip():
            return
    if not parse_query(query):
        fail("the query has no words to search for")
    hits = search_documents(query, limit=limit)
    if not hits:
        console.print("no matching documents")
        return
    table = Table(show_lines=True, title=f"{len(hits)} document(s) matching {query!r}")
    table.add_column("document", no_wrap=True)
    table.add_column("title")
    table.add_column("snippet")
    for hit in hits:
        text, parts, last = hit.snippet_text, [], 0
        for start, end in hit.highlights:
            parts.append(escape(text[last:start]) + f"[bold yellow]{escape(text[start:end])}[/]")
            last = end
        parts.append(escape(text[last:]))
        table.add_row(escape(hit.document.doc_id), escape(hit.document.title), "".join(parts))
    console.print(table)


def collect_stats() -> dict:
    """Counts of what the store holds, as plain data (the web dashboard may reuse it)."""
    from django.db.models import Count

    from tawthiq.store import models as M

    def by(queryset, column: str) -> dict:
        rows = queryset.values(column).annotate(n=Count("pk")).order_by(column)
        return {row[column] or "": row["n"] for row in rows}

    current = M.Document.objects.filter(is_current=True)
    reviewables = {"persons": M.Person, "events": M.Event, "claims": M.Claim, "memberships": M.Membership}
    return {
        "documents": current.count(),
        "document_versions": M.Document.objects.count(),
        "documents_by_language": by(current, "language"),
        "protected_documents": current.filter(protected=True).count(),
        "sources": M.Source.objects.count(),
        "imported_lists": M.ImportedList.objects.count(),
        "persons": M.Person.objects.count(),
        "persons_canonical": M.Person.objects.filter(canonical__isnull=True).count(),
        "person_names": M.PersonName.objects.count(),
        "organizations": M.Organization.objects.count(),
        "places": M.Place.objects.count(),
        "events": M.Event.objects.count(),
        "events_by_type": by(M.Event.objects.all(), "type"),
        "claims": M.Claim.objects.count(),
        "memberships": M.Membership.objects.count(),
        "evidence": M.Evidence.objects.count(),
        "resolution_decisions": M.ResolutionDecision.objects.count(),
        "review_states": {name: by(model.objects.all(), "review_state") for name, model in reviewables.items()},
    }


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
) -> None:
    """What the store holds: documents, sources, persons, organisations, places, events, claims, evidence."""
    open_store()
    from rich.table import Table

    data = collect_stats()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, sort_keys=False))
        return
    table = Table(title="Tawthiq store", show_edge=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in data.items():
        if isinstance(value, dict):
            continue
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)
    for key, value in data.items():
        if not isinstance(value, dict) or not any(value.values()):
            continue
        nested = value
        detail = Table(title=key.replace("_", " "), show_edge=False)
        if all(isinstance(v, dict) for v in nested.values()):
            states = sorted({state for counts in nested.values() for state in counts})
            detail.add_column("")
            for state in states:
                detail.add_column(state, justify="right")
            for name, counts in nested.items():
                detail.add_row(name, *(str(counts.get(state, 0)) for state in states))
        else:
            detail.add_column("")
            detail.add_column("count", justify="right")
            for name, count in nested.items():
                detail.add_row(name or "(none)", str(count))
        console.print(detail)
