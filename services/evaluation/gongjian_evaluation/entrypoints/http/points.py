"""Points (奉献积分): a holder's balance and ledger, rating, corrections, joint activities."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, OFFICIALS, allow
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Instant, month_key, rfc3339, year_of
from gongjian_shared.text import Folded
from gongjian_shared.problems import Problem
from pydantic import Field

from ...domain.ratings import member_metrics, stars
from ...service.projector import compact
from .access import evaluation, may_see_holder, official_for

router = APIRouter(tags=["积分 points"])


@router.get("/holders/{holder_id}/points", summary="积分与台账 a holder's points and ledger",
            **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def points(holder_id: str, request: Request, principal: CurrentPrincipal,
                 period: str = Query("all", description="all | YYYY | YYYY-MM"), limit: int = Query(200, le=5000)) -> dict:
    ev = evaluation(request)
    may_see_holder(principal, ev.state, holder_id)
    account = ev.state.accounts.get(holder_id)
    # The same local cut as the totals (by_period), not a prefix of the UTC text.
    entries = [e for e in (account.entries if account else [])
               if period in ("all", month_key(e.earned_at), str(year_of(e.earned_at)))]
    balance = (account.total if period == "all" else account.by_period.get(period, 0.0)) if account else 0.0
    return {"holder_id": holder_id, "holder_kind": account.holder_kind if account else None,
            "points": round(balance, 2), "period": period,
            "by_year": {k: v for k, v in (account.by_period.items() if account else []) if len(k) == 4},
            "entries": [e.as_dict() for e in reversed(entries)][:limit]}


@router.get("/holders/{holder_id}/rating", summary="星级评定 a member's star rating (五星级党员)",
            **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def rating(holder_id: str, request: Request, principal: CurrentPrincipal, year: int | None = None) -> dict:
    ev = evaluation(request)
    may_see_holder(principal, ev.state, holder_id)
    holder = ev.state.holders.get(holder_id)
    if holder is None or holder.kind != "member":
        raise Problem(404, f"党员不存在：{holder_id} (unknown member)", code="unknown-member")
    year = year or year_of(ev.clock.now())
    metrics = member_metrics(ev.state, holder, year)
    inactive = ev.alerts.is_open("member_inactive", holder_id)
    return {"holder_id": holder_id, "year": year, "metrics": metrics,
            **stars(metrics, await ev.config_for_year("five_star", year), inactive)}


class Revocation(RequestModel):
    entry_id: Folded
    reason: FreeText = Field(min_length=2, max_length=500)


@router.post("/holders/{holder_id}/revocations", status_code=201, summary="更正积分 revoke an entry (points.revoked)",
             **allow(*OFFICIALS, place="object"))
async def revoke(holder_id: str, body: Revocation, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    require_role(principal, "city_admin", "district_admin", "community_admin")
    account = ev.state.accounts.get(holder_id)
    original = next((e for e in account.entries if e.id == body.entry_id), None) if account else None
    if original is None:
        raise Problem(404, f"台账条目不存在：{body.entry_id} (unknown entry)", code="unknown-entry")
    official_for(principal, ev.state, original.place_path[-1] if original.place_path else None, "该积分")
    if original.revokes or f"{original.id}:revoked" in ev.state.entry_index:
        raise Problem(409, "该条目已更正 (already revoked)", code="already-revoked")
    command = {"id": str(uuid.uuid4()), "type": "points.revocation", "time": _now(ev), "subject": holder_id,
               "data": {"entry_id": body.entry_id, "reason": body.reason, "by": principal.sub}}
    await ev.projector.apply_command(command)
    entry = next(e for e in ev.state.accounts[holder_id].entries if e.id == f"{original.id}:revoked")
    return entry.as_dict()


class Activity(RequestModel):
    community_id: Folded
    title: FreeText = Field(min_length=2, max_length=200)
    held_at: Instant = Field(description="活动时间（不带时区按本地时间）")
    participant_ids: list[Folded] = Field(min_length=1, max_length=2000)


@router.post("/activities", status_code=201, summary="登记共建活动 record a joint activity (points to participants)",
             **allow(*OFFICIALS, place="body:community_id"))
async def record_activity(body: Activity, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    require_role(principal, "city_admin", "district_admin", "community_admin")
    if body.community_id not in ev.state.places:
        raise Problem(422, f"社区不存在或尚未同步：{body.community_id} (unknown community)", code="unknown-community")
    official_for(principal, ev.state, body.community_id, "该社区")
    if body.held_at > ev.clock.now():
        raise Problem(422, "活动时间不能晚于现在 (activity in the future)", code="future-activity")
    path = ev.state.path_of(body.community_id)
    command = {"id": f"activity-{uuid.uuid4().hex[:12]}", "type": "activity.recorded", "time": _now(ev),
               "subject": body.community_id, "communityid": body.community_id,
               "districtid": path[1] if len(path) > 1 else None,
               "data": {"community_id": body.community_id, "title": body.title,
                        "held_at": rfc3339(body.held_at), "participant_ids": body.participant_ids}}
    await ev.projector.apply_command(compact(command))
    return {"id": command["id"], "community_id": body.community_id, "participants": len(body.participant_ids)}


def _now(ev) -> str:
    return rfc3339(ev.clock.now())
