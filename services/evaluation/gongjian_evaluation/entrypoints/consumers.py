"""Kafka subscribers of evaluation: batch consumers feeding the projector (tolerant readers).

Each consumed topic has a FastStream batch subscriber (commit after the batch is applied). A
record that cannot be read goes to the dead-letter topic on its own; the rest of the batch applies.
``READS`` names the model evaluation reads each consumed event type with (checked against the
contract examples by shared/tests).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from faststream.kafka import KafkaMessage
from gongjian_shared import contracts
from gongjian_shared.deadletter import send_to_dead_letter
from gongjian_shared.kafka import subscribe
from gongjian_shared.topics import (
    CLAIMS_DEMANDS,
    CLAIMS_INSPECTIONS,
    CLAIMS_SUGGESTIONS,
    CLAIMS_WISHES,
    REGISTRY_MEMBERS,
    REGISTRY_PLACES,
    REGISTRY_UNITS,
)
from pydantic import BaseModel, ConfigDict

from ..domain.periods import parse_time
from ..service.projector import compact

log = logging.getLogger("gongjian.evaluation.consumers")
CONSUMED = (REGISTRY_PLACES, REGISTRY_UNITS, REGISTRY_MEMBERS, CLAIMS_DEMANDS, CLAIMS_WISHES, CLAIMS_SUGGESTIONS,
            CLAIMS_INSPECTIONS)


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PlaceCreated(_Tolerant):
    place_id: str
    kind: str = "community"
    name: str = ""
    parent_id: str | None = None
    path: list[str] = []


class UnitFacts(_Tolerant):
    unit_id: str | None = None
    name: str = ""
    community_id: str | None = None
    paired_community_id: str | None = None


class UnitReported(_Tolerant):
    unit_id: str | None = None
    community_id: str | None = None
    month: str | None = None
    reported_at: str | None = None


class MemberRegistered(_Tolerant):
    member_id: str
    name_masked: str = ""
    kind: str | None = None
    work_unit_id: str | None = None
    home_community_id: str | None = None


class MemberReported(_Tolerant):
    member_id: str
    community_id: str
    kind: str = "home"
    reported_at: str | None = None


class MemberChanged(_Tolerant):
    member_id: str | None = None
    home_community_id: str | None = None
    to_community_id: str | None = None


class DemandCounted(_Tolerant):
    community_id: str | None = None


class DemandClaimed(_Tolerant):
    claim_id: str | None = None
    claimant_id: str | None = None
    claimant_kind: str = "member"


class DemandVerified(_Tolerant):
    claim_id: str
    claimant_id: str
    claimant_kind: str = "member"
    hours: float
    approved: bool
    category: str | None = None
    beneficiaries: float | None = None


class ShiftHoursRecorded(_Tolerant):
    claimant_id: str
    claimant_kind: str = "member"
    hours: float
    previous_hours: float | None = None
    replaces_event_id: str | None = None
    category: str | None = None


class ShiftStep(_Tolerant):
    """shift.signed_up / signup_cancelled / checked_in / checked_out: a sign-up of one shift."""
    shift_id: str
    signup_id: str
    day: str
    claimant_id: str
    community_id: str | None = None


class RatedClaimant(_Tolerant):
    claimant_id: str
    claimant_kind: str = "member"


class DemandRated(_Tolerant):
    community_id: str | None = None
    score: int
    claimants: list[RatedClaimant] = []


class DemandClosed(_Tolerant):
    community_id: str | None = None
    kind: str | None = None
    outcome: str = "completed"
    wish_id: str | None = None


class InspectionRecorded(_Tolerant):
    community_id: str
    rectifications: list[dict[str, Any]] = []


class SuggestionResolved(_Tolerant):
    community_id: str | None = None
    outcome: str = "resolved"


MODELS: dict[str, type[BaseModel]] = {
    "place.created": PlaceCreated, "place.updated": PlaceCreated,
    "unit.registered": UnitFacts, "unit.updated": UnitFacts, "unit.reported": UnitReported,
    "member.registered": MemberRegistered, "member.reported": MemberReported, "member.updated": MemberChanged,
    "member.transferred": MemberChanged, "member.deactivated": MemberChanged,
    "demand.published": DemandCounted, "demand.claimed": DemandClaimed, "demand.claim_released": DemandCounted,
    "demand.fulfilled": DemandCounted, "demand.verified": DemandVerified, "demand.rated": DemandRated,
    "demand.overdue": DemandCounted, "demand.closed": DemandClosed,
    "shift.hours_recorded": ShiftHoursRecorded, "shift.signed_up": ShiftStep, "shift.signup_cancelled": ShiftStep,
    "shift.checked_in": ShiftStep, "shift.checked_out": ShiftStep,
    "wish.posted": DemandCounted, "wish.approved": DemandCounted, "wish.rejected": DemandCounted,
    "suggestion.received": DemandCounted, "suggestion.assigned": DemandCounted, "suggestion.resolved": SuggestionResolved,
    "inspection.recorded": InspectionRecorded, "inspection.rectification_overdue": DemandCounted,
    "inspection.rectification_closed": DemandCounted,
}


def _contracted(event_type: str) -> bool:
    try:
        contracts.contract(event_type)
    except KeyError:
        return False
    return True


# The model each consumed event type is read with. Types whose producer has not landed a contract
# yet are still read (tolerantly, with MODELS) but listed here only once their contract exists,
# so the shared contract test checks every pair it can.
READS: dict[str, type[BaseModel]] = {t: m for t, m in MODELS.items() if _contracted(t)}


ENVELOPE = ("id", "type", "subject", "time")


def read_record(record: Any) -> dict[str, Any]:
    """Decode and check one record; raises (→ dead letter) when it can never be applied.

    A light envelope check (the fields evaluation relies on) and the data model of its type:
    the full pydantic envelope per record would cost more than everything else evaluation does.
    """
    doc = json.loads(record.value)
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) and doc[k] for k in ENVELOPE) \
            or not isinstance(doc.get("data", {}), dict):
        raise ValueError("not a CloudEvent with id, type, subject, time and object data")
    parse_time(doc["time"])
    model = MODELS.get(doc["type"].removeprefix("gongjian."))
    if model is not None:
        model.model_validate(doc.get("data") or {})
    return compact(doc)


async def raw_body(msg: Any, original_decoder: Any) -> Any:
    return msg.body  # the batch handler decodes each record itself (bad ones go to the DLQ alone)


async def consume_batch(runtime: Any, projector: Any, base_topic: str, records: Any) -> None:
    batch = []
    for record in records:
        try:
            batch.append((f"{base_topic}:{record.partition}", record.offset, read_record(record)))
        except Exception as exc:  # noqa: BLE001 - a bad record must not hold up the others
            await send_to_dead_letter(runtime.producer, record, exc, 1)
    if batch:
        await projector.apply_records(batch)


def register(runtime: Any, projector: Any, *, max_records: int = 2000) -> None:
    for topic in CONSUMED:
        _subscribe(runtime, projector, topic, max_records)


def _subscribe(runtime: Any, projector: Any, topic: str, max_records: int) -> None:
    @subscribe(runtime.broker, runtime.settings, topic, group=f"evaluation.{topic.split('.')[1]}",
               batch=True, max_records=max_records, batch_timeout_ms=100, decoder=raw_body)
    async def on_batch(body: Any, msg: KafkaMessage) -> None:
        await consume_batch(runtime, projector, topic, msg.raw_message)
