"""Projections of registry events: tolerant readers, redelivery changes nothing."""

from __future__ import annotations

import uuid

from gongjian_claims.entrypoints.consumers import READS, apply_member, apply_place, apply_unit
from gongjian_shared import contracts
from gongjian_shared.envelope import CloudEvent


def _event(type_: str, data: dict) -> CloudEvent:
    return CloudEvent(source="gongjian/registry", type=f"gongjian.{type_}", subject=data.get("member_id") or
                      data.get("unit_id") or data.get("place_id"), data=data)


async def test_redelivered_and_partial_events_change_nothing_twice(world):
    db = world.app.state.runtime.mongo[f"consumers_{uuid.uuid4().hex[:8]}"]
    try:
        registered = _event("member.registered", {"member_id": "m1", "name_masked": "张*珠", "kind": "retired",
                                                  "specialties": ["法律"], "phone": "13812345678"})
        reported = _event("member.reported", {"member_id": "m1", "community_id": "c1", "kind": "home"})
        for event in (registered, reported, registered, reported):  # at-least-once: twice each
            await apply_member(db, event)
        await apply_member(db, _event("member.updated", {"member_id": "m1", "specialties": ["法律", "家教"]}))
        doc = await db["members"].find_one({"_id": "m1"})
        assert doc["communities"] == ["c1"] and doc["specialties"] == ["法律", "家教"]
        assert doc["name_masked"] == "张*珠" and doc["kind"] == "retired" and "phone" not in doc

        # A transfer closes the old home report: no longer reported there until the new home report.
        await apply_member(db, _event("member.transferred", {"member_id": "m1", "from_community_id": "c1",
                                                             "to_community_id": "c9"}))
        moved = await db["members"].find_one({"_id": "m1"})
        assert moved["communities"] == [] and moved["home_community_id"] == "c9"
        await apply_member(db, _event("member.reported", {"member_id": "m1", "community_id": "c9", "kind": "home"}))
        assert (await db["members"].find_one({"_id": "m1"}))["communities"] == ["c9"]

        await apply_unit(db, _event("unit.registered", {"unit_id": "u1", "name": "市中院", "community_id": "c1"}))
        await apply_unit(db, _event("unit.updated", {"unit_id": "u1", "name": "黄石市中级人民法院"}))
        await apply_unit(db, _event("unit.reported", {"unit_id": "u1", "community_id": "c2", "month": "2026-11"}))
        unit = await db["units"].find_one({"_id": "u1"})
        assert unit["paired_community_id"] == "c1" and unit["name"] == "黄石市中级人民法院"
        assert unit["reported_communities"] == ["c2"]

        await apply_place(db, _event("place.created", {"place_id": "c1", "kind": "community", "name": "老虎头社区",
                                                       "parent_id": "s1", "path": ["x", "d", "s1", "c1"]}))
        await apply_place(db, _event("place.updated", {"place_id": "c1", "name": "老虎头社区（新）"}))
        place = await db["places"].find_one({"_id": "c1"})
        assert place["name"] == "老虎头社区（新）" and place["path"] == ["x", "d", "s1", "c1"]
    finally:
        await world.app.state.runtime.mongo.drop_database(db.name)


def test_every_read_model_reads_the_registry_contract_examples():
    for event_type, model in READS.items():
        for example in contracts.examples(event_type):
            model.model_validate(example["data"])
