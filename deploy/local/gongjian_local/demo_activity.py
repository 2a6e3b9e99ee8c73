"""Demo steps 2 and 3: a week of claims activity, then a steady trickle while the demo runs."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from gongjian_claims.demo_week import play_week
from gongjian_shared.auth import issue_token


def _token_maker(secret: str):
    def token(role: str, *places: str, sub: str | None = None) -> str:
        return issue_token(secret, sub=sub or f"demo-{role}", role=role, places=list(places))

    return token


def play_demo_week(demo: Any, city: dict[str, list[str]]) -> dict[str, int]:
    return asyncio.run(play_week(demo.urls["claims"], token=_token_maker(demo.secret),
                                 community_ids=city["communities"], member_ids=city["members"],
                                 unit_ids=city["units"], days=7, progress=lambda line: print("    " + line, flush=True)))


def show_evaluation(demo: Any) -> None:
    """What the evaluation side made of it: the city's statistics and the top members."""
    headers = demo.headers("city_admin")
    stats = demo.call("GET", "evaluation", "/stats/city", headers=headers, expect=(200, 404))
    if stats:
        figures = stats.get("counters", stats)
        shown = {k: v for k, v in figures.items() if isinstance(v, (int, float))}
        print("    全市统计 (city statistics): " + "，".join(f"{k} {v:g}" for k, v in list(shown.items())[:12]))
    board = demo.call("GET", "evaluation", "/leaderboards/points?holder_kind=member&limit=5", headers=headers,
                      expect=(200, 404, 422))
    if board:
        rows = board.get("rows") or board.get("entries") or board.get("leaders") or []
        for i, row in enumerate(rows[:5], 1):
            print(f"    积分榜 #{i}: {row.get('holder_id')} {row.get('points', row.get('value', ''))}")


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
            try:
                asyncio.run(play_week(self.demo.urls["claims"], token=_token_maker(self.demo.secret),
                                      community_ids=self.city["communities"][:3], member_ids=self.city["members"],
                                      unit_ids=self.city["units"], days=1, seed=seed, members_per_day=6,
                                      progress=None))
            except Exception as exc:  # noqa: BLE001 - a demo hiccup must not end the demo
                print(f"    (演示活动暂停 activity paused: {type(exc).__name__})", flush=True)
