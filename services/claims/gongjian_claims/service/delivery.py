"""Deliver a notice through each channel once (发送一次).

The notice event arrives at least once (a producer retry, a consumer restart before its
commit). Each channel's delivery is recorded under ``<channel>|<notice id>`` after it
succeeded; a redelivered event finds the record and sends nothing again. A crash between
the send and the record sends again, with the same Idempotency-Key, so the gateway can
drop it: at-least-once to the gateway, once to the person.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from pymongo.errors import DuplicateKeyError

from ..adapters.channels import Channel
from ..adapters.store import DELIVERIES


async def deliver(db: Any, channels: list[Channel], notice: dict[str, Any]) -> list[str]:
    """Send ``notice`` (notice.issued data) through the channels that want it; the names of those that sent now."""
    sent = []
    for channel in channels:
        key = f"{channel.name}|{notice['notice_id']}"
        if not channel.wants(notice) or await db[DELIVERIES].find_one({"_id": key}, {"_id": 1}):
            continue
        await channel.deliver(notice)  # raises: the consumer retries the event, then dead-letters it
        try:
            await db[DELIVERIES].insert_one({"_id": key, "channel": channel.name, "notice_id": notice["notice_id"],
                                             "delivered_at": utc_now()})
        except DuplicateKeyError:
            continue  # another consumer delivered it at the same moment
        sent.append(channel.name)
    return sent
