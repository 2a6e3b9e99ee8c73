"""Attack pass (issue 11): bodies are limited before they are read, for anyone, signed in or not.

FastAPI reads a request body before any dependency runs, the token check included: an anonymous
client sent 300 MB of chunked multipart to ``POST /imports/members`` and ``…/evidence`` and every
byte was read (spooled to disk) before the 401. Now (gongjian_shared/body_limit.py) a body over
its limit is refused with 413 problem+json: at once when its ``Content-Length`` says so, and as
soon as a chunked body passes the limit, the rest never read. Upload routes have their own limit.
"""

from __future__ import annotations

import uuid

import pytest

from gongjian_registry.bootstrap import build_app
from gongjian_registry.config import RegistrySettings
from gongjian_shared.testing import app_client

MB = 1024 * 1024


class Sender:
    """A chunked body of ``total`` bytes, 64 KiB at a time, counting what was taken."""

    def __init__(self, head: bytes, total: int) -> None:
        self.head, self.total, self.sent = head, total, 0

    async def __aiter__(self):
        yield self.head
        while self.sent < self.total:
            self.sent += 64 * 1024
            yield b"A" * (64 * 1024)


@pytest.fixture(scope="module")
async def registry(infra):
    name = f"t{uuid.uuid4().hex[:8]}_registry"
    settings = RegistrySettings(mongodb_url=infra.mongodb_url, kafka_bootstrap_servers=infra.kafka_bootstrap,
                                database=name, topic_prefix=f"{name}.", max_upload_mb=1)
    async with app_client(build_app(settings)) as client:
        yield client


@pytest.mark.parametrize(("path", "content_type", "code"), [
    ("/places", "application/json", "body-too-large"),  # the default limit, 2 MB
    ("/imports/members", "multipart/form-data; boundary=B", "file-too-large"),  # the upload limit, 1 MB here
])
async def test_an_anonymous_chunked_body_is_cut_off_at_its_limit(registry, path, content_type, code):
    body = Sender(b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
                  if "multipart" in content_type else b'{"name": "', total=8 * MB)
    r = await registry.post(path, content=body, headers={"content-type": content_type})
    assert r.status_code == 413 and r.json()["code"] == code, r.text
    assert "上限" in r.json()["detail"]
    assert body.sent < 3 * MB  # the rest was never read


async def test_a_body_announcing_too_much_is_refused_unread(registry):
    r = await registry.post("/places", content=b"{}", headers={"content-type": "application/json",
                                                               "content-length": str(100 * MB)})
    assert r.status_code == 413 and r.json()["code"] == "body-too-large"
