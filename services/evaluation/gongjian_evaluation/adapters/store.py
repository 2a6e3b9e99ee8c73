"""MongoDB collections of the evaluation service."""

from typing import Any

LEDGER = "ledger"  # one entry per (source event, rule): the unique _id makes awards idempotent
OUTBOX_COLLECTIONS = (LEDGER,)


async def ensure_indexes(db: Any) -> None:
    await db[LEDGER].create_index("holder_id")


async def balance(db: Any, holder_id: str) -> float:
    rows = await (await db[LEDGER].aggregate(
        [{"$match": {"holder_id": holder_id}}, {"$group": {"_id": "$holder_id", "points": {"$sum": "$points"}}}]
    )).to_list(None)
    return float(rows[0]["points"]) if rows else 0.0
