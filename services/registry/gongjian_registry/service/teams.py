"""Volunteer teams by specialty (法律/保健/家教 …) and responsibility assignments (包保)."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.store import ASSIGNMENTS, TEAMS
from .members import check_specialties
from .places import get_place

TARGET_KINDS = {"community": "社区", "area": "片区", "group": "居民小组", "enterprise": "企业"}
HOLDER_KINDS = {"leader": "领导干部", "unit": "驻区单位", "member": "党员"}


async def create_team(db: Any, *, name: str, specialty: str, community: dict[str, Any], by: str) -> dict[str, Any]:
    await check_specialties(db, [specialty])
    team = {"_id": f"team-{uuid.uuid4().hex[:10]}", "name": name, "specialty": specialty,
            "community_id": community["_id"], "members": {}, "created_by": by, "created_at": utc_now()}
    await db[TEAMS].insert_one(team)
    return team


async def get_team(db: Any, team_id: str) -> dict[str, Any]:
    team = await db[TEAMS].find_one({"_id": team_id})
    if team is None:
        raise Problem(404, f"志愿服务队不存在：{team_id} (unknown team)", code="unknown-team")
    return team


async def add_to_team(db: Any, team: dict[str, Any], member: dict[str, Any]) -> dict[str, Any]:
    """A member joins a team of their specialty; members are keyed by id (no duplicates)."""
    if team["specialty"] not in member.get("specialties", []):
        raise Problem(422, f"该党员没有“{team['specialty']}”专长，不能加入该服务队 (specialty mismatch)",
                      code="specialty-mismatch")
    if member.get("status") != "active":
        raise Problem(409, "该党员已停用 (member deactivated)", code="member-inactive")
    entry = {"member_id": member["_id"], "joined_at": utc_now()}
    await db[TEAMS].update_one({"_id": team["_id"]}, {"$set": {f"members.{member['_id']}": entry}})
    return await get_team(db, team["_id"])


async def teams_of(db: Any, community_id: str | None, specialty: str | None, *, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
    """Teams by id, filtered on the top-level community and specialty, one page in the query."""
    query: dict[str, Any] = {}
    if community_id:
        query["community_id"] = community_id
    if specialty:
        query["specialty"] = specialty
    cursor = db[TEAMS].find(query).sort("_id", 1).skip(offset)
    return await (cursor.limit(limit) if limit else cursor).to_list(None)


async def assign(db: Any, *, holder_kind: str, holder_id: str | None, holder_name: str, target_kind: str,
                 place: dict[str, Any], target_name: str, note: str, by: str) -> dict[str, Any]:
    """包保: a leader, unit or member answers for a community, area, group or enterprise."""
    doc = {"_id": f"bb-{uuid.uuid4().hex[:10]}", "holder_kind": holder_kind, "holder_id": holder_id,
           "holder_name": holder_name, "target_kind": target_kind, "place_id": place["_id"],
           "place_path": place["path"], "target_name": target_name or place["name"], "note": note,
           "created_by": by, "created_at": utc_now(), "active": True}
    await db[ASSIGNMENTS].insert_one(doc)
    return doc


async def assignments_of(db: Any, place_id: str | None, holder_id: str | None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"active": True}
    if place_id:
        query["place_path"] = place_id
    if holder_id:
        query["holder_id"] = holder_id
    return await db[ASSIGNMENTS].find(query).sort("_id", 1).to_list(None)


async def place_of(db: Any, place_id: str) -> dict[str, Any]:
    return await get_place(db, place_id)
