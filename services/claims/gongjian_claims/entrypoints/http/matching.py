"""HTTP: matching (精准对接 for members and units, 就近分流 for streets)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_place, require_role

from ...adapters import projections
from ...service import matching
from .common import OFFICIALS, acts_for_claimant, outside, runtime

router = APIRouter(tags=["精准对接 matching"])


@router.get("/matching/members/{member_id}/demands",
            summary="为党员推荐可认领的需求（专长与地点优先） open demands for a member, best first (self/officials)",
            **allow("member", *OFFICIALS, place="own|object"))
async def for_member(member_id: str, request: Request, principal: CurrentPrincipal,
                     limit: int = Query(20, ge=1, le=200)) -> dict:
    if not (principal.role == "member" and principal.sub == member_id):
        require_role(principal, *OFFICIALS)
        if not await acts_for_claimant(request, principal, member_id, "member"):
            raise outside("该党员的推荐")
    return await matching.demands_for(runtime(request).db, member_id, "member", limit)


@router.get("/matching/units/{unit_id}/demands", summary="为共建单位推荐可认领的需求 open demands for a unit",
            **allow("unit_admin", *OFFICIALS, place="own|object"))
async def for_unit(unit_id: str, request: Request, principal: CurrentPrincipal,
                   limit: int = Query(20, ge=1, le=200)) -> dict:
    if not (principal.role == "unit_admin" and unit_id in principal.places):
        require_role(principal, *OFFICIALS)
        if not await acts_for_claimant(request, principal, unit_id, "unit"):
            raise outside("该单位的推荐")
    return await matching.demands_for(runtime(request).db, unit_id, "unit", limit)


@router.get("/matching/streets/{street_id}/communities",
            summary="就近分流：街道内共建单位较少的社区优先 communities of a street by paired units, fewest first",
            **allow(*OFFICIALS, place="path:street_id"))
async def communities(street_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    place = await projections.place(runtime(request).db, street_id)
    require_place(principal, place["path"] if place else [street_id], "该街道")
    return await matching.communities_needing_units(runtime(request).db, street_id)
