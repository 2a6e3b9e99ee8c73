"""HTTP: what a person follows of their own — their claims, their suggestions (the mobile site's lists)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.requests import Offset

from ...service import mine, suggestions
from .common import OFFICIALS, out, runtime

router = APIRouter(tags=["我的 mine"])


@router.get("/claimants/{claimant_id}/claims",
            summary="我的认领 a claimant's claims with their demands (the member, the unit's admin, or officials)",
            **allow("member", "unit_admin", *OFFICIALS, place="own|object"))
async def claims_of_claimant(claimant_id: str, request: Request, principal: CurrentPrincipal,
                             status: str | None = None, limit: int = Query(50, ge=1, le=200),
                             offset: Offset = 0) -> dict:
    """``{total, items: [claim view + demand: {id, title, kind, category, community_name, status, due_at}]}``.

    Officials see only the claims on demands in their places; 403 for anyone else.
    """
    own = (principal.role == "member" and principal.sub == claimant_id) or (
        principal.role == "unit_admin" and claimant_id in principal.places)
    if not own:
        require_role(principal, *OFFICIALS)
    return await mine.claims_of_claimant(runtime(request).db, claimant_id, status=status, limit=limit,
                                            offset=offset, within=None if own else list(principal.places))


@router.get("/suggestions/mine", summary="我提交的意见建议 the caller's own suggestions with their progress",
            **allow(*ANYONE_SIGNED_IN, place="own"))
async def my_suggestions(request: Request, principal: CurrentPrincipal, limit: int = Query(50, ge=1, le=200),
                         offset: Offset = 0) -> dict:
    """``{total, items: [suggestion]}``, newest first: what the caller (resident or member) sent."""
    found = await suggestions.listing(runtime(request).db, place_id=None, status=None, limit=limit, offset=offset,
                                      author_id=principal.sub)
    return {"total": found["total"], "items": [out(d) for d in found["items"]]}
