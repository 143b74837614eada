"""Who sees what: the one place that decides it (web pages, search, the JSON API).

Roles are Django groups, created by migration web/0003_roles:

- admin    everything, including user management (superusers count as admin);
- editor   reads everything, reviews and edits, protects and unprotects;
- analyst  reads everything, changes nothing;
- viewer   reads what is not protected.

A user with no role (or not logged in) sees nothing. With several groups, the most
powerful role wins.

Protection (what a viewer never sees):

- a document marked `protected` (all versions of a doc_id are protected together);
- a person record marked `protected`; protection covers the record's whole cluster: if
  any record of a canonical person is protected, none of the cluster is shown (a
  pseudonym merged with a real name must not reveal the link). This is computed at
  query time, so a later merge into a protected cluster is hidden at once;
- what is known only from a protected document inherits its protection: a person
  record, event, claim, membership or evidence span of a protected document or a
  protected imported list; an organisation, place or source all of whose mentions come
  from protected documents; a canonical person none of whose records is visible;
- an event with a hidden participant, and every evidence span of a hidden record (the
  quote would name them);
- in the text of a visible document, the spans and names of hidden persons are
  redacted (`protected_strings` and `hidden_spans`).

Hidden objects answer 404, never 403, so that an error page cannot confirm that a
protected record exists. Views by other roles of protected records are written to
`AccessLog` (`log_protected_view`): analysts are the reason, editors and admins are
logged too because an audit trail with exceptions is no audit trail.

The viewer's querysets (`_open_*`) are also the definition of "protected":
`is_protected(obj)` is true exactly when a viewer could not see `obj`.
"""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from tawthiq.store import models as M

ADMIN, EDITOR, ANALYST, VIEWER = "admin", "editor", "analyst", "viewer"
ROLES = (ADMIN, EDITOR, ANALYST, VIEWER)  # most powerful first
_ROLE_CACHE = "_tawthiq_role"
REDACTED = "[protected]"


def role_of(user) -> str | None:
    """The user's role, or None when the user has none (or is anonymous or inactive)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    if not hasattr(user, _ROLE_CACHE):
        names = set(user.groups.values_list("name", flat=True))
        setattr(user, _ROLE_CACHE, next((r for r in ROLES if r in names), None))
    return getattr(user, _ROLE_CACHE)


def set_role(user, role: str) -> None:
    """Give `user` exactly one role (the group is created if the migration has not run)."""
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.remove(*user.groups.filter(name__in=ROLES))
    user.groups.add(group)
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def can_read(user) -> bool:
    return role_of(user) is not None


def can_edit(user) -> bool:
    return role_of(user) in (ADMIN, EDITOR)


def can_see_protected(user) -> bool:
    return role_of(user) in (ADMIN, EDITOR, ANALYST)


# --- the viewer's rules -------------------------------------------------------------

def _open_document_q(prefix: str = "") -> Q:
    """The statement's document is absent or not protected."""
    return Q(**{f"{prefix}document__isnull": True}) | Q(**{f"{prefix}document__protected": False})


def _open_record_q(prefix: str = "") -> Q:
    """A person record that is not itself protected nor from a protected document or list."""
    return (
        Q(**{f"{prefix}protected": False})
        & _open_document_q(prefix)
        & (Q(**{f"{prefix}imported_list__isnull": True}) | Q(**{f"{prefix}imported_list__protected": False}))
    )


def _cluster_protected(prefix: str = "") -> Exists:
    """Some record of the (outer, via `prefix`) person's cluster is protected."""
    cluster = Coalesce(OuterRef(f"{prefix}canonical_id"), OuterRef(f"{prefix}pk"))
    return Exists(M.Person.objects.filter(protected=True).filter(Q(pk=cluster) | Q(canonical_id=cluster)))


# The rules as conditions on a path (prefix "event__" etc.) rather than `IN (SELECT ...)`:
# SQLite materialises such a subquery over the whole table, which took seconds at 1M events.

def _open_person_q(prefix: str = "") -> Q:
    return _open_record_q(prefix) & ~_cluster_protected(prefix)


def _open_event_q(prefix: str = "") -> Q:
    hidden_participant = Exists(
        M.EventParticipant.objects.filter(event_id=OuterRef(f"{prefix}pk"), person__isnull=False)
        .filter(~_open_person_q("person__"))
    )
    return _open_document_q(prefix) & ~hidden_participant


