"""Alerts fire exactly at their boundary: member_inactive at 6 months, unit_interview the second year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gongjian_evaluation.testing import T0, iso, settle
from gongjian_shared.testing import auth, event_of, read_topic


def _types(records):
    return [(event_of(r)["type"], event_of(r)["subject"]) for r in records]


async def test_member_inactive_fires_exactly_at_six_months_and_clears_on_activity(ns, service, feed, city, clock):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.members.v1", [city.member("m1", "c1"), city.reported("m1", "c1", at=T0),
                                            city.member("m2", "c1"), city.reported("m2", "c1", at=T0)])
    active = T0 + timedelta(days=40)
    clock.set(active)
    await feed.send("claims.demands.v1", [city.verified("d1", "m2", "c1", 2, at=active)])
    await settle(ev, len(city.PATHS) + 5)
    boundary = datetime(2026, 9, 2, 2, 0, tzinfo=UTC)  # reported 2026-03-02 10:00 CST + 6 months
    clock.set(boundary - timedelta(microseconds=1))
    assert (await ev.tick())["raised"] == 0
    rating = (await client.get("/holders/m1/rating", params={"year": 2026}, headers=auth("member", sub="m1"))).json()
    assert rating["inactive"] is False
    clock.set(boundary)
    assert (await ev.tick())["raised"] == 1  # m1 exactly now; m2 was active later, not yet due
    assert (await ev.tick())["raised"] == 0  # raised once
    alerts = (await client.get("/alerts", params={"place_id": "c1", "status": "open"},
                               headers=auth("community_admin", "c1"))).json()["alerts"]
    assert [(a["kind"], a["subject_id"]) for a in alerts] == [("member_inactive", "m1")]
    rating = (await client.get("/holders/m1/rating", params={"year": 2026}, headers=auth("member", sub="m1"))).json()
    assert rating["inactive"] is True and rating["five_star"] is False and rating["stars"] <= 4
    clock.set(active + timedelta(days=183) - timedelta(microseconds=1))
    assert (await ev.tick())["raised"] == 0
    clock.set(active + timedelta(days=184))  # 2026-04-11 + 6 months = 2026-10-11
    assert (await ev.tick())["raised"] == 1
    back = clock.now()
    await feed.send("claims.demands.v1", [city.verified("d2", "m1", "c1", 1, at=back)])
    await settle(ev, len(city.PATHS) + 6)
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.alerts.v1"),
                               until=lambda rs: ("gongjian.alert.cleared", "m1") in _types(rs))
    per_member = {m: [t for t, s in _types(records) if s == m] for m in ("m1", "m2")}  # ordered per key
    assert per_member == {"m1": ["gongjian.alert.raised", "gongjian.alert.cleared"], "m2": ["gongjian.alert.raised"]}
    raised = next(event_of(r)["data"] for r in records if event_of(r)["subject"] == "m1")
    assert raised["kind"] == "member_inactive" and raised["raised_at"] == iso(boundary)
    assert raised["details"]["deadline"] == iso(boundary)


async def _campaign(client, year: int, grade: str, *, close_at: datetime | None = None) -> str:
    body = {"district_id": "d1", "year": year}
    if close_at:
        body["closes_at"] = iso(close_at)
    r = await client.post("/campaigns", json=body, headers=auth("district_admin", "d1"))
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = await client.post(f"/campaigns/{cid}/reviews", json={"reviewer_id": "c1", "reviewed_id": "u1", "grade": grade,
                                                              "comment": "共建活动参与不够"},
                          headers=auth("community_admin", "c1"))
    assert r.status_code == 201, r.text
    r = await client.post(f"/campaigns/{cid}/reviews", json={"reviewer_id": "u1", "reviewed_id": "c1", "grade": "好"},
                          headers=auth("unit_admin", "u1"))
    assert r.status_code == 201, r.text
    return cid


async def test_unit_interview_fires_when_graded_ordinary_the_second_year_running(ns, service, feed, city, clock):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.units.v1", [city.unit("u1", "c1"), city.unit("u2", "c1")])
    await settle(ev, len(city.PATHS) + 2)
    first = await _campaign(client, 2025, "一般")
    early = await client.get(f"/campaigns/{first}/results", headers=auth("district_admin", "d1"))
    assert early.status_code == 409 and early.json()["code"] == "campaign-open"
    assert (await client.post(f"/campaigns/{first}/close", headers=auth("district_admin", "d1"))).status_code == 200
    assert ev.alerts.open == {}  # one ordinary year is not yet a reason
    closes = T0 + timedelta(days=30)
    second = await _campaign(client, 2026, "差", close_at=closes)
    clock.set(closes - timedelta(microseconds=1))
    assert (await ev.tick())["campaigns_closed"] == 0 and ev.alerts.open == {}
    clock.set(closes)
    assert (await ev.tick())["campaigns_closed"] == 1
    assert list(ev.alerts.open) == ["unit_interview:u1:2026"]
    results = (await client.get(f"/campaigns/{second}/results", headers=auth("unit_admin", "u1"))).json()["results"]
    assert [(r["reviewed_id"], r["grade"]) for r in results] == [("u1", "差")]
    assert results[0]["comments"] == ["共建活动参与不够"]
    everything = (await client.get(f"/campaigns/{second}/results", headers=auth("district_admin", "d1"))).json()
    assert sorted((r["reviewed_id"], r["grade"]) for r in everything["results"]) == [("c1", "好"), ("u1", "差")]
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.reviews.v1"),
                               until=lambda rs: sum(event_of(r)["type"].endswith("graded") for r in rs) >= 4)
    submitted = [event_of(r) for r in records if event_of(r)["type"].endswith("submitted")]
    assert len(submitted) == 4 and all("grade" not in e["data"] for e in submitted)  # private until closed
    graded = [event_of(r)["data"] for r in records if event_of(r)["type"].endswith("graded")]
    assert {(g["year"], g["reviewed_id"], g["grade"]) for g in graded} >= {(2025, "u1", "一般"), (2026, "u1", "差")}
    alert = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.alerts.v1"), min_count=1)
    data = event_of(alert[0])["data"]
    assert data["kind"] == "unit_interview" and data["subject_id"] == "u1" and data["details"]["previous_grade"] == "一般"
