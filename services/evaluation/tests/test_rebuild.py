"""Rebuild from the topics gives exactly the same balances and statistics."""

from __future__ import annotations

from datetime import timedelta

from gongjian_evaluation.bootstrap import build_app
from gongjian_evaluation.rebuild import rebuild
from gongjian_evaluation.testing import T0, iso, settings, settle
from gongjian_shared.testing import app_client, auth, eventually

HOLDERS = ("m1", "m2", "m3", "u1")
SCOPES = ("city", "district:d1", "district:d2", "street:s1", "community:c1", "community:c2", "community:c3")


async def _snapshot(client) -> dict:
    admin = auth("city_admin")
    out = {}
    for holder in HOLDERS:
        body = (await client.get(f"/holders/{holder}/points", headers=admin)).json()
        out[holder] = (body["points"], sorted((e["id"], e["points"], e["rule"]) for e in body["entries"]))
    for scope in SCOPES:
        for period in ("all", "2026", "2026-03"):
            out[f"{scope}/{period}"] = (await client.get(f"/stats/{scope}", params={"period": period},
                                                         headers=admin)).json()["counters"]
    out["board"] = (await client.get("/leaderboards/points", params={"place_id": "d1"}, headers=admin)).json()["rows"]
    return out


async def test_rebuild_reproduces_the_same_numbers(ns, feed, city, clock):
    app = build_app(settings(), clock=clock)
    async with app_client(app) as client:
        ev = app.state.runtime.state["evaluation"]
        before = await _live(client, ev, feed, city)
    # The service is stopped: rebuild, then start it again.
    progress: list[str] = []
    summary = await rebuild(settings(), progress=progress.append)
    assert summary["awards_recomputed"] == 0 and any("replaying" in line for line in progress)
    assert summary["events"] == len(city.PATHS) + 6 + 13  # the duplicate counted once
    app = build_app(settings(), clock=clock)
    async with app_client(app) as fresh:
        after = await _snapshot(fresh)
    assert after == before


async def _live(client, ev, feed, city) -> dict:
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.members.v1", [city.member("m1", "c1"), city.reported("m1", "c1"),
                                            city.reported("m1", "c2", "work"), city.member("m2", "c3"),
                                            city.reported("m2", "c3")])
    await feed.send("registry.units.v1", [city.unit("u1", "c1")])
    verified = [city.verified(f"d{i}", "m1" if i % 2 else "m2", "c1" if i % 3 else "c3", 2 + i % 3,
                              at=T0 + timedelta(hours=i * 5)) for i in range(12)]
    verified.append(city.verified("du", "u1", "c1", 4, kind="unit"))
    await feed.send("claims.demands.v1", verified + [verified[0]])  # one duplicate
    r = await client.post("/rules", json={"effective_from": iso(T0 + timedelta(hours=20)), "default_hourly": 15},
                          headers=auth("city_admin"))
    assert r.status_code == 201
    await settle(ev, len(city.PATHS) + 6 + len(verified))
    activity = await client.post("/activities", json={"community_id": "c2", "title": "联学共建", "held_at": iso(T0),
                                                      "participant_ids": ["m1", "m3"]}, headers=auth("community_admin", "c2"))
    assert activity.status_code == 201
    entry = ev.state.accounts["m2"].entries[0].id
    assert (await client.post("/holders/m2/revocations", json={"entry_id": entry, "reason": "重复登记"},
                              headers=auth("city_admin"))).status_code == 201
    before = await _snapshot(client)
    assert before["m1"][0] > 0 and before["city/all"]["hours_served"] > 0 and before["m3"][0] == 20
    await eventually(lambda: ev.relay.published >= len(ev.state.entry_index))  # ledger on the topic
    return before
