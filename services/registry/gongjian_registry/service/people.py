"""People who sign in: members found by the phone on file, and residents who register themselves.

The portal asks here (internal endpoints, service token) who owns a phone number. A person
is answered as an *identity*: id, kind (member or resident), display name, the places the
person acts in (for the access token) and whether the record is active. Phones are found
through the blind index (``Vault.phone_index``), never by decrypting.
"""

from __future__ import annotations

import re
from typing import Any

from pymongo.errors import DuplicateKeyError

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.store import COUNTERS, MEMBERS, PLACES, RESIDENTS, UNITS
from .places import community_place
from .reporting import report_communities


def resident_id_for(phone_index: str) -> str:
    """One resident per phone: the id comes from the blind index, the primary key refuses a second."""
    return f"resident-{phone_index[:24]}"


async def place_refs(db: Any, ids: list[str]) -> list[dict[str, Any]]:
    """[{id, name, kind, path}] of the given places, in the given order (unknown ids left out); ``path``:
    ids from the city down to the place itself (who may act for it). A unit admin's place is their unit:
    units answer too, with kind ``unit`` (the console's header) and the path of their paired community
    followed by the unit's id."""
    docs = {d["_id"]: d for d in await db[PLACES].find({"_id": {"$in": ids}}, {"name": 1, "kind": 1, "path": 1}).to_list(None)}
    if rest := [i for i in ids if i not in docs]:
        units = await db[UNITS].find({"_id": {"$in": rest}}, {"name": 1, "paired_community_id": 1}).to_list(None)
        paired = {d["_id"]: d["path"] for d in await db[PLACES].find(
            {"_id": {"$in": [u.get("paired_community_id") for u in units]}}, {"path": 1}).to_list(None)}
        docs |= {u["_id"]: {**u, "kind": "unit", "path": [*paired.get(u.get("paired_community_id"), []), u["_id"]]}
                 for u in units}
    return [{"id": i, "name": docs[i]["name"], "kind": docs[i]["kind"], "path": docs[i].get("path", [i])}
            for i in ids if i in docs]


async def member_identity(db: Any, member: dict[str, Any]) -> dict[str, Any]:
    places = report_communities(member)
    return {"id": member["_id"], "kind": "member", "role": "member", "name": member["name"],
            "active": member.get("status") == "active", "places": await place_refs(db, places),
            "unit_id": member.get("work_unit_id")}


async def resident_identity(db: Any, resident: dict[str, Any]) -> dict[str, Any]:
    return {"id": resident["_id"], "kind": "resident", "role": "resident", "name": resident["name"],
            "active": resident.get("status") == "active", "places": await place_refs(db, [resident["community_id"]])}


async def find_by_phone(db: Any, vault: Any, phone: str) -> list[dict[str, Any]]:
    """Every active member and the resident whose phone on file is ``phone`` (normalised)."""
    index = vault.phone_index(phone)
    found = [await member_identity(db, m) for m in
             await db[MEMBERS].find({"phone_index": index, "status": "active"}, {"outbox": 0, "outbox_pending": 0, "history": 0})
             .to_list(20)]
    resident = await db[RESIDENTS].find_one({"_id": resident_id_for(index), "status": "active"})
    if resident:
        found.append(await resident_identity(db, resident))
    return found


async def identity(db: Any, person_id: str) -> dict[str, Any]:
    """The identity of a member or resident by id; 404 when there is none."""
    if person_id.startswith("resident-"):
        doc = await db[RESIDENTS].find_one({"_id": person_id})
        if doc:
            return await resident_identity(db, doc)
    else:
        doc = await db[MEMBERS].find_one({"_id": person_id}, {"outbox": 0, "outbox_pending": 0, "history": 0})
        if doc:
            return await member_identity(db, doc)
    raise Problem(404, f"无此人员：{person_id} (unknown person)", code="unknown-person")


async def register_resident(db: Any, vault: Any, *, phone: str, name: str, community_id: str) -> dict[str, Any]:
    """A resident registers with phone and community (居民自主注册); 409 when the phone has one."""
    community = await community_place(db, community_id)
    index = vault.phone_index(phone)
    doc = {"_id": resident_id_for(index), "name": name, "phone_enc": vault.encrypt(phone), "phone_index": index,
           "community_id": community_id, "path": community["path"], "status": "active", "registered_at": utc_now()}
    try:
        await db[RESIDENTS].insert_one(doc)
    except DuplicateKeyError as exc:
        raise Problem(409, "该手机号已注册为居民 (phone already registered)", code="already-registered") from exc
    return await resident_identity(db, doc)


async def get_resident(db: Any, resident_id: str) -> dict[str, Any]:
    doc = await db[RESIDENTS].find_one({"_id": resident_id})
    if doc is None:
        raise Problem(404, f"居民不存在：{resident_id} (unknown resident)", code="unknown-resident")
    return doc


async def communities(db: Any, q: str | None, limit: int = 50) -> list[dict[str, Any]]:
    """Communities whose name contains ``q`` (for the resident registration picker): names only."""
    query: dict[str, Any] = {"kind": "community"}
    if q:
        query["name"] = {"$regex": re.escape(q.strip())}
    docs = await db[PLACES].find(query, {"name": 1, "path": 1}).sort("name", 1).limit(limit).to_list(None)
    parents = {p["id"]: p["name"] for p in await place_refs(db, sorted({d["path"][-2] for d in docs if len(d["path"]) > 1}))}
    return [{"id": d["_id"], "name": d["name"], "street": parents.get(d["path"][-2]) if len(d["path"]) > 1 else None}
            for d in docs]


async def backfill_phone_index(db: Any, vault: Any) -> int:
    """Give members stored before the blind index existed their ``phone_index`` (once per database)."""
    marker = "migration:phone_index"
    if await db[COUNTERS].find_one({"_id": marker}):
        return 0
    done = 0
    cursor = db[MEMBERS].find({"phone_enc": {"$ne": None}, "phone_index": {"$exists": False}}, {"phone_enc": 1})
    async for doc in cursor:
        await db[MEMBERS].update_one({"_id": doc["_id"]},
                                     {"$set": {"phone_index": vault.phone_index(vault.decrypt(doc["phone_enc"]))}})
        done += 1
    await db[COUNTERS].update_one({"_id": marker}, {"$set": {"members": done, "at": utc_now()}}, upsert=True)
    return done
