"""Personal data through the portal: own data unmasked, others' refused, reveals audited.

Staff sign in with a password (argon2) here; the reveal and the audit log are registry
endpoints reached through the portal's forwarding with the signed-in caller's token.
"""

from __future__ import annotations

from datetime import date

from gongjian_registry.domain.idcard import make_id_number
from portal_helpers import CITY_ADMIN, bearer, last_code, new_phone, sign_in
from gongjian_shared.testing import auth


async def staff_token(client, city, community: str, password: str = "社区书记-2026!") -> str:
    username = f"sec-{new_phone()}"
    r = await client.post("/api/staff", headers=CITY_ADMIN, json={
        "username": username, "name": "李书记", "role": "community_admin", "places": [city.ids[community]],
        "password": password})
    assert r.status_code == 201, r.text
    wrong = await client.post("/api/auth/password", json={"username": username, "password": "guess-guess"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad-password"
    r = await client.post("/api/auth/password", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    assert r.json()["me"]["role"] == "community_admin" and r.json()["me"]["places"][0]["name"]
    return r.json()["access_token"]


async def test_member_sees_own_data_not_anothers(portal, city):
    client, app = portal
    me_id, phone = city.member(name="孙红梅")
    other_id, _ = city.member(name="周国强")
    token = (await sign_in(client, app, phone)).json()["access_token"]
    own = await client.get("/api/registry/members/me", headers=bearer(token))
    assert own.status_code == 200 and (own.json()["id"], own.json()["name"], own.json()["phone"]) == (me_id, "孙红梅", phone)
    other = await client.get(f"/api/registry/members/{other_id}", headers=bearer(token))
    assert other.status_code == 403 and other.json()["detail"]
    reveal = await client.post(f"/api/registry/members/{other_id}/reveal", headers=bearer(token), json={"reason": "好奇"})
    assert reveal.status_code == 403
    masked = await client.get(f"/api/registry/members/{me_id}", headers=auth("community_admin", city.ids["c1"]))
    assert masked.json()["name"] == "孙*梅" and "****" in masked.json()["phone"]  # staff see masks until they reveal


async def test_each_reveal_is_in_the_audit_log(portal, city):
    client, app = portal
    id_number = make_id_number("320508", date(1982, 6, 15), 217)
    member_id, phone = city.member(name="钱学敏", id_number=id_number)
    masked = await client.get(f"/api/registry/members/{member_id}", headers=auth("community_admin", city.ids["c1"]))
    assert id_number not in masked.text and masked.json()["id_number"].endswith(id_number[-4:])  # masked until revealed
    secretary = await staff_token(client, city, "c1")
    outsider = await staff_token(client, city, "c2")
    district = auth("district_admin", city.ids["district"])

    for reason in ("联系核实服务时长", "通知参加社区活动"):
        r = await client.post(f"/api/registry/members/{member_id}/reveal", headers=bearer(secretary), json={"reason": reason})
        assert r.status_code == 200, r.text
        assert (r.json()["name"], r.json()["phone"], r.json()["id_number"]) == ("钱学敏", phone, id_number)
    refused = await client.post(f"/api/registry/members/{member_id}/reveal", headers=bearer(outsider),
                                json={"reason": "联系"})
    assert refused.status_code == 403
    no_reason = await client.post(f"/api/registry/members/{member_id}/reveal", headers=bearer(secretary), json={})
    assert no_reason.status_code == 422

    log = await client.get("/api/registry/audit/reveals", params={"subject_id": member_id}, headers=district)
    assert log.status_code == 200, log.text
    entries = log.json()["items"]
    assert [e["reason"] for e in entries] == ["通知参加社区活动", "联系核实服务时长"]  # newest first, refusals absent
    secretary_id = (await client.get("/api/me", headers=bearer(secretary))).json()["sub"]
    assert all(e["by"] == secretary_id and e["community_id"] == city.ids["c1"] and e["at"] for e in entries)
    assert all(e["fields"] == ["name", "phone", "id_number"] for e in entries)  # one entry per reveal, what it showed
    assert phone not in log.text and id_number not in log.text  # ... never the values
    for role, places in (("community_admin", [city.ids["c1"]]), ("member", [])):
        assert (await client.get("/api/registry/audit/reveals", headers=auth(role, *places))).status_code == 403


async def test_resident_reveal_is_audited(portal, city):
    client, app = portal
    phone = new_phone()
    await client.post("/api/auth/sms-code", json={"phone": phone})
    reg = await client.post("/api/auth/register", json={"phone": phone, "code": last_code(app, phone), "name": "吴阿姨",
                                                        "community_id": city.ids["c2"]})
    resident_id = reg.json()["me"]["resident_id"]
    secretary = await staff_token(client, city, "c2")
    masked = await client.get(f"/api/registry/residents/{resident_id}", headers=bearer(secretary))
    assert masked.json()["name"] == "吴*姨" and phone not in masked.text
    r = await client.post(f"/api/registry/residents/{resident_id}/reveal", headers=bearer(secretary),
                          json={"reason": "回访微心愿"})
    assert r.status_code == 200 and r.json()["phone"] == phone
    log = await client.get("/api/registry/audit/reveals", params={"subject_id": resident_id},
                           headers=auth("district_admin", city.ids["district"]))
    assert [(e["subject_kind"], e["reason"]) for e in log.json()["items"]] == [("resident", "回访微心愿")]
