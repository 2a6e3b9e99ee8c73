"""What the HTTP handlers share: roles, who the claimant is, document views."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from gongjian_shared.auth import OFFICIALS, Principal
from gongjian_shared.problems import Problem

from ...adapters.store import UNITS

CLAIMANT_ROLES = ("member", "unit_admin")
__all__ = ["OFFICIALS", "CLAIMANT_ROLES", "runtime", "claimant", "out"]


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


def out(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored document as a response: ``id`` instead of ``_id``, storage fields dropped."""
    if doc is None:
        return None
    return {("id" if k == "_id" else k): v for k, v in doc.items() if k not in ("outbox", "applied_events")}
