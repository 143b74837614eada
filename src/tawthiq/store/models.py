"""The data model of the whole system.

Design (see shared/spec/design-notes.md):
- Documents are immutable; a changed file under the same id is a new version.
- Everything the machine extracts (persons, events, claims, memberships) is a
  *statement of one document*: it points at the document, carries evidence spans and
  a review state, and is keyed by a `fingerprint` so re-running extraction updates
  suggestions in place and never touches what a reviewer decided.
- A person record is what one document (or one list row) says about one individual.
  Resolution links records to a canonical record (`Person.canonical`); merging is
  re-pointing, un-merging is pointing back. Human decisions live in
  `ResolutionDecision` and always win over the model.
- Every model keeps its full change history (django-simple-history).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tawthiq import vocabulary as V


class ReviewState(models.TextChoices):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    REJECTED = "rejected"


class Reviewable(models.Model):
    """Review state shared by everything a machine can suggest."""

    review_state = models.CharField(
        max_length=12, choices=ReviewState.choices, default=ReviewState.SUGGESTED, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Which extractor produced it ("rules", "llm", "list", "manual") and a stable key of
    # what was extracted, so that re-runs find their earlier suggestion instead of adding one.
    extractor = models.CharField(max_length=20, default="manual")
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # The machine's original suggestion, kept when a reviewer corrects the fields.
    suggested_values = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def is_decided(self) -> bool:
        return self.review_state != ReviewState.SUGGESTED


class Source(models.Model):
    """A publisher, documentation group, list or other origin of documents and claims."""

    name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=30, choices=V.choices(V.SOURCE_KINDS), default="other")
    reliability = models.CharField(
        max_length=1, choices=list(V.SOURCE_RELIABILITY.items()), default="F",
        help_text="Admiralty grade of the source (A-F).",
    )
    url = models.URLField(max_length=1000, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self):
        return self.name


class Document(models.Model):
    """One version of an ingested document; text exactly as ingested, never edited."""

    doc_id = models.CharField(max_length=300, db_index=True, help_text="Defaults to the file stem.")
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True, db_index=True)
    title = models.CharField(max_length=1000, blank=True)
    publisher = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    published = models.DateField(null=True, blank=True, db_index=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=8, blank=True, db_index=True)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    original_filename = models.CharField(max_length=1000, blank=True)
    original_type = models.CharField(max_length=20, blank=True, help_text="txt, md, html, pdf, docx")
    encoding = models.CharField(max_length=40, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    protected = models.BooleanField(default=False, db_index=True)
    credibility = models.CharField(
        max_length=1, choices=list(V.INFORMATION_CREDIBILITY.items()), default="6",
        help_text="Admiralty grade of the information (1-6).",
    )
    metadata = models.JSONField(default=dict, blank=True, help_text="Sidecar keys beyond the standard ones.")
    extracted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_id", "version"], name="document_version_unique")]
        # Covers the search scope (current, open documents) without reading the rows' text:
        # 300 ms -> 100 ms for a word found in 20,000 documents (benchmarks/bench_web.py).
        indexes = [models.Index(fields=["is_current", "protected"], name="document_current_open")]
        ordering = ["doc_id", "-version"]

    def __str__(self):
        return f"{self.doc_id} v{self.version}"


class Place(models.Model):
    """A governorate, city, town, village, region or facility (prison, hospital, camp, checkpoint)."""

    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=30, default="other")
    governorate = models.CharField(max_length=100, blank=True, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["normalized_name", "governorate"], name="place_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.governorate})" if self.governorate else self.name


class Organization(models.Model):
    """A unit, agency, branch, armed group, documentation group or outlet.

    Shared across documents (one row per normalised name); which documents mention it
    is known from its evidence.
    """

    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=20, choices=V.choices(V.ORGANIZATION_KINDS), default="other")
    side = models.CharField(max_length=20, choices=V.choices(V.SIDES), blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    source = models.OneToOneField(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="organization",
        help_text="When the organisation is also a source of documents or claims.",
    )
    history = HistoricalRecords()

    def __str__(self):
        return self.name


class ImportedList(models.Model):
    """A documentation group's spreadsheet imported with `tawthiq import-list`."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="lists")
    original_filename = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64)
    columns = models.JSONField(default=list)
    imported_at = models.DateTimeField(auto_now_add=True)
    protected = models.BooleanField(default=False)
    history = HistoricalRecords()


