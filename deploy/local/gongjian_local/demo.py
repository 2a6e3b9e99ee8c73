"""``make demo``: infra, the three services, a demo city and its activity, then wait.

Everything goes through the public HTTP APIs, as staff, members and residents would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from gongjian_registry import demo_city
from gongjian_shared.auth import issue_token
from gongjian_shared.localtime import add_days, format_deadline, format_local, today
from gongjian_shared.settings import ServiceSettings

from .cli import infra_env, wait_for_interrupt
from .demo_activity import Trickle, play_demo_week, show_evaluation
from .demo_city import load_city, report_members
from .demo_figures import show_time_figures
from .demo_portal import (MEMBER_PHONE, busiest, create_accounts, create_desk_accounts, print_desks, print_way_in,
                          street_of)
from .demo_space import demo_env, reset
from .services import running_services


class Demo:
    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls
        self.http = httpx.Client(timeout=120, limits=httpx.Limits(keepalive_expiry=1))  # before uvicorn's 5 s close
        self.secret = ServiceSettings().jwt_secret

    def headers(self, role: str, *places: str, sub: str | None = None) -> dict[str, str]:
        token = issue_token(self.secret, sub=sub or f"demo-{role}", role=role, places=list(places))
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, service: str, path: str, *, headers: dict[str, str], expect=(200, 201), **kw: Any) -> Any:
        r = self.http.request(method, self.urls[service] + path, headers=headers, **kw)
        if r.status_code not in expect:
            raise RuntimeError(f"{method} {service}{path} → {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else None

    def until(self, what: str, check: Callable[[], Any], timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.3)
        raise RuntimeError(f"等待超时：{what} (timed out)")


def step(n: int, text: str) -> None:
    print(f"\n[{n}] {text}", flush=True)


def foundation_flow(demo: Demo) -> None:
    """The flow of the foundation issue, one step at a time."""
    city_admin = demo.headers("city_admin")
    step(1, "创建社区 (create a community: city → district → street → community)")
    parent = None
    for kind, name in (("city", "同江市"), ("district", "演示区"), ("street", "演示街道"), ("community", "滨湖世纪社区")):
        # The walkthrough's city is the demo city itself (same id), so the city loaded next adds to
        # it instead of making a second 同江市 that would make the city scope ambiguous (issue 13).
        spec = {"kind": kind, "name": name, "parent_id": parent} | ({"id": demo_city.CITY_ID} if kind == "city" else {})
        place = demo.call("POST", "registry", "/places", headers=city_admin, json=spec)
        parent = place["id"]
        print(f"    {name} ({kind}) → {parent}")
    community = parent
    staff = demo.headers("community_admin", community)

    step(2, "登记党员并到社区报到 (register a member; the member reports to the community)")
    member = demo.call("POST", "registry", "/members", headers=staff,
                       json={"name": "张三珠", "home_community_id": community, "specialties": ["法律"],
                             "phone": MEMBER_PHONE})
    receipt = demo.call("POST", "registry", f"/members/{member['id']}/reports", headers=demo.headers("member", sub=member["id"]),
                        json={"community_id": community, "kind": "home"})
    print(f"    党员 {member['name']} ({member['id']}) 报到回执 {receipt['receipt_no']}（{format_local(receipt['reported_at'])}）")
    create_accounts(demo, community)
    print_way_in(demo.urls["portal"])

    step(3, "社区发布需求，名额 2 (the community publishes a demand with capacity 2)")
    demand = demo.until("认领服务同步社区 (claims learns of the community)", lambda: _try(lambda: demo.call(
        "POST", "claims", "/demands", headers=staff,
        json={"community_id": community, "category": "志愿服务", "item": "法律咨询", "title": "周末法律咨询进社区", "capacity": 2,
              "due_at": add_days(today(), 7).isoformat()})))  # a date alone: the end of that local day
    print(f"    需求 {demand['id']}：{demand['title']}，完成期限 {format_deadline(demand.get('due_at'))}")

    step(4, "党员认领、登记 3 小时服务、社区核验 (claim, record 3 hours, verify)")
    member_headers = demo.headers("member", sub=member["id"])
    claim = demo.until("认领服务收到报到事件 (claims learns of the report)", lambda: _try(lambda: demo.call(
        "POST", "claims", f"/demands/{demand['id']}/claims", headers=member_headers)))
    print(f"    认领成功 {claim['claim_id']}")
    demo.call("POST", "claims", f"/demands/{demand['id']}/claims/{claim['claim_id']}/fulfilment", headers=member_headers,
              json={"hours": 3, "note": "法律咨询 12 人次"})
    print("    已登记服务 3 小时")
    demo.call("POST", "claims", f"/demands/{demand['id']}/claims/{claim['claim_id']}/verification", headers=staff,
              json={"approved": True})
    print("    社区已核验")

    step(5, "考评服务计入积分 (evaluation awards points, exactly once)")
    points = demo.until("积分到账 (points arrive)", lambda: _positive_points(demo, member["id"], member_headers))
    print(f"    {member['name']} 的奉献积分：{points['points']:g}（{len(points['entries'])} 条台账）")


def _try(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except RuntimeError:
        return None


def _positive_points(demo: Demo, member_id: str, headers: dict[str, str]) -> Any:
    points = demo.call("GET", "evaluation", f"/holders/{member_id}/points", headers=headers)
    return points if points["points"] > 0 else None


def dashboard_url(demo: Demo, base: str) -> str:
    token = issue_token(demo.secret, sub="demo-city-admin", role="city_admin", places=[], ttl_hours=24)
    return f"{base}/dashboard?token={token}"


def run_demo(*, keep_running: bool = True) -> int:
    """Infra, services, the city; usable once the city is loaded: the week's activity and the
    remaining 报到 then play on while the user looks around (or before exiting, with --no-wait)."""
    started = time.monotonic()
    print("共建 gongjian 演示 (demo)\n启动基础设施 (Kafka + MongoDB wire) …", flush=True)
    env = demo_env(infra_env())
    print(f"演示使用自己的数据库和主题前缀，每次重新开始 (own databases {env['REGISTRY_DB']}…, "
          f"topic prefix {env['GONGJIAN_TOPIC_PREFIX']}; emptied first)", flush=True)
    reset(env)
    with running_services(env) as services:
        demo = Demo({name: svc.url for name, svc in services.items()})
        foundation_flow(demo)
        step(6, "载入演示城市：同江市规模，经批量导入 (load a Tongjiang-sized demo city through the import path)")
        city = load_city(demo)
        community, unit = busiest(demo, city["communities"])
        street = street_of(demo, community)
        create_desk_accounts(demo, community["id"], unit["id"] if unit else None, street["id"])
        trickle = Trickle(demo, city)
        show_urls(demo, services)
        print_desks(services["portal"].url, community, unit, street)
        print(f"\n演示已可用，用时 {time.monotonic() - started:.0f} 秒 (usable after "
              f"{time.monotonic() - started:.0f}s)", flush=True)
        if not keep_running:
            play_activity(demo, city, trickle.stop)
        else:
            print("演示活动在后台继续：一周的认领、其余党员报到，然后持续进行；按 Ctrl-C 停止 "
                  "(the week, the other reports, then a steady trickle; Ctrl-C to stop)", flush=True)
            threading.Thread(target=_in_background, args=(demo, city, trickle), daemon=True,
                             name="demo-activity").start()
            wait_for_interrupt()
            trickle.stop.set()
    print("已停止 (stopped)")
    return 0


def show_urls(demo: Demo, services: dict[str, Any]) -> None:
    print_way_in(services["portal"].url)
    print("\n演示数据已载入 (demo loaded). 地址 (URLs):")
    for name, svc in services.items():
        print(f"  {name:<11} {svc.url}/docs")
    print(f"\n实时大屏 (live dashboard, city official):\n  {dashboard_url(demo, services['evaluation'].url)}", flush=True)


def play_activity(demo: Demo, city: dict[str, Any], stop: threading.Event) -> None:
    """Steps 7 and 8, then the members who have not reported yet report (报到)."""
    step(7, "演示一周的需求、微心愿、认领、服务与核验 (a week of demands, wishes, claims, services, verification)")
    summary = play_demo_week(demo, city)
    print(f"    一周合计 (week total): {summary}")
    step(8, "考评：积分、评级与统计随活动变化 (evaluation: points, ratings and statistics follow the activity)")
    time.sleep(3)  # let the last events reach evaluation
    show_evaluation(demo)
    step(9, "诉求时效与红黑榜：响应率、办结率、满意率、用时中位数 (time in state and the month's 红黑榜)")
    show_time_figures(demo)
    done = report_members(demo, city["later"], stop=stop)
    print(f"    其余党员报到 (the other members reported): {done} 名", flush=True)


def _in_background(demo: Demo, city: dict[str, Any], trickle: Trickle) -> None:
    try:
        play_activity(demo, city, trickle.stop)
    except Exception as exc:  # noqa: BLE001 - a demo hiccup must not end the demo
        if not trickle.stop.is_set():
            print(f"    (演示活动中断 activity stopped: {type(exc).__name__}: {exc})", flush=True)
        return
    if not trickle.stop.is_set():
        trickle.start()
