"""Counting requests against abuse limits in MongoDB, batched: the writes of a rush are few.

Every request of a limited route is counted (ratelimit.py), so a rush of a thousand claims
would be a thousand counter updates on top of the claims themselves; on a MongoDB-wire server
that applies writes one at a time (FerretDB on SQLite) that alone halved the claim rate. So the
hits that arrive while a flush is in flight wait and go together in the next one (the
DataLoader pattern, as claims' adapters/batching.py), and each kind of limit is counted the
way that makes a batch cheap while staying exact across any number of instances:

- Small limits (per caller: at most ``SLOTS_UP_TO`` a window) count in slots: the window of a
  key has slot ids ``<name>|<key>|<window start>#0 … #N-1`` and a hit is granted if it inserts
  one of them (a unique insert, as claims' seats). The slots of many callers go in one
  ``insert_many``; a duplicate key (another instance took it) sends that hit to read the
  key's slots and try a free one. A refused hit writes nothing. Never more than N granted,
  never fewer while a slot is free.
- Large limits (per client address: thousands a window, few keys) count in one document per
  key and window: one atomic ``$inc`` by the number of hits of the batch, whose result gives
  each hit its exact position.
Windows that have ended are deleted at most once a minute per process; nothing is cached
between flushes except, per key and window, the next slot this process saw free (a hint: a
wrong one costs a duplicate key, never a wrong answer).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING, InsertOne, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .mongo import IN_CHUNK

COLLECTION = "rate_limits"
SLOTS_UP_TO = 500   # limits up to this many hits a window count in slots, larger ones in a counter
ATTEMPTS = 8        # slot rounds per flush before a hit that keeps losing races is refused
CLEANUP_EVERY_S = 60.0


@dataclass
class _Hit:
    window: str        # "<name>|<key>|<window start>"
    count: int         # the limit
    ends: float        # end of the window (epoch seconds)
    future: asyncio.Future = field(repr=False)


class RateCounter:
    """The batching counter of one database (``counter_for``)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self._pending: list[_Hit] = []
        self._running: asyncio.Task | None = None
        self._next_slot: dict[str, tuple[int, float]] = {}  # window -> (first slot not known taken, its end)
        self._indexed = False
        self._cleaned_at = 0.0

    async def count(self, window: str, count: int, ends: float) -> bool:
        """Count one hit in ``window`` (limit ``count``, ending at ``ends``); True if within the limit."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append(_Hit(window, count, ends, future))
        if self._running is None:
            self._running = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # the hits of this turn join the first batch
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    await self._flush(batch)
                except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
                    for h in batch:
                        self._next_slot.pop(h.window, None)  # its offered slots may not have been written
                        if not h.future.done():
                            h.future.set_exception(exc)
        finally:
            self._running = None

    async def _flush(self, batch: list[_Hit]) -> None:
        if not self._indexed:
            await self.db[COLLECTION].create_index([("window", ASCENDING)])
            self._indexed = True
        by_window: dict[str, list[_Hit]] = {}
        for h in batch:
            by_window.setdefault(h.window, []).append(h)
        counters = {w: hits for w, hits in by_window.items() if hits[0].count > SLOTS_UP_TO}
        slots = [h for w, hits in by_window.items() if w not in counters for h in hits]
        await asyncio.gather(self._slots(slots), *(self._counter(w, hits) for w, hits in counters.items()))
        await self._cleanup(time.time())

    async def _counter(self, window: str, hits: list[_Hit]) -> None:
        doc = await _inc(self.db, window, len(hits), hits[0].ends)
        first = doc["n"] - len(hits) + 1  # this batch's positions: first … n
        for i, h in enumerate(hits):
            _settle(h, first + i <= h.count)

    async def _slots(self, hits: list[_Hit]) -> None:
        taken: dict[str, set[int]] = {}  # read from the database for windows that lost a race
        for _ in range(ATTEMPTS):
            if not hits:
                return
            offers, hits = self._offer(hits, taken), []
            for h, _ in [o for o in offers if o[1] is None]:
                _settle(h, False)  # every slot of the window is taken
            offers = [o for o in offers if o[1] is not None]
            lost = await self._insert(offers)
            for h, slot in offers:
                if slot not in lost.get(h.window, ()):
                    _settle(h, True)
                else:
                    hits.append(h)
            if hits:
                taken = await _read_taken(self.db, sorted({h.window for h in hits}))
        for h in hits:
            _settle(h, False)

    def _offer(self, hits: list[_Hit], taken: dict[str, set[int]]) -> list[tuple[_Hit, int | None]]:
        """A distinct candidate slot per hit (None: the window is full as far as is known)."""
        offers, start = [], {}
        for h in hits:
            if h.window not in start:  # after a read, from the lowest free slot; else from the hint
                start[h.window] = 0 if h.window in taken else self._next_slot.get(h.window, (0, 0.0))[0]
            slot = start[h.window]
            while slot in taken.get(h.window, ()):
                slot += 1
            start[h.window] = slot + 1
            self._next_slot[h.window] = (slot + 1, h.ends)
            offers.append((h, slot if slot < h.count else None))
        return offers

    async def _insert(self, offers: list[tuple[_Hit, int | None]]) -> dict[str, set[int]]:
        """Insert the offered slots; the ones another hit holds already, by window."""
        if not offers:
            return {}
        docs = [{"_id": f"{h.window}#{slot}", "window": h.window, "slot": slot, "ends": h.ends} for h, slot in offers]
        try:
            await self.db[COLLECTION].bulk_write([InsertOne(d) for d in docs], ordered=False)
            return {}
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
        lost: dict[str, set[int]] = {}
        for e in errors:
            doc = docs[e["index"]]
            lost.setdefault(doc["window"], set()).add(doc["slot"])
        return lost

    async def _cleanup(self, now: float) -> None:
        if now - self._cleaned_at < CLEANUP_EVERY_S:
            return
        self._cleaned_at = now
        await self.db[COLLECTION].delete_many({"ends": {"$lt": now - 60}})
        self._next_slot = {w: hint for w, hint in self._next_slot.items() if hint[1] >= now}


async def _inc(db: Any, window: str, by: int, ends: float) -> dict[str, Any]:
    for _ in range(3):  # two first hits of a window may race on the upsert: the loser retries as an update
        try:
            return await db[COLLECTION].find_one_and_update(
                {"_id": window}, {"$inc": {"n": by}, "$setOnInsert": {"ends": ends}},
                upsert=True, return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            continue
    raise RuntimeError(f"rate counter {window}: three lost upsert races in a row")  # pragma: no cover


async def _read_taken(db: Any, windows: list[str]) -> dict[str, set[int]]:
    taken: dict[str, set[int]] = {w: set() for w in windows}
    for i in range(0, len(windows), IN_CHUNK):
        async for doc in db[COLLECTION].find({"window": {"$in": windows[i:i + IN_CHUNK]}}, {"window": 1, "slot": 1}):
            taken[doc["window"]].add(doc["slot"])
    return taken


def _settle(h: _Hit, granted: bool) -> None:
    if not h.future.done():  # a request that went away meanwhile
        h.future.set_result(granted)


_COUNTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def counter_for(db: Any) -> RateCounter:
    """The batching counter of ``db`` (one per database handle and process)."""
    found = _COUNTERS.get(db)
    if found is None:
        found = _COUNTERS[db] = RateCounter(db)
    return found
