"""The guarantee our claim rule rests on: a single-document update is atomic under concurrency.

MongoDB gives it; FerretDB 1.24 lost writes until deploy/local patched it (see
deploy/local/ferretdb/gongjian_writelock.go). This guards that on whatever server we run.
"""

import asyncio

from gongjian_shared.mongo import make_client


async def test_concurrent_updates_of_one_document_lose_nothing(ns):
    clients = [make_client(ns.infra.mongodb_url) for _ in range(4)]
    name = ns.db("atomicity")
    try:
        coll = clients[0][name].counters
        await coll.insert_one({"_id": 1, "n": 0, "seen": [], "by_key": {}})

        async def bump(i: int) -> None:
            await clients[i % 4][name].counters.update_one(
                {"_id": 1}, {"$inc": {"n": 1}, "$push": {"seen": i}, "$set": {f"by_key.k{i}": i}}
            )

        await asyncio.gather(*(bump(i) for i in range(300)))
        doc = await coll.find_one({"_id": 1})
        assert doc["n"] == 300 and len(doc["seen"]) == 300 and len(doc["by_key"]) == 300

        await coll.insert_one({"_id": 2, "slots": 25, "ids": []})

        async def claim(i: int) -> int:
            result = await clients[i % 4][name].counters.update_one(
                {"_id": 2, "slots": {"$gt": 0}, "ids": {"$ne": i % 200}}, {"$inc": {"slots": -1}, "$push": {"ids": i % 200}}
            )
            return result.modified_count

        wins = await asyncio.gather(*(claim(i) for i in range(400)))
        doc = await coll.find_one({"_id": 2})
        assert sum(wins) == 25 and doc["slots"] == 0 and len(set(doc["ids"])) == 25
    finally:
        await clients[0].drop_database(name)
        for client in clients:
            await client.close()


async def test_a_bulk_of_many_updates_completes(ns):
    """Stock FerretDB 1.24 hangs on a bulk of 100+ updates (one pooled connection held per update)."""
    from pymongo import UpdateOne

    client = make_client(ns.infra.mongodb_url)
    name = ns.db("bulk")
    try:
        coll = client[name].docs
        await coll.insert_many([{"_id": f"d{i}", "outbox": [{"n": i}]} for i in range(300)])
        result = await asyncio.wait_for(
            coll.bulk_write([UpdateOne({"_id": f"d{i}"}, {"$pullAll": {"outbox": [{"n": i}]}}) for i in range(300)],
                            ordered=False),
            timeout=120,
        )
        assert result.modified_count == 300
        assert await coll.count_documents({"outbox.0": {"$exists": True}}) == 0
    finally:
        await client.drop_database(name)
        await client.close()
