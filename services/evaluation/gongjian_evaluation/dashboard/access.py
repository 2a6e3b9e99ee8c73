"""Who may see a place's dashboard: its officials only.

City admins see every place; district and community admins the places their token's
places cover (a district admin every community of the district, never the district next
door, and a community admin never the district above). Other roles see nothing here,
even for their own community. EventSource cannot set headers, so the stream also takes
the token as the ``token`` query parameter.
"""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Query, Request

from gongjian_shared.auth import OFFICIALS, Principal, decode_token
from gongjian_shared.problems import Problem

from .places import Place, PlaceIndex


async def dashboard_principal(
    request: Request,
    token: Annotated[str | None, Query(description="Bearer 令牌（仅当无法设置请求头时，如 EventSource）")] = None,
) -> Principal:
    header = request.headers.get("authorization") or ""
    raw = header[7:].strip() if header.lower().startswith("bearer ") else token
    if not raw:
        raise Problem(401, "需要登录：缺少 Bearer 令牌 (missing bearer token)", code="unauthenticated")
    try:
        return decode_token(request.app.state.settings, raw)
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise Problem(401, f"令牌无效或已过期 (invalid token: {type(exc).__name__})", code="unauthenticated") from exc


def require_official(principal: Principal) -> None:
    if principal.role not in OFFICIALS:
        raise Problem(403, f"大屏仅对管理人员开放 (dashboard is for officials; role {principal.role} is not)",
                      code="not-an-official")


def place_for(principal: Principal, places: PlaceIndex, place_id: str) -> Place:
    """The place, if this official may watch it: 404 unknown (to city admins), 403 outside their places."""
    require_official(principal)
    place = places.get(place_id)
    if place is None and principal.role == "city_admin":
        raise Problem(404, f"地点不存在：{place_id} (unknown place)", code="unknown-place")
    if place is None or not principal.acts_for(place.path):
        raise Problem(403, "无权查看该地点的大屏：不在您的管辖范围 (outside your places)", code="outside-your-places")
    return place


def visible_roots(principal: Principal, places: PlaceIndex) -> list[Place]:
    """The top places of this official's view, the caller's own first (the page lands on the first):
    a city admin sees every city, with the city of their token (if any) first; others their own places."""
    require_official(principal)
    own = sorted((p for p in (places.get(pid) for pid in principal.places) if p is not None),
                 key=lambda p: (len(p.path), p.name))
    if principal.role == "city_admin":
        own_ids = {p.id for p in own}
        return [p for p in own if p in places.roots()] + [p for p in places.roots() if p.id not in own_ids]
    return own
