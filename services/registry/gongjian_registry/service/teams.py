"""Volunteer teams by specialty (法律/保健/家教 …); 包保 pairings are in assignments.py."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.store import TEAMS
from .members import check_specialties


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
    cursor = db[TEAMS].find(_teams_query(community_id, specialty)).sort("_id", 1).skip(offset)
    return await (cursor.limit(limit) if limit else cursor).to_list(None)


async def count_teams(db: Any, community_id: str | None, specialty: str | None) -> int:
    """How many teams ``teams_of`` lists over all its pages (the console's pager total)."""
    return await db[TEAMS].count_documents(_teams_query(community_id, specialty))


def _teams_query(community_id: str | None, specialty: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if community_id:
        query["community_id"] = community_id
    if specialty:
        query["specialty"] = specialty
    return query
