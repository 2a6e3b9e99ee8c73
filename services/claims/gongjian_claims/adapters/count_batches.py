"""Counting many new demands at once (bulk publishing, the start-up migration): one move per batch.

Per batch of demand documents, in this order:

1. insert ``list_batches/<id>``: ``{items: JSON [[demand id, key, places]], phase: "inc", at}``;
2. ``insert_many`` the demands' markers ``{key, v, rev: 1, batch: <id>}`` (few fields: FerretDB's
   cost per document grows with them; a later move sets ``places``); a demand that
   has a marker already (a re-run, a change that restaged it) is not this batch's to count;
3. apply the summed deltas of the demands whose marker this batch wrote to the counters, as ONE
   move (its id = the batch id: idempotent, adapters/counters.py), phase "pull", release, delete.

A crash leaves the batch document; the repair (service/count_repair.py) finishes batches older
than ``GRACE_S``: the demands this batch counts are those whose marker says ``batch: <id>`` (the
field is never changed afterwards), their keys as the batch recorded them — so a later change of
one of them, counted by its own marker move, still adds up.
"""

from __future__ import annotations

import json
from typing import Any

from bson import ObjectId
from gongjian_shared.envelope import utc_now
from gongjian_shared.mongo import IN_CHUNK

from ..domain.counts import Deltas, add, key_of, places_of
from . import counters
from .inserts import insert_new
from .store import BATCHES, MARKERS


async def count_new(db: Any, demands: list[dict[str, Any]]) -> int:
    """Count ``demands`` (documents with ``_id``, key fields, level ids, ``v``) not counted yet; how many."""
    if not demands:
        return 0
    items = [[d["_id"], key_of(d), places_of(d)] for d in demands]
    batch = {"_id": str(ObjectId()), "items": json.dumps(items, ensure_ascii=False), "phase": "inc", "at": utc_now()}
    await db[BATCHES].insert_one(batch)
    had = await insert_new(db, MARKERS, [{"_id": i, "key": k, "v": d.get("v", 0), "rev": 1, "batch": batch["_id"]}
                                         for d, (i, k, _) in zip(demands, items)])
    fresh = [item for n, item in enumerate(items) if n not in had]
    await _finish(db, batch, fresh)
    return len(fresh)


def _deltas(items: list[list[Any]]) -> Deltas:
    deltas: Deltas = {}
    for _, key, places in items:
        add(deltas, places, key, 1)
    return deltas


async def _finish(db: Any, batch: dict[str, Any], items: list[list[Any]]) -> None:
    deltas = _deltas(items)
    if batch["phase"] == "inc":
        await counters.apply(db, batch["_id"], deltas)
        await db[BATCHES].update_one({"_id": batch["_id"]}, {"$set": {"phase": "pull"}})
    await counters.release(db, batch["_id"], deltas)
    await db[BATCHES].delete_one({"_id": batch["_id"]})


async def finish(db: Any, batch: dict[str, Any]) -> int:
    """Finish a batch a crash left (the repair); returns how many demands it counts."""
    items = json.loads(batch["items"])
    ids = [item[0] for item in items]
    mine: set[str] = set()
    for i in range(0, len(ids), IN_CHUNK):
        mine |= {m["_id"] for m in await db[MARKERS].find({"_id": {"$in": ids[i:i + IN_CHUNK]}, "batch": batch["_id"]},
                                                          {"_id": 1}).to_list(None)}
    fresh = [item for item in items if item[0] in mine]
    await _finish(db, batch, fresh)
    return len(fresh)
