"""The supervision ledger (督办台账) of a place: overdue and escalated demands, tasks and rectification items.

Each of the three lists is paged on the server (the same ``limit``/``offset`` for each, earliest
deadline first, sorted in the query); the summary counts every item, so it is each list's total.
Rectification items live inside their inspection, so they are unwound, filtered and sorted by an
aggregation rather than read whole and sorted here.
"""

from __future__ import annotations

from typing import Any

from ..adapters.projections import scope
from ..adapters.store import DEMANDS, INSPECTIONS, TASKS
from .demands import views

TASK_FIELDS = ("title", "owner_id", "owner_kind", "due_at", "escalated", "meeting_id", "place_id")
OVERDUE_ITEM = {"items.status": "open", "items.overdue": True}


async def of_place(db: Any, place_id: str, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """``{place_id, summary: {overdue_demands, overdue_tasks, overdue_rectifications, escalated}, demands,
    tasks, rectifications}``: each list one page (``limit`` rows from ``offset``) of its overdue items."""
    demand_filter = {**await scope(db, place_id), "overdue": True, "status": {"$nin": ["closed", "withdrawn"]}}
    task_filter = {"path": place_id, "status": "open", "overdue": True}
    demands = await db[DEMANDS].find(demand_filter).sort([("due_at", 1), ("_id", 1)]).skip(offset).limit(limit).to_list(None)
    tasks = await db[TASKS].find(task_filter).sort([("due_at", 1), ("_id", 1)]).skip(offset).limit(limit).to_list(None)
    counts = {"overdue_demands": await db[DEMANDS].count_documents(demand_filter),
              "overdue_tasks": await db[TASKS].count_documents(task_filter),
              "overdue_rectifications": await _count_items(db, place_id, {})}
    escalated = (await db[DEMANDS].count_documents({**demand_filter, "escalated": True})
                 + await db[TASKS].count_documents({**task_filter, "escalated": True})
                 + await _count_items(db, place_id, {"items.escalated": True}))
    return {"place_id": place_id, "summary": {**counts, "escalated": escalated},
            "rectifications": await overdue_items(db, place_id, limit=limit, offset=offset),
            "demands": await views(db, demands),
            "tasks": [{"id": t["_id"], **{k: t.get(k) for k in TASK_FIELDS}} for t in tasks]}


def _unwound(place_id: str, extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"$match": {"path": place_id, "status": "open"}}, {"$unwind": "$items"},
            {"$match": {**OVERDUE_ITEM, **extra}}]


async def _count_items(db: Any, place_id: str, extra: dict[str, Any]) -> int:
    found = await (await db[INSPECTIONS].aggregate([*_unwound(place_id, extra), {"$count": "n"}])).to_list(None)
    return found[0]["n"] if found else 0


async def overdue_items(db: Any, place_id: str, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """One page of the open rectification items past their deadline beneath ``place_id``, earliest first."""
    pipeline = [*_unwound(place_id, {}), {"$sort": {"items.deadline": 1, "items.id": 1}},
                {"$skip": offset}, {"$limit": limit}]
    found = await (await db[INSPECTIONS].aggregate(pipeline)).to_list(None)
    # FerretDB's $unwind keeps only _id and the unwound field: the page's inspections give the rest.
    fields = {"target_kind": 1, "target_name": 1, "community_id": 1}
    targets = {d["_id"]: d for d in await db[INSPECTIONS].find({"_id": {"$in": [d["_id"] for d in found]}},
                                                                fields).to_list(None)}
    return [{"id": d["items"]["id"], "inspection_id": d["_id"], "title": d["items"]["title"],
             "deadline": d["items"]["deadline"], "escalated": bool(d["items"].get("escalated")),
             **{k: targets.get(d["_id"], {}).get(k) for k in fields}} for d in found]
