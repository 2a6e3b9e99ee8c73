"""Demo steps 2 and 3: a week of claims activity, then a steady trickle while the demo runs."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from gongjian_claims.demo_week import play_week
from gongjian_shared.auth import issue_token


def _token_maker(secret: str):
    def token(role: str, *places: str, sub: str | None = None) -> str:
        return issue_token(secret, sub=sub or f"demo-{role}", role=role, places=list(places))

    return token


def play_demo_week(demo: Any, city: dict[str, list[str]]) -> dict[str, int]:
    async def week() -> dict[str, int]:
        # A loaded machine answers slowly: wait as long as the demo's own client does.
        async with httpx.AsyncClient(base_url=demo.urls["claims"], timeout=demo.http.timeout,
                                 limits=httpx.Limits(keepalive_expiry=1)) as client:  # before uvicorn's 5 s close
            return await play_week(demo.urls["claims"], token=_token_maker(demo.secret),
                                   community_ids=city["communities"], member_ids=city["members"],
                                   unit_ids=city["units"], days=7, client=client,
                                   progress=lambda line: print("    " + line, flush=True))

    return asyncio.run(week())


STAT_LABELS = {
    "members_registered": "登记党员", "members_reported": "报到党员", "units_registered": "驻区单位",
    "demands_published": "发布需求", "demands_claimed": "认领", "demands_fulfilled": "完成服务",
    "demands_verified": "核验通过", "demands_overdue": "逾期", "wishes_fulfilled": "微心愿实现",
    "suggestions_received": "收到建议", "suggestions_resolved": "办结建议", "hours_served": "服务时长(小时)",
    "participants": "参与人次", "beneficiaries": "受益人次", "points_awarded": "奉献积分",
}


def show_evaluation(demo: Any) -> None:
    """What the evaluation side made of it: the city's statistics, the top members and a rating."""
    headers = demo.headers("city_admin")
    stats = demo.call("GET", "evaluation", "/stats/city", headers=headers, expect=(200, 404, 422))
    if stats:
        counters = stats.get("counters", stats)
        shown = [f"{label} {counters[key]:g}" for key, label in STAT_LABELS.items()
                 if isinstance(counters.get(key), (int, float))]
        print("    全市统计 (city statistics): " + "，".join(shown))
        rate = (stats.get("derived") or {}).get("reporting_rate")
        if rate is not None:
            print(f"    报到率 (reporting rate): {rate:.1%}")
    board = demo.call("GET", "evaluation", "/leaderboards/points?holder_kind=member&limit=5", headers=headers,
                      expect=(200, 404, 422))
    rows = (board or {}).get("rows") or []
    for row in rows:
        print(f"    积分榜 第{row.get('rank')}名 (points leaderboard): {row.get('name') or row.get('holder_id')}"
              f"  {row.get('points'):g} 分")
    if rows:
        rating = demo.call("GET", "evaluation", f"/holders/{rows[0]['holder_id']}/rating", headers=headers,
                           expect=(200, 404))
        if rating:
            print(f"    星级评定 (star rating) {rows[0].get('name') or rows[0]['holder_id']}: {'★' * rating['stars']}{'☆' * (5 - rating['stars'])}"
                  f"{'（五星级党员）' if rating.get('five_star') else ''}")


class Trickle:
    """Keeps the demo city alive on the dashboard: one small day of activity every few seconds."""

    def __init__(self, demo: Any, city: dict[str, list[str]]) -> None:
        self.demo, self.city = demo, city
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="demo-trickle")

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        seed = 1
        while not self.stop.wait(8):
            seed += 1
            try:  # the three busiest communities (load_city lists them busiest first): the desk's among them
                asyncio.run(play_week(self.demo.urls["claims"], token=_token_maker(self.demo.secret),
                                      community_ids=self.city["communities"][:3], member_ids=self.city["members"],
                                      unit_ids=self.city["units"], days=1, seed=seed, members_per_day=6,
                                      progress=None))
            except Exception as exc:  # noqa: BLE001 - a demo hiccup must not end the demo
                print(f"    (演示活动暂停 activity paused: {type(exc).__name__})", flush=True)
