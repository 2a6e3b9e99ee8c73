"""The second half of a demo day: fulfilment, verification, wishes confirmed, closing, rating, suggestions."""

from __future__ import annotations

import asyncio
from typing import Any

NOTES = ["入户服务，居民满意", "现场咨询 12 人次", "组织志愿者 6 人参加", "完成并拍照留存", "电话回访确认"]
SEND_BACK = ["请补充服务照片", "服务时长与签到记录不符，请核对", "请补充受益群众签字"]
MODES = ["take_charge", "on_behalf", "home_visit"]
# 解决了吗: most say resolved; a "not" (within 7 days) reopens the wish or suggestion (issue 14.4).
ANSWERS = ["resolved"] * 7 + ["partly"] * 2 + ["not"]


async def answer(week: Any, path: str, community: str, person: str) -> bool:
    """The person served answers 解决了吗; True when the item was reopened."""
    body = {"answer": week.rng.choice(ANSWERS), "comment": ""}
    r = await week.call("POST", f"{path}/answer", week.auth("resident", community, sub=person), json=body)
    if r.status_code != 200:
        return False
    week.count[f"answered {body['answer']}"] += 1
    if r.json()["reopened"]:
        week.count["reopened"] += 1
    return bool(r.json()["reopened"])


async def fulfil_and_verify(week: Any) -> None:
    rng = week.rng

    async def fulfil(c: dict[str, Any]) -> None:
        unit = c["kind"] == "unit"
        who = week.auth("unit_admin", c["who"], sub=c["who"]) if unit else week.auth("member", sub=c["who"])
        body = {"hours": rng.choice([1, 1.5, 2, 3, 4]), "note": rng.choice(NOTES), "beneficiaries": rng.randint(1, 30)}
        r = await week.call("POST", f"/demands/{c['demand']}/claims/{c['claim']}/fulfilment", who, json=body)
        if r.status_code == 200:
            c["state"] = "fulfilled"
            week.count["fulfilments"] += 1

    async def verify(c: dict[str, Any]) -> None:
        if c["demand"] in week.wishes:  # the resident who posted the wish confirms it
            poster = week.wishes[c["demand"]]
            r = await week.call("POST", f"/wishes/{c['demand']}/confirmation",
                                week.auth("resident", c["community"], sub=poster),
                                json={"claim_id": c["claim"], "satisfied": True, "comment": "谢谢党员同志！"})
            if r.status_code == 200:
                c["state"] = "done"
                week.count["wishes fulfilled"] += 1
                await rate(c["demand"], c["community"], poster)
                if await answer(week, f"/wishes/{c['demand']}", c["community"], poster):
                    c["state"] = "claimed"  # reopened: the member serves again on a later day
            return
        approve = rng.random() < 0.9
        body = {"approved": True} if approve else {"approved": False, "reason": rng.choice(SEND_BACK)}
        r = await week.call("POST", f"/demands/{c['demand']}/claims/{c['claim']}/verification",
                            week.auth("community_admin", c["community"]), json=body)
        if r.status_code == 200:
            c["state"] = "verified" if approve else "claimed"
            week.count["verified" if approve else "sent back"] += 1

    async def rate(demand: str, community: str, resident: str) -> None:
        r = await week.call("POST", f"/demands/{demand}/rating", week.auth("resident", community, sub=resident),
                            json={"score": rng.choice([3, 4, 4, 5, 5, 5]), "comment": "服务很及时"})
        if r.status_code == 201:
            week.count["ratings"] += 1

    async def close(demand: str, community: str) -> None:
        staff = week.auth("community_admin", community)
        got = await week.call("GET", f"/demands/{demand}", staff)
        if got.status_code != 200 or got.json()["status"] != "open":
            return
        claims = got.json().get("claims", [])
        # 销号 only what was served (a verified claim); the rest stays open or is withdrawn.
        if any(c["status"] == "verified" for c in claims) and \
                all(c["status"] in ("verified", "released") for c in claims) and \
                (got.json()["slots_left"] == 0 or rng.random() < 0.5):
            if (await week.call("POST", f"/demands/{demand}/closure", staff)).status_code == 200:
                week.count["demands closed"] += 1
                await rate(demand, community, f"resident-{community}-{rng.randint(1, 50)}")

    claimed = [c for c in week.claims if c["state"] == "claimed" and rng.random() < 0.75]
    await asyncio.gather(*[fulfil(c) for c in claimed])
    await asyncio.gather(*[verify(c) for c in week.claims if c["state"] == "fulfilled"])
    done = {(c["demand"], c["community"]) for c in week.claims if c["state"] == "verified"}
    await asyncio.gather(*[close(d, community) for d, community in done])
    for c in week.claims:
        if c["state"] == "verified":
            c["state"] = "done"
    await handle_suggestions(week)


async def handle_suggestions(week: Any) -> None:
    rng = week.rng
    pending, week.suggestions = week.suggestions, []

    async def handle(suggestion: str, community: str, fresh: bool) -> None:
        staff = week.auth("community_admin", community)
        if fresh:
            await week.call("POST", f"/suggestions/{suggestion}/triage", staff,
                            json={"topic": rng.choice(["环境卫生", "设施维修", "物业管理", "治安安全"])})
            r = await week.call("POST", f"/suggestions/{suggestion}/assignment", staff,
                                json={"mode": rng.choice(MODES), "assignee_id": f"official-{community}"})
            if r.status_code == 200:
                week.count["suggestions assigned"] += 1
        if rng.random() < 0.7:
            r = await week.call("POST", f"/suggestions/{suggestion}/resolution", staff,
                                json={"outcome": "resolved", "note": "已协调相关单位处理"})
            if r.status_code == 200:
                week.count["suggestions resolved"] += 1
                author = r.json().get("author_id")
                if author and await answer(week, f"/suggestions/{suggestion}", community, author):
                    week.suggestions.append((suggestion, community, False))  # reopened: resolved again later
                return
        week.suggestions.append((suggestion, community, False))  # resolved on a later day

    await asyncio.gather(*[handle(s, c, fresh) for s, c, fresh in pending])
