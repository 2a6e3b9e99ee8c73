"""One request at a time per key inside one process: a member's repeated claims wait their turn.

A member who taps "认领" five times sends five requests at once. Raced against each other they
would each take a seat before finding that the member already holds one, giving the seats back
only after other members had been told "full". Taking turns, the first request settles the
member's claim and each repeat then reads it and is refused for its true reason
(already-claimed). Repeats that reach different instances are handled by the holder key in
the database (claiming.claim_demand); this only keeps the common case free of waste.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class Turns:
    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # nobody waits: forget the key
            else:
                self._locks[key] = (lock, users - 1)
