"""Play a week of activity through the claims HTTP API (for ``make demo``).

    summary = await play_week("http://127.0.0.1:8002", token=dev_token,
                              community_ids=[...], member_ids=[...], unit_ids=[...])

``token(role, *places, sub=None) -> str`` signs a development token (the signature of
``gongjian_shared.testing.dev_token``). The communities, members and units must exist in
the registry (and their events have reached claims; the first publish waits for that).
Each day, every community publishes needs, residents post micro-wishes and suggestions,
the community approves, triages and assigns; members find demands through matching and
claim them, record yesterday's work, get verified (a few sent back with a reason);
residents confirm wishes, finished demands are closed (销号) and rated. Day 1 opens a
service position per community (with a shift schedule members sign up for), day 3 dispatches
a patrol roster; from day 2 officials take back or hand over stalled claims (demo_week_cycle.py);
the residents served answer 解决了吗 (demo_week_steps.py).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from gongjian_shared.localtime import add_days, later, now, rfc3339, today

from .demo_week_cycle import life_cycle
from .demo_week_steps import fulfil_and_verify

NEEDS = [("志愿服务", "法律咨询", "周末法律咨询进社区"), ("志愿服务", "义诊与健康咨询", "老年人义诊"),
         ("志愿服务", "家教辅导", "留守儿童暑期家教"), ("志愿服务", "环境整治", "小区环境卫生整治"),
         ("困难帮扶", "走访慰问困难户", "走访慰问困难党员"), ("文体服务", "文艺演出", "重阳节文艺演出"),
         ("志愿服务", "平安巡逻", "夜间平安巡逻"), ("建议意见", "社情民意收集", "入户收集社情民意")]
UNIT_NEEDS = [("资金扶持", "基础设施改造资助", "老旧小区路灯改造"), ("文体服务", "场地设施开放共享", "节假日开放篮球场")]
WISHES = ["给孙子买一套课外书", "帮忙修理漏水的水龙头", "陪独居老人去医院复诊", "想要一副老花镜", "学会用智能手机视频通话"]
SUGGESTIONS = ["小区路灯不亮", "楼道堆放杂物有安全隐患", "希望增设老年人休息座椅", "垃圾清运不及时", "停车位太少"]


# What the daily progress line shows a person, in Chinese (the counts stay keyed in English).
DAY_LABELS = {
    "demands published": "发布需求", "members dispatched": "选派党员", "wishes posted": "收到微心愿",
    "wishes approved": "审核通过微心愿", "wishes rejected": "未通过微心愿", "suggestions received": "收到建议",
    "claims": "党员认领", "unit claims": "单位认领", "claims revoked": "收回认领", "claims handed over": "转交认领",
    "positions scheduled": "岗位排班", "shift sign-ups": "班次报名", "shift QR check-ins": "扫码签到",
    "shift hours by hand": "补录工时", "shift corrections approved": "工时更正通过", "shift no-shows": "报名未到岗",
    "inspections recorded": "季度督查", "rectification items": "限期整改事项",
    "answered resolved": "答已解决",
    "answered partly": "答部分解决", "answered not": "答未解决", "reopened": "重新办理",
    "fulfilments": "登记服务", "verified": "社区核验", "demands closed": "销号办结", "ratings": "群众评价",
    "suggestions assigned": "建议交办", "suggestions resolved": "建议办结", "wishes fulfilled": "微心愿实现",
    "sent back": "退回重办",
}

class _Week:
    def __init__(self, client: httpx.AsyncClient, token: Callable[..., str], communities: Sequence[str],
                 members: Sequence[str], units: Sequence[str], rng: random.Random) -> None:
        self.client, self.token, self.rng = client, token, rng
        self.communities, self.members, self.units = list(communities), list(members), list(units)
        self.count: Counter[str] = Counter()
        self.claims: list[dict[str, Any]] = []      # {demand, claim, who, kind, state}
        self.wishes: dict[str, str] = {}            # wish id → poster
        self.suggestions: list[tuple[str, str, bool]] = []  # (id, community, not yet assigned)
        self.positions: list[tuple[str, str]] = []  # (position id, community)
        self.gate = asyncio.Semaphore(16)

    def auth(self, role: str, *places: str, sub: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, *places, sub=sub)}"}

    async def call(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
        async with self.gate:
            return await self.client.request(method, path, headers=headers, **kw)

    async def publish(self, community: str, day: int, spec: tuple[str, str, str], **extra: Any) -> str | None:
        due = later(now(), days=day + self.rng.randint(3, 10))
        body = {"community_id": community, "category": spec[0], "item": spec[1], "title": spec[2],
                "capacity": self.rng.randint(1, 4), "due_at": rfc3339(due), **extra}
        r = await self.call("POST", "/demands", self.auth("community_admin", community), json=body)
        if r.status_code == 201:
            self.count["demands published"] += 1
            return r.json()["id"]
        return None

    async def wait_until_known(self, timeout: float = 60) -> None:
        """The registry's events reach claims asynchronously: wait for the first community."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            r = await self.call("GET", f"/communities/{self.communities[0]}/claim-rules", self.auth("city_admin"))
            if r.status_code == 200:
                return
            await asyncio.sleep(1)
        raise RuntimeError("claims has not learnt of the demo communities (registry events not consumed)")

    async def community_day(self, community: str, day: int) -> None:
        staff = self.auth("community_admin", community)
        for spec in self.rng.sample(NEEDS, self.rng.randint(1, 3)):
            await self.publish(community, day, spec)
        if self.units and self.rng.random() < 0.5:
            await self.publish(community, day, self.rng.choice(UNIT_NEEDS), claimant_kinds=["unit"])
        if day == 1:
            start = now()
            position = await self.publish(community, day, ("文体服务", "老年大学授课", "老年大学志愿教师岗"),
                                          kind="position", period_start=rfc3339(start),
                                          period_end=rfc3339(later(start, days=90)))
            if position:
                self.positions.append((position, community))
        if day == 3:
            r = await self.call("POST", f"/communities/{community}/dispatches", staff, json={
                "title": "夜间平安巡逻", "count": 4, "duty_date": add_days(today(), 1).isoformat()})
            for member in r.json().get("roster", []) if r.status_code == 201 else []:
                self.count["members dispatched"] += 1
                self.claims.append({"demand": r.json()["demand_id"], "claim": member["claim_id"],
                                    "who": member["member_id"], "kind": "member", "state": "claimed",
                                    "community": community})
        await self.resident_day(community, staff)

    async def resident_day(self, community: str, staff: dict[str, str]) -> None:
        poster = f"resident-{community}-{self.rng.randint(1, 50)}"
        r = await self.call("POST", "/wishes", self.auth("resident", community, sub=poster),
                            json={"community_id": community, "title": self.rng.choice(WISHES)})
        if r.status_code == 201:
            self.count["wishes posted"] += 1
            wish = r.json()["id"]
            approve = self.rng.random() < 0.85
            body = {"approved": True} if approve else {"approved": False, "reason": "超出微心愿范围，已转交民政窗口"}
            if (await self.call("POST", f"/wishes/{wish}/decision", staff, json=body)).status_code == 200:
                self.count["wishes approved" if approve else "wishes rejected"] += 1
                if approve:
                    self.wishes[wish] = poster
        for _ in range(self.rng.randint(1, 2)):
            r = await self.call("POST", "/suggestions", self.auth("resident", community, sub=poster),
                                json={"community_id": community, "title": self.rng.choice(SUGGESTIONS)})
            if r.status_code == 201:
                self.count["suggestions received"] += 1
                self.suggestions.append((r.json()["id"], community, True))

    async def member_claims(self, sample: int) -> None:
        async def one(member: str) -> None:
            r = await self.call("GET", f"/matching/members/{member}/demands", self.auth("member", sub=member),
                                params={"limit": 5})
            offered = r.json().get("items", []) if r.status_code == 200 else []
            offered.sort(key=lambda d: d["kind"] != "wish")  # a micro-wish first (认领微心愿), then the best match
            for demand in offered[:2]:
                c = await self.call("POST", f"/demands/{demand['id']}/claims", self.auth("member", sub=member))
                if c.status_code == 201:
                    self.count["claims"] += 1
                    self.claims.append({"demand": demand["id"], "claim": c.json()["claim_id"], "who": member,
                                        "kind": "member", "state": "claimed", "community": demand["community_id"]})
                    return
        await asyncio.gather(*[one(m) for m in self.rng.sample(self.members, min(sample, len(self.members)))])
        for unit in self.rng.sample(self.units, min(len(self.units), 5)):
            r = await self.call("GET", f"/matching/units/{unit}/demands", self.auth("unit_admin", unit, sub=unit))
            for demand in r.json().get("items", [])[:1] if r.status_code == 200 else []:
                c = await self.call("POST", f"/demands/{demand['id']}/claims", self.auth("unit_admin", unit, sub=unit))
                if c.status_code == 201:
                    self.count["unit claims"] += 1
                    self.claims.append({"demand": demand["id"], "claim": c.json()["claim_id"], "who": unit,
                                        "kind": "unit", "state": "claimed", "community": demand["community_id"]})

    async def fulfil_and_verify(self) -> None:
        await fulfil_and_verify(self)


