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
    """The address the per-client limits count. Behind a proxy (``PORTAL_TRUST_FORWARDED_FOR``) it is
    the last ``X-Forwarded-For`` entry, the one the proxy appended: the entries before it are whatever
    the client sent, and taking the first let anyone pick a new address per request."""
    if request.app.state.settings.trust_forwarded_for and (forwarded := request.headers.getlist("x-forwarded-for")):
        return ",".join(forwarded).split(",")[-1].strip() or "unknown"
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
