"""The claim path's per-process helpers: batched reads, turns per claimant, the orphan search's pace."""

from __future__ import annotations

import time
from typing import Any

from ..adapters import batching, seats
from ..adapters.store import DEMANDS, MEMBERS, UNITS
from .turns import Turns


class Loaders:
    """Batched reads for the claim path (adapters/batching.py), one set per database handle."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.demands = batching.by_id(db, DEMANDS)
        self.claimants = {"member": batching.by_id(db, MEMBERS), "unit": batching.by_id(db, UNITS)}
        self.seats = batching.BatchLoader(lambda pools: seats.read_seats(db, pools))
        self.turns = Turns()  # one claim at a time per (demand, claimant) in this process
        self._searched: dict[str, float] = {}  # pool -> when a search for orphans found none

    def may_search(self, pool: str) -> bool:
        """Search a full pool for orphan seats at most once a minute (per process) after one found none.

        Without this, once a full demand's seats were a minute old every refused claim (a
        rush's hundreds) read the seats and their claims again, only to find them all alive.
        An orphan is still found, a minute later at most.
        """
        return time.monotonic() - self._searched.get(pool, -1e9) >= seats.ORPHAN_AFTER.total_seconds()

    def searched(self, pool: str, pruned: int) -> int:
        if pruned:
            self._searched.pop(pool, None)
        else:
            if len(self._searched) > 10_000:
                self._searched.clear()  # bounded; forgetting only costs a search
            self._searched[pool] = time.monotonic()
        return pruned


def loaders(runtime: Any) -> Loaders:
    found = runtime.state.get("claim_loaders")
    if found is None or found.db is not runtime.db:
        found = runtime.state["claim_loaders"] = Loaders(runtime.db)
    return found
