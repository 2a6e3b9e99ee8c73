"""Inspections (督查) in the statistics: records and rectification items per community, rolled up to streets."""

from __future__ import annotations

from datetime import datetime

from gongjian_evaluation.testing import event, settle
from gongjian_shared.testing import auth


def _inspection(city, type_: str, insp: str, community: str, event_id: str | None = None,
                at: str = "2026-03-02T02:00:00+00:00", **data) -> dict:
    base = {"inspection_id": insp, "community_id": community, "street_id": city.PATHS[community][2],
            "target_kind": "unit", "target_id": f"unit-{insp}", "quarter": "2026Q1"}
    return event(type_, insp, {**base, **data}, community=community, district=city.district(community),
                 event_id=event_id, at=datetime.fromisoformat(at))


async def test_inspections_and_rectifications_are_counted_once_per_place(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    items = [{"rectification_id": f"i1-r{n}", "deadline": "2026-03-20T16:00:00Z"} for n in (1, 2)]
    recorded = _inspection(city, "inspection.recorded", "i1", "c1", event_id="insp-ev-1", inspected_at="2026-03-02T02:00:00Z",
                           findings=3, rectifications=items)
    events = [
        recorded,
        _inspection(city, "inspection.rectification_overdue", "i1", "c1", rectification_id="i1-r1",
                    deadline="2026-03-20T16:00:00Z"),
        _inspection(city, "inspection.rectification_escalated", "i1", "c1", rectification_id="i1-r1",
                    deadline="2026-03-20T16:00:00Z", escalated_to="s1"),
        _inspection(city, "inspection.rectification_closed", "i1", "c1", rectification_id="i1-r1",
                    closed_at="2026-03-25T02:00:00Z", was_overdue=True, inspection_closed=False),
        _inspection(city, "inspection.recorded", "i2", "c2", inspected_at="2026-03-02T02:00:00Z", findings=1,
                    rectifications=[{"rectification_id": "i2-r1", "deadline": "2026-03-30T16:00:00Z"}]),
        _inspection(city, "inspection.rectification_closed", "i2", "c2", rectification_id="i2-r1",
                    closed_at="2026-03-10T02:00:00Z", was_overdue=False, inspection_closed=True),
        _inspection(city, "inspection.recorded", "i3", "c3", inspected_at="2026-03-02T02:00:00Z", findings=0,
                    rectifications=[]),
        # February (the same local quarter) and 1 April 00:30 in Beijing (the next one, though UTC says March).
        _inspection(city, "inspection.recorded", "i4", "c3", at="2026-02-10T02:00:00+00:00",
                    inspected_at="2026-02-10T02:00:00Z", findings=1,
                    rectifications=[{"rectification_id": "i4-r1", "deadline": "2026-02-28T16:00:00Z"}]),
        _inspection(city, "inspection.recorded", "i5", "c3", at="2026-03-31T16:30:00+00:00",
                    inspected_at="2026-03-31T16:30:00Z", findings=0, rectifications=[]),
    ]
    await feed.send("claims.inspections.v1", events)
    await feed.send("claims.inspections.v1", [recorded])  # published twice (a relay retry): counted once
    await settle(ev, len(city.PATHS) + len(events))
    official = auth("city_admin")

    def figures(doc: dict) -> tuple:
        c = doc["counters"]
        return (c["inspections_recorded"], c["rectifications_opened"], c["rectifications_overdue"],
                c["rectifications_closed"], doc["derived"]["rectifications_open"])

    c1 = (await client.get("/stats/community:c1", headers=official)).json()
    assert figures(c1) == (1, 2, 1, 1, 1)
    street = (await client.get("/stats/street:s1", headers=auth("district_admin", "d1"))).json()
    assert figures(street) == (2, 3, 1, 2, 1)
    whole = (await client.get("/stats/city", headers=official, params={"period": "2026-03"})).json()
    assert figures(whole) == (3, 3, 1, 2, 1)
    april = (await client.get("/stats/city", headers=official, params={"period": "2026-04"})).json()
    assert figures(april) == (1, 0, 0, 0, 0)
    # Quarterly (督查 is quarterly): the local quarter's three months.
    q1 = (await client.get("/stats/city", headers=official, params={"period": "2026-Q1"})).json()
    assert figures(q1) == (4, 4, 1, 2, 2) and q1["period"] == "2026-Q1"
    q2 = (await client.get("/stats/street:s2", headers=official, params={"period": "2026-Q2"})).json()
    assert figures(q2) == (1, 0, 0, 0, 0)
    kids = (await client.get("/places/d1/children", headers=official, params={"period": "2026-Q1"})).json()
    assert [figures(k) for k in kids["children"]] == [(2, 3, 1, 2, 1)]
    assert figures((await client.get("/stats/city", headers=official, params={"period": "2026Q1"})).json()) \
        == figures(q1)  # the quarter as claims' 督查台账 writes it
    for bad in ("2026-Q5", "2026Q0", "2026-Q"):
        r = await client.get("/stats/city", headers=official, params={"period": bad})
        assert r.status_code == 422 and "季度" in r.json()["detail"]
    # Points are booked per month and year only: a quarter there is refused, not answered with 0.
    r = await client.get("/leaderboards/points", headers=official, params={"period": "2026-Q1"})
    assert r.status_code == 422 and r.json()["code"] == "bad-period"
