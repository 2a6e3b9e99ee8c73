"""Points ledger: awarded exactly once, rule versions keep history, caps, corrections as new entries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from gongjian_evaluation.testing import T0, iso, settle
from gongjian_shared.testing import auth, event_of, read_topic


async def test_a_redelivered_event_awards_nothing_twice(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    verified = city.verified("demand-1", "m1", "c1", 3)
    await feed.send("claims.demands.v1", [verified, verified])  # published twice (e.g. a relay retry)
    await settle(ev, len(city.PATHS) + 1)
    # ...and the same records delivered again to a consumer that lost its place: offsets already applied.
    await ev.projector.apply_records([("claims.demands.v1:0", 0, {**verified, "type": "demand.verified"})])
    r = await client.get("/holders/m1/points", headers=auth("member", sub="m1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["points"] == 30 and len(body["entries"]) == 1
    entry = body["entries"][0]
    assert entry["source_event_id"] == verified["id"] and entry["rule"] == "verified_hours:v1"
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"), min_count=1)
    await asyncio.sleep(1.0)
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"), min_count=1, timeout=2)
    assert len(records) == 1
    award = event_of(records[0])
    assert award["type"] == "gongjian.points.awarded" and records[0].key == b"m1"
    assert award["data"]["source_event_id"] == verified["id"] and award["causationid"] == verified["id"]
    assert award["data"]["points"] == 30 and award["data"]["holder_id"] == "m1"


async def test_a_rule_change_does_not_rewrite_history(ns, service, feed, city, clock):
    client, ev = service
    city_admin = auth("city_admin")
    await feed.send("registry.places.v1", city.places())
    await feed.send("claims.demands.v1", [city.verified("d1", "m2", "c1", 2, at=T0)])
    await settle(ev, len(city.PATHS) + 1)
    past = await client.post("/rules", json={"effective_from": iso(T0 - timedelta(days=1)), "default_hourly": 99},
                             headers=city_admin)
    assert past.status_code == 422 and past.json()["code"] == "rule-in-the-past"
    refused = await client.post("/rules", json={"effective_from": iso(T0 + timedelta(days=10))},
                                headers=auth("district_admin", "d1"))
    assert refused.status_code == 403
    r = await client.post("/rules", json={"effective_from": iso(T0 + timedelta(days=10)), "default_hourly": 20,
                                          "hourly": {"文体服务": 15}, "caps": {"day": 100, "year": 5000}},
                          headers=city_admin)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    clock.set(T0 + timedelta(days=11))
    await feed.send("claims.demands.v1", [
        city.verified("d2", "m2", "c1", 2, at=T0 + timedelta(days=1)),  # before the change: still version 1
        city.verified("d3", "m2", "c1", 2, at=T0 + timedelta(days=10, hours=1)),  # after: version 2
        city.verified("d4", "m2", "c1", 2, at=T0 + timedelta(days=10, hours=2), category="文体服务"),
    ])
    await settle(ev, len(city.PATHS) + 4)
    body = (await client.get("/holders/m2/points", headers=auth("member", sub="m2"))).json()
    rules = sorted((e["earned_at"], e["rule"], e["points"]) for e in body["entries"])
    assert [(r, p) for _, r, p in rules] == [("verified_hours:v1", 20), ("verified_hours:v1", 20),
                                             ("verified_hours:v2", 40), ("verified_hours:v2", 30)]
    assert body["points"] == 110
    versions = (await client.get("/rules", headers=auth("community_admin", "c1"))).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]


async def test_daily_cap_and_a_correction_is_a_new_entry(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    same_day = [city.verified(f"d{i}", "m3", "c1", 3, at=T0 + timedelta(hours=i)) for i in range(3)]
    await feed.send("claims.demands.v1", same_day)
    await settle(ev, len(city.PATHS) + 3)
    body = (await client.get("/holders/m3/points", headers=auth("community_admin", "c1"))).json()
    assert body["points"] == 50  # 30 + 20 (capped at 50 a day) + 0
    assert sorted(e["points"] for e in body["entries"]) == [0, 20, 30]
    assert sum(e["capped"] for e in body["entries"]) == 2
    first = next(e for e in body["entries"] if e["points"] == 30)
    assert (await client.post("/holders/m3/revocations", json={"entry_id": first["id"], "reason": "登记有误"},
                              headers=auth("member", sub="m3"))).status_code == 403
    assert (await client.post("/holders/m3/revocations", json={"entry_id": first["id"], "reason": "登记有误"},
                              headers=auth("community_admin", "c3"))).status_code == 403
    r = await client.post("/holders/m3/revocations", json={"entry_id": first["id"], "reason": "登记有误"},
                          headers=auth("community_admin", "c1"))
    assert r.status_code == 201, r.text
    assert r.json()["points"] == -30 and r.json()["revokes"] == first["id"]
    again = await client.post("/holders/m3/revocations", json={"entry_id": first["id"], "reason": "登记有误"},
                              headers=auth("community_admin", "c1"))
    assert again.status_code == 409
    after = (await client.get("/holders/m3/points", headers=auth("member", sub="m3"))).json()
    assert after["points"] == 20 and len(after["entries"]) == 4  # the original entry is still there
    assert next(e for e in after["entries"] if e["id"] == first["id"])["points"] == 30
    revoked = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"),
                               until=lambda rs: any(event_of(x)["type"].endswith("revoked") for x in rs))
    event = next(event_of(x) for x in revoked if event_of(x)["type"].endswith("revoked"))
    assert event["data"]["revokes_entry_id"] == first["id"] and event["data"]["points"] == 30


async def test_joint_activity_and_unit_service_earn_joint_points(ns, service, feed, city, clock):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.units.v1", [city.unit("u1", "c1")])
    await feed.send("claims.demands.v1", [city.verified("d9", "u1", "c1", 1, kind="unit")])
    await settle(ev, len(city.PATHS) + 2)
    r = await client.post("/activities", json={"community_id": "c1", "title": "联学共建主题党日",
                                               "held_at": iso(T0 - timedelta(hours=1)), "participant_ids": ["m4", "m5"]},
                          headers=auth("community_admin", "c1"))
    assert r.status_code == 201, r.text
    unit = (await client.get("/holders/u1/points", headers=auth("unit_admin", "u1"))).json()
    assert sorted(e["rule"] for e in unit["entries"]) == ["joint_activity:v1", "verified_hours:v1"]
    assert unit["points"] == 30
    m4 = (await client.get("/holders/m4/points", headers=auth("member", sub="m4"))).json()
    assert m4["points"] == 20 and m4["entries"][0]["rule"] == "joint_activity:v1"
    stats = (await client.get("/stats/community:c1", headers=auth("community_admin", "c1"))).json()
    assert stats["counters"]["activities"] == 1 and stats["counters"]["participants"] == 3
