"""Changing a pool's capacity under live claims, with the seats of seats.py.

Raising it opens seats; lowering it first closes the seats at and above the new capacity
with ``shrunk`` documents — a claim that read the old capacity then fails on them like on
any taken seat — and moves the claims sitting there to free seats below it, so that the
seat numbers stay below the capacity (the invariant that bounds the number of claims).
"""

from __future__ import annotations

from typing import Any

from pymongo.errors import DuplicateKeyError

from .seats import NO_CLAIM, SHRUNK, insert_free, seat_doc
from .store import SEATS


async def grow(db: Any, pool: str, capacity: int) -> None:
    """Open the seats below ``capacity`` that an earlier lowering closed (before the capacity goes up)."""
    await db[SEATS].delete_many({"pool": pool, "claim_id": SHRUNK, "seat": {"$lt": capacity}})


async def shrink(db: Any, pool: str, old: int, new: int, op: str) -> tuple[int, list[tuple[str, int]]] | None:
    """Close seats ``new``…``old-1`` and move the claims sitting there below ``new``.

    Returns (places taken, [(claim id, its new seat)]), or None when more than ``new`` places
    are taken — also when claims fill the free places during the moves: the seats closed by
    this lowering (``op``) are opened again, the moves done stay valid under the old capacity.
    """
    await insert_free(db, [{**seat_doc(pool, k, SHRUNK, None), "op": op} for k in range(new, old)])
    held = [d for d in await db[SEATS].find({"pool": pool}).to_list(None) if d["claim_id"] not in NO_CLAIM]
    if len(held) > new:
        await db[SEATS].delete_many({"pool": pool, "op": op})
        return None
    moves = []
    for doc in (d for d in held if d["seat"] >= new):
        seat = await _move_below(db, pool, doc, new, op)
        if seat is None:  # claims took the free places meanwhile: the capacity stays as it was
            await db[SEATS].delete_many({"pool": pool, "op": op})
            return None
        moves.append((doc["claim_id"], seat))
    return len(held), moves


async def _move_below(db: Any, pool: str, doc: dict[str, Any], new: int, op: str) -> int | None:
    for _ in range(5):
        taken = {d["seat"] for d in await db[SEATS].find({"pool": pool, "seat": {"$lt": new}}, {"seat": 1})
                 .to_list(None)}
        for seat in (k for k in range(new) if k not in taken):
            try:
                await db[SEATS].insert_one(seat_doc(pool, seat, doc["claim_id"], doc.get("claimant_id")))
            except DuplicateKeyError:
                continue
            await db[SEATS].delete_one({"_id": doc["_id"], "claim_id": doc["claim_id"]})
            await insert_free(db, [{**seat_doc(pool, doc["seat"], SHRUNK, None), "op": op}])
            return seat
        if len(taken) >= new:
            return None
    return None
