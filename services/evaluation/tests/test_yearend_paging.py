"""Year-end scores page on the server (issue 15.4): ``limit``/``offset``, ``total`` and ``X-Total-Count``,
ranks over the whole place on every page (1, 1, 3), Chinese 422s; the Excel report stays whole; the
campaign list answers an empty list (not a 404) before a district opens its campaign."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gongjian_evaluation.testing import settle
from gongjian_shared.testing import auth

HOURS = {"m1": 3, "m2": 3, "m3": 1}  # m1 and m2 tie; the others serve nothing and tie last
MEMBERS = 53  # more than a default page (50)


async def _members(feed, city) -> int:
    await feed.send("registry.places.v1", city.places())
    members = [f"m{i}" for i in range(1, MEMBERS + 1)]
    await feed.send("registry.members.v1", [e for m in members for e in (city.member(m, "c1"), city.reported(m, "c1"))])
    await feed.send("claims.demands.v1", [city.verified(f"d-{m}", m, "c1", h) for m, h in HOURS.items()])
    return len(city.PATHS) + 2 * len(members) + len(HOURS)


async def test_year_end_pages_keep_the_ranks_of_the_whole_place(ns, service, feed, city):
    client, ev = service
    await settle(ev, await _members(feed, city))
    official = auth("district_admin", "d1")
    params = {"place_id": "c1", "year": 2026}
    whole = (await client.get("/year-end", params={**params, "limit": 500}, headers=official)).json()
    assert whole["total"] == MEMBERS and len(whole["members"]) == MEMBERS
    ranks = [(r["holder_id"], r["rank"]) for r in whole["members"]]
    assert ranks[:3] == [("m1", 1), ("m2", 1), ("m3", 3)] and {r for _, r in ranks[3:]} == {4}, ranks

    pages, headers = [], set()
    for offset in (0, 2, 4):
        r = await client.get("/year-end", params={**params, "limit": 2, "offset": offset}, headers=official)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["total"], body["limit"], body["offset"], len(body["members"])) == (MEMBERS, 2, offset, 2)
        headers.add(r.headers["X-Total-Count"])
        pages += [(m["holder_id"], m["rank"]) for m in body["members"]]
    assert headers == {str(MEMBERS)}
    assert pages == ranks[:6]  # no row repeated or skipped; page 2 starts at rank 3, page 3 at rank 4, not 1
    first = (await client.get("/year-end", params=params, headers=official)).json()
    assert len(first["members"]) == 50 and first["total"] == MEMBERS  # the default page
    last = (await client.get("/year-end", params={**params, "offset": 50}, headers=official)).json()
    assert [(m["holder_id"], m["rank"]) for m in last["members"]] == ranks[50:]
    past = (await client.get("/year-end", params={**params, "offset": MEMBERS}, headers=official)).json()
    assert past["members"] == [] and past["total"] == MEMBERS

    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"units_offset": -1}, {"limit": "十"}):
        r = await client.get("/year-end", params={**params, **bad}, headers=official)
        assert r.status_code == 422, (bad, r.text)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"]), r.json()  # said in Chinese

    # The Excel report is the whole place, whatever page the console shows.
    book = load_workbook(io.BytesIO((await client.get("/reports/year-end.xlsx", params=params, headers=official)).content))
    listed = [r for r in book.worksheets[0].iter_rows(min_row=4, values_only=True) if r and r[1]]
    assert len(listed) == MEMBERS, len(listed)


async def test_campaigns_list_is_empty_until_a_district_opens_one(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await settle(ev, len(city.PATHS))
    member = auth("member", sub="m1")
    query = {"district_id": "d1", "year": 2026}
    none = await client.get("/campaigns", params=query, headers=member)
    assert none.status_code == 200 and none.json() == {"total": 0, "items": []} and none.headers["X-Total-Count"] == "0"
    # Who may open it: the district's (or the city's) organisation department, never a community.
    body = {"district_id": "d1", "year": 2026}
    assert (await client.post("/campaigns", json=body, headers=auth("community_admin", "c1"))).status_code == 403
    assert (await client.post("/campaigns", json=body, headers=auth("district_admin", "d1"))).status_code == 201
    listed = (await client.get("/campaigns", params=query, headers=member)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == "campaign-d1-2026" and listed["items"][0]["status"] == "open"
    assert (await client.get("/campaigns", params={"district_id": "d1", "year": 2025}, headers=member)).json()["total"] == 0
