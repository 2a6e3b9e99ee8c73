"""A request body larger than its limit is refused (413 problem+json) before it is read whole.

FastAPI reads a body (JSON into memory, a multipart file spooled to disk) before any
dependency runs, the token check included, so without a limit anyone could send gigabytes to
any route. A body announcing more than its limit (``Content-Length``) is answered at once; a
chunked body is counted as it arrives and refused as soon as it passes the limit. Upload routes
have their own, larger limits (evidence files, imports); everything else takes the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from .problems import problem_response

DEFAULT_MAX_BYTES = 2 * 1024 * 1024  # JSON bodies: the largest real one (a page of ids) is far below
ENVELOPE_BYTES = 64 * 1024  # multipart boundaries and part headers around an uploaded file


def mb(max_bytes: int) -> str:
    return f"{max_bytes / 1024 / 1024:g}"


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; FastAPI passes an HTTPException from body reading through (a
    ``Problem`` would become its 400); the shared handler shows ``code``."""

    def __init__(self, detail: str, code: str) -> None:
        super().__init__(413, detail)
        self.code = code


class BodyLimit:
    """ASGI middleware. ``uploads``: path pattern → largest file in bytes (the envelope is added;
    ``None``: no limit here, e.g. the portal's forwarding, which the service limits)."""

    def __init__(self, app: Any, *, uploads: Mapping[str, int | None] | None = None,
                 default_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.app, self.default_bytes = app, default_bytes
        self.uploads = [(re.compile(p), size) for p, size in (uploads or {}).items()]

    def limit_for(self, path: str) -> tuple[int | None, str, str]:
        """(largest body, Chinese detail, problem code) for ``path``."""
        for pattern, size in self.uploads:
            if pattern.search(path):
                if size is None:
                    return None, "", ""
                return size + ENVELOPE_BYTES, f"文件超过 {mb(size)} MB 上限 (file too large)", "file-too-large"
        return self.default_bytes, f"请求内容超过 {mb(self.default_bytes)} MB 上限 (request body too large)", \
            "body-too-large"

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit, detail, code = self.limit_for(scope["path"])
        if limit is None:
            return await self.app(scope, receive, send)
        length, chunked = b"", False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
        if length.isdigit() and int(length) > limit:
            return await problem_response(413, detail, Request(scope), code=code)(scope, receive, send)
        if length.isdigit() and not chunked:
            # Within its limit, and the server frames the body by its Content-Length (RFC 9112
            # §6.3): no more can arrive, so nothing to count (most requests: no wrapper to pass).
            return await self.app(scope, receive, send)
        received, started = 0, False

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(detail, code)
            return message

        async def watched(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # raised where no exception handler catches it (another middleware reading)
            if started:
                raise
            await problem_response(413, detail, Request(scope), code=code)(scope, receive, send)
