"""MongoDB collections of the portal (its own database) and their indexes.

The portal keeps only what sign-in needs: pending codes, rate-limit counters, refresh
tokens (hashed) and staff accounts. Members and residents live in the registry.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.localtime import now as current_time
from pymongo import ASCENDING

CODES = "sms_codes"            # _id = keyed hash of the phone; one pending code per phone
LIMITS = "rate_limits"         # _id = scope|key|window start; a counter per fixed window
REFRESH = "refresh_tokens"     # _id = SHA-256 of the token
STAFF = "staff"                # staff accounts (officials, unit admins)


async def ensure_indexes(db: Any) -> None:
    await db[STAFF].create_index([("username", ASCENDING)], unique=True, sparse=True)
    await db[STAFF].create_index([("phone_index", ASCENDING)])
    await db[STAFF].create_index([("oidc_sub", ASCENDING)])
    await db[REFRESH].create_index([("sub", ASCENDING)])


async def drop_expired(db: Any) -> None:
    """Forget finished rate windows, dead codes and expired sessions (run at start; FerretDB has no TTL index)."""
    now = current_time()
    for collection in (LIMITS, CODES, REFRESH):
        await db[collection].delete_many({"expires_at": {"$lt": now}})
