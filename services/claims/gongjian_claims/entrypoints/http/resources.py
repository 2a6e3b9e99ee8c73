"""HTTP: the resource list (资源清单) — units offer, communities claim (双向认领)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Deadline
from gongjian_shared.text import Folded
from pydantic import Field

from ...adapters.paging import with_total
from ...service import demands, resources
from .choices import ResourceKindIn
from .common import OFFICIALS, claimant, runtime

router = APIRouter(tags=["资源清单 resources"])


class OpeningHours(RequestModel):
    weekdays: list[int] = Field(min_length=1, description="星期几开放（1=周一 … 7=周日）")
    opens: Folded = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])
    closes: Folded = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["17:00"])


class ResourceIn(RequestModel):
    kind: ResourceKindIn = Field(
        description="venue 场地 / skill 技能 / fund 资金 / goods 物资")
    category: Folded
    item: Folded = Field(description="服务清单项目（名称或编号）")
    title: FreeText = Field(min_length=1, max_length=200)
    description: FreeText = Field("", max_length=4000)
    capacity: int = Field(1, ge=1, le=1000, description="可供几个社区认领")
    opening_hours: list[OpeningHours] = Field(default=[], description="场地开放时间（八小时之外、节假日）")
    amount_yuan: float | None = Field(None, gt=0, description="资金额度（元）")
    area_id: Folded | None = Field(None, description="面向的地点（街道/区）；空：全市")


class ResourceClaimIn(RequestModel):
    community_id: Folded
    due_at: Deadline | None = Field(None, description="计划完成（使用）时间（只给日期即当日结束）")
    note: FreeText = Field("", max_length=1000)


@router.post("/resources", status_code=201, summary="单位发布资源 offer a resource (unit admin)",
             **allow("unit_admin", place="own"))
async def offer(body: ResourceIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "unit_admin")
    unit_id, _ = await claimant(request, principal)
    spec = body.model_dump()
    return await resources.one_view(runtime(request).db, await resources.offer(runtime(request), unit_id=unit_id,
                                                                             spec=spec))


@router.get("/resources", summary="资源清单 list resources (offered to a place, or of a unit), paged",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published", **PAGED_LIST))
async def list_resources(request: Request, response: Response, principal: CurrentPrincipal,
                         place_id: str | None = None, unit_id: str | None = None, available_only: bool = True,
                         limit: int = Query(50, ge=1, le=500, title="每页条数"), offset: Offset = 0) -> dict:
    """``{total, items}``: one page (``limit`` from ``offset``) of resources, newest offer first; ``total``
    (also ``X-Total-Count``) counts every match. ``available_only`` (default): only those with seats left."""
    found = await resources.listing(runtime(request).db, place_id=place_id, unit_id=unit_id,
                                    available_only=available_only, limit=limit, offset=offset)
    return with_total(response, found)


@router.get("/lists/resources", tags=["三张清单 lists"], summary="资源清单 the resource list (available to a place)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def resources_list(request: Request, response: Response, principal: CurrentPrincipal,
                         place_id: str | None = None, limit: int = Query(50, ge=1, le=500, title="每页条数"),
                         offset: Offset = 0) -> dict:
    return await list_resources(request, response, principal, place_id=place_id, unit_id=None, available_only=True,
                                limit=limit, offset=offset)


@router.get("/resources/{resource_id}", summary="查看资源 get a resource",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def get(resource_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    db = runtime(request).db
    return await resources.one_view(db, await resources.get_resource(db, resource_id))


@router.post("/resources/{resource_id}/claims", status_code=201,
             summary="社区认领单位资源，生成共建项目 a community claims a resource (officials): 201 / 409 / 403",
             **allow(*OFFICIALS, place="body:community_id"))
async def claim(resource_id: str, body: ResourceClaimIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    result = await resources.claim_resource(runtime(request), resource_id=resource_id, community_id=body.community_id,
                                            due_at=body.due_at, note=body.note, acts_for=principal.acts_for)
    result["project"] = demands.view(result["project"]) if result["project"] else None
    return result
