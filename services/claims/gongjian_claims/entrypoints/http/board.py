"""HTTP: the demand board (需求/资源/项目 清单看板) of a community or street, for its officials."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.requests import Offset

from ...service import board
from .common import OFFICIALS, acts_for_place, outside, runtime

router = APIRouter(tags=["三张清单 lists"])
StageIn = Literal["open", "claimed", "fulfilled", "verified", "overdue", "closed"]
KindIn = Literal["need", "wish", "position", "duty", "project"]
SortIn = Literal["-published_at", "published_at", "due_at", "-due_at", "title"]


@router.get("/board", summary="清单看板：未认领/已认领/待核验/已核验/逾期/已办结，按阶段筛选、排序、分页 "
            "the demand board of a community or street (officials over it)",
            **allow(*OFFICIALS, place="query:place_id"))
async def demand_board(request: Request, principal: CurrentPrincipal,
                       place_id: str = Query(title="社区或街道", description="社区或街道编号（街道看板含其下各社区）"),
                       stage: StageIn | None = Query(None, title="阶段", description="open 未认领；claimed 已认领；"
                                                     "fulfilled 待核验；verified 已核验待销号；overdue 已逾期；closed 已办结"),
                       kind: KindIn | None = Query(None, title="类型", description="need 需求；wish 微心愿；position 服务岗位；"
                                                   "duty 选派；project 项目"),
                       category: str | None = Query(None, title="类别", max_length=50),
                       sort: SortIn = Query("-published_at", title="排序", description="-published_at 最新发布；"
                                            "due_at 期限最近；title 标题"),
                       limit: int = Query(20, ge=1, le=200, title="每页条数"), offset: Offset = 0) -> dict:
    """``{total, counts: {stage: n}, items: [demand + stage]}``; 403 outside the caller's places."""
    require_role(principal, *OFFICIALS)
    if not await acts_for_place(request, principal, place_id):
        raise outside("该地点的清单")
    return await board.board(runtime(request).db, place_id=place_id, stage=stage, kind=kind, category=category,
                             sort=sort, limit=limit, offset=offset)
