"""Use cases on the place tree: create, rename, move, party organisation and leader.

Every change is kept in the place's history and announced as ``place.updated``; a move
re-paths the whole subtree (each descendant gets its own ``place.updated``).
"""

from __future__ import annotations

import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError

from gongjian_shared.envelope import utc_now
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_PLACES

from ..adapters.store import PLACES
from ..domain.places import DEFAULT_PARTY_ORG, LEADER_TITLES, PlaceRuleError, check_move, check_parent
from . import events


async def get_place(db: Any, place_id: str) -> dict[str, Any]:
    place = await db[PLACES].find_one({"_id": place_id}, {"outbox": 0, "outbox_pending": 0})
    if place is None:
        raise Problem(404, f"地点不存在：{place_id} (unknown place)", code="unknown-place")
    return place


async def community_place(db: Any, community_id: str) -> dict[str, Any]:
    place = await get_place(db, community_id)
    if place["kind"] != "community":
        raise Problem(422, f"{community_id} 不是社区 (not a community)", code="not-a-community")
    return place


def _forbid() -> Problem:
    return Problem(403, "无权操作该地点：不在您的管辖范围 (outside your places)", code="outside-places")


async def create_place(runtime: Any, *, kind: str, name: str, parent_id: str | None, place_id: str | None,
                       acts_for: Any, party_org: str | None = None, leader: dict[str, Any] | None = None) -> dict[str, Any]:
    db = runtime.db
    parent = await get_place(db, parent_id) if parent_id else None
    try:
        check_parent(kind, parent["kind"] if parent else None)
    except PlaceRuleError as exc:
        raise Problem(422, str(exc), code="bad-place-level") from exc
    if not acts_for(parent["path"] if parent else []):
        raise _forbid()
    place_id = place_id or f"{kind}-{uuid.uuid4().hex[:12]}"
    doc = {"_id": place_id, "kind": kind, "name": name, "parent_id": parent_id,
           "path": [*(parent["path"] if parent else []), place_id],
           "path_kinds": [*(parent["path_kinds"] if parent else []), kind],
           "party_org": {"name": party_org or f"{name}{DEFAULT_PARTY_ORG[kind]}", "kind": DEFAULT_PARTY_ORG[kind]},
           "leader": _leader(kind, leader), "history": [], "created_at": utc_now()}
    try:
        await db[PLACES].insert_one(with_events(doc, REGISTRY_PLACES, [events.place_event("place.created", doc)]))
    except DuplicateKeyError as exc:
        raise Problem(409, f"地点编号已存在：{place_id} (place id taken)", code="place-exists") from exc
    runtime.notify(PLACES, place_id)
    return doc


def _leader(kind: str, leader: dict[str, Any] | None) -> dict[str, Any] | None:
    if not leader or not leader.get("name"):
        return None
    return {"name": leader["name"], "member_id": leader.get("member_id"), "title": leader.get("title") or LEADER_TITLES[kind]}


def _entry(by: str, field: str, old: Any, new: Any) -> dict[str, Any]:
    flat = lambda v: "/".join(v) if isinstance(v, list) else v  # noqa: E731 - no nested arrays in FerretDB
    return {"at": utc_now(), "by": by, "field": field, "old": flat(old), "new": flat(new)}


async def update_place(runtime: Any, place_id: str, *, by: str, acts_for: Any, name: str | None = None,
                       parent_id: str | None = None, party_org: str | None = None,
                       leader: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rename, move, or change the party organisation or leader; history is kept."""
    db = runtime.db
    place = await get_place(db, place_id)
    if not acts_for(place["path"]):
        raise _forbid()
    new, history, changes = dict(place), [], []
    if name is not None and name != place["name"]:
        history.append(_entry(by, "name", place["name"], name))
        new["name"] = name
        changes.append("name")
    if party_org is not None and party_org != place.get("party_org", {}).get("name"):
        history.append(_entry(by, "party_org", place.get("party_org", {}).get("name"), party_org))
        new["party_org"] = {**place.get("party_org", {}), "name": party_org}
        changes.append("party_org")
    if leader is not None:
        history.append(_entry(by, "leader", (place.get("leader") or {}).get("name"), leader.get("name")))
        new["leader"] = _leader(place["kind"], leader)
        changes.append("leader")
    moved = parent_id is not None and parent_id != place["parent_id"]
    if moved:
        parent = await get_place(db, parent_id)
        try:
            check_parent(place["kind"], parent["kind"])
            check_move(place_id, parent["path"])
        except PlaceRuleError as exc:
            raise Problem(422, str(exc), code="bad-place-move") from exc
        if not acts_for(parent["path"]):
            raise _forbid()
        history.append(_entry(by, "path", place["path"], [*parent["path"], place_id]))
        new.update(parent_id=parent_id, path=[*parent["path"], place_id], path_kinds=[*parent["path_kinds"], place["kind"]])
        changes.append("parent_id")
    if not changes:
        return place
    previous = {"name": place["name"], "parent_id": place["parent_id"], "path": place["path"]}
    fields = {k: new[k] for k in ("name", "party_org", "leader", "parent_id", "path", "path_kinds")}
    update = stage_events({"$set": fields, "$push": {"history": {"$each": history}}}, REGISTRY_PLACES,
                          [events.place_event("place.updated", new, changes=changes, previous=previous)])
    await db[PLACES].update_one({"_id": place_id}, update)
    runtime.notify(PLACES, place_id)
    if moved:
        await _repath_subtree(runtime, place, new, by)
    return new


async def _repath_subtree(runtime: Any, old: dict[str, Any], new: dict[str, Any], by: str) -> None:
    db = runtime.db
    depth = len(old["path"])
    async for child in db[PLACES].find({"path": old["_id"]}, {"outbox": 0, "outbox_pending": 0}):
        if child["_id"] == old["_id"]:
            continue
        path = [*new["path"], *child["path"][depth:]]
        kinds = [*new["path_kinds"], *child["path_kinds"][depth:]]
        moved = {**child, "path": path, "path_kinds": kinds}
        event = events.place_event("place.updated", moved, changes=["path"],
                                   previous={"name": child["name"], "parent_id": child["parent_id"], "path": child["path"]})
        update = stage_events({"$set": {"path": path, "path_kinds": kinds},
                               "$push": {"history": _entry(by, "path", child["path"], path)}}, REGISTRY_PLACES, [event])
        await db[PLACES].update_one({"_id": child["_id"]}, update)
        runtime.notify(PLACES, child["_id"])


async def children(db: Any, parent_id: str | None, kind: str | None = None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"parent_id": parent_id}
    if kind:
        query["kind"] = kind
    return await db[PLACES].find(query, {"outbox": 0, "outbox_pending": 0, "history": 0}).sort("_id", 1).to_list(None)


async def all_places(db: Any) -> dict[str, dict[str, Any]]:
    """The whole tree in memory (thousands of places at most): for imports and roll-ups."""
    docs = await db[PLACES].find({}, {"outbox": 0, "outbox_pending": 0, "history": 0}).to_list(None)
    return {d["_id"]: d for d in docs}
