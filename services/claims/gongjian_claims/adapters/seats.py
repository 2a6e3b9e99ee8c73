"""Atomic capacity without transactions: seats, holders and loads as unique inserts.

- Seats: a pool (a demand, a resource) of capacity N has seat ids ``<pool>#0 … #N-1``.
  Taking a seat inserts one of them; a duplicate key means someone else has it. At most
  N seat documents can exist, so there are never more claims than capacity.
- Holders: ``<pool>|<holder>`` — one live claim per claimant per pool.
- Loads: ``<claimant>#0 … #L-1`` — the open claims of one claimant (max-open-claims).
Releasing deletes the documents. A process that dies half-way leaves a document whose
claim never appeared; such orphans older than a minute are pruned when space runs out.
Lowering a pool's capacity closes the seats above it (capacity.py).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from gongjian_shared.envelope import utc_now
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .store import CLAIMS, HOLDERS, JOURNAL, LOADS, SEATS

ORPHAN_AFTER = timedelta(minutes=1)
SEALED, SHRUNK = "sealed", "shrunk"  # seat documents that hold no claim: closing, lowered capacity
NO_CLAIM = [SEALED, SHRUNK]


async def holder(db: Any, pool: str, holder_id: str) -> dict[str, Any] | None:
    return await db[HOLDERS].find_one({"_id": f"{pool}|{holder_id}"})


async def hold(db: Any, pool: str, holder_id: str, claim_id: str, **extra: Any) -> bool:
    try:
        await db[HOLDERS].insert_one({"_id": f"{pool}|{holder_id}", "pool": pool, "holder": holder_id,
                                      "claim_id": claim_id, "at": utc_now(), **extra})
    except DuplicateKeyError:
        return False
    return True


async def unhold(db: Any, pool: str, holder_id: str, claim_id: str) -> None:
    await db[HOLDERS].delete_one({"_id": f"{pool}|{holder_id}", "claim_id": claim_id})


async def seats_taken(db: Any, pool: str) -> int:
    return await db[SEATS].count_documents({"pool": pool, "claim_id": {"$ne": SHRUNK}})


async def taken_by_pool(db: Any, pools: list[str]) -> dict[str, int]:
    if not pools:
        return {}
    cursor = await db[SEATS].aggregate([{"$match": {"pool": {"$in": pools}, "claim_id": {"$ne": SHRUNK}}},
                                        {"$group": {"_id": "$pool", "n": {"$sum": 1}}}])
    return {row["_id"]: row["n"] for row in await cursor.to_list(None)}


HELD = -1  # take_seat: the claimant already sits in this pool


class SeatView:
    """One read of a pool's seats, shared by the claims that asked in the same turn.

    It hands each of them a different free seat (in random order, so that several
    instances spread out), and "full" to those beyond the free ones: the same outcome as
    if they had all raced for those seats, without the writes that would have lost.
    """

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs
        self.claimants = {d.get("claimant_id") for d in docs}
        self._free: list[int] | None = None
        # Worked out once per read, not once per claim of the turn (a rush's hundreds share it).
        self._filled: dict[int, bool] = {}
        self.oldest = min((d["at"] for d in docs if d.get("claim_id") not in NO_CLAIM), default=None)

    def filled(self, capacity: int) -> bool:
        """Every seat below ``capacity`` is taken in what was read."""
        known = self._filled.get(capacity)
        if known is None:
            known = self._filled[capacity] = sum(1 for d in self.docs if d["seat"] < capacity) >= capacity
        return known

    def next_free(self, capacity: int) -> int | None:
        if self._free is None:
            taken = {d["seat"] for d in self.docs}
            self._free = [k for k in range(capacity) if k not in taken]
            random.shuffle(self._free)
        return self._free.pop() if self._free else None


async def read_seats(db: Any, pools: list[str]) -> dict[str, SeatView]:
    docs: dict[str, list[dict[str, Any]]] = {pool: [] for pool in pools}
    for doc in await db[SEATS].find({"pool": {"$in": pools}}).to_list(None):
        docs.setdefault(doc["pool"], []).append(doc)
    return {pool: SeatView(found) for pool, found in docs.items()}


async def take_seat(db: Any, pool: str, capacity: int, claim_id: str, claimant_id: str | None = None,
                    seen: SeatView | None = None, attempts: int = 100,
                    read: Callable[[], Awaitable[SeatView]] | None = None) -> int | None:
    """A free seat number; None when all are taken; HELD if ``claimant_id`` has one.

    ``seen``: a shared read of the pool's seats to start from; after a lost race (another
    instance, or a seat freed and taken meanwhile) the seats are read afresh with ``read``
    (default: a query of its own). None means every seat is taken in the database: seats a
    shared read handed to other claims, whose inserts may yet fail, are waited for.
    """
    read = read or (lambda: _read_one(db, pool))
    for _ in range(attempts):
        view = seen or await read()
        seen = None
        if claimant_id is not None and claimant_id in view.claimants:
            return HELD
        seat = view.next_free(capacity)
        if seat is None:
            if view.filled(capacity):
                return None
            await asyncio.sleep(0.01)  # free in the database but handed to others of this turn: let them insert
            continue
        try:
            await db[SEATS].insert_one(seat_doc(pool, seat, claim_id, claimant_id))
            return seat
        except DuplicateKeyError:
            continue
    return None


async def _read_one(db: Any, pool: str) -> SeatView:
    return (await read_seats(db, [pool]))[pool]


def seat_doc(pool: str, seat: int, claim_id: str, claimant_id: str | None) -> dict[str, Any]:
    return {"_id": f"{pool}#{seat}", "pool": pool, "seat": seat, "claim_id": claim_id, "claimant_id": claimant_id,
            "at": utc_now()}


async def free_seat(db: Any, pool: str, seat: int, claim_id: str) -> None:
    await db[SEATS].delete_one({"_id": f"{pool}#{seat}", "claim_id": claim_id})


async def seal(db: Any, pool: str, capacity: int) -> None:
    """Take every free seat (closing): no claim can slip in afterwards."""
    await insert_free(db, [seat_doc(pool, k, SEALED, None) for k in range(capacity)])


async def insert_free(db: Any, docs: list[dict[str, Any]]) -> None:
    if not docs:
        return
    try:
        await db[SEATS].insert_many(docs, ordered=False)
    except BulkWriteError:
        pass  # the taken ones stay as they are


async def unseal(db: Any, pool: str) -> None:
    await db[SEATS].delete_many({"pool": pool, "claim_id": SEALED})


async def reserve_load(db: Any, claimant_id: str, claim_id: str, limit: int | None, attempts: int = 20) -> str | None:
    """A load slot for one more open claim; None if the claimant holds ``limit`` already."""
    for _ in range(attempts):
        held = {d["slot"] for d in await db[LOADS].find({"claimant_id": claimant_id}, {"slot": 1}).to_list(None)}
        if limit is not None and len(held) >= limit:
            return None
        bound = limit if limit is not None else len(held) + 1
        free = [j for j in range(bound) if j not in held]
        if not free:
            return None
        slot = free[0]
        try:
            await db[LOADS].insert_one({"_id": f"{claimant_id}#{slot}", "claimant_id": claimant_id, "slot": slot,
                                        "claim_id": claim_id, "at": utc_now()})
            return f"{claimant_id}#{slot}"
        except DuplicateKeyError:
            continue
    return None


async def release_load(db: Any, load_id: str | None, claim_id: str) -> None:
    if load_id:
        await db[LOADS].delete_one({"_id": load_id, "claim_id": claim_id})


async def open_load(db: Any, claimant_id: str) -> int:
    return await db[LOADS].count_documents({"claimant_id": claimant_id})


def has_stale(view: SeatView) -> bool:
    """Is any of these seats old enough to be a crash's orphan?"""
    return view.oldest is not None and view.oldest < utc_now() - ORPHAN_AFTER


async def prune(db: Any, collection: str, query: dict[str, Any], states: tuple[str, ...]) -> int:
    """Delete orphans: older than a minute and their claim does not hold the place (any more)."""
    docs = await db[collection].find({**query, "at": {"$lt": utc_now() - ORPHAN_AFTER},
                                      "claim_id": {"$nin": NO_CLAIM}}).to_list(None)
    if not docs:
        return 0
    ids = [d["claim_id"] for d in docs]
    status = {c["_id"]: c["status"] for c in await db[CLAIMS].find({"_id": {"$in": ids}}, {"status": 1}).to_list(None)}
    unwritten = [i for i in ids if i not in status]  # journalled but not yet applied: still alive
    journalled = {j["aggregate"] for j in await db[JOURNAL].find(
        {"aggregate": {"$in": unwritten}, "seq": 0}, {"aggregate": 1}).to_list(None)} if unwritten else set()
    pruned = 0
    for doc in docs:
        claim_id = doc["claim_id"]
        if status.get(claim_id) not in states and claim_id not in journalled:
            await db[collection].delete_one({"_id": doc["_id"], "claim_id": claim_id})
            pruned += 1
    return pruned
