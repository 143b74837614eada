"""A person's trajectory from the events of all their records: order, status, steps.

Plain data in, plain data out (no Django): an event is a dict with at least `type` and
`date_sort` (a datetime.date or None); everything else is carried through untouched.
"""

from tawthiq import vocabulary as V

# The state a person is in after an event of this type (the "status" filter of the persons list).
STATUS_BY_EVENT = {
    "conscription": "serving",
    "service": "serving",
    "deployment": "serving",
    "defection_attempt": "serving",
    "defection": "defected",
    "escape": "defected",
    "joined_group": "defected",
    "left_group": "defected",
    "reconciliation": "reconciled",
    "arrest": "detained",
    "imprisonment": "detained",
    "torture": "detained",
    "enforced_disappearance": "disappeared",
    "death": "died",
    "death_notification": "died",
    "body_handover": "died",
}
STATUSES = ["serving", "defected", "reconciled", "detained", "disappeared", "died"]
FINAL_STATUS = "died"
# Life order of the vocabulary: breaks ties between events of the same date.
TYPE_ORDER = {t: i for i, t in enumerate(V.EVENT_TYPES)}


def event_types_for(status: str) -> list[str]:
    """The event types whose latest occurrence puts a person in `status`."""
    return [t for t, s in STATUS_BY_EVENT.items() if s == status]


def timeline(events: list[dict]) -> list[dict]:
    """Events in order: dated ones by date (ties in life order), undated at the end."""
    return sorted(
        events,
        key=lambda e: (e["date_sort"] is None, e["date_sort"] or 0, TYPE_ORDER.get(e["type"], 99)),
    )


def status_key(event: dict) -> tuple:
    """Which status event wins: death is final; then the latest date; then life order.

    Mirrored by the SQL ordering of the persons list (tawthiq.web.pages.persons).
    """
    return (
        STATUS_BY_EVENT.get(event["type"]) == FINAL_STATUS,
        event["date_sort"] is not None,
        event["date_sort"] or 0,
        TYPE_ORDER.get(event["type"], -1),
    )


def status_of(events: list[dict]) -> str | None:
    """The last known state (died, disappeared, detained, reconciled, defected, serving) or None."""
    relevant = [e for e in events if e["type"] in STATUS_BY_EVENT]
    if not relevant:
        return None
    return STATUS_BY_EVENT[max(relevant, key=status_key)["type"]]
