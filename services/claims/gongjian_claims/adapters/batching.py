"""Coalesce concurrent point reads into one query (the DataLoader pattern).

Under a rush, hundreds of claims on one demand each need the demand, their own member
record and the demand's seats. A loader keeps at most one query in flight: keys asked
for meanwhile wait and go together in the next one. A lone request is served at once;
under load the batches grow by themselves, and a database that serves one request at a
time answers a few queries instead of hundreds. Nothing is cached: every answer comes
from a query that started after it was asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from gongjian_shared.mongo import IN_CHUNK

FetchMany = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


class BatchLoader:
    def __init__(self, fetch_many: FetchMany) -> None:
        self._fetch_many = fetch_many
        self._pending: dict[Hashable, list[asyncio.Future]] = {}
        self._running: asyncio.Task | None = None

    async def load(self, key: Hashable) -> Any:
        future = asyncio.get_running_loop().create_future()
        self._pending.setdefault(key, []).append(future)
        if self._running is None:
            self._running = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # let the requests of this turn join the first batch
            while self._pending:
                await self._flush()
        finally:
            self._running = None

    async def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        try:
            found = await self._fetch_many(list(pending))
        except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
            for futures in pending.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for key, futures in pending.items():
            for future in futures:
                if not future.done():
                    future.set_result(found.get(key))




def by_id(db: Any, collection: str) -> BatchLoader:
    async def fetch(ids: list[Any]) -> dict[Any, Any]:
        parts = await asyncio.gather(*(db[collection].find({"_id": {"$in": ids[i:i + IN_CHUNK]}}).to_list(None)
                                       for i in range(0, len(ids), IN_CHUNK)))
        return {d["_id"]: d for part in parts for d in part}
    return BatchLoader(fetch)
