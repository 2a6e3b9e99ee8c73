"""The Tongjiang-sized demo city through the import path; reporting rates; contracts."""

import httpx

from gongjian_registry import demo_city
from gongjian_registry.bootstrap import build_app
from gongjian_shared.contracts import contracted_types
from gongjian_shared.testing import app_client, auth
from gongjian_shared.topics import TOPICS
from helpers import ADMIN, events_of, count_type


def test_every_registry_event_type_has_a_contract():
    registry = [t for name, topic in TOPICS.items() if name.startswith("registry.") for t in topic.event_types]
    assert len(registry) == 11 and set(registry) <= set(contracted_types())


async def test_demo_city_loads_through_import_and_rates_roll_up(ns, tmp_path):
    app = build_app()
    async with app_client(app) as client:
        specs = demo_city.place_specs()
        for spec in specs:  # what create_places does over HTTP, here in-process
            r = await client.post("/places", json=spec, headers=ADMIN)
            assert r.status_code == 201, r.text
        units, members = demo_city.write_import_files(tmp_path)
        r = await client.post("/imports/units?wait=true", files={"file": (units.name, units.read_bytes())}, headers=ADMIN)
        assert r.json()["created"] == 160, r.text
        r = await client.post("/imports/members?wait=true", files={"file": (members.name, members.read_bytes())}, headers=ADMIN)
        assert r.json()["status"] == "done" and r.json()["created"] == 2174, r.text
        some = (await client.get("/communities/tj-c1/members", headers=ADMIN)).json()["members"][:3]
        for m in some:
            r = await client.post(f"/members/{m['id']}/reports", json={"community_id": "tj-c1", "kind": "home"},
                                  headers=auth("member", sub=m["id"]))
            assert r.status_code == 201
        stats = (await client.get("/stats/reporting", headers=auth("district_admin", "tj-d1"))).json()
        assert sum(c["members"] for c in stats["communities"]) == 2174 and len(stats["communities"]) == 9
        c1 = next(c for c in stats["communities"] if c["community_id"] == "tj-c1")
        assert c1["reported_home"] == 3 and c1["rate"] == round(3 / c1["members"], 4)
        assert {s["street_id"] for s in stats["streets"]} == {"tj-s1", "tj-s2"}
        assert sum(s["members"] for s in stats["streets"]) == 2174
        unreported = (await client.get("/communities/tj-c1/units/unreported", headers=ADMIN)).json()
        assert unreported["count"] == 18
        not_yet = (await client.get("/communities/tj-c1/members?reported=false&report_kind=home", headers=ADMIN)).json()
        assert not_yet["count"] == c1["members"] - 3
        # One page of it (the console's roll): the count is still of all that match.
        page = (await client.get("/communities/tj-c1/members?reported=false&report_kind=home&limit=10&offset=5",
                                 headers=ADMIN)).json()
        assert page["count"] == not_yet["count"] and [m["id"] for m in page["members"]] == \
            [m["id"] for m in not_yet["members"][5:15]]
    events = await events_of(ns, "registry.members.v1", lambda es: count_type(es, "member.registered") >= 2174, timeout=60)
    assert count_type(events, "member.registered") == 2174


def test_create_places_speaks_http(monkeypatch):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(201 if len(seen) % 2 else 409, json={})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    created = demo_city.create_places("http://registry", ADMIN, client=client)
    assert len(seen) == len(demo_city.place_specs()) == 373 and created == 187
    assert set(seen) == {"/places"}
