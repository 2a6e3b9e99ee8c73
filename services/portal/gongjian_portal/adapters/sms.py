"""Sending SMS: a sender interface, a development sender and a generic HTTP gateway sender.

No vendor is wired in: the gateway sender POSTs ``{"phone", "text"}`` as JSON to the URL
in the settings (an in-house SMS gateway or an adapter in front of a carrier's API).
"""

from __future__ import annotations

import logging
from typing import Protocol

import httpx
from gongjian_shared.privacy import mask_phone
from gongjian_shared.problems import Problem

log = logging.getLogger("gongjian.portal.sms")


class SmsSender(Protocol):
    async def send_code(self, phone: str, code: str, text: str) -> None: ...


class DevSender:
    """Prints the code to the portal's log (masked phone, full code); keeps the last codes
    for the development outbox endpoint when that is switched on."""

    def __init__(self) -> None:
        self.sent: dict[str, str] = {}

    async def send_code(self, phone: str, code: str, text: str) -> None:
        self.sent[phone] = code
        # Warning level: the code must show in the console whatever the log level (development only).
        log.warning("[短信验证码] %s: %s", mask_phone(phone), code)


class HttpGatewaySender:
    def __init__(self, url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self.url, self.token, self.client = url, token, client

    async def send_code(self, phone: str, code: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = await self.client.post(self.url, json={"phone": phone, "text": text}, headers=headers, timeout=10)
            r.raise_for_status()
        except httpx.HTTPError as exc:
            log.error("SMS gateway failed: %s", type(exc).__name__)
            raise Problem(503, "短信发送失败，请稍后重试 (SMS gateway unavailable)", code="sms-failed") from exc


def make_sender(settings: object, client: httpx.AsyncClient) -> SmsSender:
    kind = getattr(settings, "sms_sender", "dev")
    if kind == "http":
        url = getattr(settings, "sms_gateway_url", None)
        if not url:
            raise ValueError("PORTAL_SMS_SENDER=http needs PORTAL_SMS_GATEWAY_URL")
        return HttpGatewaySender(url, getattr(settings, "sms_gateway_token", None), client)
    if kind == "dev":
        return DevSender()
    raise ValueError(f"unknown PORTAL_SMS_SENDER {kind!r}: dev or http")
