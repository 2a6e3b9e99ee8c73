"""Two-way evaluation (双向评议): campaigns, submissions by the parties, results once closed."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.access import ANYONE_SIGNED_IN, OFFICIALS, allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Deadline
from gongjian_shared.text import Folded
from gongjian_shared.problems import Problem
from pydantic import Field

from ...service import reviews
from .access import evaluation, forbid, official_for

router = APIRouter(tags=["双向评议 reviews"])


class OpenCampaign(RequestModel):
    district_id: Folded
    year: int = Field(ge=2000, le=2100)
    closes_at: Deadline | None = Field(None, description="截止时间（不带时区按本地时间；只给日期即当日结束）")


@router.post("/campaigns", status_code=201, summary="开启年度双向评议 open a district's yearly campaign",
             **allow("city_admin", "district_admin", place="body:district_id"))
async def open_campaign(body: OpenCampaign, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    require_role(principal, "city_admin", "district_admin")
    place = ev.state.places.get(body.district_id)
    if place is None or place.kind != "district":
        raise Problem(422, f"区不存在：{body.district_id} (unknown district)", code="unknown-district")
    official_for(principal, ev.state, body.district_id, "该区")
    return await reviews.open_campaign(ev, district_id=body.district_id, year=body.year, closes_at=body.closes_at)


@router.get("/campaigns", summary="评议活动列表 campaigns of a district and/or year (without grades), paged",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="commendations", **PAGED_LIST))
async def list_campaigns(request: Request, response: Response, principal: CurrentPrincipal,
                         district_id: str | None = None, year: int | None = Query(None, ge=2000, le=2100),
                         limit: int = Query(50, ge=1, le=500, title="每页条数"), offset: Offset = 0) -> dict:
    """``{total, items: [{id, district_id, year, status, opened_at, closes_at, closed_at, reviews_submitted}]}``:
    ``limit`` (1–500, default 50) campaigns from ``offset``, newest year first; ``total`` (also
    ``X-Total-Count``) counts every match. None opened yet is an empty list, not a 404 (the console asks
    whether this year's campaign is open). Grades stay out until the results are published (``/results``)."""
    body = await reviews.listing(evaluation(request).runtime.db, district_id=district_id, year=year,
                                 limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(body["total"])
    return body


@router.get("/campaigns/{campaign_id}", summary="评议活动 a campaign (without grades)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="commendations"))
async def get_campaign(campaign_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return reviews.public(await reviews.get_campaign(evaluation(request).runtime.db, campaign_id))


class Review(RequestModel):
    reviewer_id: Folded = Field(description="评议方：社区或单位 id")
    reviewed_id: Folded = Field(description="被评议方：单位或社区 id")
    grade: Folded = Field(description="好 | 较好 | 一般 | 差")
    comment: FreeText = Field("", max_length=2000)


@router.post("/campaigns/{campaign_id}/reviews", status_code=201, summary="提交评议 submit a grade (parties only)",
             **allow("community_admin", "unit_admin", place="body:reviewer_id"))
async def submit(campaign_id: str, body: Review, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "community_admin", "unit_admin")
    if body.reviewer_id not in principal.places:
        raise forbid("只能以本社区或本单位的名义评议 (you may review only for your own community or unit)")
    return await reviews.submit(evaluation(request), campaign_id, reviewer_id=body.reviewer_id,
                                reviewed_id=body.reviewed_id, grade=body.grade, comment=body.comment, by=principal.sub)


@router.post("/campaigns/{campaign_id}/close", summary="结束评议并公布结果 close the campaign",
             **allow("city_admin", "district_admin", place="object"))
async def close(campaign_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    require_role(principal, "city_admin", "district_admin")
    campaign = await reviews.get_campaign(ev.runtime.db, campaign_id)
    official_for(principal, ev.state, campaign["district_id"], "该区")
    return await reviews.close(ev, campaign_id)


@router.get("/campaigns/{campaign_id}/results", summary="评议结果 results (visible once closed; parties see their own)",
            **allow(*OFFICIALS, "unit_admin", place="own|object"))
async def results(campaign_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    campaign = await reviews.get_campaign(ev.runtime.db, campaign_id)
    if campaign["status"] != "closed":
        raise Problem(409, "评议尚未结束，结果暂不公开 (results are visible when the campaign closes)",
                      code="campaign-open")
    rows = list(campaign["results"].values())
    comments: dict[str, list[str]] = {}
    for r in campaign["reviews"].values():
        if r.get("comment"):
            comments.setdefault(r["reviewed_id"], []).append(r["comment"])
    if principal.role in ("city_admin", "district_admin"):
        official_for(principal, ev.state, campaign["district_id"], "该区评议结果")
    elif principal.role in ("unit_admin", "community_admin"):
        own = set(principal.places)
        rows = [r for r in rows if r["reviewed_id"] in own or (principal.role == "community_admin" and _home(ev, r) in own)]
        if not rows:
            raise forbid("无权查看其他单位的评议结果 (you may see only your own grades)")
    else:
        raise forbid("无权查看评议结果 (not allowed)")
    named = [r | {"comments": comments.get(r["reviewed_id"], []), "name": _name(ev, r["reviewed_id"]),
                  "place_name": _place_name(ev, _home(ev, r))} for r in rows]
    await ev.named(named, request.headers.get("authorization"), key="reviewed_id")
    return {**reviews.public(campaign), "results": named}


def _name(ev, holder_id: str) -> str | None:
    holder = ev.state.holders.get(holder_id)
    return holder.name if holder else None


def _place_name(ev, place_id: str | None) -> str | None:
    place = ev.state.places.get(place_id) if place_id else None
    return place.name if place else None


def _home(ev, row: dict) -> str | None:
    holder = ev.state.holders.get(row["reviewed_id"])
    return holder.home if holder else None
