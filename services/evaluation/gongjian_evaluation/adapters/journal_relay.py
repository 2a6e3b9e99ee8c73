"""Publishes the outgoing events of journal documents, in the order this instance wrote them.

The projector hands over the events it has just journaled, so nothing is read back; after they
are on Kafka the relay flags the document ``relayed``. At start, and every ``SWEEP_S`` seconds
for documents older than that (their writer died before publishing: any instance may have written
them), it publishes what is still unflagged: at least once, and consumers de-duplicate on event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import timedelta
from typing import Any

from gongjian_shared.envelope import utc_now

from gongjian_shared.envelope import CONTENT_TYPE
from gongjian_shared.privacy import redact_data

from . import journal

log = logging.getLogger("gongjian.evaluation.relay")
HEADERS = [("content-type", CONTENT_TYPE.encode())]
SWEEP_S = 5.0


def records(prefix: str, outbox: list[dict[str, Any]]) -> list[tuple[str, bytes, bytes, list]]:
    """Kafka records of journaled events; free text in their data is masked (a revocation's reason)."""
    return [(prefix + entry["topic"], str(entry["event"]["subject"]).encode(),
             json.dumps({**entry["event"], "data": redact_data(entry["event"].get("data"))}, ensure_ascii=False,
                        separators=(",", ":")).encode(), HEADERS)
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

    async def sweep(self, older_than: float | None = None) -> int:
        """Publish the documents left unrelayed (all of them, or those older than ``older_than`` s)."""
        before = utc_now() - timedelta(seconds=older_than) if older_than is not None else None
        pending = await journal.unrelayed(self.runtime.db, before)
        for doc in pending:
            await self._publish(doc["seq"], doc["outbox"])
        return len(pending)

    async def _run(self) -> None:
        last_sweep = time.monotonic()
        while True:
            try:
                item = await asyncio.wait_for(self.queue.get(), timeout=SWEEP_S)
            except TimeoutError:
                item = None
            if item is not None:
                await self._retrying(*item)
                await self._drain()
            if time.monotonic() - last_sweep >= SWEEP_S:
                last_sweep = time.monotonic()
                try:
                    await self.sweep(older_than=SWEEP_S)
                except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                    log.warning("journal sweep failed: %s", exc)

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
        if not outbox:
            return  # written as relayed
        await self.runtime.producer.publish_raw(records(self.runtime.settings.topic_prefix, outbox))
        await journal.mark_relayed(self.runtime.db, seq)
        self.published += len(outbox)
