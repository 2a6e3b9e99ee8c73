"""The supervision ledger (督办台账) of a place: overdue and escalated demands, tasks and rectification items."""

from __future__ import annotations

from typing import Any

from ..adapters.store import DEMANDS, TASKS
from ..adapters.projections import scope
from .demands import views
from .inspections import overdue_items


async def of_place(db: Any, place_id: str) -> dict[str, Any]:
    demands = await db[DEMANDS].find({**await scope(db, place_id), "overdue": True, "status": {"$nin": ["closed", "withdrawn"]}},
                                     {}).sort("due_at", 1).to_list(500)
    tasks = await db[TASKS].find({"path": place_id, "status": "open", "overdue": True}).sort("due_at", 1).to_list(500)
    rectifications = await overdue_items(db, place_id)
    escalated = [d["_id"] for d in demands if d.get("escalated")] + [t["_id"] for t in tasks if t.get("escalated")] \
        + [r["id"] for r in rectifications if r["escalated"]]
    return {"place_id": place_id,
            "summary": {"overdue_demands": len(demands), "overdue_tasks": len(tasks),
                        "overdue_rectifications": len(rectifications), "escalated": len(escalated)},
            "rectifications": rectifications,
            "demands": await views(db, demands),
            "tasks": [{"id": t["_id"], **{k: t.get(k) for k in ("title", "owner_id", "owner_kind", "due_at",
                                                                "escalated", "meeting_id", "place_id")}}
                      for t in tasks]}
