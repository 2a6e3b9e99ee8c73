"""Kafka subscriber: notices on claims.notices.v1 delivered through the configured channels.

Runs with the other consumers (GONGJIAN_ROLE=consumers or all); one consumer group, so
each notice is handled by one instance; service/delivery.py makes a redelivery send nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
from gongjian_shared.envelope import CloudEvent
from gongjian_shared.kafka import subscribe
from gongjian_shared.topics import CLAIMS_NOTICES
from pydantic import BaseModel, ConfigDict

from ..adapters.channels import make_channels
from ..service.delivery import deliver


class NoticeIssued(BaseModel):
    """notice.issued: what the channels need (tolerant of added fields)."""

    model_config = ConfigDict(extra="allow")

    notice_id: str
    recipient_id: str
    recipient_kind: str | None = None
    kind: str
    subject_id: str
    text: str


def register(runtime: Any) -> None:
    broker, settings = runtime.broker, runtime.settings

    async def _open(rt: Any) -> None:
        client = httpx.AsyncClient()
        rt.state["notice_http"] = client
        rt.state["channels"] = make_channels(settings, rt.db, client)

    async def _close(rt: Any) -> None:
        client = rt.state.pop("notice_http", None)
        if client is not None:
            await client.aclose()

    runtime.on_startup.append(_open)
    runtime.on_shutdown.append(_close)

    @subscribe(broker, settings, CLAIMS_NOTICES, group="claims.notice-delivery")
    async def on_notice(event: CloudEvent) -> None:
        if event.short_type == "notice.issued":
            notice = NoticeIssued.model_validate(event.data).model_dump()
            await deliver(runtime.db, runtime.state["channels"], notice)
