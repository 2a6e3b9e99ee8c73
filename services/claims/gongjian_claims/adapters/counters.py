"""Counter documents of the demand list totals (``list_totals``): idempotent moves and sums.

A counter document: ``{_id: "<place>|<shard>", place, shard, n: {"<kind>|<status>|<category>":
count}, m}`` (domain/counts.py says why one per place and shard). ``m`` lists the moves applied
to it that are not finished yet: a move (a demand's marker move, adapters/count_markers.py, or a
batch, adapters/count_batches.py) changes ``n`` only in an update whose filter says its id is not
in ``m`` and which pushes the id in the same write — one document, one atomic update (MongoDB;
the patched FerretDB, shared/tests atomicity tests), so a move re-applied after a crash, a retry
or by a second instance changes ``n`` once. When every counter of a move is done, its owner
removes the id from them (``release``): ``m`` stays short.

Counter documents are created empty first (``insert_many``, duplicates ignored), then updated
without upsert: FerretDB misreports the errors of a multi-statement upsert, and two upserts of
one new ``_id`` on MongoDB fail one of them with a duplicate key.
"""

from __future__ import annotations

from typing import Any

from pymongo import UpdateOne

from ..domain.counts import Deltas, key_of_name, matches
from .inserts import insert_new
from .store import COUNTERS

_made: set[tuple[str, str]] = set()  # (database, counter id) known to exist: counters are never deleted


async def _ensure(db: Any, deltas: Deltas, *, trust_cache: bool = True) -> None:
    new = [cid for cid in deltas if not trust_cache or (db.name, cid) not in _made]
    await insert_new(db, COUNTERS, [{"_id": cid, **deltas[cid][0], "n": {}, "m": []} for cid in new])
    _made.update((db.name, cid) for cid in new)


def _nonzero(deltas: Deltas) -> Deltas:
    """The counters a move changes (a batch's −1 and +1 on one key cancel out)."""
    out = {cid: (fields, {k: by for k, by in keys.items() if by}) for cid, (fields, keys) in deltas.items()}
    return {cid: entry for cid, entry in out.items() if entry[1]}


async def apply(db: Any, move_id: str, deltas: Deltas) -> None:
    """Add each delta to its counter unless this move was applied there already (idempotent)."""
    changes = _nonzero(deltas)
    if not changes:
        return
    await _ensure(db, changes)
    ops = [UpdateOne({"_id": cid, "m": {"$ne": move_id}},
                     {"$inc": {f"n.{name}": by for name, by in keys.items()}, "$push": {"m": move_id}})
           for cid, (_, keys) in changes.items()]
    if (await db[COUNTERS].bulk_write(ops, ordered=False)).matched_count < len(ops):
        # Applied there already (a repair, a retry), or a counter the cache wrongly believed made
        # (its database dropped meanwhile): make sure every one exists, then again (idempotent).
        await _ensure(db, changes, trust_cache=False)
        await db[COUNTERS].bulk_write(ops, ordered=False)


async def release(db: Any, move_id: str, deltas: Deltas) -> None:
    """Forget a finished move on its counters (after ``apply`` is done on all of them)."""
    ids = list(_nonzero(deltas))
    if ids:
        await db[COUNTERS].bulk_write([UpdateOne({"_id": cid}, {"$pullAll": {"m": [move_id]}}) for cid in ids],
                                      ordered=False)


async def total(db: Any, place: str, *, kinds: list[str] | None = None, status: Any = None,
                category: str | None = None) -> int:
    """Demands under ``place`` (a place id or ``*``) with one of ``kinds``, ``status`` (a value or a
    condition such as ``{"$nin": [...]}``), ``category``: the sum over the place's shard documents."""
    return sum(count for doc in await db[COUNTERS].find({"place": place}, {"n": 1}).to_list(None)
               for name, count in (doc.get("n") or {}).items()
               if matches(key_of_name(name), kinds=kinds, status=status, category=category))