class Person(Reviewable):
    """What one document or one list row says about one individual.

    `canonical` points at the record that stands for the resolved person (null when
    this record is itself canonical). The canonical person's view is the union of its
    records' statements, so conflicting values stay side by side.
    """

    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="persons")
    imported_list = models.ForeignKey(ImportedList, null=True, blank=True, on_delete=models.CASCADE, related_name="persons")
    local_id = models.CharField(max_length=50, blank=True, help_text="p1... within the document, or the list row id.")
    list_row = models.JSONField(default=dict, blank=True, help_text="The list row's columns as imported.")
    name = models.CharField(max_length=300, help_text="Primary name as written.")
    rank = models.CharField(max_length=30, choices=V.choices(V.RANKS), blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_at = models.DateField(null=True, blank=True, help_text="The date the age refers to (usually publication).")
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=300, blank=True)
    origin_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pseudonym = models.BooleanField(default=False, help_text="The source says the name is a pseudonym.")
    roles = models.JSONField(default=list, blank=True)
    protected = models.BooleanField(default=False, db_index=True)
    canonical = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["document", "local_id"]), models.Index(fields=["canonical"])]

    def __str__(self):
        return self.name

    @property
    def canonical_person(self) -> "Person":
        return self.canonical or self


class PersonName(models.Model):
    """Every name and spelling of a person record, with script and kind."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    script = models.CharField(max_length=10, choices=V.choices(V.SCRIPTS), default="latin")
    kind = models.CharField(max_length=10, choices=V.choices(V.NAME_KINDS), default="primary")
    normalized = models.CharField(max_length=300, blank=True, db_index=True, help_text="Comparison key.")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "name", "kind"], name="person_name_unique")]

    def __str__(self):
        return self.name


class Event(Reviewable):
    """Something that happened, as one document tells it."""

    class Precision(models.TextChoices):
        YEAR = "year"
        MONTH = "month"
        DAY = "day"

    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    local_id = models.CharField(max_length=50, blank=True)
    type = models.CharField(max_length=30, choices=V.choices(V.EVENT_TYPES), db_index=True)
    # ISO 8601 prefix as stated ("2012", "2012-07", "2012-07-14"); precision kept apart.
    date = models.CharField(max_length=10, blank=True)
    date_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    date_end = models.CharField(max_length=10, blank=True)
    # First day of `date`, for ordering and month/year aggregation.
    date_sort = models.DateField(null=True, blank=True, db_index=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    place_text = models.CharField(max_length=300, blank=True, help_text="The place as the document words it.")
    manner = models.CharField(max_length=20, choices=V.choices(V.DEATH_MANNERS), blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
        help_text="The unit or group the event concerns, when one stands out.",
    )
    amount = models.CharField(max_length=200, blank=True, help_text="Money for extortion events, as written.")
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["document", "local_id"]), models.Index(fields=["type", "date_sort"])]

    def __str__(self):
        return f"{self.type} {self.date}".strip()


class EventParticipant(models.Model):
    """A person or organisation taking part in an event as subject or agent."""

    class Role(models.TextChoices):
        SUBJECT = "subject"
        AGENT = "agent"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=10, choices=Role.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="participations"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="participant_is_person_or_organization",
            )
        ]


class Claim(Reviewable):
    """A figure a source states about many people or operations."""

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="claims",
        help_text="The document that reports the claim.",
    )
    local_id = models.CharField(max_length=50, blank=True)
    quantity = models.BigIntegerField()
    quantity_high = models.BigIntegerField(null=True, blank=True)
    qualifier = models.CharField(max_length=12, choices=V.choices(V.CLAIM_QUALIFIERS), default="exact")
    category = models.CharField(max_length=30, choices=V.choices(V.EVENT_TYPES), db_index=True)
    population = models.CharField(max_length=500, blank=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    place_text = models.CharField(max_length=300, blank=True)
    period_start = models.CharField(max_length=10, blank=True)
    period_end = models.CharField(max_length=10, blank=True)
    attributed_to = models.CharField(max_length=300, blank=True, help_text="Who states the figure, as written.")
    attributed_source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.qualifier} {self.quantity} {self.category}"


class Membership(Reviewable):
    """A time-bounded link: person in unit, or unit part of / stationed at (Security Force Monitor)."""

    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    parent_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="member_units"
    )
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    role = models.CharField(max_length=100, blank=True, help_text="member, commander, stationed_at ...")
    start = models.CharField(max_length=10, blank=True)
    end = models.CharField(max_length=10, blank=True)
    history = HistoricalRecords()


class Evidence(models.Model):
    """A span of a document that supports a person, event, claim, organisation or link.

    Exactly one of the target fields is set. Quotes are verbatim; offsets index the
    document text as ingested.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="evidence")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "start"]


class ResolutionDecision(models.Model):
    """A reviewer's judgement that two person records are (not) the same person.

    Stored by record, independent of clusters, and applied after the model on every
    run of `tawthiq resolve`: the model proposes, stored decisions dispose.
    """

    class Judgement(models.TextChoices):
        SAME = "same"
        DIFFERENT = "different"
        UNSURE = "unsure"

    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    judgement = models.CharField(max_length=10, choices=Judgement.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="decision_pair_unique")]


class MatchCandidate(models.Model):
    """A pair the linkage model scored, with its explanation, for the duplicates page."""

    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField(db_index=True)
    # [{"comparison": "family_name", "level": "exact key", "weight": 4.2}, ...]
    explanation = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_unique")]
        ordering = ["-match_probability"]
