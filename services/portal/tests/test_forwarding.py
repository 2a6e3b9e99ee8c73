"""Forwarding through a portal process: method, query, body and token go through, answers
stream back (server-sent events of the evaluation dashboard), failures become problems."""

from __future__ import annotations

import httpx
import pytest
from gongjian_shared.testing import ServiceProcess, auth, free_port, start_together


@pytest.fixture(scope="module")
def stack(stack_ns, registry_url):
    evaluation = ServiceProcess("evaluation", stack_ns.env(GONGJIAN_LOG_LEVEL="WARNING"))
    portal = ServiceProcess("portal", stack_ns.env(
        GONGJIAN_LOG_LEVEL="WARNING", PORTAL_DB=stack_ns.db("portal"), REGISTRY_URL=registry_url, PORTAL_DEV_OUTBOX="1",
        EVALUATION_URL=evaluation.url, CLAIMS_URL=f"http://127.0.0.1:{free_port()}"))  # claims: nobody there
    start_together([evaluation, portal])
    try:
        yield portal.url
    finally:
        portal.stop()
        evaluation.stop()


async def test_requests_and_answers_go_through(stack, city):
    async with httpx.AsyncClient(base_url=stack, timeout=30) as client:
        r = await client.get(f"/api/registry/places/{city.ids['c1']}", headers=auth("city_admin"))
        assert r.status_code == 200 and r.json()["name"] == "新华社区"
        listed = await client.get("/api/registry/places", params={"parent_id": city.ids["street"]}, headers=auth("city_admin"))
        assert sorted(p["name"] for p in listed.json()) == ["东安社区", "新华社区"]
        created = await client.post("/api/registry/places", headers=auth("city_admin"),
                                    json={"kind": "grid", "name": "第9网格", "parent_id": city.ids["c1"]})
        assert created.status_code == 201 and created.json()["parent_id"] == city.ids["c1"]
        anonymous = await client.get(f"/api/registry/places/{city.ids['c1']}")
        assert anonymous.status_code == 401 and anonymous.headers["content-type"].startswith("application/problem+json")
        down = await client.get("/api/claims/demands", headers=auth("city_admin"))
        assert down.status_code == 502 and "认领服务暂不可用" in down.json()["detail"]
        unknown = await client.get("/api/nothing/here")
        assert unknown.status_code == 404
        internal = await client.post("/api/registry/internal/people/lookup", json={"phone": "13900000000"})
        assert internal.status_code == 404 and internal.json()["code"] == "not-forwarded"
        health = await client.get("/readyz")
        assert health.status_code == 200 and health.json()["checks"] == {"mongodb": True}
        assert "/api/auth/sign-in" in (await client.get("/openapi.json")).json()["paths"]


@pytest.mark.parametrize("target", ["/api/registry/./internal/communities", "/api/registry/x/../internal/communities",
                                    "/api/registry/%2e/internal/communities", "/api/registry//internal/communities"])
async def test_internal_endpoints_are_not_reached_through_dot_segments(stack, target):
    """Attack pass (issue 11): the upstream URL drops dot segments, so ``./internal/…`` reached the
    registry's service-token endpoints (which answered 401, not the portal's 404)."""
    async with httpx.AsyncClient(base_url=stack, timeout=30) as client:  # the raw target: no client normalisation
        r = await client.get("/api/registry/x", headers=auth("city_admin"), extensions={"target": target.encode()})
    assert r.status_code == 404 and r.json()["code"] == "not-forwarded", r.text


async def test_server_sent_events_stream_through(stack):
    token = httpx.QueryParams({"token": auth("city_admin")["Authorization"][7:]})
    async with httpx.AsyncClient(base_url=stack, timeout=httpx.Timeout(30)) as client:
        async def first_event() -> list[str]:
            async with client.stream("GET", f"/api/evaluation/dashboard/stream?{token}") as r:
                if r.status_code == 503:  # the dashboard is still loading its topics
                    return []
                assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
                lines = []
                async for line in r.aiter_lines():  # the stream never ends: read the first event, then leave
                    lines.append(line)
                    if line.startswith("event: ready"):
                        return lines
                return lines

        from gongjian_shared.testing import eventually

        lines = await eventually(first_event, timeout=60, interval=0.5)
        assert any(line.startswith("event: ready") for line in lines)


