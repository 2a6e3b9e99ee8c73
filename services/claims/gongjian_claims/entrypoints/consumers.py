"""Kafka subscribers: registry events kept as local projections (tolerant readers).

Each model reads only the fields claims needs; unknown fields are ignored. Every
effect is an upsert by id ($set / $addToSet), so a redelivered event changes nothing.
Events come in batches and a batch's updates go in one ordered bulk write (a member's
events keep their order: one key, one partition, one batch in order).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import CloudEvent
from gongjian_shared.topics import REGISTRY_MEMBERS, REGISTRY_PLACES, REGISTRY_UNITS
from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pymongo import UpdateOne

from ..adapters.store import MEMBERS, PLACES, UNITS
from .notices import NoticeIssued
from .projection_batches import subscribe_batch, write_in_order


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PlaceChanged(_Tolerant):
    """place.created / place.updated."""

    place_id: str
    kind: str | None = None
    name: str | None = None
    path: list[str] | None = None


class MemberRegistered(_Tolerant):
    member_id: str
    name_masked: str | None = None
    kind: str | None = None
    specialties: list[str] | None = None
    home_community_id: str | None = None
    work_unit_id: str | None = None


class MemberReported(_Tolerant):
    member_id: str
    community_id: str
    kind: str


class MemberDeactivated(_Tolerant):
    member_id: str


class MemberTransferred(_Tolerant):
    """The home report moves: the old one is closed, a new member.reported (home) follows."""

    member_id: str
    from_community_id: str
    to_community_id: str


class UnitChanged(_Tolerant):
    """unit.registered / unit.updated: the pairing is what matching and eligibility need."""

    unit_id: str
    name: str | None = None
    kind: str | None = None
    paired_community_id: str | None = Field(None, validation_alias=AliasChoices("paired_community_id", "community_id"))


class UnitReported(_Tolerant):
    """unit.reported (monthly report to a community) / unit.agreement_signed."""

    unit_id: str
    community_id: str | None = None


# event type → the model this service reads it with (checked against every contract example)
READS: dict[str, type[BaseModel]] = {
    "place.created": PlaceChanged,
    "place.updated": PlaceChanged,
    "member.registered": MemberRegistered,
    "member.updated": MemberRegistered,
    "member.reported": MemberReported,
    "member.deactivated": MemberDeactivated,
    "member.transferred": MemberTransferred,
    "unit.registered": UnitChanged,
    "unit.updated": UnitChanged,
    "unit.reported": UnitReported,
    "unit.agreement_signed": UnitReported,
    "notice.issued": NoticeIssued,  # entrypoints/notices.py: the channels
}


def _set(model: BaseModel, *fields: str) -> dict[str, Any]:
    """Only the fields the event actually carried: a partial update never erases."""
    return {f: getattr(model, f) for f in fields if f in model.model_fields_set}


Ops = list[UpdateOne]


def place_ops(event: CloudEvent) -> Ops:
    if event.short_type not in ("place.created", "place.updated"):
        return []
    place = PlaceChanged.model_validate(event.data)
    values = _set(place, "kind", "name", "path")
    return [UpdateOne({"_id": place.place_id}, {"$set": values}, upsert=True)] if values else []


def member_ops(event: CloudEvent) -> Ops:
    """The updates of one member event (member.transferred needs a read: ``apply_members``)."""
    kind = event.short_type
    if kind in ("member.registered", "member.updated"):
        member = MemberRegistered.model_validate(event.data)
        values = _set(member, "name_masked", "kind", "specialties", "home_community_id", "work_unit_id")
        if kind == "member.registered":
            values["active"] = True
        return [UpdateOne({"_id": member.member_id}, {"$set": values}, upsert=True)] if values else []
    if kind == "member.reported":
        report = MemberReported.model_validate(event.data)
        return [UpdateOne({"_id": report.member_id}, {"$addToSet": {"communities": report.community_id},
                                                      "$set": {f"by_kind.{report.kind}": report.community_id}},
                          upsert=True)]
    if kind == "member.deactivated":
        gone = MemberDeactivated.model_validate(event.data)
        return [UpdateOne({"_id": gone.member_id}, {"$set": {"active": False}}, upsert=True)]
    return []


async def _transfer(db: Any, moved: MemberTransferred) -> None:
    """Close the old home report (unless the member also reports there for work)."""
    doc = await db[MEMBERS].find_one({"_id": moved.member_id}) or {}
    reports = doc.get("by_kind") or {}
    update: dict[str, Any] = {"$set": {"home_community_id": moved.to_community_id}}
    if reports.get("home") == moved.from_community_id:
        update["$unset"] = {"by_kind.home": ""}
        if reports.get("work") != moved.from_community_id:
            update["$pull"] = {"communities": moved.from_community_id}
    await db[MEMBERS].update_one({"_id": moved.member_id}, update, upsert=True)


def unit_ops(event: CloudEvent) -> Ops:
    kind = event.short_type
    if kind in ("unit.registered", "unit.updated"):
        unit = UnitChanged.model_validate(event.data)
        values = _set(unit, "name", "kind", "paired_community_id")
        return [UpdateOne({"_id": unit.unit_id}, {"$set": values}, upsert=True)] if values else []
    if kind in ("unit.reported", "unit.agreement_signed"):
        report = UnitReported.model_validate(event.data)
        if report.community_id:
            return [UpdateOne({"_id": report.unit_id}, {"$addToSet": {"reported_communities": report.community_id}},
                              upsert=True)]
    return []


async def apply_places(db: Any, events: list[CloudEvent]) -> None:
    await write_in_order(db[PLACES], [op for e in events for op in place_ops(e)])


async def apply_members(db: Any, events: list[CloudEvent]) -> None:
    """In order: the updates of a run of events go in one ordered bulk write; a transfer reads first."""
    ops: Ops = []
    for event in events:
        if event.short_type == "member.transferred":
            await write_in_order(db[MEMBERS], ops)
            ops = []
            await _transfer(db, MemberTransferred.model_validate(event.data))
        else:
            ops += member_ops(event)
    await write_in_order(db[MEMBERS], ops)


async def apply_units(db: Any, events: list[CloudEvent]) -> None:
    await write_in_order(db[UNITS], [op for e in events for op in unit_ops(e)])


async def apply_place(db: Any, event: CloudEvent) -> None:
    await apply_places(db, [event])


async def apply_member(db: Any, event: CloudEvent) -> None:
    await apply_members(db, [event])


async def apply_unit(db: Any, event: CloudEvent) -> None:
    await apply_units(db, [event])


_OPS = {"place": place_ops, "member": member_ops, "unit": unit_ops}


def readable(event: CloudEvent) -> None:
    """Raise (ValidationError) if this service cannot read ``event``: checked per record before a batch."""
    if event.short_type == "member.transferred":
        MemberTransferred.model_validate(event.data)
    else:
        _OPS.get(event.short_type.split(".")[0], lambda _: [])(event)


def register(runtime: Any) -> None:
    """Batch subscribers (projection_batches.py): one bulk write per batch, not one update per event."""
    for topic, group, apply in ((REGISTRY_PLACES, "claims.places", apply_places),
                                (REGISTRY_MEMBERS, "claims.members", apply_members),
                                (REGISTRY_UNITS, "claims.units", apply_units)):
        subscribe_batch(runtime, topic, group, apply, check=readable)
