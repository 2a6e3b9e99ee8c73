"""Refuse an evidence upload that announces more bytes than allowed, before its body is read.

FastAPI reads (and spools) a multipart body before the handler runs; an upload whose
``Content-Length`` already exceeds the limit is answered 413 here instead, so a 1 GB
upload costs nothing. Uploads without a length (chunked) are measured by the service after
parsing (service/evidence.py), which refuses them the same way.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.problems import problem_response
from starlette.requests import Request

from ...domain.evidence import max_mb

ENVELOPE_BYTES = 64 * 1024  # multipart boundaries and part headers around the file


class EvidenceUploadLimit:
    """ASGI middleware: POST …/evidence with Content-Length above the limit → 413 problem+json (Chinese)."""

    def __init__(self, app: Any, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/evidence"):
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > self.max_bytes + ENVELOPE_BYTES:
                response = problem_response(413, f"文件超过 {max_mb(self.max_bytes)} MB 上限 (file too large)",
                                            Request(scope), code="file-too-large")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
