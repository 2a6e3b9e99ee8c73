"""JWT bearer authentication with roles and places.

A token carries ``sub``, ``role`` and ``places``: the ids (places, or a unit for a unit
admin) it may act for. A place check passes when one of those ids lies on the target's
path from the city down (so a district admin acts for every community in the district).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

Role = Literal["city_admin", "district_admin", "community_admin", "unit_admin", "member", "resident"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
OFFICIALS = ("city_admin", "district_admin", "community_admin")
ALGORITHM = "HS256"
ISSUER = "gongjian"


class Principal(BaseModel):
    sub: str
    role: Role
    places: list[str] = []

    def acts_for(self, path: list[str] | tuple[str, ...] | None) -> bool:
        """True if this principal may act for something located at ``path`` (ancestor ids)."""
        if self.role == "city_admin":
            return True
        return bool(path) and any(place in path for place in self.places)


def issue_token(secret: str, *, sub: str, role: str, places: list[str], ttl_hours: float = 12,
                kid: str | None = None) -> str:
    """A signed token; ``kid`` names the signing key in the header (key rotation, RFC 7515 §4.1.4)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    now = datetime.now(UTC)  # time-policy: PyJWT checks iat/exp against the real clock, so tokens use it too
    claims = {
        "sub": sub,
        "role": role,
        "places": places,
        "iss": ISSUER,
        "iat": now,
        "exp": now + timedelta(hours=ttl_hours),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": kid} if kid else None)


def decode_token(keys: Any, token: str) -> Principal:
    """The principal of a valid token. ``keys``: one secret, or settings whose ``verification_keys()``
    maps key ids to secrets ("" for tokens without ``kid``): during a rotation both keys verify.
    Raises ``jwt.PyJWTError`` (bad signature, expired, unknown ``kid``), ``KeyError``, ``ValueError``."""
    if isinstance(keys, str):
        secret = keys
    else:
        kid = jwt.get_unverified_header(token).get("kid") or ""
        secret = keys.verification_keys().get(kid)
        if secret is None:
            raise jwt.InvalidKeyError(f"unknown key id {kid!r}")
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["sub", "exp"]})
    return Principal(sub=claims["sub"], role=claims["role"], places=list(claims.get("places") or []))


_bearer = HTTPBearer(auto_error=False, description="开发令牌：`gongjian token --role R --place P`")


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "需要登录：缺少 Bearer 令牌 (missing bearer token)", headers={"WWW-Authenticate": "Bearer"})
    try:
        return decode_token(request.app.state.settings, credentials.credentials)
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise HTTPException(
            401, f"令牌无效或已过期 (invalid token: {type(exc).__name__})", headers={"WWW-Authenticate": "Bearer"}
        ) from exc


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        raise HTTPException(403, f"无权操作：需要角色 {'/'.join(roles)} (role {principal.role} not allowed)")


def require_place(principal: Principal, path: list[str] | None, what: str = "该地点") -> None:
    if not principal.acts_for(path):
        raise HTTPException(403, f"无权操作{what}：不在您的管辖范围 (outside your places)")
