"""The demand list totals come from counters kept exact on every path (issue 10 point 3).

After each path that creates a demand or changes its kind, status or category, the counters of
the place (summed per kind/status/category) equal what ``count_documents`` finds; a redelivered
change, a retried command and two concurrent restagings count once; what a kill leaves between
the marker and the counters, or between a change and its restage, is repaired; the bulk path and
the start-up migration count, once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from gongjian_claims.adapters import count_batches, count_markers, counters
from gongjian_claims.adapters.projections import scope
from gongjian_claims.bootstrap import build_app
from gongjian_claims.domain.counts import ALL, KEY_FIELDS, key_name, key_of_name, move
from gongjian_claims.service import count_repair, migrations
from gongjian_shared.testing import app_client, auth, eventually
from pymongo import AsyncMongoClient

from .conftest import registry_event, settings_for


async def _counted(db, place: str) -> Counter:
    found = Counter()
    async for doc in db["list_totals"].find({"place": place}):
        for name, n in doc["n"].items():
            found[tuple(key_of_name(name)[f] for f in KEY_FIELDS)] += n
    return +found  # keys at zero dropped


async def _actual(db, place: str) -> Counter:
    flt = {} if place == ALL else await scope(db, place)
    found = Counter()
    async for doc in db["demands"].find(flt, {f: 1 for f in KEY_FIELDS}):
        found[tuple(doc.get(f) for f in KEY_FIELDS)] += 1
    return found


async def _exact(db, *places: str) -> None:
    """Each place's counters equal its demands by key (polled: other tests' jobs may be moving some)."""
    for place in places:
        async def same(place=place):
            return await _counted(db, place) == await _actual(db, place)
        try:
            await eventually(same, timeout=10)
        finally:
            assert await _counted(db, place) == await _actual(db, place), place


async def _own_street(world) -> str:
    """A street of this test's own (its totals then depend on nothing another test left)."""
    sid = f"street-{uuid.uuid4().hex[:8]}"
    await world.send("registry.places.v1", [registry_event("place.created", sid, {
        "place_id": sid, "kind": "street", "name": "计数街道", "parent_id": world.district,
        "path": [world.city, world.district, sid]})])
    await eventually(lambda: world.db["places"].find_one({"_id": sid}))
    return sid


