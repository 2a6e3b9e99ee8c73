"""Inserting many documents that may exist already (re-runs, crash recovery): duplicates are not errors."""

from __future__ import annotations

from typing import Any

from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000


async def insert_new(db: Any, collection: str, docs: list[dict[str, Any]]) -> set[int]:
    """Insert ``docs``; returns the indexes of those that already existed (same unique key)."""
    if not docs:
        return set()
    try:
        await db[collection].insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return {e["index"] for e in errors}
    return set()
