"""``Idempotency-Key`` for creating commands (every ``POST``), in every service.

A phone on a bad network, or a double-tapped button, sends the same command twice. With the
header (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe and others use it):
- same key, same caller, same route and same body: the first answer again, not a second effect
  (the replay carries ``Idempotent-Replayed: true``);
- same key with another body: 422 ``idempotency-key-reused``;
- same key while the first request still runs: 409 ``idempotency-key-in-flight`` with ``Retry-After``.

The key is claimed by inserting a document with a unique ``_id`` (one atomic write, so two
instances of a service agree on who runs the command). An answer of 5xx is not kept: the
caller may retry with the same key. Keys are kept 24 hours. Requests without a valid bearer
token pass through untouched (the route answers 401 itself), so a replay never skips auth.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import localtime

COLLECTION = "idempotency_keys"
HEADER = "idempotency-key"
RAW_HEADER = HEADER.encode()
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
PROBLEM = "application/problem+json"
KEPT_HEADERS = ("content-type", "location", "content-disposition")


def _now() -> datetime:
    return localtime.now()  # the one clock: a test's frozen time ages keys consistently


def _caller(scope: Scope, headers: dict[str, str]) -> str | None:
    """The verified ``sub`` of the bearer token, or None (then the middleware stays out of the way)."""
    from .auth import decode_token

    value = headers.get("authorization", "")
    if not value.lower().startswith("bearer "):
        return None
    try:
        return decode_token(scope["app"].state.settings, value[7:].strip()).sub
    except Exception:  # noqa: BLE001 - any invalid token: the route itself answers 401
        return None


def _problem(status: int, detail: str, code: str, path: str, extra_headers: list[tuple[bytes, bytes]] = ()) -> tuple:
    body = json.dumps({"type": f"urn:gongjian:problem:{code}", "title": "请求重复 Idempotency", "status": status,
                       "detail": detail, "code": code, "instance": path}, ensure_ascii=False).encode()
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode()), *extra_headers]
    return status, headers, body


async def _send_whole(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class IdempotencyKeyMiddleware:
    """Pure ASGI middleware; the collection lives in the service's own database."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not any(
                k.lower() == RAW_HEADER for k, _ in scope["headers"]):  # most commands carry no key: one scan
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers[HEADER]
        path = scope["path"]
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return await _send_whole(send, *_problem(
                400, f"Idempotency-Key 须为 1–{MAX_KEY_LENGTH} 个字符 (bad Idempotency-Key)", "bad-idempotency-key", path))
        caller = _caller(scope, headers)
        db = getattr(scope["app"].state.runtime, "db", None)
        if caller is None or db is None:
            return await self.app(scope, receive, send)

        body, messages = await _read_body(receive)
        body_hash = hashlib.sha256(body).hexdigest()
        record_id = hashlib.sha256(f"{caller}\n{path}\n{key}".encode()).hexdigest()
        collection = db[COLLECTION]
        claimed = await _claim(collection, record_id, body_hash)
        if not claimed:
            return await self._answer_repeat(collection, record_id, body_hash, path, send)

        captured = _Capture(send)
        try:
            await self.app(scope, _replay(messages), captured.send)
        except BaseException:
            await collection.delete_one({"_id": record_id, "state": "running"})
            raise
        if captured.status is None or captured.status >= 500:
            await collection.delete_one({"_id": record_id, "state": "running"})
            return
        await collection.update_one({"_id": record_id}, {"$set": {
            "state": "done", "status": captured.status, "headers": captured.kept_headers(),
            "body": captured.body, "finished_at": _now()}})

    async def _answer_repeat(self, collection: Any, record_id: str, body_hash: str, path: str, send: Send) -> None:
        record = await collection.find_one({"_id": record_id})
        if record is None:  # the first attempt failed and let go of the key meanwhile
            return await _send_whole(send, *_problem(
                409, "同一请求正在处理，请稍后重试 (the first request with this key is still running)",
                "idempotency-key-in-flight", path, [(b"retry-after", b"1")]))
        if record["body_hash"] != body_hash:
            return await _send_whole(send, *_problem(
                422, "该 Idempotency-Key 已用于内容不同的请求，请换一个新的键 (key reused with another body)",
                "idempotency-key-reused", path))
        if record["state"] != "done":
            return await _send_whole(send, *_problem(
                409, "同一请求正在处理，请稍后重试 (the first request with this key is still running)",
                "idempotency-key-in-flight", path, [(b"retry-after", b"1")]))
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record["headers"].items()]
        headers += [(b"content-length", str(len(record["body"])).encode()), (b"idempotent-replayed", b"true")]
        await _send_whole(send, record["status"], headers, bytes(record["body"]))


async def _claim(collection: Any, record_id: str, body_hash: str) -> bool:
    """Insert the key as running; an expired record of the same key is replaced (one conditional write)."""
    now = _now()
    try:
        await collection.insert_one({"_id": record_id, "state": "running", "body_hash": body_hash, "created_at": now})
        return True
    except DuplicateKeyError:
        pass
    result = await collection.update_one(
        {"_id": record_id, "created_at": {"$lt": now - KEEP_FOR}},
        {"$set": {"state": "running", "body_hash": body_hash, "created_at": now},
         "$unset": {"status": "", "headers": "", "body": ""}})
    return result.modified_count == 1


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def _replay(messages: list[Message]) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return {"type": "http.disconnect"}

    return receive


class _Capture:
    """Passes the response through while keeping a copy of its status, headers and body."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status, self.headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self._chunks.append(message.get("body", b""))
        await self._send(message)

    @property
    def body(self) -> bytes:
        return b"".join(self._chunks)

    def kept_headers(self) -> dict[str, str]:
        # A mapping, not pairs: the local FerretDB refuses nested arrays.
        return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.headers
                if k.decode("latin-1").lower() in KEPT_HEADERS}


def document_header(openapi: dict[str, Any]) -> dict[str, Any]:
    """Add the optional ``Idempotency-Key`` header and its 409/422 answers to every POST operation."""
    parameter = {"name": "Idempotency-Key", "in": "header", "required": False,
                 "description": "幂等键：同一键与同一内容重复提交时返回首次结果 (replays the first answer)",
                 "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}}
    for item in openapi.get("paths", {}).values():
        operation = item.get("post")
        if operation is None:
            continue
        params = operation.setdefault("parameters", [])
        if not any(p.get("name") == "Idempotency-Key" for p in params):
            params.append(parameter)
    return openapi
