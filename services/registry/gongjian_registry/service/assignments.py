"""包保 (responsibility assignments): a leader, a resident unit or a member answers for a community,
an area, a residents' group or a firm under a place; the pairing can be changed and ended (结束包保).

An ended pairing stays stored (``active`` false, when, by whom, why): the record of who answered for
what and until when is part of the ledger; lists show the live ones.
"""

from __future__ import annotations

import uuid
from typing import Any

from pymongo import ReturnDocument

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.store import ASSIGNMENTS, MEMBERS, PLACES, UNITS

_HOLDER_STORES = {"unit": (UNITS, "单位"), "member": (MEMBERS, "党员")}


async def check_holder(db: Any, holder_kind: str, holder_id: str | None) -> None:
    """A unit or member holder named by id must exist: 422 ``unknown-holder`` otherwise."""
    if not holder_id or holder_kind not in _HOLDER_STORES:
        return
    store, label = _HOLDER_STORES[holder_kind]
    if await db[store].find_one({"_id": holder_id}, {"_id": 1}) is None:
        raise Problem(422, f"包保责任人不存在：没有编号为 {holder_id} 的{label} (unknown holder)", code="unknown-holder")


def check_target(target_kind: str, target_name: str) -> None:
    if target_kind != "community" and not target_name:
        raise Problem(422, "片区、小组或企业的包保需要写明对象名称 (target name required)", code="target-name-required")


async def assign(db: Any, *, holder_kind: str, holder_id: str | None, holder_name: str, target_kind: str,
                 place: dict[str, Any], target_name: str, note: str, by: str) -> dict[str, Any]:
    """A new pairing under ``place`` (its path kept for the subtree lists); 422 as the checks above."""
    check_target(target_kind, target_name)
    await check_holder(db, holder_kind, holder_id)
    doc = {"_id": f"bb-{uuid.uuid4().hex[:10]}", "holder_kind": holder_kind, "holder_id": holder_id,
           "holder_name": holder_name, "target_kind": target_kind, "place_id": place["_id"],
           "place_path": place["path"], "target_name": target_name or place["name"], "note": note,
           "created_by": by, "created_at": utc_now(), "active": True}
    await db[ASSIGNMENTS].insert_one(doc)
    return doc


async def get_assignment(db: Any, assignment_id: str) -> dict[str, Any]:
    doc = await db[ASSIGNMENTS].find_one({"_id": assignment_id})
    if doc is None:
        raise Problem(404, f"包保不存在：{assignment_id} (unknown assignment)", code="unknown-assignment")
    return doc


async def change(db: Any, current: dict[str, Any], changes: dict[str, Any], *, by: str) -> dict[str, Any]:
    """Change a live pairing's holder, target or note (``changes``: only the fields given). 409 when
    it has ended (the atomic update matches live ones only, so an end racing a change wins once)."""
    merged = {**current, **changes}
    check_target(merged["target_kind"], merged["target_name"])
    if merged["target_kind"] == "community" and ("target_kind" in changes or "target_name" in changes):
        place = await db[PLACES].find_one({"_id": current["place_id"]}, {"name": 1}) or {}
        changes["target_name"] = place.get("name") or current["target_name"]  # the community answers by its name
    if "holder_kind" in changes or "holder_id" in changes:
        if merged["holder_kind"] not in _HOLDER_STORES:
            merged["holder_id"] = changes["holder_id"] = None  # a leader is named, not an id
        await check_holder(db, merged["holder_kind"], merged["holder_id"])
    return await _update_live(db, current["_id"], {**changes, "changed_at": utc_now(), "changed_by": by})


async def end(db: Any, current: dict[str, Any], *, reason: str, by: str) -> dict[str, Any]:
    """结束包保: the pairing stops (kept, with when, by whom and why); 409 when already ended."""
    return await _update_live(db, current["_id"], {"active": False, "ended_at": utc_now(), "ended_by": by,
                                                   "end_reason": reason})


async def _update_live(db: Any, assignment_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    doc = await db[ASSIGNMENTS].find_one_and_update({"_id": assignment_id, "active": True}, {"$set": fields},
                                                    return_document=ReturnDocument.AFTER)
    if doc is None:
        raise Problem(409, "该包保已结束，不能再修改 (assignment ended)", code="assignment-ended")
    return doc


async def assignments_of(db: Any, place_id: str | None, holder_id: str | None) -> list[dict[str, Any]]:
    """The live pairings under ``place_id`` (its subtree) or of ``holder_id``, by id."""
    query: dict[str, Any] = {"active": True}
    if place_id:
        query["place_path"] = place_id
    if holder_id:
        query["holder_id"] = holder_id
    return await db[ASSIGNMENTS].find(query).sort("_id", 1).to_list(None)
