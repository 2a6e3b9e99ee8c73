"""What the portal's handlers share: its parts, the client address, the refresh cookie."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from gongjian_shared.problems import Problem

from ..domain.phones import PhoneError, normalize_mobile

REFRESH_COOKIE = "gj_refresh"
COOKIE_PATH = "/api/auth"


def parts(request: Request) -> Any:
    """The portal's services (codes, accounts, sessions, registry, oidc): see bootstrap.Parts."""
    return request.app.state.parts


def client_of(request: Request) -> str:
    if request.app.state.settings.trust_forwarded_for and (forwarded := request.headers.get("x-forwarded-for")):
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def mobile(raw: str) -> str:
    try:
        return normalize_mobile(raw)
    except PhoneError as exc:
        raise Problem(422, str(exc), code="bad-phone") from exc


def set_refresh_cookie(response: Response, request: Request, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(REFRESH_COOKIE, token, max_age=int(settings.refresh_ttl_days * 86400), path=COOKIE_PATH,
                        httponly=True, secure=settings.cookie_secure, samesite="strict")


def clear_refresh_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH, httponly=True,
                           secure=request.app.state.settings.cookie_secure, samesite="strict")