async def test_every_path_keeps_the_totals_exact(world):
    street = await _own_street(world)
    c = await world.community(street=street)
    staff, resident = auth("community_admin", c), auth("resident", c, sub="resident-count")
    member = await world.member(c)
    made: dict[str, str] = {}

    async def post(url, body=None, headers=staff, code=200):
        r = await world.client.post(url, json=body, headers=headers)
        assert r.status_code == code, (url, r.text)
        return r.json()

    async def publish():
        made["need"] = (await world.demand(c, capacity=1))["id"]

    async def claim_fulfil_verify_close():
        cid = (await world.claim(made["need"], member)).json()["claim_id"]
        base = f"/demands/{made['need']}/claims/{cid}"
        await post(f"{base}/fulfilment", {"hours": 1}, auth("member", sub=member))
        await post(f"{base}/verification", {"approved": True})
        assert (await post(f"/demands/{made['need']}/closure"))["status"] == "closed"

    async def withdraw():
        did = (await world.demand(c, category="志愿服务"))["id"]
        assert (await post(f"/demands/{did}/withdrawal", {"reason": "活动取消"}))["status"] == "withdrawn"

    async def wish_posted():
        made["wish"] = (await post("/wishes", {"community_id": c, "title": "想要一副老花镜"}, resident, 201))["id"]

    async def wish_approved():
        assert (await post(f"/wishes/{made['wish']}/decision", {"approved": True}))["status"] == "open"

    async def wish_rejected():
        wish = (await post("/wishes", {"community_id": c, "title": "想要一台新电视"}, resident, 201))["id"]
        await post(f"/wishes/{wish}/decision", {"approved": False, "reason": "超出微心愿额度"})

    async def wish_confirmed():
        cid = (await post(f"/wishes/{made['wish']}/claims", None, auth("member", sub=member), 201))["claim_id"]
        await post(f"/demands/{made['wish']}/claims/{cid}/fulfilment", {"hours": 1, "beneficiaries": 1},
                   auth("member", sub=member))
        done = await post(f"/wishes/{made['wish']}/confirmation", {"claim_id": cid, "satisfied": True}, resident)
        assert done["status"] == "closed"

    async def bulk():
        rows = [{"ref": f"t{i}", "community_id": c, "category": "志愿服务", "item": "法律咨询", "title": f"批量 {i}",
                 "capacity": 1, "claims": []} for i in range(3)]
        assert (await post("/imports/demands", {"rows": rows}))["demands"] == 3

    for step in (publish, claim_fulfil_verify_close, withdraw, wish_posted, wish_approved, wish_rejected,
                 wish_confirmed, bulk):
        await step()
        assert await _counted(world.db, c) == await _actual(world.db, c), step.__name__
    assert await _counted(world.db, street) == await _actual(world.db, street)
    statuses = {k[1] for k in await _counted(world.db, c)}
    assert {"open", "closed", "withdrawn", "rejected"} <= statuses

    # The routes answer from the counters: the page's total and what the counters say agree, and
    # the wishes under review stay out of GET /demands's total as they stay out of its page.
    r = (await world.client.get("/demands", params={"place_id": c, "limit": 1}, headers=staff)).json()
    assert r["total"] == await world.db["demands"].count_documents(
        {"community_id": c, "status": {"$nin": ["pending", "rejected"]}}) == 6
    wishes = (await world.client.get("/wishes", params={"place_id": c}, headers=staff)).json()
    assert wishes["total"] == await world.db["demands"].count_documents({"community_id": c, "kind": "wish"})
    needs = (await world.client.get("/lists/needs", params={"place_id": c}, headers=staff)).json()
    assert needs["total"] == len(needs["items"]) == 3  # the bulk rows; the rest are closed or withdrawn
    bump = f"n.{key_name({'kind': 'need', 'status': 'open', 'category': '志愿服务'})}"
    await world.db["list_totals"].update_one({"_id": f"{c}|0"}, {"$inc": {bump: 100}})
    try:  # proof that the total is the counters' (a count would not see this)
        assert (await world.client.get("/lists/needs", params={"place_id": c}, headers=staff)).json()["total"] == 103
    finally:
        await world.db["list_totals"].update_one({"_id": f"{c}|0"}, {"$inc": {bump: -100}})


async def test_redelivery_retries_and_concurrent_restagings_count_once(world):
    c = await world.community()
    did = (await world.demand(c))["id"]
    url = f"/demands/{did}/withdrawal"
    assert (await world.client.post(url, json={"reason": "取消"}, headers=auth("community_admin", c))).status_code == 200
    assert (await world.client.post(url, json={"reason": "取消"}, headers=auth("community_admin", c))).status_code == 409
    for _ in range(2):  # a restage of a change counted already, a roll-forward with nothing to apply
        assert await count_markers.restage(world.db, did)
    await count_markers.restage(world.db, did)
    assert await _counted(world.db, c) == await _actual(world.db, c) == Counter({("need", "withdrawn", "志愿服务"): 1})

    # A change written whose restage has not run (as a second instance would see it), then two at once.
    other = (await world.demand(c))["id"]
    doc = await world.db["demands"].find_one({"_id": other})
    await world.db["demands"].update_one({"_id": other}, {"$set": {"status": "closed", "v": doc["v"] + 1}})
    assert await asyncio.gather(*(count_markers.restage(world.db, other) for _ in range(4))) == [True] * 4
    assert await _counted(world.db, c) == await _actual(world.db, c)
    assert (await world.db["list_markers"].find_one({"_id": other}))["rev"] == 2  # moved once after its creation
    assert not await world.db["list_totals"].count_documents({"place": c, "m.0": {"$exists": True}})


