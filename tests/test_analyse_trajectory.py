"""Trajectory order and last known status, from plain event dicts."""

import datetime as dt

from tawthiq.analyse import trajectory as T


def ev(type_, date=None):
    return {"type": type_, "date_sort": dt.date.fromisoformat(date) if date else None}


def test_timeline_orders_by_date_then_life_order_with_undated_last():
    events = [ev("death", "2016-01-01"), ev("arrest"), ev("defection", "2012-03-01"), ev("escape", "2012-03-01"),
              ev("service", "2005-01-01")]
    assert [e["type"] for e in T.timeline(events)] == ["service", "defection", "escape", "death", "arrest"]


def test_status_is_the_latest_state_and_death_is_final():
    assert T.status_of([ev("defection", "2012-01-01"), ev("arrest", "2014-01-01")]) == "detained"
    assert T.status_of([ev("arrest", "2014-01-01"), ev("reconciliation", "2018-01-01")]) == "reconciled"
    # A death reported with no date still ends the trajectory.
    assert T.status_of([ev("death"), ev("arrest", "2014-01-01")]) == "died"
    # Dated beats undated; with nothing dated, life order decides.
    assert T.status_of([ev("enforced_disappearance"), ev("defection", "2012-01-01")]) == "defected"
    assert T.status_of([ev("defection"), ev("enforced_disappearance")]) == "disappeared"
    assert T.status_of([ev("promotion", "2010-01-01")]) is None
    assert T.status_of([]) is None


def test_every_status_has_its_event_types():
    for status in T.STATUSES:
        assert T.event_types_for(status)
    assert set(T.STATUS_BY_EVENT) <= set(T.TYPE_ORDER)
