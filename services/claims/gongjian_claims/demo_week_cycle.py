"""The rest of a demo day (issue 14), through the HTTP API as officials, members and residents act:

- point 1: an official takes back (收回) a claim that has stalled, with a reason, and hands another
  over (转交) to a member who can do it;
- point 2: the service position of each community gets a schedule (班次) around the present hour and
  members sign up per shift; on the last day today's shift is served (demo_shifts.py);
- point 6: on day 1 the district's inspection group inspects the first community (季度督查) and sets
  one rectification item with a deadline a week ahead (限期整改).

(Point 4, 解决了吗, is answered in demo_week_steps.py.) ``week`` is demo_week's ``_Week``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gongjian_shared.localtime import add_days, now, rfc3339, today

from .demo_shifts import schedule_now, serve_today

REVOKE_REASONS = ["认领后一直未开展服务，收回重新安排", "认领人临时外出，收回另行安排"]
HANDOVER_TRIES = 60
HANDOVER_REASONS = ["认领人工作调动，转交同社区党员继续办理", "原认领人时间冲突，转交其他党员"]


async def life_cycle(week: Any, day: int, last: bool = False) -> None:
    if day == 1:
        await asyncio.gather(*[schedule(week, pid, community) for pid, community in week.positions],
                             inspect(week, week.communities[0]))
    await asyncio.gather(*[sign_up(week, pid) for pid, _ in week.positions])
    if day >= 2:
        await release_and_hand_over(week)
    if last:
        await serve_today(week)


async def inspect(week: Any, community: str) -> None:
    """One quarterly inspection with a 限期整改 item (one per target and local quarter: a rerun gets 409)."""
    r = await week.call("POST", "/inspections", week.auth("city_admin"), json={
        "target_kind": "community", "target_id": community, "inspected_at": rfc3339(now()), "group": "第一巡回督查组",
        "findings": ["党员报到台账更新不及时", "共建项目公示栏信息陈旧"],
        "rectifications": [{"title": "补齐本季度党员报到台账并公示", "deadline": add_days(today(), 7).isoformat()}]})
    if r.status_code == 201:
        week.count["inspections recorded"] += 1
        week.count["rectification items"] += len(r.json()["items"])


async def schedule(week: Any, position: str, community: str) -> None:
    r = await week.call("PUT", f"/positions/{position}/schedule", week.auth("community_admin", community),
                        json=schedule_now())
    if r.status_code == 200:
        week.count["positions scheduled"] += 1


async def sign_up(week: Any, position: str) -> None:
    """A few members try the next shifts; the ones not eligible there (403) or too late (409) move on."""
    r = await week.call("GET", f"/positions/{position}/shifts", week.auth("city_admin"))
    shifts = [s for s in (r.json().get("items", []) if r.status_code == 200 else []) if s.get("left")][:2]
    for shift in shifts:
        for member in week.rng.sample(week.members, min(6, len(week.members))):
            got = await week.call("POST", f"/shifts/{shift['id']}/signups", week.auth("member", sub=member))
            if got.status_code == 201:
                week.count["shift sign-ups"] += 1


async def release_and_hand_over(week: Any) -> None:
    stalled = [c for c in week.claims if c["state"] == "claimed" and c["kind"] == "member"
               and c["demand"] not in week.wishes]
    if not stalled:
        return
    first = week.rng.choice(stalled)
    staff = week.auth("community_admin", first["community"])
    r = await week.call("POST", f"/demands/{first['demand']}/claims/{first['claim']}/revocation", staff,
                        json={"reason": week.rng.choice(REVOKE_REASONS)})
    if r.status_code == 200:
        first["state"] = "released"
        week.count["claims revoked"] += 1
    others = [c for c in stalled if c is not first]
    if others:
        await hand_over(week, week.rng.choice(others))


async def hand_over(week: Any, claim: dict[str, Any]) -> None:
    staff = week.auth("community_admin", claim["community"])
    # Only members who reported to the need's community may take it, and some are at their open-claims
    # limit: eight random tries missed them all about one run in ten of the 4-community test city.
    for member in week.rng.sample(week.members, min(HANDOVER_TRIES, len(week.members))):
        if member == claim["who"]:
            continue
        r = await week.call("POST", f"/demands/{claim['demand']}/claims/{claim['claim']}/handover", staff,
                            json={"to_id": member, "to_kind": "member", "reason": week.rng.choice(HANDOVER_REASONS)})
        if r.status_code == 200:
            week.count["claims handed over"] += 1
            claim["state"] = "released"
            week.claims.append({**claim, "claim": r.json()["claim"]["claim_id"], "who": member, "state": "claimed"})
            return

