"""What the HTTP handlers share: roles, who the claimant is, document views."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from gongjian_shared.auth import OFFICIALS, Principal
from gongjian_shared.problems import Problem

from ...adapters import projections
from ...adapters.store import UNITS

CLAIMANT_ROLES = ("member", "unit_admin")
__all__ = ["OFFICIALS", "CLAIMANT_ROLES", "runtime", "claimant", "out", "acts_for_place", "acts_for_claimant",
           "outside", "officials_acts_for"]


def outside(what: str) -> Problem:
    return Problem(403, f"无权查看{what}：不在您的管辖范围 (outside your places)", code="outside-your-places")


def runtime(request: Request) -> Any:
    return request.app.state.runtime


async def claimant(request: Request, principal: Principal) -> tuple[str, str]:
    """(claimant id, kind): a member claims for themself, a unit admin for their unit."""
    if principal.role == "member":
        return principal.sub, "member"
    if principal.role == "unit_admin":
        if not principal.places:
            raise Problem(403, "单位管理员令牌未指明所属单位 (unit admin token names no unit)", code="not-eligible")
        db = runtime(request).db
        for place in principal.places:  # the token's places include the unit's id
            if await db[UNITS].find_one({"_id": place}, {"_id": 1}):
                return place, "unit"
        return principal.places[0], "unit"
    raise Problem(403, f"无权操作：需要角色 member/unit_admin (role {principal.role} not allowed)")


async def acts_for_place(request: Request, principal: Principal, place_id: str) -> bool:
    """True if the principal acts for ``place_id`` (its path from the projection; an unknown id stands alone)."""
    place = await projections.place(runtime(request).db, place_id)
    return principal.acts_for(place["path"] if place else [place_id])


async def acts_for_claimant(request: Request, principal: Principal, claimant_id: str, kind: str) -> bool:
    """An official over one of the communities a member or unit reported to (object level)."""
    if principal.role == "city_admin":
        return True
    found = await projections.load_claimant(runtime(request).db, claimant_id, kind, with_streets=False)
    for community_id in sorted(found.communities):
        if await acts_for_place(request, principal, community_id):
            return True
    return False


def officials_acts_for(principal: Principal) -> Any:
    """The place check of someone acting as staff: a resident's or member's token places confer no office."""
    return principal.acts_for if principal.role in OFFICIALS else (lambda _path: False)


def out(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored document as a response: ``id`` instead of ``_id``, storage fields dropped."""
    if doc is None:
        return None
    return {("id" if k == "_id" else k): v for k, v in doc.items() if k not in ("outbox", "outbox_pending", "applied_events")}
