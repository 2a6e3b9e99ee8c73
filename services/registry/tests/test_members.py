"""Members: personal data, duplicates, dual reporting, transfer, deactivation, 双管制, teams, 包保."""

from gongjian_registry.bootstrap import build_app
from gongjian_registry.service.members import get_member
from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import app_client, auth, read_topic
from helpers import ADMIN, count_type, events_of, id_number, raw_topic_bytes, small_city

PHONE = "13912345678"


async def _setup(client):
    await small_city(client)
    unit = (await client.post("/units", json={"name": "同江市人民法院", "kind": "organ", "paired_community_id": "c2"},
                              headers=ADMIN)).json()["id"]
    body = {"name": "张三珠", "home_community_id": "c1", "specialties": ["法律"], "id_number": id_number(1),
            "phone": PHONE, "work_unit_id": unit, "grid_id": "g1"}
    r = await client.post("/members", json=body, headers=auth("community_admin", "c1"))
    assert r.status_code == 201, r.text
    return unit, r.json()


async def test_personal_data_is_checked_encrypted_masked_and_never_in_events(ns):
    app = build_app()
    async with app_client(app) as client:
        unit, member = await _setup(client)
        assert member["name"] == "张*珠" and member["phone"] == "139****5678"
        assert member["id_number"].startswith("230") and "*" in member["id_number"]
        assert member["card"]["card"] == "在职党员双向联系卡"
        stored = await get_member(app.state.runtime.db, member["id"])
        assert PHONE not in str(stored) and id_number(1) not in str(stored)  # encrypted at rest
        staff = auth("community_admin", "c1")
        dup = await client.post("/members", json={"name": "张三", "home_community_id": "c1", "id_number": id_number(1)}, headers=staff)
        assert dup.status_code == 409 and dup.json()["code"] == "duplicate-person"
        bad = id_number(2)[:-1] + ("0" if id_number(2)[-1] != "0" else "1")
        r = await client.post("/members", json={"name": "李四", "home_community_id": "c1", "id_number": bad}, headers=staff)
        assert r.status_code == 422 and "校验码" in r.json()["detail"]
        r = await client.post("/members", json={"name": "李四", "home_community_id": "c1", "phone": "12345"}, headers=staff)
        assert r.status_code == 422
        r = await client.post("/members", json={"name": "李四", "home_community_id": "c1", "specialties": ["炼金"]}, headers=staff)
        assert r.status_code == 422 and r.json()["code"] == "unknown-specialty"
        r = await client.patch(f"/members/{member['id']}", json={"phone": "13800001111"}, headers=auth("member", sub=member["id"]))
        assert r.status_code == 200 and r.json()["phone"] == "138****1111"
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("registry.members.v1"), min_count=2)
    raw = raw_topic_bytes(records)
    for secret in (PHONE, "13800001111", id_number(1), "张三珠"):
        assert secret.encode() not in raw


