"""Abuse limits over HTTP, with two instances of claims counting into one MongoDB."""

from __future__ import annotations

import time

from gongjian_claims.bootstrap import build_app
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
