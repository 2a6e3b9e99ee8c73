"""Every answer a route can give is in its OpenAPI document, with its content type.

Routes document their success answer themselves (and ``allow`` adds 401/403, rate-limited
routes 429). What any route may also answer comes from the shared error handling
(problems.py): 400 bad request, 404 unknown object, 409 state conflict, 422 validation (as
problem+json, not FastAPI's default ``application/json`` HTTPValidationError), 413 for uploads
and 503 while a service or the dashboard is not ready; public routes (sign-in, a signed
link) also 401/403/429. ``document_answers(app)`` adds those to
each operation once, when the document is first built; schemathesis then checks that nothing
undocumented comes back (tests/security/test_fuzz.py).
"""

from __future__ import annotations

from typing import Any

from .problems import problem_responses

EVERY_ROUTE = (400, 404, 409, 422)
# Public routes check credentials of their own (a password, an SMS code, a signed link) and are rate limited.
PUBLIC_ROUTE = (*EVERY_ROUTE, 401, 403, 429)
OPS = ("/healthz", "/readyz", "/asyncapi.json", "/metrics")
BINARY = {"schema": {"type": "string", "format": "binary"}}


# Paged lists also give their ``total`` as a header (clients that read headers, e.g. a grid):
# route keyword arguments that say so in the OpenAPI document.
TOTAL_COUNT_HEADER = "X-Total-Count"
PAGED_LIST = {"responses": {200: {"headers": {TOTAL_COUNT_HEADER: {
    "description": "匹配的总条数（所有页） how many match, over all pages", "schema": {"type": "integer", "minimum": 0}}}}}}


def file_answers(*media_types: str) -> dict[str, Any]:
    """Route keyword arguments for a route answering a file in one of ``media_types``."""
    from fastapi.responses import Response

    return {"response_class": Response,
            "responses": {200: {"description": "文件 file", "content": {m: BINARY for m in media_types}}}}


def _statuses(path: str, op: dict[str, Any]) -> list[int]:
    place = (op.get("x-gongjian-access") or {}).get("place")
    if place == "public":
        return ([503] if path == "/readyz" else []) if path in OPS else list(PUBLIC_ROUTE)
    statuses = list(EVERY_ROUTE)
    if "multipart/form-data" in (op.get("requestBody") or {}).get("content", {}):
        statuses.append(413)
    if path.startswith("/dashboard"):
        statuses.append(503)
    return statuses


def document_answers(app: Any) -> None:
    """Wrap ``app.openapi`` so each operation documents the problem answers shared error handling gives."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = build()
        for path, item in doc.get("paths", {}).items():
            for op in item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status, answer in problem_responses(*_statuses(path, op)).items():
                    op["responses"][str(status)] = answer
        for unused in ("HTTPValidationError", "ValidationError"):
            doc.get("components", {}).get("schemas", {}).pop(unused, None)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi
