"""The resource list (资源清单): what units offer, claimed by communities (双向认领).

Claiming goes both ways: units claim a community's demands (claiming.py), and a
community claims a unit's resource (a venue with opening hours, a skill, a fund). A
resource claim takes a holder ``<resource>|<community>`` and a seat ``<resource>#k``
(unique inserts: once per community, never over capacity), then becomes a project (项目
清单): a demand of kind "project" in the claiming community, already claimed by the
unit, which the unit fulfils and the community verifies. The project's id derives from
resource and community; if the process dies before it exists, the scheduler finishes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import later
from gongjian_shared.problems import Problem
from pymongo.errors import DuplicateKeyError

from ..adapters import journal, paging, projections, seats
from ..adapters.store import CLAIMS, DEMANDS, HOLDERS, RESOURCES, UNITS
from ..domain.board import STAGES, stage_of
from . import catalogue, demands
from .claiming import create_claim
from .common import not_found, require_acts_for
from .rules import community

RESOURCE_KINDS = {"venue": "场地设施", "skill": "专业技能", "fund": "资金", "goods": "物资"}


async def offer(runtime: Any, *, unit_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    db = runtime.db
    item = await catalogue.resolve(db, spec["category"], spec["item"])
    if spec.get("area_id") and await projections.place(db, spec["area_id"]) is None:
        raise Problem(422, f"服务范围地点不存在：{spec['area_id']} (unknown place)", code="unknown-place")
    unit = await db[UNITS].find_one({"_id": unit_id}) or {}
    doc = {"_id": f"resource-{uuid.uuid4().hex[:12]}", "unit_id": unit_id, "unit_name": unit.get("name"),
           **{k: spec.get(k) for k in ("kind", "title", "description", "opening_hours", "amount_yuan", "area_id")},
           "category": item["category"], "item": item["name"], "item_id": item["_id"], "capacity": spec["capacity"],
           "status": "available", "offered_at": utc_now()}
    await db[RESOURCES].insert_one(doc)
    return doc


async def get_resource(db: Any, resource_id: str) -> dict[str, Any]:
    doc = await db[RESOURCES].find_one({"_id": resource_id})
    if doc is None:
        raise not_found("资源", "unknown-resource", resource_id)
    return doc


def project_id(resource_id: str, community_id: str) -> str:
    return f"project-{resource_id.removeprefix('resource-')}-{community_id}"


async def claim_resource(runtime: Any, *, resource_id: str, community_id: str, due_at: datetime | None,
                         note: str, acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    resource = await get_resource(db, resource_id)
    place = await community(db, community_id)
    require_acts_for(acts_for, place["path"], "认领")
    if resource.get("area_id") and resource["area_id"] not in place["path"]:
        raise Problem(403, "该资源不面向本社区开放 (resource not offered to this community)", code="not-eligible",
                      reason="outside-area")
    pid = project_id(resource_id, community_id)
    if not await seats.hold(db, resource_id, community_id, pid, kind="resource", due_at=due_at, note=note):
        raise Problem(409, "本社区已认领该资源 (already claimed by this community)", code="already-claimed")
    if await seats.take_seat(db, resource_id, resource["capacity"], pid, community_id) in (None, seats.HELD):
        await seats.unhold(db, resource_id, community_id, pid)
        raise Problem(409, "该资源认领名额已满 (resource fully claimed)", code="resource-full")
    project = await create_project(runtime, resource, community_id)
    return {"resource_id": resource_id, "community_id": community_id, "project_id": pid, "project": project}


async def create_project(runtime: Any, resource: dict[str, Any], community_id: str) -> dict[str, Any]:
    """The project demand of one resource claim, claimed by the unit; idempotent."""
    db = runtime.db
    pid = project_id(resource["_id"], community_id)
    held = await seats.holder(db, resource["_id"], community_id) or {}
    existing = await journal.load(db, DEMANDS, pid)
    if existing is None:
        spec = {"community_id": community_id, "category": resource["category"], "item": resource["item_id"],
                "kind": "project", "title": resource["title"], "capacity": 1,
                "due_at": held.get("due_at") or later(utc_now(), days=30), "claimant_kinds": ["unit"],
                "resource_id": resource["_id"], "unit_id": resource["unit_id"],
                "description": held.get("note") or resource.get("description")}
        built = await demands.build(db, spec, acts_for=lambda _path: True, demand_id=pid)
        try:
            existing = await demands.insert(runtime, built)
        except DuplicateKeyError:
            existing = await journal.load(db, DEMANDS, pid)
    claim_id = f"claim-{pid}"  # deterministic: the unit's one claim on its project
    if await journal.load(db, CLAIMS, claim_id) is None:
        await seats.take_seat(db, pid, 1, claim_id, resource["unit_id"])
        await seats.hold(db, pid, resource["unit_id"], claim_id)
        load_id = await seats.reserve_load(db, resource["unit_id"], claim_id, None)
        try:
            await create_claim(runtime, existing, claim_id, resource["unit_id"], "unit", "resource", 0, load_id)
        except DuplicateKeyError:
            pass
    await db[HOLDERS].update_one({"_id": f"{resource['_id']}|{community_id}"}, {"$set": {"project_created": True}})
    return existing


async def finish_pending(runtime: Any, older_than: timedelta = timedelta(seconds=10)) -> int:
    """Scheduler sweep: projects whose creation a crash interrupted."""
    done = 0
    query = {"kind": "resource", "project_created": {"$ne": True}, "at": {"$lt": utc_now() - older_than}}
    for held in await runtime.db[HOLDERS].find(query).to_list(100):
        resource = await runtime.db[RESOURCES].find_one({"_id": held["pool"]})
        if resource is not None:
            await create_project(runtime, resource, held["holder"])
            done += 1
    return done


async def listing(db: Any, *, place_id: str | None, unit_id: str | None, available_only: bool, limit: int,
                  offset: int) -> dict[str, Any]:
    """One page of resources, newest offer first: ``{total, items: [view]}``, filtered, sorted and cut in the
    database. ``place_id``: offered to it (no area, or an area on its path); ``available_only``: seats left."""
    flt: dict[str, Any] = {"unit_id": unit_id} if unit_id else {}
    if place_id:
        place = await projections.place(db, place_id)
        flt["area_id"] = {"$in": [None, "", *(place["path"] if place else [place_id])]}
    if available_only:
        flt["_id"] = {"$nin": await _full(db, flt)}
    total, docs = await paging.page(db[RESOURCES], flt, [("offered_at", -1), ("_id", 1)], limit=limit, offset=offset)
    taken = await seats.taken_by_pool(db, [d["_id"] for d in docs])
    claimed = await claimed_by(db, [d["_id"] for d in docs])
    return {"total": total, "items": [view(d, taken.get(d["_id"], 0), claimed.get(d["_id"], [])) for d in docs]}


async def _full(db: Any, flt: dict[str, Any]) -> list[str]:
    """Ids of the resources matching ``flt`` whose every seat is taken (capacities and seat counts only)."""
    capacity = {d["_id"]: d["capacity"] for d in await db[RESOURCES].find(flt, {"capacity": 1}).to_list(None)}
    taken = await seats.taken_by_pool(db, list(capacity))
    return [rid for rid, n in taken.items() if n >= capacity[rid]]


async def claimed_by(db: Any, resource_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Per resource, the communities that claimed it and the project each claim became (issue 15: the
    unit's desk follows its resources into the 项目清单): ``[{community_id, community_name, project_id,
    project_stage, project_stage_label, project_due_at, claimed_at}]``, oldest claim first; the stage is
    the board's (domain/board.py: 已认领, 待核验, 已核验待销号, 已逾期, 已办结), None while the scheduler
    has not finished the project. Projects are published demands (read policy ``published``)."""
    out: dict[str, list[dict[str, Any]]] = {}
    held = await db[HOLDERS].find({"pool": {"$in": resource_ids}, "kind": "resource"}).sort("at", 1).to_list(None)
    pids = [h["claim_id"] for h in held]
    fields = {"status": 1, "overdue": 1, "community_name": 1, "due_at": 1}
    projects = {d["_id"]: d for d in await db[DEMANDS].find({"_id": {"$in": pids}}, fields).to_list(None)}
    statuses: dict[str, list[str]] = {}
    for claim in await db[CLAIMS].find({"demand_id": {"$in": pids}}, {"demand_id": 1, "status": 1}).to_list(None):
        statuses.setdefault(claim["demand_id"], []).append(claim["status"])
    for h in held:
        project = projects.get(h["claim_id"])
        stage = stage_of(project, statuses.get(h["claim_id"], [])) if project else None
        out.setdefault(h["pool"], []).append({
            "community_id": h["holder"], "community_name": (project or {}).get("community_name"),
            "project_id": h["claim_id"], "project_stage": stage, "project_stage_label": STAGES.get(stage or ""),
            "project_due_at": (project or {}).get("due_at"), "claimed_at": h["at"]})
    return out


def view(doc: dict[str, Any], taken: int, claimed: list[dict[str, Any]]) -> dict[str, Any]:
    keep = ("unit_id", "unit_name", "kind", "title", "description", "opening_hours", "amount_yuan", "area_id",
            "category", "item", "item_id", "capacity", "status", "offered_at")
    return {"id": doc["_id"], **{k: doc.get(k) for k in keep}, "kind_label": RESOURCE_KINDS.get(doc.get("kind")),
            "slots_left": max(doc["capacity"] - taken, 0), "claimed_by": claimed}


async def one_view(db: Any, doc: dict[str, Any]) -> dict[str, Any]:
    return view(doc, await seats.seats_taken(db, doc["_id"]), (await claimed_by(db, [doc["_id"]])).get(doc["_id"], []))
