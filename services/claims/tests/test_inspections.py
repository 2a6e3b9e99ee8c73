"""Inspections (督查): quarterly records, rectification items with deadlines, follow-up, closing;
an overdue item escalates once with two instances (real Kafka and FerretDB)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from gongjian_claims.adapters import jobs
from gongjian_claims.bootstrap import build_app
from gongjian_claims.domain.inspections import quarter_of
from gongjian_shared.localtime import parse_instant
from gongjian_shared.testing import app_client, auth, eventually

from .conftest import jobs_ran

SECOND = 1 / 3600  # in hours


def test_quarter_is_cut_in_local_time():
    assert quarter_of(parse_instant("2026-03-31T23:30:00")) == "2026Q1"  # no offset: local (Asia/Shanghai)
    assert quarter_of(parse_instant("2026-03-31T17:00:00Z")) == "2026Q2"  # 1 April 01:00 local
    assert quarter_of(parse_instant("2026-12-31T15:59:59Z")) == "2026Q4"
    assert quarter_of(parse_instant("2026-12-31T16:00:00Z")) == "2027Q1"


def _inspection(unit: str, now: datetime, first_due: datetime) -> dict:
    return {"target_kind": "驻区单位", "target_id": unit, "inspected_at": now.isoformat(), "group": "第一巡回督查组",
            "findings": ["党建工作台账不全", "在职党员报到率偏低"], "remind_before_hours": 1 * SECOND,
            "escalate_after_hours": 1 * SECOND,
            "rectifications": [{"title": "补齐党建工作台账", "deadline": first_due.isoformat()},
                               {"title": "组织在职党员到社区报到", "deadline": (now + timedelta(days=30)).isoformat()}]}


async def test_inspection_life_cycle_escalates_once_with_two_instances(fast, make_world):
    app1, app2 = build_app(), build_app()
    async with app_client(app1) as client:
        world = make_world(fast, client, app1)
        await world.setup_tree()
        c = await world.community()
        unit, other_unit = await world.unit(c), await world.unit(c, name="市税务局")
        street, staff = auth("community_admin", world.street), auth("community_admin", c)
        async with app_client(app2):  # a second instance on the same database and topics
            now = datetime.now(UTC)
            body = _inspection(unit, now, now + timedelta(seconds=8))  # room for a slow machine
            r = await client.post("/inspections", json=body, headers=staff)
            assert r.status_code == 403 and "督查" in r.json()["detail"]  # the community does not inspect itself
            r = await client.post("/inspections", json=body, headers=street)
            assert r.status_code == 201, r.text
            insp = r.json()
            assert insp["quarter"] == quarter_of(now) and insp["target_kind"] == "unit"
            assert insp["community_id"] == c and insp["street_id"] == world.street
            late, later = (i["id"] for i in insp["items"])
            again = await client.post("/inspections", json=body, headers=street)
            assert again.status_code == 409 and "季度" in again.json()["detail"]

            async def escalated():  # marked, and the job finished (its notices sent, its run logged)
                doc = await world.db["inspections"].find_one({"_id": insp["id"]})
                job = await jobs.get(world.db, f"{late}:escalate")
                return doc["items"][0].get("escalated") and job["status"] == "done"
            await eventually(escalated, timeout=60)

        def marks(events):
            return [e for e in events if e["subject"] == insp["id"] and e["type"].endswith(("overdue", "escalated"))]
        events = await world.events("claims.inspections.v1", lambda evs: len(marks(evs)) >= 2)
        assert Counter(e["type"] for e in marks(events)) == {
            "gongjian.inspection.rectification_overdue": 1, "gongjian.inspection.rectification_escalated": 1}
        assert all(e["data"]["rectification_id"] == late for e in marks(events))
        recorded = [e for e in events if e["type"] == "gongjian.inspection.recorded"]
        assert recorded[0]["data"]["findings"] == 2 and len(recorded[0]["data"]["rectifications"]) == 2
        assert "台账" not in str(recorded[0]["data"])  # counts travel, finding texts do not
        # A slow run may be taken up again by the other instance in a later lease period: the effects
        # (the mark with its event, each notice) still happen once.
        assert {j for j in jobs_ran(app1, app2) if j.startswith(late)} == {
            f"{late}:remind", f"{late}:overdue", f"{late}:escalate"}
        notes = (await client.get("/notifications", headers=auth("unit_admin", unit))).json()["items"]
        assert Counter(n["kind"] for n in notes if n["subject_id"] == late) == {
            "rectification.remind": 1, "rectification.overdue": 1}
        notes = (await client.get("/notifications", headers=street)).json()["items"]
        escalations = [n["text"] for n in notes if n["kind"] == "rectification.escalate"]
        assert len(escalations) == 1 and escalations[0].startswith("【上报街道督办】")

        ledger = (await client.get("/supervision", params={"place_id": world.street}, headers=street)).json()
        assert [(r["id"], r["escalated"]) for r in ledger["rectifications"]] == [(late, True)]
        assert ledger["summary"]["overdue_rectifications"] == 1

        path = f"/inspections/{insp['id']}/rectifications/{late}"
        assert (await client.get(f"/inspections/{insp['id']}", headers=auth("unit_admin", other_unit))
                ).status_code == 403
        r = await client.post(f"{path}/follow-ups", json={"note": "已补齐 2025 年台账"}, headers=auth("unit_admin", unit))
        assert r.status_code == 200 and r.json()["items"][0]["follow_ups"][0]["note"] == "已补齐 2025 年台账"
        assert (await client.post(f"{path}/closure", json={"result": "已整改"}, headers=auth("unit_admin", unit))
                ).status_code == 403
        r = await client.post(f"{path}/closure", json={"result": "经复查已整改到位"}, headers=street)
        assert r.status_code == 200 and r.json()["status"] == "open"
        assert r.json()["items"][0]["status_label"] == "已销号"
        r = await client.post(f"/inspections/{insp['id']}/rectifications/{later}/closure", json={"result": "已报到"},
                              headers=street)
        assert r.status_code == 200 and r.json()["status"] == "closed"
        assert (await client.post(f"{path}/closure", json={"result": "再次"}, headers=street)).status_code == 409

        ledger = (await client.get("/inspections", params={"place_id": c}, headers=staff)).json()
        assert ledger["summary"] == {"inspections": 1, "rectifications_open": 0, "rectifications_overdue": 0,
                                     "rectifications_closed": 2}
        closed = await world.events("claims.inspections.v1", lambda evs: sum(
            e["type"].endswith("rectification_closed") for e in evs) >= 2)
        finals = [e["data"] for e in closed if e["type"].endswith("rectification_closed")]
        assert [(d["was_overdue"], d["inspection_closed"]) for d in finals] == [(True, False), (False, True)]


async def test_bad_inspections_are_refused_in_chinese(world):
    c = await world.community()
    street = auth("community_admin", world.street)
    now = datetime.now(UTC)
    body = {"target_kind": "community", "target_id": c, "inspected_at": now.isoformat(),
            "rectifications": [{"title": "整改", "deadline": (now - timedelta(hours=1)).isoformat()}]}
    r = await world.client.post("/inspections", json=body, headers=street)
    assert r.status_code == 422 and "整改期限" in r.json()["detail"]
    r = await world.client.post("/inspections", json={**body, "target_id": "community-nowhere"}, headers=street)
    assert r.status_code == 422 and "未知的社区" in r.json()["detail"]
    r = await world.client.post("/inspections", json={**body, "rectifications": []},
                                headers=auth("community_admin", world.other_street))
    assert r.status_code == 403
    r = await world.client.post("/inspections", json={**body, "rectifications": []}, headers=street)
    assert r.status_code == 201 and r.json()["status"] == "closed"  # nothing to rectify: settled at once


async def test_inspections_and_the_ledger_page_on_the_server(world):
    """25 inspections with one overdue item each: both lists page (earliest deadline / newest quarter
    first, sorted by the database), and the counts cover all 25, not the page."""
    c = await world.community()
    staff = auth("community_admin", c)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    await world.db["inspections"].insert_many([{
        "_id": f"insp-page-{i:02d}", "path": [world.street, c], "community_id": c, "status": "open",
        "quarter": f"20{20 + i // 4}Q{i % 4 + 1}", "target_kind": "community", "target_id": c, "target_name": "社区",
        "items": [{"id": f"insp-page-{i:02d}-r1", "title": f"整改{i:02d}", "status": "open", "overdue": True,
                   "escalated": i < 3, "deadline": base + timedelta(days=25 - i)}]} for i in range(25)])

    r = await world.client.get("/supervision", params={"place_id": c, "limit": 10, "offset": 20}, headers=staff)
    assert r.status_code == 200, r.text
    ledger = r.json()
    assert ledger["summary"]["overdue_rectifications"] == 25 and ledger["summary"]["escalated"] == 3
    assert [x["id"] for x in ledger["rectifications"]] == [f"insp-page-{i:02d}-r1" for i in (4, 3, 2, 1, 0)]

    r = await world.client.get("/inspections", params={"place_id": c, "limit": 10, "offset": 10}, headers=staff)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 25 and page["summary"]["rectifications_overdue"] == 25
    quarters = [x["quarter"] for x in page["items"]]
    assert len(quarters) == 10 and quarters == sorted(quarters, reverse=True) and quarters[0] == "2023Q3", quarters
    r = await world.client.get("/inspections", params={"place_id": c, "limit": 500}, headers=staff)
    assert r.status_code == 422  # a page holds at most 200
