"""HTTP API of evaluation: points and ledger."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gongjian_shared.auth import CurrentPrincipal, require_role

from ..adapters.store import LEDGER, balance

router = APIRouter(tags=["积分 points"])


@router.get("/holders/{holder_id}/points", summary="积分与台账 a holder's points and ledger")
async def points(holder_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    if principal.sub != holder_id:
        require_role(principal, "city_admin", "district_admin", "community_admin")
    db = request.app.state.runtime.db
    entries = await db[LEDGER].find({"holder_id": holder_id}, {"outbox": 0}).sort("recorded_at", -1).to_list(200)
    return {
        "holder_id": holder_id,
        "points": await balance(db, holder_id),
        "entries": [{"id": e["_id"], "points": e["points"], "rule": e["rule"], "source_event_id": e["source_event_id"],
                     "recorded_at": e["recorded_at"]} for e in entries],
    }
