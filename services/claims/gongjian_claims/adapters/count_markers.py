"""Keeping one demand counted (the single path): its marker, moved once per change of its key.

The marker ``list_markers/<demand id>``: ``{key: "<kind>|<status>|<category>", places: [{p, s}],
v: the demand version counted, rev}``. ``restage`` brings it to the demand's current document:

1. read the marker, then the demand; nothing to do if the marker counted this version already
   (a redelivered event, a retried command, the second of two instances);
2. move the marker by ONE conditional write (``rev`` unchanged and no move under way; a new
   demand: the marker's unique insert), setting ``move: {id, from, to, phase: "inc", at}`` and
   ``busy`` when the key changes — the writer that wins owns the move, the others re-read;
3. ``finish``: apply the move to the counters (adapters/counters.py, idempotent by the move id),
   mark the move ``phase: "pull"``, release the move id from the counters, clear ``move``.

A crash after 2 leaves the marker ``busy``: the repair (service/count_repair.py, at start-up and
periodically) finishes moves older than ``GRACE_S`` — re-applying phase "inc" is harmless (the
counters know the move id until phase "pull"), and phase "pull" only releases. A restage that
meets a live move waits for it (its owner is milliseconds from done) up to ``wait_s``, then
leaves its own change to the repair (the journal entry stays flagged, adapters/journal.py).
Why a grace rather than taking over at once: a second finisher releasing while the owner still
applies would let the owner count the move again; a writer stalled beyond ``GRACE_S`` between
two of its own writes is the one case this leaves open.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import earlier, stored_utc
from pymongo.errors import DuplicateKeyError

from ..domain.counts import PROJECTION, key_of, move, places_of
from . import counters
from .store import DEMANDS, MARKERS

GRACE_S = 60.0


def older_than(at: Any, grace_s: float) -> bool:
    """Was ``at`` (as stored) at least ``grace_s`` seconds ago?"""
    return stored_utc(at) <= earlier(utc_now(), seconds=grace_s)


def stale(marker: dict[str, Any], grace_s: float) -> bool:
    return older_than(marker["move"]["at"], grace_s)


async def begin(db: Any, demand_id: str, doc: dict[str, Any] | None = None) -> tuple[str, dict[str, Any] | None]:
    """One attempt at step 2 (``doc``: the demand as its writer just read it, else read here).

    Returns ("done" | "retry" | "busy", the marker if this call moved it). A ``doc`` older than
    the stored demand is safe: the writer of the newer version restages after it, and the
    marker's version only grows.
    """
    marker = await db[MARKERS].find_one({"_id": demand_id})
    if marker is not None and marker.get("busy"):
        return "busy", marker
    demand = doc if doc is not None else await db[DEMANDS].find_one({"_id": demand_id}, PROJECTION)
    if demand is None or (marker is not None and demand.get("v", 0) <= marker["v"]):
        return "done", None  # not written yet (its roll-forward restages it) or counted already
    key, old = key_of(demand), (marker or {}).get("key")
    rev = (marker or {}).get("rev", 0) + 1
    fields: dict[str, Any] = {"key": key, "places": places_of(demand), "v": demand.get("v", 0), "rev": rev}
    if key != old:
        fields |= {"busy": True, "move": {"id": f"{demand_id}@{rev}", "from": old, "to": key, "phase": "inc",
                                          "at": utc_now()}}
    try:
        if marker is None:
            await db[MARKERS].insert_one({"_id": demand_id, **fields})
        elif (await db[MARKERS].update_one({"_id": demand_id, "rev": marker["rev"], "busy": {"$exists": False}},
                                           {"$set": fields})).matched_count == 0:
            return "retry", None
    except DuplicateKeyError:
        return "retry", None
    return "done", ({"_id": demand_id, **fields} if "move" in fields else None)


async def finish(db: Any, marker: dict[str, Any]) -> None:
    """Step 3 for ``marker``'s move (idempotent; by the owner, or by the repair after ``GRACE_S``)."""
    mv = marker["move"]
    deltas = move(marker["places"], mv["from"], mv["to"])
    if mv["phase"] == "inc":
        await counters.apply(db, mv["id"], deltas)
        await db[MARKERS].update_one({"_id": marker["_id"], "move.id": mv["id"]}, {"$set": {"move.phase": "pull"}})
    await counters.release(db, mv["id"], deltas)
    await db[MARKERS].update_one({"_id": marker["_id"], "move.id": mv["id"]}, {"$unset": {"move": "", "busy": ""}})


async def restage(db: Any, demand_id: str, *, doc: dict[str, Any] | None = None, wait_s: float = 2.0) -> bool:
    """Count ``demand_id`` as its document now is; False if a live move kept it waiting ``wait_s``.

    ``doc``: the demand as the caller just wrote or read it (saves a read on the first attempt).
    """
    deadline = time.monotonic() + wait_s
    while True:
        outcome, marker = await begin(db, demand_id, doc)
        doc = None  # a retry reads the stored demand
        if outcome == "done":
            if marker is not None:
                await finish(db, marker)
            return True
        if outcome == "busy" and stale(marker, GRACE_S):
            await finish(db, marker)
            continue
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02 if outcome == "busy" else 0)
