"""JWT bearer authentication with roles and places.

A token carries ``sub``, ``role`` and ``places``: the ids (places, or a unit for a unit
admin) it may act for. A place check passes when one of those ids lies on the target's
path from the city down (so a district admin acts for every community in the district).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, ConfigDict

Role = Literal["city_admin", "district_admin", "community_admin", "unit_admin", "member", "resident"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
OFFICIALS = ("city_admin", "district_admin", "community_admin")
ALGORITHM = "HS256"
ISSUER = "gongjian"


class Principal(BaseModel):
    """Who a token speaks for; frozen, as one verified token's principal is shared by its requests."""

    model_config = ConfigDict(frozen=True)

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


VERIFIED_CACHE_SIZE = 4096  # tokens whose signature was checked, kept per process (most recent)
_verified: OrderedDict[str, tuple[Principal, str, str, float]] = OrderedDict()  # token → principal, kid, secret, exp


def decode_token(keys: Any, token: str) -> Principal:
    """The principal of a valid token. ``keys``: one secret, or settings whose ``verification_keys()``
    maps key ids to secrets ("" for tokens without ``kid``): during a rotation both keys verify.
    Raises ``jwt.PyJWTError`` (bad signature, expired, unknown ``kid``), ``KeyError``, ``ValueError``.

    A token whose signature was checked is remembered (up to VERIFIED_CACHE_SIZE, per process) with
    its key id, the secret that verified it and its expiry: a repeat is taken without the HMAC and
    JSON work (a tenth of a claim's CPU in ``benchmarks/claims_race.py``) as long as it has not
    expired and its key id still maps to that secret, so a retired key stops a token at once.
    """
    secrets = {"": keys} if isinstance(keys, str) else keys.verification_keys()
    known = _verified.get(token)
    if known is not None:
        principal, kid, secret, expires = known
        if secrets.get(kid) == secret and time.time() < expires:
            _verified.move_to_end(token)
            return principal
        _verified.pop(token, None)
    kid = "" if isinstance(keys, str) else (jwt.get_unverified_header(token).get("kid") or "")
    secret = secrets.get(kid)
    if secret is None:
        raise jwt.InvalidKeyError(f"unknown key id {kid!r}")
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["sub", "exp"]})
    principal = Principal(sub=claims["sub"], role=claims["role"], places=list(claims.get("places") or []))
    _verified[token] = (principal, kid, secret, float(claims["exp"]))
    if len(_verified) > VERIFIED_CACHE_SIZE:
        _verified.popitem(last=False)
    return principal


_bearer = HTTPBearer(auto_error=False, description="开发令牌：`gongjian token --role R --place P`")
BEARER = Depends(_bearer)  # documents the scheme (OpenAPI); access.allow() puts it on every route it guards


async def current_principal(request: Request) -> Principal:
    """The verified principal of the request's ``Authorization: Bearer <token>``; 401 without one.

    The header is read here as HTTPBearer reads it, not through it as a sub-dependency: FastAPI
    solves a dependency's sub-tree again wherever it appears (a claim's guard, rate limit and
    handler: three times), and the scheme is documented by ``BEARER`` on the route instead.
    """
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    if not (scheme and token) or scheme.lower() != "bearer":
        raise HTTPException(401, "需要登录：缺少 Bearer 令牌 (missing bearer token)", headers={"WWW-Authenticate": "Bearer"})
    try:
        return decode_token(request.app.state.settings, token)
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
