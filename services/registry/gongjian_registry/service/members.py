"""Use cases on members: registration and dual reporting (双报到)."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import new_event, utc_now
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.privacy import mask_name
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_MEMBERS

from ..adapters.store import MEMBERS, next_sequence
from ..domain.members import REPORT_LABELS, receipt_number
from ..domain.places import district_of
from .places import get_place

SOURCE = "gongjian/registry"


async def get_member(db: Any, member_id: str) -> dict[str, Any]:
    member = await db[MEMBERS].find_one({"_id": member_id}, {"outbox": 0})
    if member is None:
        raise Problem(404, f"党员不存在：{member_id} (unknown member)", code="unknown-member")
    return member


async def community_place(db: Any, community_id: str) -> dict[str, Any]:
    place = await get_place(db, community_id)
    if place["kind"] != "community":
        raise Problem(422, f"{community_id} 不是社区 (not a community)", code="not-a-community")
    return place


async def register_member(runtime: Any, *, name: str, kind: str, specialties: list[str],
                          home_community_id: str | None, work_unit_id: str | None, acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    home = await community_place(db, home_community_id) if home_community_id else None
    if home is not None and not acts_for(home["path"]):
        raise Problem(403, "无权在该社区登记党员 (outside your places)")
    member_id = f"member-{uuid.uuid4().hex[:12]}"
    doc = {"_id": member_id, "name": name, "kind": kind, "specialties": specialties,
           "home_community_id": home_community_id, "work_unit_id": work_unit_id,
           "home_path": home["path"] if home else [], "reports": {}, "status": "active",
           "registered_at": utc_now()}
    event = new_event(
        source=SOURCE, type="member.registered", subject=member_id,
        data={"member_id": member_id, "name_masked": mask_name(name), "kind": kind, "specialties": specialties,
              "work_unit_id": work_unit_id, "home_community_id": home_community_id},
        districtid=district_of(home["path"], home["path_kinds"]) if home else None,
        communityid=home_community_id,
    )
    await db[MEMBERS].insert_one(with_events(doc, REGISTRY_MEMBERS, [event]))
    runtime.notify(MEMBERS, member_id)
    return doc


async def report_to_community(runtime: Any, *, member_id: str, community_id: str, kind: str,
                              acts_for: Any, is_self: bool) -> dict[str, Any]:
    """A member reports to a community (居住地 or 单位所在社区) and gets a receipt (报到回执)."""
    db = runtime.db
    member = await get_member(db, member_id)
    community = await community_place(db, community_id)
    if not (is_self or acts_for(community["path"])):
        raise Problem(403, "只能由党员本人或该社区工作人员办理报到 (only the member or the community's staff)")
    if member.get("status") != "active":
        raise Problem(409, "该党员已停用，不能报到 (member deactivated)", code="member-inactive")
    existing = (member.get("reports") or {}).get(kind)
    if existing and existing["community_id"] == community_id:
        return existing  # reporting twice to the same place is a no-op, same receipt
    now = utc_now()
    receipt = {"community_id": community_id, "kind": kind, "label": REPORT_LABELS[kind],
               "receipt_no": receipt_number(now, await next_sequence(db, "receipt")), "reported_at": now}
    event = new_event(
        source=SOURCE, type="member.reported", subject=member_id,
        data={"member_id": member_id, "community_id": community_id, "kind": kind,
              "receipt_no": receipt["receipt_no"], "reported_at": now.isoformat().replace("+00:00", "Z")},
        districtid=district_of(community["path"], community["path_kinds"]), communityid=community_id,
    )
    update = stage_events({"$set": {f"reports.{kind}": receipt}}, REGISTRY_MEMBERS, [event])
    await db[MEMBERS].update_one({"_id": member_id}, update)
    runtime.notify(MEMBERS, member_id)
    return receipt