async def test_a_kill_between_marker_and_counters_or_before_the_restage_is_repaired(world, monkeypatch):
    c = await world.community()
    staff = auth("community_admin", c)
    first, second = (await world.demand(c))["id"], (await world.demand(c))["id"]

    # Killed after moving the marker: the counters still count it open.
    await world.db["demands"].update_one({"_id": first}, {"$set": {"status": "closed", "v": 1}})
    outcome, marker = await count_markers.begin(world.db, first)
    assert outcome == "done" and marker["move"]["phase"] == "inc"
    assert await _counted(world.db, c) != await _actual(world.db, c)
    # Killed after applying the counters but before saying so: re-applying must not count twice.
    await world.db["demands"].update_one({"_id": second}, {"$set": {"status": "withdrawn", "v": 1}})
    _, marker2 = await count_markers.begin(world.db, second)
    await counters.apply(world.db, marker2["move"]["id"],
                         move(marker2["places"], marker2["move"]["from"], marker2["move"]["to"]))
    assert not await count_markers.restage(world.db, second, wait_s=0.1)  # a live move: left to its owner

    await count_repair.repair(world.db)  # younger than the grace: a live writer's, left alone
    assert (await world.db["list_markers"].find_one({"_id": first})).get("busy")
    done = await count_repair.repair(world.db, grace_s=0)
    assert done["moves"] >= 2
    assert await _counted(world.db, c) == await _actual(world.db, c)

    # Killed after the change, before its restage: the journal entry stays flagged.
    async def killed(db, demand_id, **_):
        return False
    third = (await world.demand(c))["id"]
    monkeypatch.setattr(count_markers, "restage", killed)
    r = await world.client.post(f"/demands/{third}/withdrawal", json={"reason": "取消"}, headers=staff)
    assert r.status_code == 200
    monkeypatch.undo()
    assert await _counted(world.db, c) != await _actual(world.db, c)
    assert await world.db["journal"].count_documents({"aggregate": third, "counting": True}) == 1
    assert (await count_repair.repair(world.db, grace_s=0))["changes"] >= 1
    assert await _counted(world.db, c) == await _actual(world.db, c)
    assert await world.db["journal"].count_documents({"aggregate": third, "counting": True}) == 0


def _old_demand(i: int, community: str) -> dict:
    return {"_id": f"demand-old-{i}", "kind": ("need", "wish")[i % 2], "status": ("open", "closed", "open")[i % 3],
            "category": "志愿服务", "community_id": community, "street_id": "street-o", "district_id": "district-o",
            "city_id": "city-o", "path": ["city-o", "district-o", "street-o", community], "v": 0}


async def test_old_demands_are_counted_once_at_start_up_and_a_crashed_batch_is_repaired(ns, monkeypatch):
    mongo = AsyncMongoClient(ns.infra.mongodb_url)
    db = mongo[ns.db("claims")]
    await db["demands"].insert_many([_old_demand(i, "community-o1") for i in range(7)])
    async with app_client(build_app(settings_for(ns, scheduler_enabled=False))):
        await _exact(db, ALL, "city-o", "district-o", "street-o", "community-o1")
        assert sum((await _counted(db, ALL)).values()) == 7
    assert await migrations.count_demands(db) == 0  # marked done: not at the next start
    await db["migrations"].delete_one({"_id": "migration:list_totals"})
    assert await migrations.count_demands(db) == 0  # every demand has its marker: nothing counted twice
    assert await counters.total(db, "street-o", kinds=["need"], status="open") == 3

    # A bulk count killed after writing its markers: the batch stays, the counters lag.
    async def killed(db, batch, items):
        return None
    monkeypatch.setattr(count_batches, "_finish", killed)
    more = [_old_demand(i, "community-o2") for i in range(7, 12)]
    await db["demands"].insert_many(more)
    await count_batches.count_new(db, more)
    monkeypatch.undo()
    assert await count_batches.count_new(db, [_old_demand(7, "community-o2")]) == 0  # marked: not again
    assert await _counted(db, "community-o2") == Counter()
    assert (await count_repair.repair(db, grace_s=0))["batches"] == 1
    await _exact(db, ALL, "city-o", "community-o2")
    assert not await db["list_batches"].count_documents({})
    await mongo.close()
