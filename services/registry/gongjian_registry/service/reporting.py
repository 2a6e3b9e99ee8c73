"""Dual reporting (双报到) with receipts, and the community's record of a member (双管制)."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.outbox import stage_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_MEMBERS

from ..adapters.store import MEMBERS, UNITS, next_sequence, report_field
from ..domain.members import REPORT_LABELS, receipt_number
from . import events
from .places import community_place


async def check_report_target(db: Any, member: dict[str, Any], community_id: str, kind: str) -> None:
    """Home: the community where the member lives; work: the one the unit is paired with."""
    if kind == "home" and member.get("home_community_id") not in (None, community_id):
        raise Problem(422, "居住地报到应到党员的居住社区 (home report goes to the home community)", code="wrong-community")
    if kind == "work":
        unit = await db[UNITS].find_one({"_id": member.get("work_unit_id")}, {"paired_community_id": 1}) \
            if member.get("work_unit_id") else None
        if unit is None:
            raise Problem(422, "党员未登记工作单位，不能办理单位所在社区报到 (no work unit)", code="no-work-unit")
        if unit.get("paired_community_id") != community_id:
            raise Problem(422, "单位报到应到工作单位的结对社区 (work report goes to the unit's paired community)",
                          code="wrong-community")


async def report_to_community(runtime: Any, member: dict[str, Any], community_id: str, kind: str) -> dict[str, Any]:
    """A member reports to a community and gets a receipt (报到回执); twice is a no-op."""
    db = runtime.db
    community = await community_place(db, community_id)
    if member.get("status") != "active":
        raise Problem(409, "该党员已停用，不能报到 (member deactivated)", code="member-inactive")
    await check_report_target(db, member, community_id, kind)
    existing = (member.get("reports") or {}).get(kind)
    if existing and existing["community_id"] == community_id:
        return existing
    now = utc_now()
    receipt = {"community_id": community_id, "community_name": community["name"], "kind": kind,
               "label": REPORT_LABELS[kind], "receipt_no": receipt_number(now, await next_sequence(db, "receipt")),
               "reported_at": now}
    entry = {"at": now, "type": "reported", "community_id": community_id,
             "note": f"{REPORT_LABELS[kind]}，回执 {receipt['receipt_no']}"}
    sets: dict[str, Any] = {f"reports.{kind}": receipt, report_field(kind): community_id}
    if kind == "home" and not member.get("home_community_id"):
        sets["home_community_id"] = community_id
    update = stage_events({"$set": sets, "$push": {"history": entry}}, REGISTRY_MEMBERS,
                          [events.member_reported(member, community, receipt)])
    await db[MEMBERS].update_one({"_id": member["_id"]}, update)
    runtime.notify(MEMBERS, member["_id"])
    return receipt


def report_communities(member: dict[str, Any]) -> list[str]:
    ids = [r["community_id"] for r in (member.get("reports") or {}).values()]
    if member.get("home_community_id"):
        ids.append(member["home_community_id"])
    return list(dict.fromkeys(ids))


async def record_performance(runtime: Any, member: dict[str, Any], community: dict[str, Any], *, by: str,
                             rating: str, note: str, activity: str | None) -> dict[str, Any]:
    """The community's record of how a member performs (双管制), read by the member's unit."""
    if community["_id"] not in report_communities(member):
        raise Problem(422, "该党员未在本社区报到，不能记录表现 (member not reported here)", code="not-reported-here")
    record_id = f"perf-{uuid.uuid4().hex[:10]}"
    record = {"id": record_id, "community_id": community["_id"], "community_name": community["name"],
              "rating": rating, "note": note, "activity": activity, "by": by, "at": utc_now()}
    await runtime.db[MEMBERS].update_one({"_id": member["_id"]}, {"$set": {f"performance.{record_id}": record}})
    return record


async def ensure_community(db: Any, community_id: str) -> dict[str, Any]:
    return await community_place(db, community_id)
