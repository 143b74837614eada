"""Helpers shared by the pages: role checks, pagination, display of persons."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q

from tawthiq.web import access

PAGE_SIZE = 50


def _requires(allowed):
    """A view decorator: anonymous users go to the login page, users `allowed` refuses get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# Any role may read (what it may see is decided per object); editors and admins may change.
reader = _requires(access.can_read)
editor = _requires(access.can_edit)


def paginate(request, items, size: int = PAGE_SIZE):
    """The requested page (bad or out-of-range numbers give the nearest page)."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def cluster_q(pk: int, prefix: str = "") -> Q:
    """Person records of the cluster whose canonical record is `pk`."""
    return Q(**{f"{prefix}pk": pk}) | Q(**{f"{prefix}canonical_id": pk})


def cluster_records(user, canonical_ids) -> dict[int, list]:
    """Visible records of each cluster, canonical record first, with document and publisher."""
    records = (
        access.visible_persons(user)
        .filter(Q(pk__in=canonical_ids) | Q(canonical_id__in=canonical_ids))
        .select_related("document__publisher", "imported_list__source")
        .order_by("pk")
    )
    clusters: dict[int, list] = {pk: [] for pk in canonical_ids}
    for r in records:
        clusters[r.canonical_id or r.pk].append(r)
    for members in clusters.values():
        members.sort(key=lambda r: r.canonical_id is not None)
    return clusters


def source_label(record) -> str:
    """Where a statement comes from: publisher and document, or the imported list."""
    document = getattr(record, "document", None)
    if document is not None:
        publisher = document.publisher.name if document.publisher_id else "unknown publisher"
        return f"{publisher}: {document.title or document.doc_id}"
    imported = getattr(record, "imported_list", None)
    if imported is not None:
        return f"{imported.source.name}: list {imported.original_filename}"
    return "entered by hand"


def display_name(records) -> str:
    """The name a cluster is shown under: its first visible record's."""
    return records[0].name if records else "(no visible record)"
