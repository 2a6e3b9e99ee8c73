"""Abuse limits over HTTP, with two instances of claims counting into one MongoDB."""

from __future__ import annotations

import asyncio
import time

from gongjian_claims.bootstrap import build_app
from gongjian_shared.ratelimit import wait_text
from gongjian_shared.testing import app_client, auth

from .conftest import settings_for

LIMITS = {"claim": "4/3600", "post": "3/3600", "client": "1000/3600"}


async def test_limits_hold_across_instances_with_retry_after(ns, make_world):
    apps = [build_app(settings_for(ns, rate_limits=LIMITS)) for _ in range(2)]
    async with app_client(apps[0]) as one, app_client(apps[1]) as two:
        world = make_world(ns, one, apps[0])
        await world.setup_tree()
        community = await world.community()
        member = await world.member(community)
        demand = await world.demand(community)
        while True:  # the four calls must fall in one window; a window edge in between starts again
            hour = int(time.time() // 3600)
            resident = auth("resident", community, sub=f"resident-{time.time_ns()}")
            posts = [await (one, two)[i % 2].post("/suggestions", json={"community_id": community, "title": "路灯"},
                                                  headers=resident) for i in range(4)]
            if int(time.time() // 3600) == hour:
                break
        assert [r.status_code for r in posts] == [201, 201, 201, 429]
        assert int(posts[3].headers["Retry-After"]) > 0
        assert posts[3].headers["content-type"].startswith("application/problem+json")
        assert posts[3].json()["code"] == "rate-limited"
        wait = wait_text(int(posts[3].headers["Retry-After"]))  # "N 分钟" (or "N 秒" in a window's last minute)
        assert posts[3].json()["detail"].startswith(f"操作过于频繁，请 {wait}后再试")
        listed = await one.get("/suggestions/mine", headers=resident)
        assert listed.json()["total"] == 3  # the refused one changed nothing

        while True:
            hour = int(time.time() // 3600)
            claims = [await (one, two)[i % 2].post(f"/demands/{demand['id']}/claims",
                                                   headers=auth("member", sub=member)) for i in range(5)]
            if int(time.time() // 3600) == hour:
                break
            member = await world.member(community)
        assert claims[0].status_code == 201  # then 409 "already claimed" three times: attempts count too
        assert [r.status_code for r in claims[1:]] == [409, 409, 409, 429]


async def test_wishes_and_the_client_limit_answer_429_with_retry_after(ns, make_world):
    """Posting wishes counts against the author's post limit, claiming a wish against the claimant's
    claim limit, and every limited request of one address against the client limit (whoever signs in)."""
    app = build_app(settings_for(ns, rate_limits={"claim": "2/3600", "post": "2/3600", "client": "6/3600"}))
    async with app_client(app) as client:
        world = make_world(ns, client, app)
        await world.setup_tree()
        community = await world.community()
        member = await world.member(community)
        while time.time() % 3600 > 3600 - 120:  # the calls below must fall in one hour window: wait out its edge
            await asyncio.sleep(1)
        hour = int(time.time() // 3600)
        resident = auth("resident", community, sub=f"resident-{time.time_ns()}")
        wishes = [await client.post("/wishes", json={"community_id": community, "title": f"轮椅{i}"}, headers=resident)
                  for i in range(3)]
        claimer = auth("member", sub=member)
        claims = [await client.post(f"/wishes/{wishes[0].json()['id']}/claims", headers=claimer) for _ in range(3)]
        others = [await client.post("/wishes", json={"community_id": community, "title": "读书角"},
                                    headers=auth("resident", community, sub=f"other-{i}-{time.time_ns()}"))
                  for i in range(3)]
        assert int(time.time() // 3600) == hour
        assert [r.status_code for r in wishes] == [201, 201, 429], [r.text for r in wishes]
        assert [r.status_code for r in claims][2] == 429 and all(r.status_code < 500 for r in claims[:2])
        # 2 wishes + 2 claims passed their caller's limit and count for this client (the refused ones stop there):
        # two more from new residents make 6, the seventh is refused whoever sends it
        assert [r.status_code for r in others] == [201, 201, 429], [r.text for r in others]
        for refused in (wishes[2], claims[2], others[2]):
            assert int(refused.headers["Retry-After"]) > 0
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["code"] == "rate-limited"
        mine = await client.get("/wishes", headers=resident)
        assert mine.json()["total"] == 2  # the refused post changed nothing
