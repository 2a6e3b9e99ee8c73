"""Kafka subscribers of notices (run with the other consumers, GONGJIAN_ROLE=consumers or all):

- claims.notices.v1 → the configured channels (service/delivery.py: a redelivery sends nothing);
- this service's wish, demand and suggestion events → a notice to the resident who asked, a
  verification's verdict to the claimant, a handed-on suggestion to its assignee
  (service/step_notices.py: the notice id is the event id and the recipient, so once each).
"""

from __future__ import annotations

from typing import Any

import httpx
from gongjian_shared.envelope import CloudEvent
from gongjian_shared.kafka import subscribe
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_NOTICES, CLAIMS_SUGGESTIONS, CLAIMS_WISHES
from pydantic import BaseModel, ConfigDict

from ..adapters.channels import make_channels
from ..service import step_notices
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

    for topic in (CLAIMS_WISHES, CLAIMS_DEMANDS, CLAIMS_SUGGESTIONS):
        _tell_steps(runtime, topic)


def _tell_steps(runtime: Any, topic: str) -> None:
    @subscribe(runtime.broker, runtime.settings, topic, group="claims.step-notices")
    async def on_step(event: CloudEvent) -> None:
        await step_notices.tell(runtime, event)
        await step_notices.tell_carrier(runtime, event)