async def play_week(claims_url: str, *, token: Callable[..., str], community_ids: Sequence[str],
                    member_ids: Sequence[str], unit_ids: Sequence[str] = (), days: int = 7, seed: int = 2026,
                    members_per_day: int = 60, progress: Callable[[str], None] | None = print,
                    client: httpx.AsyncClient | None = None) -> dict[str, int]:
    """Play ``days`` days of activity; returns the counts of what happened."""
    if not community_ids or not member_ids:
        raise ValueError("play_week needs at least one community and one member")
    own = client is None
    # Idle connections are dropped before the server does (uvicorn: 5 s): with both at 5 s, a request
    # could go out on a connection the server was closing (httpx.ReadError on a loaded machine).
    client = client or httpx.AsyncClient(base_url=claims_url, timeout=30, limits=httpx.Limits(keepalive_expiry=1))
    week = _Week(client, token, community_ids, member_ids, unit_ids, random.Random(seed))
    try:
        await week.wait_until_known()
        for day in range(1, days + 1):
            await asyncio.gather(*[week.community_day(c, day) for c in week.communities])
            await week.member_claims(members_per_day)
            await week.fulfil_and_verify()
            await life_cycle(week, day, last=day == days)
            if progress:
                shown = "，".join(f"{DAY_LABELS.get(k, k)} {v}" for k, v in sorted(week.count.items()))
                progress(f"[认领 claims] 第 {day}/{days} 天 day: {shown}")
    finally:
        if own:
            await client.aclose()
    return dict(week.count)
