"""HTTP: who I am, staff sign-in (password, OIDC), staff accounts, the community picker."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.privacy import MaskedName
from gongjian_shared.access import ANYONE_SIGNED_IN, allow, public
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import OFFICIALS, CurrentPrincipal, require_role
from gongjian_shared.problems import Problem
from pydantic import Field

from ..adapters.passwords import verify_password
from ..service import staff
from ..service.signin_guard import SignInGuard
from ..service.sessions import me_view
from .common import client_of, mobile, parts
from .http_auth import signed_in

router = APIRouter(tags=["登录 sign-in"])


class PasswordIn(RequestModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class OidcIn(RequestModel):
    id_token: str = Field(min_length=10, description="统一身份认证平台签发的 ID Token (RS256/ES256)")


class StaffIn(RequestModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    name: MaskedName = Field(min_length=1, max_length=50)
    role: Literal["city_admin", "district_admin", "community_admin", "unit_admin"]
    places: list[str] = Field(default_factory=list, description="管辖地点（单位管理员：单位 id）")
    phone: str | None = Field(None, description="手机号（用于验证码登录；仅存哈希）")
    password: str | None = Field(None, min_length=8, max_length=256)
    oidc_sub: str | None = Field(None, max_length=256, description="统一身份认证的用户标识 (sub)")


@router.get("/api/me", summary="我是谁 who I am: roles and places", **allow(*ANYONE_SIGNED_IN, place="own"))
async def me(request: Request, principal: CurrentPrincipal) -> dict:
    """{sub, role, roles, places: [{id, name, kind}], name, member_id?, resident_id?, unit_id?}."""
    identity = await parts(request).accounts.by_id(principal.sub)
    if identity is None:  # a developer token: answer from the token alone
        places = await parts(request).registry.places(principal.places)
        identity = {"id": principal.sub, "kind": "staff", "role": principal.role, "name": principal.sub,
                    "places": places}
    return me_view({**identity, "role": principal.role})


@router.get("/api/places/communities", tags=["地点 places"], summary="社区列表（居民注册用，公开） communities",
            **public("居民注册时选择社区 sign-up picks a community"))
async def communities(request: Request, q: str | None = Query(None, max_length=50),
                      limit: int = Query(50, ge=1, le=200)) -> list[dict]:
    """[{id, name, street}] whose name contains ``q``; names only, no sign-in needed."""
    return await parts(request).registry.communities(q, limit)


@router.post("/api/auth/password", summary="工作人员密码登录 staff sign-in with password", **public("工作人员登录 staff sign-in"))
async def password(body: PasswordIn, request: Request, response: Response) -> dict:
    """Like sign-in; 401 wrong username or password; 429 + Retry-After (seconds; the ``detail`` says
    minutes) when this client tried too often or the username failed too often (service/signin_guard.py)."""
    db = request.app.state.runtime.db
    guard = SignInGuard(db, request.app.state.settings)
    await guard.admit(client_of(request), body.username)
    account = await staff.by_username(db, body.username)
    # The hash is checked even for an unknown username: the answer takes as long either way.
    if not verify_password(account.get("password_hash") if account else None, body.password) or account is None:
        raise Problem(401, "用户名或密码错误 (wrong username or password)", code="bad-password")
    await guard.succeeded(body.username)
    identity = await parts(request).accounts.staff_identity(account)
    return await signed_in(request, response, identity, [identity["role"]], "password")


@router.get("/api/auth/oidc", summary="统一身份认证配置 is OIDC sign-in configured", **public("登录页需要知道 the sign-in page asks"))
async def oidc_config(request: Request) -> dict:
    s = request.app.state.settings
    return {"enabled": parts(request).oidc is not None, "issuer": s.oidc_issuer, "client_id": s.oidc_client_id}


@router.post("/api/auth/oidc", summary="统一身份认证登录 staff sign-in with an OIDC ID token",
             **public("统一身份认证登录 staff sign-in"))
async def oidc(body: OidcIn, request: Request, response: Response) -> dict:
    """The ID token is checked against the provider's JWKS (RS256/ES256, issuer, audience, expiry),
    then its ``sub`` must belong to a staff account; 401 otherwise, 404 when OIDC is off."""
    p = parts(request)
    if p.oidc is None:
        raise Problem(404, "未配置统一身份认证 (OIDC not configured)", code="oidc-off")
    claims = await p.oidc.verify(body.id_token)
    account = await staff.by_oidc_subject(request.app.state.runtime.db, claims["sub"])
    if account is None:
        raise Problem(401, "该统一身份认证账号未开通本系统 (no staff account for this identity)", code="no-account")
    identity = await p.accounts.staff_identity(account)
    return await signed_in(request, response, identity, [identity["role"]], "oidc")


@router.post("/api/staff", status_code=201, tags=["工作人员 staff"], summary="开通工作人员账号 create a staff account",
             **allow(*OFFICIALS, place="body:places"))
async def create_staff(body: StaffIn, request: Request, principal: CurrentPrincipal) -> dict:
    """City admins open any account; district and community admins (a street's staff too) only at or
    under their places (403). Each place must exist and fit the role (service/staff.py PLACE_KINDS: a
    community admin holds a community or a street, a district admin a district, a unit admin a unit): 422."""
    require_role(principal, *OFFICIALS)
    await staff.check_places(parts(request).registry, principal, body.role, body.places)
    return await staff.create_staff(request.app.state.runtime.db, parts(request).accounts, username=body.username,
                                    name=body.name, role=body.role, places=body.places,
                                    phone=mobile(body.phone) if body.phone else None, password=body.password,
                                    oidc_sub=body.oidc_sub, by=principal.sub)


@router.get("/api/dev/sms-codes/{phone}", tags=["开发 development"], include_in_schema=False,
            **public("仅开发环境（PORTAL_DEV_OUTBOX=1），否则 404 development only"))
async def dev_code(phone: str, request: Request) -> dict:
    """Development only (PORTAL_DEV_OUTBOX=1 with the dev sender): the last code sent to ``phone``."""
    sender = parts(request).sender
    if not request.app.state.settings.dev_outbox or not hasattr(sender, "sent"):
        raise Problem(404, "未启用 (not enabled)")
    code = sender.sent.get(mobile(phone))
    if code is None:
        raise Problem(404, "尚未向该手机号发送验证码 (no code sent)")
    return {"code": code}
