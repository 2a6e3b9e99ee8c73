"""The events of a position's shifts on claims.demands.v1 (key: the position id), so the steps
reach evaluation's figures (岗位服务: shifts held, sign-ups, attendance, hours; issue 14.2):

- ``shift.signed_up`` / ``shift.signup_cancelled``: a member takes or gives back a place;
- ``shift.checked_in`` / ``shift.checked_out``: by the QR code (``source: qr``) or an official's
  manual entry (``source: manual``);
- ``shift.hours_recorded``: the hours as they now stand (service/attendance.py).

Each rides on the sign-up's journal entry (adapters/journal.py outbox), so it is published once
the change is written, at least once. Only ids, the local day and times: never a name or a phone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.envelope import CloudEvent
from gongjian_shared.localtime import rfc3339
from gongjian_shared.topics import CLAIMS_DEMANDS

from .common import demand_event


def signup_event(demand: dict[str, Any], signup: dict[str, Any], type_: str, **data: Any) -> CloudEvent:
    """A ``shift.*`` event of ``signup``: the position's fields, the shift, the day, the member."""
    return demand_event(demand, type_, {
        "shift_id": signup["shift_id"], "signup_id": signup["_id"], "day": signup["day"],
        "claimant_id": signup["claimant_id"], "claimant_kind": signup.get("claimant_kind", "member"), **data})


def on_topic(*events: CloudEvent) -> list[tuple[str, list[CloudEvent]]]:
    """The journal's outbox argument: these events on claims.demands.v1."""
    return [(CLAIMS_DEMANDS, list(events))]


def signed_up(demand: dict[str, Any], signup: dict[str, Any]) -> CloudEvent:
    return signup_event(demand, signup, "shift.signed_up", starts_at=rfc3339(signup["starts_at"]),
                        ends_at=rfc3339(signup["ends_at"]))


def cancelled(demand: dict[str, Any], signup: dict[str, Any]) -> CloudEvent:
    return signup_event(demand, signup, "shift.signup_cancelled")


def checked_in(demand: dict[str, Any], signup: dict[str, Any], at: datetime, source: str) -> CloudEvent:
    return signup_event(demand, signup, "shift.checked_in", checked_in_at=rfc3339(at), source=source)


def checked_out(demand: dict[str, Any], signup: dict[str, Any], at: datetime, source: str) -> CloudEvent:
    return signup_event(demand, signup, "shift.checked_out", checked_out_at=rfc3339(at), source=source)
