"""Idempotent effects for at-least-once consumers.

Prefer making the effect itself carry the source event id under a unique key
(``insert_once``); for counters on one document use ``apply_once``, which checks
"already applied?" in the same single-document update as the effect.
"""

from __future__ import annotations

from typing import Any

from pymongo.errors import DuplicateKeyError

APPLIED = "applied_events"


async def insert_once(collection: Any, document: dict[str, Any]) -> bool:
    """Insert; False if a document with the same unique key (e.g. source event id) exists."""
    try:
        await collection.insert_one(document)
    except DuplicateKeyError:
        return False
    return True


async def apply_once(
    collection: Any, key: dict[str, Any], update: dict[str, Any], event_id: str, *, upsert: bool = True
) -> bool:
    """Apply ``update`` to the document at ``key`` unless ``event_id`` was applied there.

    The filter excludes documents that already list the event; with upsert, a second
    delivery then collides on the key and is recognised as a duplicate.
    """
    update = {op: dict(fields) for op, fields in update.items()}
    update.setdefault("$push", {})[APPLIED] = event_id
    try:
        result = await collection.update_one({**key, APPLIED: {"$ne": event_id}}, update, upsert=upsert)
    except DuplicateKeyError:
        return False
    return bool(result.modified_count or result.upserted_id is not None)
