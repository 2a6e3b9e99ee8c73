"""Use cases on members: registration, changes, transfer and deactivation.

A member with an ID number gets an id derived from the HMAC person key, so registering
the same person twice collides on the primary key, in single calls and in bulk imports.
"""

from __future__ import annotations

import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError

from gongjian_shared.envelope import utc_now
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_MEMBERS

from ..adapters.crypto import member_id_for
from ..adapters.store import MEMBERS, SPECIALTIES, UNITS, report_field
from ..domain.idcard import PersonalDataError, normalize_id_number, normalize_phone
from ..domain.specialties import unknown
from . import events
from .places import community_place, get_place


async def get_member(db: Any, member_id: str) -> dict[str, Any]:
    member = await db[MEMBERS].find_one({"_id": member_id}, {"outbox": 0, "outbox_pending": 0})
    if member is None:
        raise Problem(404, f"党员不存在：{member_id} (unknown member)", code="unknown-member")
    return member


async def managed_specialties(db: Any) -> set[str]:
    return {d["_id"] for d in await db[SPECIALTIES].find({}).to_list(None)}


async def check_specialties(db: Any, specialties: list[str]) -> None:
    managed = await managed_specialties(db)
    if bad := unknown(specialties, managed):
        raise Problem(422, f"专长“{'、'.join(bad)}”不在专长目录中；可选专长：{'、'.join(sorted(managed))} (unknown specialty)",
                      code="unknown-specialty")


def personal_fields(vault: Any, id_number: str | None, phone: str | None) -> dict[str, Any]:
    """Validate and encrypt; raise a 422 problem on a bad ID number or phone."""
    try:
        id_number = normalize_id_number(id_number) if id_number else None
        phone = normalize_phone(phone) if phone else None
    except PersonalDataError as exc:
        raise Problem(422, str(exc), code="bad-personal-data") from exc
    return {"id_enc": vault.encrypt(id_number), "phone_enc": vault.encrypt(phone), "phone_index": vault.phone_index(phone),
            "person_key": vault.person_key(id_number) if id_number else None}


def new_member_doc(fields: dict[str, Any], secrets: dict[str, Any], *, job: str | None = None) -> dict[str, Any]:
    key = secrets.pop("person_key")
    member_id = member_id_for(key) if key else f"member-{uuid.uuid4().hex[:12]}"
    now = utc_now()
    return {"_id": member_id, "name": fields["name"], "kind": fields["kind"], "specialties": fields["specialties"],
            "home_community_id": fields.get("home_community_id"), "work_unit_id": fields.get("work_unit_id"),
            "grid_id": fields.get("grid_id"), "building_id": fields.get("building_id"), **secrets,
            "reports": {}, "performance": {}, "status": "active", "registered_at": now, "import_job": job,
            "history": [{"at": now, "type": "registered", "community_id": fields.get("home_community_id"),
                         "note": "批量导入" if job else "登记"}]}


async def register_member(runtime: Any, vault: Any, *, fields: dict[str, Any], id_number: str | None,
                          phone: str | None, acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    home = await community_place(db, fields["home_community_id"]) if fields.get("home_community_id") else None
    if home is not None and not acts_for(home["path"]):
        raise Problem(403, "无权在该社区登记党员 (outside your places)", code="outside-places")
    await check_specialties(db, fields["specialties"])
    if fields.get("work_unit_id") and not await db[UNITS].find_one({"_id": fields["work_unit_id"]}, {"_id": 1}):
        raise Problem(422, f"工作单位未登记：{fields['work_unit_id']} (unknown unit)", code="unknown-unit")
    doc = new_member_doc(fields, personal_fields(vault, id_number, phone))
    try:
        await db[MEMBERS].insert_one(with_events(doc, REGISTRY_MEMBERS, [events.member_registered(doc, home)]))
    except DuplicateKeyError as exc:
        raise Problem(409, "该身份证号已登记过党员，不能重复登记 (duplicate person)", code="duplicate-person",
                      member_id=doc["_id"]) from exc
    runtime.notify(MEMBERS, doc["_id"])
    return doc


async def home_of(db: Any, member: dict[str, Any]) -> dict[str, Any] | None:
    return await get_place(db, member["home_community_id"]) if member.get("home_community_id") else None


async def update_member(runtime: Any, vault: Any, member: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply already-authorised field changes; announce them as member.updated."""
    db = runtime.db
    fields: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "phone":
            secrets = personal_fields(vault, None, value)
            fields["phone_enc"], fields["phone_index"] = secrets["phone_enc"], secrets["phone_index"]
        elif name == "specialties":
            await check_specialties(db, value)
            fields[name] = value
        elif member.get(name) != value:
            fields[name] = value
    if not fields:
        return member
    if fields.get("work_unit_id") and not await db[UNITS].find_one({"_id": fields["work_unit_id"]}, {"_id": 1}):
        raise Problem(422, "工作单位未登记 (unknown unit)", code="unknown-unit")
    new = {**member, **fields}
    names = sorted(changes)
    entry = {"at": utc_now(), "type": "updated", "community_id": member.get("home_community_id"), "note": "、".join(names)}
    update = stage_events({"$set": fields, "$push": {"history": entry}}, REGISTRY_MEMBERS,
                          [events.member_updated(new, await home_of(db, member), names)])
    await db[MEMBERS].update_one({"_id": member["_id"]}, update)
    runtime.notify(MEMBERS, member["_id"])
    return new


async def transfer_member(runtime: Any, member: dict[str, Any], target_id: str, reason: str) -> dict[str, Any]:
    db = runtime.db
    if member.get("status") != "active":
        raise Problem(409, "该党员已停用，不能转接 (member deactivated)", code="member-inactive")
    source = await home_of(db, member)
    target = await community_place(db, target_id)
    if source is None or source["_id"] == target_id:
        raise Problem(422, "转入社区必须不同于当前居住社区 (target must differ)", code="same-community")
    now = utc_now()
    entry = {"at": now, "type": "transferred", "community_id": target_id,
             "note": f"由{source['name']}转入{target['name']}：{reason}"}
    old_home = (member.get("reports") or {}).get("home")
    history = [entry] + ([{"at": now, "type": "report_closed", "community_id": old_home["community_id"],
                           "note": f"原居住地报到回执 {old_home['receipt_no']} 随转接失效"}] if old_home else [])
    update = stage_events({"$set": {"home_community_id": target_id, "grid_id": None, "building_id": None},
                           "$unset": {"reports.home": "", report_field("home"): ""}, "$push": {"history": {"$each": history}}},
                          REGISTRY_MEMBERS, [events.member_transferred(member, source, target, reason)])
    await db[MEMBERS].update_one({"_id": member["_id"]}, update)
    runtime.notify(MEMBERS, member["_id"])
    return await get_member(db, member["_id"])


async def deactivate_member(runtime: Any, member: dict[str, Any], reason: str) -> dict[str, Any]:
    db = runtime.db
    if member.get("status") != "active":
        return member  # already inactive: nothing new happens
    entry = {"at": utc_now(), "type": "deactivated", "community_id": member.get("home_community_id"), "note": reason}
    update = stage_events({"$set": {"status": "inactive"}, "$push": {"history": entry}}, REGISTRY_MEMBERS,
                          [events.member_deactivated(member, await home_of(db, member), reason)])
    await db[MEMBERS].update_one({"_id": member["_id"], "status": "active"}, update)
    runtime.notify(MEMBERS, member["_id"])
    return await get_member(db, member["_id"])
