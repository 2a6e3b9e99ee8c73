"""Rate limits count in MongoDB: exact under concurrency, across separate clients (instances)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from pymongo import AsyncMongoClient

from gongjian_shared.ratecount import SLOTS_UP_TO
from gongjian_shared.ratelimit import COLLECTION, Limit, hit, too_many, wait_text


def test_limits_parse():
    assert Limit.parse("30/60") == Limit(30, 60)
    assert Limit.parse("0/60").count == 0
    with pytest.raises(ValueError):
        Limit.parse("5/0")


def test_waits_read_in_minutes_beyond_a_minute():
    """A 429's detail says the wait as a person reads it: never "请 3412 秒后再试"."""
    assert [wait_text(s) for s in (1, 60, 61, 900, 3412)] == ["1 秒", "60 秒", "2 分钟", "15 分钟", "57 分钟"]
    refused = too_many(3411.2)
    assert (refused.status, refused.extra["headers"]["Retry-After"], refused.extra["retry_after"]) == (429, "3412", 3412)
    assert refused.detail.startswith("操作过于频繁，请 57 分钟后再试")


async def test_the_limit_holds_across_instances_under_concurrency(infra):
    """Two clients stand for two instances of a service; 60 hits at once on a limit of 25 (slots),
    beside 40 other callers hitting once each in the same batches."""
    name = f"t{uuid.uuid4().hex[:8]}"
    clients = [AsyncMongoClient(infra.mongodb_url) for _ in range(2)]
    try:
        dbs = [c[name] for c in clients]
        limit = Limit(25, 3600)
        start = int(time.time() // 3600 * 3600)
        now = start + 100  # a fixed moment of the current window (ended windows are swept with the real clock)
        waits = await asyncio.gather(*(hit(dbs[i % 2], "claim", "member-1", limit, now=now) for i in range(60)),
                                     *(hit(dbs[i % 2], "claim", f"other-{i}", limit, now=now) for i in range(40)))
        assert sum(w is None for w in waits[:60]) == 25
        assert all(w is None for w in waits[60:])  # the others' single hits, counted in the same batches
        assert all(w is not None and 0 < w <= 3600 for w in waits if w is not None)
        assert await hit(dbs[0], "claim", "member-2", limit, now=now) is None  # another caller counts apart
        assert await hit(dbs[1], "claim", "member-1", limit, now=now + 3600) is None  # the next window
        assert await hit(dbs[0], "claim", "member-1", limit, now=now + 1) is not None  # still full, hint or not
        # one slot document per granted hit of the window; the refused ones wrote nothing
        assert await dbs[0][COLLECTION].count_documents({"window": f"claim|member-1|{start}"}) == 25
    finally:
        await clients[0].drop_database(name)
        for c in clients:
            await c.close()


async def test_a_large_limit_counts_exactly_in_one_document(infra):
    """Limits above SLOTS_UP_TO (the per-client one) count with one $inc per batch: exact positions."""
    name = f"t{uuid.uuid4().hex[:8]}"
    clients = [AsyncMongoClient(infra.mongodb_url) for _ in range(2)]
    try:
        dbs = [c[name] for c in clients]
        limit, now = Limit(SLOTS_UP_TO + 100, 3600), time.time() // 3600 * 3600 + 100
        waits = await asyncio.gather(*(hit(dbs[i % 2], "client", "127.0.0.1", limit, now=now)
                                       for i in range(SLOTS_UP_TO + 150)))
        assert sum(w is None for w in waits) == SLOTS_UP_TO + 100
        doc = await dbs[0][COLLECTION].find_one({"_id": {"$regex": "^client\\|127"}})
        assert doc["n"] == SLOTS_UP_TO + 150  # one document per window, counted atomically
    finally:
        await clients[0].drop_database(name)
        for c in clients:
            await c.close()


async def test_no_limit_when_switched_off(infra):
    client = AsyncMongoClient(infra.mongodb_url)
    try:
        db = client[f"t{uuid.uuid4().hex[:8]}"]
        assert all([await hit(db, "post", "x", Limit(0, 60)) is None for _ in range(5)])
        assert await db[COLLECTION].count_documents({}) == 0
    finally:
        await client.close()