def _open_claim_q(prefix: str = "") -> Q:
    return _open_document_q(prefix)


def _open_membership_q(prefix: str = "") -> Q:
    return _open_document_q(prefix) & (Q(**{f"{prefix}person__isnull": True}) | _open_person_q(f"{prefix}person__"))


def _open_evidence_q(prefix: str = "") -> Q:
    def optional(field, rule):
        return Q(**{f"{prefix}{field}__isnull": True}) | rule(f"{prefix}{field}__")

    return (
        Q(**{f"{prefix}document__protected": False})
        & optional("person", _open_person_q) & optional("event", _open_event_q)
        & optional("claim", _open_claim_q) & optional("membership", _open_membership_q)
    )


def _open_persons() -> QuerySet:
    return M.Person.objects.filter(_open_person_q())


def _hidden_persons() -> QuerySet:
    return M.Person.objects.filter(~_open_person_q())


def _open_canonical_persons() -> QuerySet:
    members_protected = Exists(M.Person.objects.filter(canonical=OuterRef("pk"), protected=True))
    open_member = Exists(M.Person.objects.filter(canonical=OuterRef("pk")).filter(_open_record_q()))
    return M.Person.objects.filter(canonical__isnull=True, protected=False).filter(
        ~members_protected & (_open_record_q() | open_member)
    )


def _open_documents() -> QuerySet:
    return M.Document.objects.filter(protected=False)


def _open_events() -> QuerySet:
    return M.Event.objects.filter(_open_event_q())


def _open_claims() -> QuerySet:
    return M.Claim.objects.filter(_open_claim_q())


def _open_memberships() -> QuerySet:
    return M.Membership.objects.filter(_open_membership_q())


def _open_evidence() -> QuerySet:
    return M.Evidence.objects.filter(_open_evidence_q())


_HIDDEN_CACHE: dict = {}


def _only_from_protected_hidden(queryset: QuerySet, links) -> QuerySet:
    """Drop objects mentioned by protected documents and by no open one.

    The hidden ids take seconds to find at 1M events, so they are kept per process and
    found again whenever the protected documents or any link table change (the key is
    the protected documents' count and id sum and the link tables' largest ids, all read
    from indexes).
    """
    protected = M.Document.objects.filter(protected=True).aggregate(n=Count("pk"), s=Sum("pk"))
    key = (protected["n"], protected["s"], tuple(model.objects.aggregate(m=Max("pk"))["m"] for model, *_ in links))
    cached_key, hidden = _HIDDEN_CACHE.get(id(links), (None, None))
    if cached_key != key:
        hidden = _hidden_ids(queryset.model, links)
        _HIDDEN_CACHE[id(links)] = (key, hidden)
    return queryset.exclude(pk__in=hidden) if hidden else queryset


def _hidden_ids(model, links) -> set:
    """Ids of `model` objects mentioned by protected documents and by no open one.

    `links` are (model, field pointing at the object, path to the document's protection,
    sparse). Done in steps, because one correlated test per object let SQLite walk every
    protected document's rows for each object (minutes at 1M events): first the few
    objects that protected documents mention, found from those documents; then, among
    them only, the ones an open document mentions too: per object with EXISTS on dense
    links, in one pass over the (few) non-null rows of sparse links, where an index on a
    mostly-null column misleads the planner.
    """
    mentioned = set()
    for model, field, doc_path, _sparse in links:
        mentioned |= set(
            model.objects.filter(**{doc_path: True, f"{field}__isnull": False})
            .order_by().values_list(field, flat=True).distinct()
        )
    if not mentioned:
        return set()
    also_open, dense = set(), Q(pk__in=[])
    for model, field, doc_path, sparse in links:
        if sparse:
            also_open |= set(
                model.objects.filter(**{f"{field}__in": mentioned, doc_path: False})
                .order_by().values_list(field, flat=True).distinct()
            )
        else:
            dense |= Exists(model.objects.filter(**{field: OuterRef("pk"), doc_path: False}))
    rest = mentioned - also_open
    if rest:
        also_open |= set(model.objects.filter(pk__in=rest).filter(dense).values_list("pk", flat=True))
    return mentioned - also_open


