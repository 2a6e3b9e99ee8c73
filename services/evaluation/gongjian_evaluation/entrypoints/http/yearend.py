"""Year-end scores, commendation lists and the member assessment report for the unit."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.access import ANYONE_SIGNED_IN, OFFICIALS, allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import MAX_OFFSET, Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.text import Folded
from gongjian_shared.problems import Problem
from pydantic import Field

from ...adapters.store import COMMENDATIONS
from ...domain.reviews import GRADES
from ...service import yearend
from .access import evaluation, forbid, may_see_holder, official_for

router = APIRouter(tags=["年终考核 year-end"])


@router.get("/year-end", summary="年末综合考核 year-end scores of members and units in a place, paged",
            **allow(*OFFICIALS, place="query:place_id", **PAGED_LIST))
async def year_end(request: Request, response: Response, principal: CurrentPrincipal, place_id: str,
                   year: int = Query(ge=2000, le=2100),
                   limit: int = Query(50, ge=1, le=500, title="每页条数"), offset: Offset = 0,
                   units_offset: int = Query(0, ge=0, le=MAX_OFFSET, title="单位起始位置")) -> dict:
    """Year-end scores (年末综合考核) of ``place_id`` for local calendar ``year``, one page of each list:
    ``{place_id, year, weights, total, limit, offset, members: [...], units_total, units_offset, units: [...]}``
    — ``limit`` (1–500, default 50) members from ``offset`` and as many units from ``units_offset``;
    ``total`` (also ``X-Total-Count``) counts every member of the place, ``units_total`` every unit.
    Rows ``{rank, holder_id, name, score, ...}`` come highest score first (ties by id); ``rank`` is the
    competition rank over the whole place (1, 1, 3), not the place on the page. The Excel/PDF reports
    (reports.py) stay whole. 403 outside the caller's places; 422 (Chinese) for a bad limit/offset/year."""
    ev = evaluation(request)
    official_for(principal, ev.state, place_id, "该地点的考核")
    body = await yearend.year_end_page(ev, place_id, year, request.headers.get("authorization"),
                                       limit=limit, offset=offset, units_offset=units_offset)
    response.headers["X-Total-Count"] = str(body["total"])
    return body


class Commend(RequestModel):
    place_id: Folded
    year: int = Field(ge=2000, le=2100)
    top: int | None = Field(None, ge=1, le=100)


@router.post("/commendations", status_code=201, summary="公布表彰名单 publish the commendation list of a place",
             **allow("city_admin", "district_admin", place="body:place_id"))
async def commend(body: Commend, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    require_role(principal, "city_admin", "district_admin")
    official_for(principal, ev.state, body.place_id, "该地点")
    return await yearend.publish_commendations(ev, body.place_id, body.year, body.top or ev.config["commendation_top"],
                                               principal.sub, request.headers.get("authorization"))


@router.get("/commendations", summary="表彰名单 published commendation lists (any signed-in user)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="commendations"))
async def commendations(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                        year: int | None = None) -> dict:
    query = {k: v for k, v in (("place_id", place_id), ("year", year)) if v is not None}
    docs = await evaluation(request).runtime.db[COMMENDATIONS].find(query).to_list(None)
    return {"lists": [{"id": d.pop("_id"), **d} for d in docs]}


def _member(ev, member_id: str):
    holder = ev.state.holders.get(member_id)
    if holder is None or holder.kind != "member":
        raise Problem(404, f"党员不存在：{member_id} (unknown member)", code="unknown-member")
    return holder


@router.get("/members/{member_id}/assessment", summary="双向考评报告 the community's record of a member, for their unit",
            **allow("unit_admin", *OFFICIALS, place="own|object"))
async def assessment(member_id: str, request: Request, principal: CurrentPrincipal, year: int = Query(ge=2000, le=2100)) -> dict:
    ev = evaluation(request)
    holder = _member(ev, member_id)
    if principal.role == "member":
        raise forbid("考评报告提供给党员所在单位 (the report goes to the member's unit)")
    if principal.role == "unit_admin" and holder.work_unit not in principal.places:
        raise forbid("只能查看本单位党员的考评报告 (only your unit's members)")
    if principal.role != "unit_admin":
        may_see_holder(principal, ev.state, member_id)
    return await yearend.assessment_report(ev, member_id, year)


class Opinion(RequestModel):
    year: int = Field(ge=2000, le=2100)
    community_id: Folded
    grade: Folded
    comment: FreeText = Field("", max_length=2000)


@router.put("/members/{member_id}/assessment", summary="社区评价意见 the community's opinion of a member for a year",
            **allow("community_admin", place="body:community_id"))
async def opinion(member_id: str, body: Opinion, request: Request, principal: CurrentPrincipal) -> dict:
    ev = evaluation(request)
    holder = _member(ev, member_id)
    require_role(principal, "community_admin")
    if body.community_id not in principal.places or body.community_id not in holder.places():
        raise forbid("只能评价向本社区报到的党员 (only members reported to your community)")
    if body.grade not in GRADES:
        raise Problem(422, "等次应为 好/较好/一般/差 (bad grade)", code="bad-grade")
    return await yearend.record_opinion(ev, member_id, body.year, grade=body.grade, comment=body.comment,
                                        community_id=body.community_id, by=principal.sub)
