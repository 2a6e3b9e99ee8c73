"""Kafka subscribers: registry events kept as local projections (tolerant readers)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from gongjian_shared.envelope import CloudEvent
from gongjian_shared.kafka import subscribe
from gongjian_shared.topics import REGISTRY_MEMBERS, REGISTRY_PLACES

from ..adapters.store import PLACES, REPORTS


class PlaceCreated(BaseModel):
    """The fields of place.created/updated that claims reads."""

    model_config = ConfigDict(extra="ignore")
    place_id: str
    kind: str
    name: str
    path: list[str]


class MemberReported(BaseModel):
    model_config = ConfigDict(extra="ignore")
    member_id: str
    community_id: str
    kind: str


# event type → the model this service reads it with (checked against every contract example)
READS: dict[str, type[BaseModel]] = {
    "place.created": PlaceCreated,
    "member.reported": MemberReported,
}


def register(runtime: Any) -> None:
    broker, settings = runtime.broker, runtime.settings

    @subscribe(broker, settings, REGISTRY_PLACES, group="claims.places")
    async def on_place(event: CloudEvent) -> None:
        if event.short_type not in ("place.created", "place.updated"):
            return
        place = PlaceCreated.model_validate(event.data)
        # Upsert by id: applying the same event twice leaves the same document.
        await runtime.db[PLACES].update_one(
            {"_id": place.place_id},
            {"$set": {"kind": place.kind, "name": place.name, "path": place.path}},
            upsert=True,
        )

    @subscribe(broker, settings, REGISTRY_MEMBERS, group="claims.members")
    async def on_member(event: CloudEvent) -> None:
        if event.short_type != "member.reported":
            return
        report = MemberReported.model_validate(event.data)
        await runtime.db[REPORTS].update_one(
            {"_id": report.member_id},
            {"$addToSet": {"communities": report.community_id}, "$set": {f"by_kind.{report.kind}": report.community_id}},
            upsert=True,
        )
