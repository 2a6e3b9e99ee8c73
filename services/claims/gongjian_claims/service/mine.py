"""What a claimant follows of their own: their claims, each with its demand's title and state."""

from __future__ import annotations

from typing import Any

from ..adapters.store import CLAIMS, DEMANDS
from .claiming import view


async def claims_of_claimant(db: Any, claimant_id: str, *, status: str | None, limit: int,
                             offset: int, within: list[str] | None = None) -> dict[str, Any]:
    """A claimant's claims, newest first, each with the demand's title, kind, place and state.

    ``within``: only claims on demands beneath these places (an official's view).
    """
    flt: dict[str, Any] = {"claimant_id": claimant_id}
    if within is not None:
        flt["path"] = {"$in": within}
    if status:
        flt["status"] = status
    total = await db[CLAIMS].count_documents(flt)
    claims = await db[CLAIMS].find(flt).sort("claimed_at", -1).skip(offset).limit(limit).to_list(None)
    fields = {"title": 1, "kind": 1, "community_name": 1, "status": 1, "due_at": 1, "category": 1, "wish_id": 1}
    demands = {d["_id"]: d for d in await db[DEMANDS].find({"_id": {"$in": [c["demand_id"] for c in claims]}},
                                                            fields).to_list(None)}
    items = []
    for claim in claims:
        d = demands.get(claim["demand_id"], {})
        items.append({**view(claim), "demand": {"id": claim["demand_id"], "title": d.get("title"),
                                                "kind": d.get("kind"), "category": d.get("category"),
                                                "community_name": d.get("community_name"),
                                                "status": d.get("status"), "due_at": d.get("due_at")}})
    return {"total": total, "items": items}