async def test_dual_reporting_transfer_deactivation_and_history(ns):
    async with app_client(build_app()) as client:
        unit, member = await _setup(client)
        mid, me = member["id"], auth("member", sub=member["id"])
        home = await client.post(f"/members/{mid}/reports", json={"community_id": "c1", "kind": "home"}, headers=me)
        work = await client.post(f"/members/{mid}/reports", json={"community_id": "c2", "kind": "work"}, headers=me)
        assert home.status_code == work.status_code == 201
        assert home.json()["receipt_no"] != work.json()["receipt_no"] and work.json()["reported_at"]
        wrong = await client.post(f"/members/{mid}/reports", json={"community_id": "c1", "kind": "work"}, headers=me)
        assert wrong.status_code == 422  # work report goes to the unit's paired community
        reports = (await client.get(f"/members/{mid}/reports", headers=me)).json()
        assert set(reports["current"]) == {"home", "work"}
        listed = (await client.get("/communities/c2/members?reported=true&report_kind=work", headers=ADMIN)).json()
        assert [m["id"] for m in listed["members"]] == [mid]
        r = await client.post(f"/members/{mid}/transfer", json={"to_community_id": "c2", "reason": "搬家"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 200 and r.json()["home_community_id"] == "c2" and "home" not in r.json()["reports"]
        r = await client.post(f"/members/{mid}/deactivate", json={"reason": "转出本市"}, headers=auth("community_admin", "c2"))
        assert r.json()["status"] == "inactive"
        again = await client.post(f"/members/{mid}/reports", json={"community_id": "c2", "kind": "home"}, headers=me)
        assert again.status_code == 409
        history = (await client.get(f"/members/{mid}/history", headers=auth("unit_admin", unit))).json()
        assert history[0]["type"] == "registered"
        assert {"reported", "transferred", "report_closed", "deactivated"} <= {h["type"] for h in history}

    events = await events_of(ns, "registry.members.v1", lambda es: count_type(es, "member.deactivated") >= 1)
    reported = [e for e in events if e["type"] == "gongjian.member.reported"]
    assert {(e["data"]["community_id"], e["data"]["kind"]) for e in reported} == {("c1", "home"), ("c2", "work")}
    transferred = next(e for e in events if e["type"] == "gongjian.member.transferred")
    assert transferred["data"]["from_community_id"] == "c1" and transferred["data"]["to_community_id"] == "c2"
    for e in events:
        validate_event(e)


async def test_performance_record_read_by_unit_teams_and_assignments(ns):
    async with app_client(build_app()) as client:
        unit, member = await _setup(client)
        mid = member["id"]
        await client.post(f"/members/{mid}/reports", json={"community_id": "c1", "kind": "home"}, headers=auth("member", sub=mid))
        r = await client.post(f"/members/{mid}/performance", json={"community_id": "c1", "rating": "优秀", "note": "疫情卡口值守5次"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 201
        record = (await client.get(f"/members/{mid}/performance", headers=auth("unit_admin", unit))).json()
        assert record["records"][0]["rating"] == "优秀"  # 双管制: the unit reads the community's record
        r = await client.patch(f"/members/{mid}", json={"position": "审判员"}, headers=auth("unit_admin", unit))
        assert r.status_code == 200 and r.json()["position"] == "审判员"
        team = (await client.post("/teams", json={"name": "法律服务队", "specialty": "法律", "community_id": "c1"},
                                  headers=auth("community_admin", "c1"))).json()
        r = await client.post(f"/teams/{team['id']}/members", json={"member_id": mid}, headers=auth("community_admin", "c1"))
        assert r.json()["members"] == [mid]
        health = (await client.post("/teams", json={"name": "保健队", "specialty": "医疗保健", "community_id": "c1"},
                                    headers=auth("community_admin", "c1"))).json()
        r = await client.post(f"/teams/{health['id']}/members", json={"member_id": mid}, headers=auth("community_admin", "c1"))
        assert r.status_code == 422  # specialty mismatch
        teams = (await client.get("/teams?community_id=c1&specialty=法律", headers=auth("district_admin", "d"))).json()
        assert [t["id"] for t in teams] == [team["id"]]
        r = await client.get("/teams?community_id=c1&limit=1&offset=1", headers=ADMIN)  # the second page of two
        assert [t["id"] for t in r.json()] == [max(team["id"], health["id"])] and r.headers["x-total-count"] == "2"
        r = await client.post("/assignments", json={"holder_kind": "leader", "holder_name": "市委常委王某", "target_kind": "community",
                                                     "place_id": "c1"}, headers=auth("district_admin", "d"))
        assert r.status_code == 201
        r = await client.post("/assignments", json={"holder_kind": "unit", "holder_id": unit, "holder_name": "同江市人民法院",
                                                     "target_kind": "enterprise", "place_id": "c1", "target_name": "江畔粮油"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 201
        firm = r.json()["id"]
        listed = (await client.get("/assignments?place_id=c1", headers=ADMIN)).json()
        assert {a["target_kind"] for a in listed} == {"community", "enterprise"}
        mine = (await client.get(f"/assignments?holder_id={unit}", headers=auth("unit_admin", unit))).json()
        assert len(mine) == 1
        r = await client.post("/assignments", json={"holder_kind": "member", "holder_id": "m-nobody", "holder_name": "某",
                                                     "target_kind": "community", "place_id": "c1"}, headers=ADMIN)
        assert r.status_code == 422 and r.json()["code"] == "unknown-holder" and "不存在" in r.json()["detail"]
        # 调整 then 结束包保: the member takes the firm over; another community's admin may do neither.
        change = {"holder_kind": "member", "holder_id": mid, "holder_name": "张三珠", "note": "改由党员包保"}
        assert (await client.patch(f"/assignments/{firm}", json=change, headers=auth("community_admin", "c2"))).status_code == 403
        r = await client.patch(f"/assignments/{firm}", json=change, headers=auth("community_admin", "c1"))
        assert r.status_code == 200 and (r.json()["holder_id"], r.json()["target_name"]) == (mid, "江畔粮油"), r.text
        r = await client.patch(f"/assignments/{firm}", json={"target_kind": "community", "target_name": ""}, headers=ADMIN)
        assert (r.json()["target_kind"], r.json()["target_name"]) == ("community", "新华社区"), r.text  # the community's name
        r = await client.patch(f"/assignments/{firm}", json={"target_kind": "enterprise", "target_name": "江畔粮油"}, headers=ADMIN)
        assert r.status_code == 200, r.text
        assert (await client.get(f"/assignments?holder_id={unit}", headers=auth("unit_admin", unit))).json() == []
        assert (await client.post(f"/assignments/{firm}/end", json={}, headers=auth("community_admin", "c2"))).status_code == 403
        r = await client.post(f"/assignments/{firm}/end", json={"reason": "企业迁出"}, headers=auth("community_admin", "c1"))
        assert r.status_code == 200 and r.json()["active"] is False and r.json()["end_reason"] == "企业迁出"
        assert [a["target_kind"] for a in (await client.get("/assignments?place_id=c1", headers=ADMIN)).json()] == ["community"]
        r = await client.patch(f"/assignments/{firm}", json={"note": "再改"}, headers=auth("community_admin", "c1"))
        assert r.status_code == 409 and r.json()["code"] == "assignment-ended"
        assert (await client.post(f"/assignments/{firm}/end", json={}, headers=ADMIN)).status_code == 409


async def test_member_refusals(ns):
    async with app_client(build_app()) as client:
        unit, member = await _setup(client)
        mid = member["id"]
        body = {"name": "王五", "home_community_id": "c1"}
        assert (await client.post("/members", json=body, headers=auth("community_admin", "c2"))).status_code == 403
        assert (await client.post("/members", json=body, headers=auth("district_admin", "d"))).status_code == 403
        assert (await client.get(f"/members/{mid}", headers=auth("member", sub="someone-else"))).status_code == 403
        assert (await client.get(f"/members/{mid}", headers=auth("unit_admin", "unit-other"))).status_code == 403
        assert (await client.get(f"/members/{mid}", headers=auth("district_admin", "d"))).status_code == 200
        r = await client.post(f"/members/{mid}/reports", json={"community_id": "c1", "kind": "home"},
                              headers=auth("member", sub="someone-else"))
        assert r.status_code == 403
        r = await client.patch(f"/members/{mid}", json={"kind": "retired"}, headers=auth("member", sub=mid))
        assert r.status_code == 403  # a member changes only their phone and specialties
        r = await client.patch(f"/members/{mid}", json={"specialties": ["家教"]}, headers=auth("unit_admin", unit))
        assert r.status_code == 403  # the unit changes only unit-side data
        r = await client.post(f"/members/{mid}/performance", json={"community_id": "c2", "rating": "良好", "note": "x"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 403
        assert (await client.get(f"/members/{mid}/performance", headers=auth("unit_admin", "unit-other"))).status_code == 403
        r = await client.post(f"/members/{mid}/transfer", json={"to_community_id": "c2"}, headers=auth("community_admin", "c2"))
        assert r.status_code == 403
        r = await client.post(f"/members/{mid}/deactivate", json={"reason": "x"}, headers=auth("district_admin", "d"))
        assert r.status_code == 403
        assert (await client.get("/communities/c1/members", headers=auth("community_admin", "c2"))).status_code == 403
        assert (await client.get("/stats/reporting", headers=auth("member", sub=mid))).status_code == 403
