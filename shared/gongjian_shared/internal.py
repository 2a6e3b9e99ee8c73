"""Service-to-service calls: short-lived JWTs with their own audience.

A service token carries ``aud = gongjian-internal`` and ``sub = service:<name>``. User
endpoints decode without an audience, which PyJWT refuses for a token that has one, so a
service token never passes as a person; internal endpoints accept nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .auth import ALGORITHM, ISSUER

SERVICE_AUDIENCE = "gongjian-internal"
_bearer = HTTPBearer(auto_error=False, description="服务令牌 (service token, internal calls only)")


def issue_service_token(secret: str, service: str, *, ttl_s: int = 300) -> str:
    now = datetime.now(UTC)  # time-policy: PyJWT checks iat/exp against the real clock
    claims = {"sub": f"service:{service}", "aud": SERVICE_AUDIENCE, "iss": ISSUER, "iat": now,
              "exp": now + timedelta(seconds=ttl_s)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


async def service_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """The calling service's name; 401 without a valid service token."""
    if credentials is None:
        raise HTTPException(401, "需要服务令牌 (service token required)", headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = jwt.decode(credentials.credentials, request.app.state.settings.jwt_secret, algorithms=[ALGORITHM],
                            audience=SERVICE_AUDIENCE, issuer=ISSUER, options={"require": ["sub", "exp", "aud"]})
    except jwt.PyJWTError as exc:
        raise HTTPException(401, f"服务令牌无效 (invalid service token: {type(exc).__name__})",
                            headers={"WWW-Authenticate": "Bearer"}) from exc
    if not str(claims["sub"]).startswith("service:"):
        raise HTTPException(403, "仅限内部服务调用 (internal callers only)")
    return str(claims["sub"]).removeprefix("service:")


ServiceCaller = Annotated[str, Depends(service_caller)]
