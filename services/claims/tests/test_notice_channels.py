"""Notice channels (issue 14, point 7): the in-app list and an HTTP gateway each deliver a notice once.

The gateway is a real HTTP server on a free port; the notices travel through the real topic.
A redelivered event (the same record again, as an at-least-once producer may write it) sends
nothing twice; a gateway that fails once is retried and then delivered once.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Request, Response
from gongjian_claims.bootstrap import build_app
from gongjian_claims.service.notifications import notify
from gongjian_shared.envelope import CONTENT_TYPE
from gongjian_shared.testing import app_client, auth, event_of, eventually, free_port, read_topic


class Gateway:
    """An SMS/WeChat gateway stand-in: answers 503 to its first request, then 200, and counts."""

    def __init__(self) -> None:
        self.app, self.calls, self.delivered, self.bodies = FastAPI(), 0, Counter(), []
        self.port = free_port()

        @self.app.post("/send")
        async def send(request: Request) -> Response:
            self.calls += 1
            if self.calls == 1:
                return Response(status_code=503)
            self.delivered[request.headers["idempotency-key"]] += 1
            self.bodies.append(await request.json())
            return Response(status_code=200)

    async def __aenter__(self) -> Gateway:
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.task = asyncio.create_task(self.server.serve())
        await eventually(lambda: self.server.started, timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        await self.task


async def _republish(bootstrap: str, topic: str, events: list[dict]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for ev in events:
            await producer.send_and_wait(topic, json.dumps(ev, ensure_ascii=False).encode(),
                                         key=ev["subject"].encode(), headers=[("content-type", CONTENT_TYPE.encode())])
    finally:
        await producer.stop()


@pytest.fixture
def gateway_env(ns, monkeypatch):
    gateway = Gateway()
    monkeypatch.setenv("CLAIMS_NOTICE_GATEWAYS", json.dumps([
        {"name": "sms", "url": f"http://127.0.0.1:{gateway.port}/send", "token": "t", "audiences": ["member"]}]))
    monkeypatch.setenv("GONGJIAN_MAX_DELIVERY_ATTEMPTS", "5")
    return ns, gateway


async def test_each_channel_delivers_a_notice_once_even_when_redelivered(gateway_env):
    ns, gateway = gateway_env
    app = build_app()
    async with gateway, app_client(app) as client:
        runtime = app.state.runtime
        await notify(runtime, "wish-1:approved", "member-1", kind="demand.matched", subject_id="d-1",
                     text="新需求「陪老人就医」与您的专长匹配", audience="member", community_id="c-1")
        await notify(runtime, "wish-1:approved", "c-1", kind="demand.overdue", subject_id="d-1",
                     text="【逾期督办】「陪老人就医」已超过期限", audience="place", community_id="c-1")
        member = auth("member", "c-1", sub="member-1")
        await eventually(lambda: gateway.delivered["sms|wish-1:approved|member-1"] == 1)
        inbox = await eventually(lambda: _inbox(client, member), timeout=20)
        assert [m["text"] for m in inbox["items"]] == ["新需求「陪老人就医」与您的专长匹配"] and inbox["unread"] == 1
        staff = await eventually(lambda: _inbox(client, auth("community_admin", "c-1")), timeout=20)
        assert [m["kind_label"] for m in staff["items"]] == ["逾期督办"]  # the place's notice: staff only

        # The same records again, then a marker behind them on each one's partition.
        topic = ns.topic("claims.notices.v1")
        issued = [event_of(r) for r in await read_topic(ns.infra.kafka_bootstrap, topic, min_count=2)]
        mine = next(e for e in issued if e["data"]["recipient_id"] == "member-1")
        marker = {**mine, "id": "marker", "data": {**mine["data"], "notice_id": "marker|member-1"}}
        await _republish(ns.infra.kafka_bootstrap, topic, [*issued, marker])
        await eventually(lambda: gateway.delivered["sms|marker|member-1"] == 1, timeout=30)

        assert gateway.calls == 3  # one refused, then the notice and the marker: nothing twice
        assert gateway.delivered["sms|wish-1:approved|member-1"] == 1
        assert gateway.bodies[0] == {"notice_id": "wish-1:approved|member-1", "recipient_id": "member-1",
                                     "recipient_kind": "member", "kind": "demand.matched", "kind_label": "新需求匹配",
                                     "subject_id": "d-1", "text": "新需求「陪老人就医」与您的专长匹配",
                                     "community_id": "c-1"}
        assert await runtime.db["inbox"].count_documents({"recipient": "member-1"}) == 2  # the notice, the marker

        read = await client.post("/messages/read", json={}, headers=member)
        assert read.json() == {"marked": 2}
        assert (await client.get("/messages", headers=member)).json()["unread"] == 0


async def _inbox(client, headers) -> dict | None:
    body = (await client.get("/messages", headers=headers)).json()
    return body if body["items"] else None