_ORGANIZATION_LINKS = [
    (M.Evidence, "organization", "document__protected", True),
    (M.Membership, "organization", "document__protected", True),
    (M.Membership, "parent_organization", "document__protected", True),
    (M.Event, "organization", "document__protected", False),
    (M.EventParticipant, "organization", "event__document__protected", False),
]
_PLACE_LINKS = [
    (M.Event, "place", "document__protected", False),
    (M.Claim, "place", "document__protected", True),
    (M.Membership, "place", "document__protected", True),
    (M.Person, "origin_place", "document__protected", False),
]
_SOURCE_LINKS = [
    (M.Document, "publisher", "protected", False),
    (M.Claim, "attributed_source", "document__protected", True),
]


def _open_organizations() -> QuerySet:
    return _only_from_protected_hidden(M.Organization.objects.all(), _ORGANIZATION_LINKS)


def _open_places() -> QuerySet:
    return _only_from_protected_hidden(M.Place.objects.all(), _PLACE_LINKS)


def _open_sources() -> QuerySet:
    return _only_from_protected_hidden(M.Source.objects.all(), _SOURCE_LINKS)


# --- per-user querysets ---------------------------------------------------------------

def _visible(user, model, open_rows) -> QuerySet:
    role = role_of(user)
    if role is None:
        return model.objects.none()
    if role == VIEWER:
        return open_rows()
    return model.objects.all()


def visible_documents(user) -> QuerySet:
    return _visible(user, M.Document, _open_documents)


def visible_persons(user) -> QuerySet:
    """Person records (canonical or member) the user may see."""
    return _visible(user, M.Person, _open_persons)


def visible_canonical_persons(user) -> QuerySet:
    """Canonical persons (clusters) with at least one record the user may see; for lists."""
    role = role_of(user)
    if role is None:
        return M.Person.objects.none()
    if role == VIEWER:
        return _open_canonical_persons()
    return M.Person.objects.filter(canonical__isnull=True)


def visible_events(user) -> QuerySet:
    return _visible(user, M.Event, _open_events)


def visible_claims(user) -> QuerySet:
    return _visible(user, M.Claim, _open_claims)


def visible_memberships(user) -> QuerySet:
    return _visible(user, M.Membership, _open_memberships)


def visible_evidence(user) -> QuerySet:
    return _visible(user, M.Evidence, _open_evidence)


def visible_organizations(user) -> QuerySet:
    return _visible(user, M.Organization, _open_organizations)


def visible_places(user) -> QuerySet:
    return _visible(user, M.Place, _open_places)


def visible_sources(user) -> QuerySet:
    return _visible(user, M.Source, _open_sources)


_OPEN_ROWS = {
    M.Document: _open_documents,
    M.Person: _open_persons,
    M.Event: _open_events,
    M.Claim: _open_claims,
    M.Membership: _open_memberships,
    M.Evidence: _open_evidence,
    M.Organization: _open_organizations,
    M.Place: _open_places,
    M.Source: _open_sources,
}


_OPEN_Q = {
    M.Person: _open_person_q,
    M.Event: _open_event_q,
    M.Claim: _open_claim_q,
    M.Membership: _open_membership_q,
    M.Evidence: _open_evidence_q,
    M.Document: lambda prefix: Q(**{f"{prefix}protected": False}),
}


def is_protected(obj) -> bool:
    """True when a viewer could not see `obj` (protected, or known only from protection).

    For a person this is about its whole cluster: a profile shows every record's
    statements, so one hidden record makes the profile a protected view (for viewers the
    profile leaves such records out; see `visible_canonical_persons`).
    """
    if isinstance(obj, M.Person):
        cluster = obj.canonical_id or obj.pk
        return _hidden_persons().filter(Q(pk=cluster) | Q(canonical_id=cluster)).exists()
    open_rows = _OPEN_ROWS.get(type(obj))
    if open_rows is None:
        return False
    return not open_rows().filter(pk=obj.pk).exists()


def log_protected_view(user, obj, path: str = "") -> bool:
    """Record that `user` looked at `obj` when `obj` is protected; return whether it was logged."""
    from tawthiq.web.models import AccessLog

    if not can_see_protected(user) or not is_protected(obj):
        return False
    AccessLog.objects.create(
        user=user, model=type(obj).__name__.lower(), object_id=str(obj.pk), path=path[:500]
    )
    return True


# --- redaction inside visible text ----------------------------------------------------

