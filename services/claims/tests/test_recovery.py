"""A process that dies half-way: the journal rolls documents forward, orphan places are reclaimed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gongjian_claims.adapters.seats import seat_doc
from gongjian_shared.testing import auth


async def test_a_change_journalled_but_not_applied_is_rolled_forward(world):
    c = await world.community()
    demand = await world.demand(c, capacity=1)
    # Served and verified (销号 needs a verified service).
    member, staff = await world.member(c), auth("community_admin", c)
    claim = f"/demands/{demand['id']}/claims/{(await world.claim(demand['id'], member)).json()['claim_id']}"
    assert (await world.client.post(f"{claim}/fulfilment", json={"hours": 1}, headers=auth("member", sub=member))
            ).status_code == 200
    assert (await world.client.post(f"{claim}/verification", json={"approved": True}, headers=staff)).status_code == 200
    v = (await world.db["demands"].find_one({"_id": demand["id"]}))["v"]
    # As if the process died right after writing the journal entry of "close" (the next version).
    await world.db["journal"].insert_one({"aggregate": demand["id"], "coll": "demands",
                                          "seq": v + 1, "set": [{"p": "status", "v": "closed"}], "outbox": [],
                                          "at": datetime.now(UTC)})
    before = await world.client.get(f"/demands/{demand['id']}", headers=auth("community_admin", c))
    assert before.json()["status"] == "open"  # the document lags behind its journal
    # The next change meets the entry (its version is taken), rolls the document forward and re-reads.
    r = await world.client.post(f"/demands/{demand['id']}/closure", headers=auth("community_admin", c))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    doc = await world.db["demands"].find_one({"_id": demand["id"]})
    assert doc["v"] == v + 1 and doc["status"] == "closed"


async def test_a_creation_journalled_but_not_written_appears(world):
    c = await world.community()
    demand = await world.demand(c, capacity=1)
    doc = await world.db["demands"].find_one({"_id": demand["id"]})
    await world.db["demands"].delete_one({"_id": demand["id"]})  # as if the insert never happened
    r = await world.client.get(f"/demands/{demand['id']}", headers=auth("community_admin", c))
    assert r.status_code == 200 and r.json()["title"] == doc["title"]


async def test_orphan_seats_of_a_dead_process_are_reclaimed(world):
    c = await world.community()
    member = await world.member(c)
    demand = await world.demand(c, capacity=2)
    old = datetime.now(UTC) - timedelta(minutes=5)
    for seat in range(2):  # both seats taken by claims whose process died before writing them
        await world.db["seats"].insert_one({**seat_doc(demand["id"], seat, f"claim-ghost-{seat}", f"ghost-{seat}"),
                                            "at": old})
    r = await world.claim(demand["id"], member)
    assert r.status_code == 201, r.text
    assert await world.db["seats"].count_documents({"pool": demand["id"]}) == 1
