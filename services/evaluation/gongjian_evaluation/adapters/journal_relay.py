"""Publishes the outgoing events of journal documents, in journal order.

The projector hands over the events it has just journaled, so nothing is read back; after they
are on Kafka the relay moves its position (one small document). At start it publishes whatever
lies after its position (a crash left it): at least once, and consumers de-duplicate on event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from gongjian_shared.envelope import CONTENT_TYPE

from . import journal

log = logging.getLogger("gongjian.evaluation.relay")
HEADERS = [("content-type", CONTENT_TYPE.encode())]


def records(prefix: str, outbox: list[dict[str, Any]]) -> list[tuple[str, bytes, bytes, list]]:
    return [(prefix + entry["topic"], str(entry["event"]["subject"]).encode(),
             json.dumps(entry["event"], ensure_ascii=False, separators=(",", ":")).encode(), HEADERS)
            for entry in outbox]


class JournalRelay:
    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.queue: asyncio.Queue[tuple[int, list[dict[str, Any]]]] = asyncio.Queue()
        self.published = 0
        self._task: asyncio.Task | None = None

    def submit(self, seq: int, outbox: list[dict[str, Any]]) -> None:
        self.queue.put_nowait((seq, outbox))

    async def start(self) -> None:
        await self.sweep()
        self._task = asyncio.create_task(self._run(), name="journal-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._drain()

    async def sweep(self) -> int:
        db = self.runtime.db
        pending = await journal.after(db, await journal.relay_position(db))
        for doc in pending:
            await self._publish(doc["seq"], doc["outbox"])
        return len(pending)

    async def _run(self) -> None:
        while True:
            item = await self.queue.get()
            await self._retrying(*item)
            await self._drain()

    async def _drain(self) -> None:
        while not self.queue.empty():
            await self._retrying(*self.queue.get_nowait())

    async def _retrying(self, seq: int, outbox: list[dict[str, Any]]) -> None:
        while True:
            try:
                await self._publish(seq, outbox)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Kafka or the database is away: try again
                log.warning("journal relay failed, retrying: %s", exc)
                await asyncio.sleep(1.0)

    async def _publish(self, seq: int, outbox: list[dict[str, Any]]) -> None:
        if outbox:
            await self.runtime.producer.publish_raw(records(self.runtime.settings.topic_prefix, outbox))
        await journal.set_relay_position(self.runtime.db, seq)
        self.published += len(outbox)
