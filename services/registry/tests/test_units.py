"""Units: registration, agreement, monthly reports, who has not reported; refusals."""

from gongjian_registry.bootstrap import build_app
from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, count_type, events_of, small_city


async def test_unit_lifecycle_and_unreported(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        staff = auth("community_admin", "c1")
        court = (await client.post("/units", json={"name": "同江市人民法院", "kind": "organ", "paired_community_id": "c1",
                                                   "party_org": "法院机关党委", "location": "同江市中央大街1号"}, headers=staff)).json()
        bureau = (await client.post("/units", json={"name": "同江市税务局", "kind": "organ", "paired_community_id": "c1"},
                                    headers=staff)).json()
        again = await client.post("/units", json={"name": "同江市人民法院", "kind": "organ", "paired_community_id": "c1"},
                                  headers=staff)
        assert again.status_code == 409
        r = await client.post(f"/units/{court['id']}/agreement", json={
            "period_start": "2026-01-01", "period_end": "2026-12-31", "signed_on": "2026-01-15",
            "commitments": ["每季度法律咨询进社区", "结对帮扶困难户3户"]}, headers=staff)
        assert r.status_code == 201 and r.json()["community_id"] == "c1"
        unit_admin = auth("unit_admin", court["id"], sub="court-admin")
        r = await client.post(f"/units/{court['id']}/reports", json={"month": "2026-11", "summary": "法律咨询2次", "activities": 2},
                              headers=unit_admin)
        assert r.status_code == 201
        twice = await client.post(f"/units/{court['id']}/reports", json={"month": "2026-11", "summary": "再报"}, headers=unit_admin)
        assert twice.json()["summary"] == "法律咨询2次"  # one report per month
        r = await client.get("/communities/c1/units/unreported?month=2026-11", headers=auth("district_admin", "d"))
        assert r.status_code == 200 and [u["id"] for u in r.json()["units"]] == [bureau["id"]]
        r = await client.patch(f"/units/{court['id']}", json={"party_org": "法院党委"}, headers=unit_admin)
        assert r.json()["party_org"] == "法院党委"
        bad = await client.post(f"/units/{court['id']}/reports", json={"month": "2026-13", "summary": "x"}, headers=unit_admin)
        assert bad.status_code == 422
        unit = (await client.get(f"/units/{court['id']}", headers=unit_admin)).json()
        assert unit["agreement"]["signed_on"] == "2026-01-15" and "2026-11" in unit["reports"]
        listed = (await client.get("/units?community_id=c1", headers=staff)).json()
        assert len(listed) == 2
        page = await client.get("/units?community_id=c1&limit=1&offset=1", headers=staff)  # one page; the total in a header
        assert [u["id"] for u in page.json()] == [max(court["id"], bureau["id"])] and page.headers["x-total-count"] == "2"

    events = await events_of(ns, "registry.units.v1", lambda es: count_type(es, "unit.updated") >= 1)
    # At-least-once: an outbox may publish an event twice after a retry; count each event id once.
    types = [e["type"].removeprefix("gongjian.") for e in {e["id"]: e for e in events}.values()]
    assert types.count("unit.registered") == 2 and types.count("unit.reported") == 1
    assert "unit.agreement_signed" in types and "unit.updated" in types
    reported = next(e for e in events if e["type"] == "gongjian.unit.reported")
    assert reported["data"]["month"] == "2026-11" and reported["communityid"] == "c1" and reported["districtid"] == "d"
    for e in events:
        validate_event(e)


async def test_unit_refusals(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        unit = (await client.post("/units", json={"name": "同江市教育局", "kind": "organ", "paired_community_id": "c1"},
                                  headers=ADMIN)).json()
        body = {"name": "外社区单位", "kind": "enterprise", "paired_community_id": "c1"}
        assert (await client.post("/units", json=body, headers=auth("community_admin", "c2"))).status_code == 403
        assert (await client.post("/units", json=body, headers=auth("district_admin", "d"))).status_code == 403  # reads only
        other_unit = auth("unit_admin", "unit-other")
        r = await client.post(f"/units/{unit['id']}/reports", json={"summary": "x"}, headers=other_unit)
        assert r.status_code == 403
        r = await client.patch(f"/units/{unit['id']}", json={"paired_community_id": "c2"}, headers=auth("unit_admin", unit["id"]))
        assert r.status_code == 403  # a unit cannot re-pair itself
        r = await client.get("/communities/c1/units/unreported", headers=auth("community_admin", "c2"))
        assert r.status_code == 403
        r = await client.get(f"/units/{unit['id']}", headers=auth("member", sub="m"))
        assert r.status_code == 403


async def test_unit_admin_lists_own_members_with_receipts(ns):
    """A unit admin lists the unit's members (paged, filtered, sorted on the server) with their
    work-report receipts and the community's records; another unit's admin and a sibling
    community's staff are refused (403)."""
    async with app_client(build_app()) as client:
        await small_city(client)
        staff = auth("community_admin", "c1")
        court = (await client.post("/units", json={"name": "同江市中级法院", "kind": "organ", "paired_community_id": "c1"},
                                   headers=staff)).json()
        ids = []
        for name, kind in (("赵一", "in_service"), ("钱二", "in_service"), ("孙三", "retired")):
            r = await client.post("/members", json={"name": name, "kind": kind, "home_community_id": "c2",
                                                    "work_unit_id": court["id"]}, headers=ADMIN)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        r = await client.post("/members", json={"name": "外单位", "home_community_id": "c1"}, headers=ADMIN)
        assert r.status_code == 201
        r = await client.post(f"/members/{ids[0]}/reports", json={"community_id": "c1", "kind": "work"}, headers=staff)
        assert r.status_code == 201, r.text
        receipt = r.json()["receipt_no"]
        r = await client.post(f"/members/{ids[0]}/performance", json={"community_id": "c1", "rating": "优秀",
                                                                      "note": "参加法律咨询"}, headers=staff)
        assert r.status_code == 201, r.text

        admin = auth("unit_admin", court["id"], sub="court-admin")
        r = await client.get(f"/units/{court['id']}/members", headers=admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 3 and {m["id"] for m in body["items"]} == set(ids)
        first = next(m for m in body["items"] if m["id"] == ids[0])
        assert first["reports"]["work"]["receipt_no"] == receipt and first["card"]["card"] == "在职党员双向联系卡"
        assert [p["rating"] for p in first["performance"]] == ["优秀"]
        assert "phone" not in first and "id_number" not in first and first["name"] != "赵一"  # masked
        r = await client.get(f"/units/{court['id']}/members?reported=false&kind=在职党员", headers=admin)
        assert [m["id"] for m in r.json()["items"]] == [ids[1]] and r.json()["total"] == 1
        r = await client.get(f"/units/{court['id']}/members?limit=2&offset=2&sort=-registered_at", headers=admin)
        assert r.json()["total"] == 3 and [m["id"] for m in r.json()["items"]] == [ids[0]]
        r = await client.get(f"/units/{court['id']}/members", headers=auth("district_admin", "d"))
        assert r.status_code == 200 and r.json()["total"] == 3  # the district oversees the paired community

        assert (await client.get(f"/units/{court['id']}/members", headers=auth("unit_admin", "unit-other"))).status_code == 403
        assert (await client.get(f"/units/{court['id']}/members", headers=auth("community_admin", "c2"))).status_code == 403
        assert (await client.get(f"/units/{court['id']}/members", headers=auth("member", sub=ids[0]))).status_code == 403
        assert (await client.get(f"/units/{court['id']}/members?sort=phone", headers=admin)).status_code == 422

        # The paired community confirms (确认) the unit's monthly report; once; others may not.
        r = await client.post(f"/units/{court['id']}/reports", json={"month": "2026-10", "summary": "普法讲座"}, headers=admin)
        assert r.status_code == 201
        ack = f"/units/{court['id']}/reports/2026-10/acknowledgement"
        assert (await client.post(ack, headers=admin)).status_code == 403  # not the unit's own to confirm
        assert (await client.post(ack, headers=auth("community_admin", "c2"))).status_code == 403
        first = await client.post(ack, headers=staff)
        assert first.status_code == 200 and first.json()["acknowledged_by"] and first.json()["summary"] == "普法讲座"
        again = await client.post(ack, headers=ADMIN)
        assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
        unit = (await client.get(f"/units/{court['id']}", headers=admin)).json()
        assert unit["reports"]["2026-10"]["acknowledged_by"] == first.json()["acknowledged_by"]
        r = await client.post(f"/units/{court['id']}/reports/2026-09/acknowledgement", headers=staff)
        assert r.status_code == 404 and r.json()["code"] == "unknown-report"
