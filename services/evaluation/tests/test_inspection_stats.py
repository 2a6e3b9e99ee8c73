"""Inspections (督查) in the statistics: records and rectification items per community, rolled up to streets."""

from __future__ import annotations

from gongjian_evaluation.testing import event, settle
from gongjian_shared.testing import auth


def _inspection(city, type_: str, insp: str, community: str, event_id: str | None = None, **data) -> dict:
    base = {"inspection_id": insp, "community_id": community, "street_id": city.PATHS[community][2],
            "target_kind": "unit", "target_id": f"unit-{insp}", "quarter": "2026Q1"}
    return event(type_, insp, {**base, **data}, community=community, district=city.district(community),
                 event_id=event_id)


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
    assert figures(april) == (0, 0, 0, 0, 0)
