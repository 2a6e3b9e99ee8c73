"""Errors as application/problem+json (RFC 9457), never a bare 500 for bad input."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from .validation import describe

PROBLEM = "application/problem+json"
log = logging.getLogger("gongjian.http")

TITLES = {
    400: "请求有误 Bad Request",
    401: "未登录 Unauthorized",
    403: "无权操作 Forbidden",
    404: "未找到 Not Found",
    405: "方法不允许 Method Not Allowed",
    409: "冲突 Conflict",
    413: "内容过大 Payload Too Large",
    415: "不支持的格式 Unsupported Media Type",
    422: "数据校验失败 Unprocessable Content",
    429: "请求过于频繁 Too Many Requests",
    500: "服务器内部错误 Internal Server Error",
    503: "服务暂不可用 Service Unavailable",
}


PROBLEM_DESCRIPTIONS = {
    400: "请求有误 (bad request)",
    401: "未登录或令牌无效、过期 (missing, invalid or expired bearer token)",
    403: "角色不符或超出管辖范围 (role not allowed, or outside your places)",
    404: "对象不存在 (unknown object)",
    409: "与当前状态冲突 (conflicts with the current state)",
    413: "内容过大 (payload too large)",
    422: "数据校验失败：未知字段、只读字段或取值无效 (invalid, unknown or read-only fields)",
    429: "请求过于频繁，请按 Retry-After 稍后重试 (rate limited; see Retry-After)",
    503: "服务暂不可用 (service not ready)",
}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error answers (extra members such as ``errors`` allowed)."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: Any = None
    instance: str | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting problem+json answers with these status codes."""
    schema = ProblemDetails.model_json_schema()
    return {status: {"description": PROBLEM_DESCRIPTIONS.get(status, TITLES.get(status, "错误")),
                     "content": {PROBLEM: {"schema": schema}}} for status in statuses}


class Problem(Exception):
    """Raise from domain or service code; becomes a problem response with extra members."""

    def __init__(self, status: int, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.extra = status, detail, code, extra


def problem_response(status: int, detail: Any, request: Request, **extra: Any) -> JSONResponse:
    headers = extra.pop("headers", None) or None  # response headers (e.g. Retry-After), not body members
    body = {
        "type": "about:blank" if not extra.get("code") else f"urn:gongjian:problem:{extra['code']}",
        "title": TITLES.get(status, "错误 Error"),
        "status": status,
        "detail": detail,
        "instance": _path(request),
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _path(request: Request) -> str:
    """``request.url.path`` without building the URL (a URL parse per refused claim) when the path is
    plain: printable ASCII without the characters Starlette's URL escapes."""
    path = request.scope["path"]
    if path.startswith("/") and path.isascii() and path.isprintable() and not any(c in path for c in "?#\\"):
        return path
    return request.url.path


# Starlette's own refusals (unknown path, wrong method …) carry the bare English phrase.
STOCK_DETAILS = {404: "没有这个地址或资源", 405: "该地址不支持此请求方法"}


def chinese_detail(status: int, detail: Any) -> Any:
    """Our details pass unchanged; the framework's stock phrase ("Not Found") becomes Chinese first."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return detail
    if detail != phrase:
        return detail
    zh = STOCK_DETAILS.get(status) or TITLES.get(status, "错误 Error").split(" ")[0]
    return f"{zh} ({phrase})"


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, request, code=exc.code, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        response = problem_response(exc.status_code, chinese_detail(exc.status_code, exc.detail), request,
                                    code=getattr(exc, "code", None))
        for name, value in (getattr(exc, "headers", None) or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Chinese first: each error names the field by its Chinese label (validation.py);
        # ``errors`` keeps loc/type for programs.
        errors = describe(exc.errors(), request.scope.get("route"))
        detail = "；".join(dict.fromkeys(e["msg"] for e in errors)) or "请求数据无效"
        return problem_response(422, detail, request, code="invalid-request", errors=errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "服务器内部错误，请稍后重试 (internal error)", request)