async def test_the_demo_accounts_sign_in(stack, city, registry_url):
    """What `make demo` prints: a member, a resident and a community admin (SMS and password)."""
    from gongjian_local.demo import Demo
    from gongjian_local.demo_portal import (ADMIN_PASSWORD, ADMIN_PHONE, ADMIN_USERNAME, RESIDENT_PHONE,
                                            create_accounts)

    demo = Demo({"registry": registry_url, "portal": stack})
    create_accounts(demo, city.ids["c2"])
    create_accounts(demo, city.ids["c2"])  # a second demo run on the same data is fine
    async with httpx.AsyncClient(base_url=stack, timeout=30) as client:
        for phone, role in ((RESIDENT_PHONE, "resident"), (ADMIN_PHONE, "community_admin")):
            assert (await client.post("/api/auth/sms-code", json={"phone": phone})).status_code == 202
            code = (await client.get(f"/api/dev/sms-codes/{phone}")).json()["code"]
            r = await client.post("/api/auth/sign-in", json={"phone": phone, "code": code})
            assert r.status_code == 200, r.text
            assert (r.json()["me"]["role"], r.json()["me"]["places"][0]["id"]) == (role, city.ids["c2"])
        r = await client.post("/api/auth/password", json={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
        assert r.status_code == 200 and r.json()["me"]["role"] == "community_admin"


async def test_the_demo_console_accounts_sit_where_the_work_is(stack, city, registry_url, capsys):
    """`make demo` also prints console accounts: the busiest community's admin, its busiest unit's admin and
    its street's staff (community_admin over the street)."""
    from gongjian_local.demo import Demo
    from gongjian_local.demo_portal import (ADMIN_PASSWORD, DESK_USERNAME, STREET_PHONE, STREET_USERNAME, UNIT_USERNAME,
                                            busiest, create_desk_accounts, print_desks, street_of)

    demo = Demo({"registry": registry_url, "portal": stack})
    admin = demo.headers("city_admin")
    quiet, busy = (demo.call("POST", "registry", "/places", headers=admin, json={
        "kind": "community", "name": name, "parent_id": city.ids["street"]})["id"] for name in ("清静社区", "热闹社区"))
    units = [demo.call("POST", "registry", "/units", headers=admin, json={
        "name": name, "kind": "organ", "paired_community_id": busy})["id"] for name in ("区档案馆", "区人民医院")]
    for n, (home, unit) in enumerate([(quiet, None), (busy, None), (busy, units[1]), (busy, units[1])]):
        demo.call("POST", "registry", "/members", headers=admin,
                  json={"name": f"演示{n}", "home_community_id": home, **({"work_unit_id": unit} if unit else {})})
    community, unit = busiest(demo, [quiet, busy])
    assert (community["id"], community["name"], unit["id"]) == (busy, "热闹社区", units[1])
    street = street_of(demo, community)
    assert street["id"] == city.ids["street"] and street["kind"] == "street", street
    create_desk_accounts(demo, community["id"], unit["id"], street["id"])
    create_desk_accounts(demo, community["id"], unit["id"], street["id"])  # a second demo run on the same data is fine
    print_desks(stack, community, unit, street)
    printed = capsys.readouterr().out
    assert "热闹社区" in printed and "区人民医院" in printed and f"{stack}/console/" in printed
    assert f"街道 {street['name']}" in printed and STREET_USERNAME in printed and STREET_PHONE in printed, printed
    async with httpx.AsyncClient(base_url=stack, timeout=30) as client:
        for username, role, place in ((DESK_USERNAME, "community_admin", busy), (UNIT_USERNAME, "unit_admin", units[1]),
                                      (STREET_USERNAME, "community_admin", street["id"])):
            r = await client.post("/api/auth/password", json={"username": username, "password": ADMIN_PASSWORD})
            assert r.status_code == 200, r.text
            assert (r.json()["me"]["role"], r.json()["me"]["places"][0]["id"]) == (role, place)
        assert r.json()["me"]["places"][0]["kind"] == "street"  # the console reads it as the street's desk


async def test_a_staff_account_holds_places_that_fit_its_role(stack, city):
    """Roles are fixed by contract, so a street's staff are community admins over the street: the portal
    opens that account, but refuses a place the role may not hold (a district on a community admin's token
    would reach the whole district) and a place the registry does not know, in Chinese (422); officials
    below the city open accounts at or under their places only (403 elsewhere)."""
    async with httpx.AsyncClient(base_url=stack, timeout=30) as client:
        async def open_account(username: str, role: str, place: str) -> httpx.Response:
            return await client.post("/api/staff", headers=auth("city_admin", sub="city-1"), json={
                "username": username, "name": "测试账号", "role": role, "places": [place], "password": "gongjian2026"})
        street = await open_account("street-staff", "community_admin", city.ids["street"])
        assert street.status_code == 201, street.text
        too_high = await open_account("too-high", "community_admin", city.ids["district"])
        assert too_high.status_code == 422 and too_high.json()["code"] == "place-kind", too_high.text
        assert too_high.json()["detail"].startswith("社区管理员的管辖地点须为社区或街道：城区是区（县）"), too_high.text
        wrong = await open_account("district-on-street", "district_admin", city.ids["street"])
        assert wrong.status_code == 422 and wrong.json()["code"] == "place-kind", wrong.text
        unknown = await open_account("nowhere", "community_admin", "place-000000000000")
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-place", unknown.text

        # Below the city, an official opens accounts at or under their places: the street's staff for a
        # community of the street (the place check passes for every community under it), not for the district.
        async def opened_by(who: dict[str, str], username: str, role: str, place: str) -> int:
            r = await client.post("/api/staff", headers=who, json={
                "username": username, "name": "测试账号", "role": role, "places": [place], "password": "gongjian2026"})
            return r.status_code
        by_street = auth("community_admin", city.ids["street"], sub="street-1")
        assert await opened_by(by_street, "c1-by-street", "community_admin", city.ids["c1"]) == 201
        assert await opened_by(by_street, "district-by-street", "district_admin", city.ids["district"]) == 403
        by_district = auth("district_admin", city.ids["district"], sub="district-1")
        assert await opened_by(by_district, "street-by-district", "community_admin", city.ids["street"]) == 201
        assert await opened_by(auth("community_admin", city.ids["c1"], sub="c1-1"), "c2-by-c1", "community_admin",
                               city.ids["c2"]) == 403
