"""Repairing the demand list totals after a crash (start-up, then every ``EVERY_S`` per instance).

Three windows a killed process can leave open, each found by an indexed query:

- a marker moved but its counters not (``list_markers.busy``): the move is finished;
- a batch of new demands staged but not counted (``list_batches``): the batch is finished;
- a demand changed (its journal entry flagged ``counting``) but not restaged: the demand is
  rolled forward, restaged, and the flag cleared.

Only what is older than ``count_markers.GRACE_S`` is touched: younger work belongs to a live
writer (adapters/count_markers.py says why a second finisher must wait). Every step is idempotent,
so several instances repairing at once count each demand once.
"""

from __future__ import annotations

import logging
from typing import Any

from ..adapters import count_batches, count_markers, journal
from ..adapters.count_markers import GRACE_S, older_than
from ..adapters.store import BATCHES, DEMANDS, JOURNAL, MARKERS

log = logging.getLogger("gongjian.claims.counts")

EVERY_S = 60.0


async def repair(db: Any, grace_s: float = GRACE_S) -> dict[str, int]:
    """Finish what crashes left; returns ``{moves, batches, changes}`` repaired."""
    done = {"moves": 0, "batches": 0, "changes": 0}
    async for marker in db[MARKERS].find({"busy": True}):
        if count_markers.stale(marker, grace_s):
            await count_markers.finish(db, marker)
            done["moves"] += 1
    async for batch in db[BATCHES].find({}):
        if older_than(batch["at"], grace_s):
            await count_batches.finish(db, batch)
            done["batches"] += 1
    async for entry in db[JOURNAL].find({"counting": True}, {"aggregate": 1, "at": 1}):
        if older_than(entry["at"], grace_s):
            await journal.roll_forward(db, DEMANDS, entry["aggregate"])
            if await count_markers.restage(db, entry["aggregate"]):
                await db[JOURNAL].update_one({"_id": entry["_id"]}, {"$unset": {"counting": ""}})
                done["changes"] += 1
    if any(done.values()):
        log.warning("demand counts repaired: %s", done)
    return done
