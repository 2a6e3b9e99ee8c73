"""HTTP: sign-in by SMS code, resident registration, refresh and sign-out (PORTAL_API.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from gongjian_shared.text import Folded
from pydantic import Field

from gongjian_shared.privacy import MaskedName
from gongjian_shared.access import public
from gongjian_shared.requests import RequestModel
from ..service.accounts import choose, roles_of
from ..service.sessions import expired_session
from .common import REFRESH_COOKIE, clear_refresh_cookie, client_of, mobile, parts, set_refresh_cookie

router = APIRouter(prefix="/api/auth", tags=["登录 sign-in"])


class PhoneIn(RequestModel):
    phone: str = Field(description="手机号，如 13800138000（可含空格、+86、全角数字）")


class SignInIn(PhoneIn):
    code: Folded = Field(min_length=4, max_length=8, description="短信验证码（6位；全角数字也可）")
    role: str | None = Field(None, description="同一手机号有多个身份时选择其一（默认：最高职级）")


class RegisterIn(PhoneIn):
    code: Folded = Field(min_length=4, max_length=8)
    name: MaskedName = Field(min_length=1, max_length=50, description="姓名")
    community_id: str = Field(description="所在社区（GET /api/places/communities）")


async def signed_in(request: Request, response: Response, identity: dict, roles: list[str], via: str) -> dict:
    """Start a session: refresh cookie set, {access_token, token_type, expires_in, me} returned."""
    p = parts(request)
    set_refresh_cookie(response, request, await p.sessions.start(identity, via))
    return p.sessions.access(identity, roles)


@router.post("/sms-code", status_code=202, summary="发送短信验证码 send a sign-in code",
             **public("登录前发送验证码，按手机号与客户端限流 before sign-in; rate limited"))
async def sms_code(body: PhoneIn, request: Request) -> dict:
    """202 {expires_in: 300, resend_after: 60} (seconds) whether or not the phone has an account;
    422 bad phone; 429 + Retry-After when the phone or this client asked too often."""
    return await parts(request).codes.issue(mobile(body.phone), client_of(request))


@router.post("/sign-in", summary="验证码登录 sign in with phone + code", **public("登录 sign-in"))
async def sign_in(body: SignInIn, request: Request, response: Response) -> dict:
    """200 {access_token, token_type, expires_in, me} + refresh cookie; 401 wrong/expired/used code;
    404 code no-account (the code stays valid for registering as a resident)."""
    p, phone = parts(request), mobile(body.phone)
    await p.codes.check(phone, body.code)
    identities = await p.accounts.by_phone(phone)
    identity = choose(identities, body.role)
    await p.codes.consume(phone, body.code)
    return await signed_in(request, response, identity, roles_of(identities), "sms")


@router.post("/register", status_code=201, summary="居民注册 register as a resident (phone + code + community)",
             **public("居民注册（须验证码） sign-up with a code"))
async def register(body: RegisterIn, request: Request, response: Response) -> dict:
    """201 like sign-in with role resident; 401 bad code; 409 phone already registered as resident."""
    p, phone = parts(request), mobile(body.phone)
    await p.codes.check(phone, body.code)
    identity = await p.registry.register_resident(phone, body.name.strip(), body.community_id)
    await p.codes.consume(phone, body.code)
    return await signed_in(request, response, identity, roles_of(await p.accounts.by_phone(phone)), "register")


@router.post("/refresh", summary="刷新访问令牌 new access token from the refresh cookie", response_model=None,
             **public("凭刷新 Cookie 换取令牌 the refresh cookie is the credential",
                      responses={204: {"description": "没有刷新 Cookie：未登录 no session (not an error)"}}))
async def refresh(request: Request) -> dict | Response:
    """200 {access_token, token_type, expires_in, me}; 204 (no body) when there is no refresh cookie at
    all — the ordinary "not signed in" a page asks about on every load, which is not an error and so
    leaves no 401 in the browser's console; 401 when the cookie's session is revoked, expired, or the
    person is gone."""
    p = parts(request)
    if not request.cookies.get(REFRESH_COOKIE):
        return Response(status_code=204)
    session = await p.sessions.holder(request.cookies.get(REFRESH_COOKIE))
    identity = await p.accounts.by_id(session["sub"])
    if identity is None or not identity.get("active") or identity["role"] != session["role"]:
        await p.sessions.revoke(request.cookies.get(REFRESH_COOKIE))
        raise expired_session()
    return p.sessions.access(identity)


@router.post("/sign-out", status_code=204, summary="退出登录 sign out (revokes the refresh token)",
             **public("凭刷新 Cookie 退出 the refresh cookie is the credential"))
async def sign_out(request: Request) -> Response:
    await parts(request).sessions.revoke(request.cookies.get(REFRESH_COOKIE))
    response = Response(status_code=204)
    clear_refresh_cookie(response, request)
    return response
