"""Notice channels (发送渠道): where a notice on claims.notices.v1 is delivered.

- ``inbox`` (站内消息, the development channel and the in-app list): stores the notice for
  the mobile site's message list (GET /messages); its id is the notice id, so it is once.
- HTTP gateway channels (短信 SMS, 微信模板消息 WeChat template message, …), any number,
  configured by ``CLAIMS_NOTICE_GATEWAYS``: each POSTs the notice as JSON to its URL with
  ``Idempotency-Key: <channel>|<notice id>`` (Bearer token if set). No vendor is wired in:
  the URL is an in-house messaging gateway, or an adapter in front of a carrier or the
  WeChat API, which turns the recipient's id into a phone number or an openid — personal
  data stays with whoever is entitled to it, never in the message we send.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import httpx
from gongjian_shared.envelope import utc_now
from pydantic import BaseModel, Field

from .store import INBOX

log = logging.getLogger("gongjian.claims.channels")


class Channel(Protocol):
    name: str

    def wants(self, notice: dict[str, Any]) -> bool: ...

    async def deliver(self, notice: dict[str, Any]) -> None:
        """Deliver or raise (the consumer retries, then dead-letters the event)."""


class Gateway(BaseModel):
    """One HTTP gateway channel, from CLAIMS_NOTICE_GATEWAYS (a JSON list of these)."""

    name: str = Field(min_length=1, description="渠道名，如 sms、wechat")
    url: str = Field(min_length=1)
    token: str | None = None
    audiences: list[str] | None = Field(None, description="只发给这些接收者类型（member/resident/unit/staff/place）")
    kinds: list[str] | None = Field(None, description="只发这些通知类型（如 demand.remind）；空则全部")


class InboxChannel:
    name = "inbox"

    def __init__(self, db: Any) -> None:
        self.db = db

    def wants(self, notice: dict[str, Any]) -> bool:
        return True

    async def deliver(self, notice: dict[str, Any]) -> None:
        doc = {"recipient": notice["recipient_id"], "recipient_kind": notice.get("recipient_kind"),
               **{k: notice.get(k) for k in ("kind", "kind_label", "subject_id", "text", "community_id")},
               "issued_at": notice.get("issued_at"), "delivered_at": utc_now(), "read": False}
        # $setOnInsert: a second delivery neither duplicates nor marks a read message unread.
        await self.db[INBOX].update_one({"_id": notice["notice_id"]}, {"$setOnInsert": doc}, upsert=True)


class HttpGatewayChannel:
    def __init__(self, gateway: Gateway, client: httpx.AsyncClient) -> None:
        self.gateway, self.client, self.name = gateway, client, gateway.name

    def wants(self, notice: dict[str, Any]) -> bool:
        g = self.gateway
        return (not g.audiences or notice.get("recipient_kind") in g.audiences) and \
            (not g.kinds or notice.get("kind") in g.kinds)

    async def deliver(self, notice: dict[str, Any]) -> None:
        headers = {"Idempotency-Key": f"{self.name}|{notice['notice_id']}"}
        if self.gateway.token:
            headers["Authorization"] = f"Bearer {self.gateway.token}"
        body = {k: notice.get(k) for k in ("notice_id", "recipient_id", "recipient_kind", "kind", "kind_label",
                                           "subject_id", "text", "community_id")}
        r = await self.client.post(self.gateway.url, json=body, headers=headers, timeout=10)
        if r.status_code >= 300:
            log.warning("notice gateway %s answered %s", self.name, r.status_code)
            r.raise_for_status()


def make_channels(settings: Any, db: Any, client: httpx.AsyncClient) -> list[Channel]:
    channels: list[Channel] = [InboxChannel(db)] if settings.notice_inbox else []
    channels += [HttpGatewayChannel(Gateway.model_validate(g), client) for g in settings.notice_gateways]
    names = [c.name for c in channels]
    if len(set(names)) != len(names):
        raise ValueError(f"CLAIMS_NOTICE_GATEWAYS: channel names must differ: {names}")
    return channels
