"""Who may see what: officials their places, a unit itself and its members, a member themself."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from gongjian_shared.auth import OFFICIALS, Principal

from ...service.context import Evaluation


def evaluation(request: Request) -> Evaluation:
    return request.app.state.runtime.state["evaluation"]


def forbid(detail: str) -> HTTPException:
    return HTTPException(403, detail)


def official_for(principal: Principal, state: Any, place_id: str | None, what: str = "该地点") -> None:
    """Officials see their own places (a district admin every community in the district)."""
    if principal.role not in OFFICIALS:
        raise forbid(f"无权查看{what}：仅限组织部门与社区工作人员 (officials only)")
    path = list(state.path_of(place_id)) if place_id else []
    if principal.role != "city_admin" and not principal.acts_for(path):
        raise forbid(f"无权查看{what}：不在您的管辖范围 (outside your places)")


def may_see_holder(principal: Principal, state: Any, holder_id: str) -> None:
    holder = state.holders.get(holder_id)
    if principal.role == "member" and principal.sub == holder_id:
        return
    if principal.role == "unit_admin" and (holder_id in principal.places
                                           or (holder is not None and holder.work_unit in principal.places)):
        return
    if principal.role in OFFICIALS:
        if principal.role == "city_admin":
            return
        places = holder.places() if holder else []
        account = state.accounts.get(holder_id)
        earned = {e.place_path for e in account.entries} if account else set()  # where they served
        if any(principal.acts_for(list(state.path_of(p))) for p in places) \
                or any(principal.acts_for(list(path)) for path in earned):
            return
    raise forbid("无权查看他人的积分与评定 (you may see only your own record, or those in your places)")