def protected_strings_by_document(user, documents) -> dict[int, list[str]]:
    """For each document id: names (every spelling) of hidden persons it mentions, longest first.

    The reader and search snippets blank these out for users who may not see them,
    wherever they occur in the text, not only inside extracted spans. One batch of
    queries for all documents (a results page), whatever their number.
    """
    doc_ids = [getattr(d, "pk", d) for d in documents]
    if can_see_protected(user) or not doc_ids:  # before any query: this runs per results page
        return {pk: [] for pk in doc_ids}
    # Candidates by index first (records of the documents, records with a span in them),
    # then the hidden test on those few: the test over the whole person table took 3 s.
    mentions: dict[int, set[int]] = {}
    for person_id, doc_id in M.Person.objects.filter(document_id__in=doc_ids).values_list("pk", "document_id"):
        mentions.setdefault(person_id, set()).add(doc_id)
    for person_id, doc_id in (M.Evidence.objects.filter(document_id__in=doc_ids, person__isnull=False)
                              .order_by().values_list("person_id", "document_id").distinct()):
        mentions.setdefault(person_id, set()).add(doc_id)
    hidden = _hidden_persons().filter(pk__in=list(mentions)).values_list("pk", "canonical_id")
    docs_of_cluster: dict[int, set[int]] = {}
    for pk, canonical_id in hidden:
        docs_of_cluster.setdefault(canonical_id or pk, set()).update(mentions[pk])
    names: dict[int, set[str]] = {pk: set() for pk in doc_ids}
    if docs_of_cluster:
        records = M.Person.objects.filter(Q(pk__in=list(docs_of_cluster)) | Q(canonical_id__in=list(docs_of_cluster)))
        cluster_of = {pk: canonical_id or pk for pk, canonical_id in records.values_list("pk", "canonical_id")}
        spellings = [(pk, name) for pk, name in records.values_list("pk", "name")]
        spellings += list(M.PersonName.objects.filter(person_id__in=list(cluster_of)).values_list("person_id", "name"))
        for person_id, name in spellings:
            for doc_id in docs_of_cluster[cluster_of[person_id]]:
                names[doc_id].add(name)
    return {pk: sorted((n for n in found if n.strip()), key=len, reverse=True) for pk, found in names.items()}


def protected_strings(user, document) -> list[str]:
    """Names (every spelling) of hidden persons one document mentions, longest first."""
    return protected_strings_by_document(user, [document])[document.pk]


def hidden_spans(user, document) -> list[tuple[int, int]]:
    """Offsets of evidence spans in `document` the user may not read (hidden records' quotes)."""
    if can_see_protected(user):
        return []
    visible = visible_evidence(user).filter(document=document).values_list("pk", flat=True)
    return list(
        M.Evidence.objects.filter(document=document, start__isnull=False, end__isnull=False)
        .exclude(pk__in=visible)
        .values_list("start", "end")
    )


def redact(text: str, strings: list[str]) -> str:
    """Replace every occurrence of each string (longest first) with the redaction mark."""
    for s in strings:
        text = text.replace(s, REDACTED)
    return text


# --- changing protection --------------------------------------------------------------

def protect_person(pk: int, protected: bool = True) -> int | None:
    """Set the protection of one person record; return the size of its cluster (None: no such person).

    The record alone carries the flag; the rules above hide its whole cluster at query time.
    Saved row by row so that the history records who changed it.
    """
    person = M.Person.objects.filter(pk=pk).first()
    if person is None:
        return None
    if person.protected != protected:
        person.protected = protected
        person.save(update_fields=["protected"])
    cluster = person.canonical_id or person.pk
    return M.Person.objects.filter(Q(pk=cluster) | Q(canonical_id=cluster)).count()


def protect_document(doc_id: str, protected: bool = True) -> int:
    """Set the protection of every version of a document; return how many versions there are."""
    versions = list(M.Document.objects.filter(doc_id=doc_id))
    for doc in versions:
        if doc.protected != protected:
            doc.protected = protected
            doc.save(update_fields=["protected"])
    return len(versions)


def only_visible(user, queryset: QuerySet, field: str) -> QuerySet:
    """`queryset` narrowed to rows whose foreign key `field` points at something the user may see.

    A no-op for roles that see everything; for viewers the rule is applied along the path
    (`event__document__protected` ...), never as `IN (SELECT ...)` over a whole table.
    """
    if can_see_protected(user):
        return queryset
    if role_of(user) is None:
        return queryset.none()
    related = queryset.model._meta.get_field(field).related_model
    return queryset.filter(_OPEN_Q[related](f"{field}__"))
