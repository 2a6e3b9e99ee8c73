"""MongoDB through PyMongo's AsyncMongoClient (Motor's official successor)."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import AsyncMongoClient

# Values per $in: the most the project's patched FerretDB answers from an index; a longer $in
# reads the whole collection (BENCHMARKS.md). Every batched $in of the project is cut to this.
IN_CHUNK = 500


def make_client(url: str) -> AsyncMongoClient:
    # Created in the lifespan, never at import time: the client binds to the running loop.
    # A bounded socket timeout: a stuck server gives an error, never a request that hangs forever.
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5000, socketTimeoutMS=120_000,
                            uuidRepresentation="standard")


async def ping(client: AsyncMongoClient, timeout: float = 3.0) -> bool:
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except Exception:  # noqa: BLE001 - readiness reports, never raises
        return False


def strip_internal(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """Drop storage-only fields (outbox, applied event ids) before a document is shown."""
    if doc is None:
        return None
    return {k: v for k, v in doc.items() if k not in ("outbox", "applied_events")}
