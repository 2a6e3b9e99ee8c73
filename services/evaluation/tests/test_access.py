"""Access by role and place: one assertion per refusal (and the allowed case beside it)."""

from __future__ import annotations

from datetime import timedelta

from gongjian_evaluation.testing import T0, iso, settle
from gongjian_shared.testing import auth


async def _world(feed, city, ev):
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.members.v1", [city.member("m1", "c1", unit="u1"), city.reported("m1", "c1"),
                                            city.member("m9", "c3", unit="u9"), city.reported("m9", "c3")])
    await feed.send("registry.units.v1", [city.unit("u1", "c1"), city.unit("u9", "c3")])
    await feed.send("claims.demands.v1", [city.verified("d1", "m1", "c1", 2)])
    await settle(ev, len(city.PATHS) + 7)


async def test_each_refusal(ns, service, feed, city, clock):
    client, ev = service
    await _world(feed, city, ev)

    async def status(method: str, path: str, headers: dict, **kw) -> int:
        return (await client.request(method, path, headers=headers, **kw)).status_code

    # No token at all.
    assert await status("GET", "/stats/city", {}) == 401
    # A member sees their own ledger and rating, not another's.
    assert await status("GET", "/holders/m1/points", auth("member", sub="m1")) == 200
    assert await status("GET", "/holders/m1/points", auth("member", sub="m9")) == 403
    assert await status("GET", "/holders/m1/rating", auth("member", sub="m9")) == 403
    # A unit sees its own members, not another unit's.
    assert await status("GET", "/holders/m1/points", auth("unit_admin", "u1")) == 200
    assert await status("GET", "/holders/m1/points", auth("unit_admin", "u9")) == 403
    # Officials see their own places only.
    assert await status("GET", "/holders/m1/points", auth("community_admin", "c1")) == 200
    assert await status("GET", "/holders/m1/points", auth("community_admin", "c3")) == 403
    assert await status("GET", "/stats/district:d1", auth("district_admin", "d1")) == 200
    assert await status("GET", "/stats/district:d1", auth("district_admin", "d2")) == 403
    assert await status("GET", "/stats/city", auth("district_admin", "d1")) == 403
    assert await status("GET", "/places/d1/children", auth("community_admin", "c1")) == 403
    assert await status("GET", "/leaderboards/points", auth("community_admin", "c1"), params={"place_id": "c3"}) == 403
    assert await status("GET", "/alerts", auth("district_admin", "d2"), params={"place_id": "d1"}) == 403
    # Statistics are for officials, not members, residents or units.
    assert await status("GET", "/stats/community:c1", auth("member", sub="m1")) == 403
    assert await status("GET", "/stats/community:c1", auth("resident", sub="r1")) == 403
    assert await status("GET", "/stats/community:c1", auth("unit_admin", "u1")) == 403
    # Reports are for officials of the place: a community's staff get their own community's (issue 13).
    assert await status("GET", "/reports/stats.xlsx", auth("community_admin", "c1"), params={"place_id": "c1"}) == 200
    assert await status("GET", "/reports/stats.xlsx", auth("community_admin", "c1"), params={"place_id": "c3"}) == 403
    assert await status("GET", "/reports/year-end.pdf", auth("district_admin", "d2"),
                        params={"place_id": "d1", "year": 2026}) == 403
    # Rules and configuration belong to the city.
    assert await status("POST", "/rules", auth("district_admin", "d1"),
                        json={"effective_from": iso(T0 + timedelta(days=1))}) == 403
    assert await status("PUT", "/config", auth("community_admin", "c1"), json={"commendation_top": 3}) == 403
    assert await status("PUT", "/config", auth("city_admin"), json={"commendation_top": 3}) == 200
    # Corrections and joint activities: officials of that place.
    entry = ev.state.accounts["m1"].entries[0].id
    assert await status("POST", "/holders/m1/revocations", auth("unit_admin", "u1"),
                        json={"entry_id": entry, "reason": "更正"}) == 403
    assert await status("POST", "/activities", auth("community_admin", "c3"),
                        json={"community_id": "c1", "title": "主题党日", "held_at": iso(T0), "participant_ids": ["m1"]}) == 403
    # The assessment report goes to the member's unit and the member's community, not to others.
    assert await status("GET", "/members/m1/assessment", auth("unit_admin", "u1"), params={"year": 2026}) == 200
    assert await status("GET", "/members/m1/assessment", auth("unit_admin", "u9"), params={"year": 2026}) == 403
    assert await status("GET", "/members/m1/assessment", auth("member", sub="m1"), params={"year": 2026}) == 403
    assert await status("PUT", "/members/m1/assessment", auth("community_admin", "c3"),
                        json={"year": 2026, "community_id": "c3", "grade": "好"}) == 403
    r = await client.put("/members/m1/assessment", headers=auth("community_admin", "c1"),
                         json={"year": 2026, "community_id": "c1", "grade": "好", "comment": "积极参加"})
    assert r.status_code == 200
    report = (await client.get("/members/m1/assessment", headers=auth("unit_admin", "u1"), params={"year": 2026})).json()
    assert report["community_opinion"]["grade"] == "好" and report["service_history"][0]["points"] == 20
    # Campaigns: a district opens its own; only the paired parties submit; results when closed, own grades only.
    assert await status("POST", "/campaigns", auth("district_admin", "d2"), json={"district_id": "d1", "year": 2026}) == 403
    assert await status("POST", "/campaigns", auth("community_admin", "c1"), json={"district_id": "d1", "year": 2026}) == 403
    r = await client.post("/campaigns", headers=auth("district_admin", "d1"), json={"district_id": "d1", "year": 2026})
    assert r.status_code == 201
    cid = r.json()["id"]
    review = {"reviewer_id": "c1", "reviewed_id": "u1", "grade": "好"}
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("community_admin", "c3"), json=review) == 403
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("district_admin", "d1"), json=review) == 403
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("community_admin", "c1"),
                        json={**review, "reviewed_id": "u9"}) == 403  # u9 is paired with c3, not c1
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("community_admin", "c1"),
                        json={**review, "grade": "优秀"}) == 422
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("community_admin", "c1"), json=review) == 201
    assert await status("GET", f"/campaigns/{cid}/results", auth("district_admin", "d1")) == 409
    assert await status("POST", f"/campaigns/{cid}/close", auth("community_admin", "c1")) == 403
    assert await status("POST", f"/campaigns/{cid}/close", auth("district_admin", "d1")) == 200
    assert await status("POST", f"/campaigns/{cid}/reviews", auth("community_admin", "c1"), json=review) == 409
    assert await status("GET", f"/campaigns/{cid}/results", auth("unit_admin", "u1")) == 200
    assert await status("GET", f"/campaigns/{cid}/results", auth("unit_admin", "u9")) == 403
    assert await status("GET", f"/campaigns/{cid}/results", auth("member", sub="m1")) == 403
    assert await status("GET", f"/campaigns/{cid}/results", auth("district_admin", "d2")) == 403
    # Commendations are published by district or city officials of that place.
    assert await status("POST", "/commendations", auth("community_admin", "c1"), json={"place_id": "c1", "year": 2026}) == 403
    assert await status("POST", "/commendations", auth("district_admin", "d2"), json={"place_id": "d1", "year": 2026}) == 403
