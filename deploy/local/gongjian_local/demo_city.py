"""Demo step 1: the Tongjiang-sized city through the registry's import path, then 报到."""

from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import zip_longest
from pathlib import Path
from typing import Any

from gongjian_registry import demo_city

FIRST_REPORTS = 500  # enough reported members for the demo week


def progress_bar(done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    print(f"\r    {label} [{'█' * filled}{'·' * (width - filled)}] {done}/{total}", end="", flush=True)


def import_file(demo: Any, kind: str, path: Path) -> dict:
    """Upload a sheet as staff would, then follow the job's progress until it is done."""
    headers = demo.headers("city_admin", sub="demo-city-staff")
    with path.open("rb") as handle:
        job = demo.call("POST", "registry", f"/imports/{kind}", headers=headers,
                        files={"file": (path.name, handle, "application/octet-stream")}, expect=(200, 202))
    while job["status"] not in ("done", "rejected", "failed"):
        time.sleep(0.5)
        job = demo.call("GET", "registry", f"/imports/{job['id']}", headers=headers)
        total = job.get("total") or 1
        progress_bar(int(job.get("progress", 0) * total), total, f"导入{'党员' if kind == 'members' else '单位'} {job.get('phase_label', '')}")
    print()
    if job["status"] != "done":
        raise RuntimeError(f"导入失败 (import {job['status']}): {job.get('errors', [])[:3]}")
    return job


def create_places(demo: Any, headers: dict[str, str], specs: list[dict[str, Any]]) -> int:
    """POST /places for the tree, a level at a time (parents first), 8 at once. Returns created count."""
    depth: dict[str | None, int] = {None: -1}
    for spec in specs:  # in creation order: a parent comes before its children
        depth[spec["id"]] = depth[spec["parent_id"]] + 1
    levels = [[s for s in specs if depth[s["id"]] == d] for d in range(max(depth.values()) + 1)]

    def post(spec: dict[str, Any]) -> bool:
        r = demo.http.post(demo.urls["registry"] + "/places", headers=headers, json=spec)
        if r.status_code not in (201, 409):  # 409: made by an earlier run
            raise RuntimeError(f"POST /places {spec['id']} → {r.status_code}: {r.text[:300]}")
        return r.status_code == 201

    pool = ThreadPoolExecutor(max_workers=8)
    try:
        return sum(sum(pool.map(post, level)) for level in levels)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def load_city(demo: Any) -> dict[str, list[Any]]:
    """Places, 160 units and 2,174 members imported; 500 members, spread over the communities, report home
    (``first_reporters``); ``communities`` comes busiest first."""
    city_admin = demo.headers("city_admin", sub="demo-city-staff")
    specs = demo_city.place_specs()
    created = create_places(demo, city_admin, specs)
    communities = [s["id"] for s in specs if s["kind"] == "community"]
    print(f"    地点树 (place tree): {len(specs)} 个地点，其中社区 {len(communities)} 个（新建 {created}）")
    with tempfile.TemporaryDirectory() as tmp:
        units_file, members_file = demo_city.write_import_files(tmp)
        import_file(demo, "units", units_file)
        import_file(demo, "members", members_file)

    members: list[tuple[str, str]] = []
    units: list[str] = []
    for community in communities:
        staff = demo.headers("community_admin", community)
        rows = demo.call("GET", "registry", f"/communities/{community}/members", headers=staff)["members"]
        members += [(row["id"], community) for row in rows]
        units += [u["id"] for u in demo.call("GET", "registry", f"/units?community_id={community}", headers=staff)]
    print(f"    已登记 (registered): 单位 {len(units)} 个，党员 {len(members)} 名")

    # Reporting (报到) as it happens in real life: most members, not all. The first ones now
    # (the demo week needs them), the others while the demo runs (report_members(later)).
    communities, first, later = first_reporters(communities, members, FIRST_REPORTS)
    report_members(demo, first, label="党员报到（首批）")
    return {"communities": communities, "members": [m for m, _ in first], "units": units, "later": later}


def first_reporters(communities: list[str], members: list[tuple[str, str]], count: int) -> \
        tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(``communities`` busiest first, the ``count`` members who report before the demo week, the
    others who report later); ``members``: (member id, community id) as registered. One in ten never
    reports (as in life).

    Only members who have reported serve in the demo week. Taking the first ``count`` in the
    registry's order (community by community) left every community past the third without a single
    point — the busiest (东兴社区, 8th of 9) included, whose admin is the console's desk account
    (demo_portal.busiest). So the first reporters are dealt out community by community, busiest
    (most members registered; ties in the given order) first: each has its share of servers.
    """
    sizes = Counter(c for _, c in members)
    order = sorted(communities, key=lambda c: -sizes[c])  # stable: ties keep the given order
    to_report = [(m, c) for i, (m, c) in enumerate(members) if i % 10 != 0]
    queues = [[item for item in to_report if item[1] == c] for c in order]
    dealt = [item for turn in zip_longest(*queues) for item in turn if item is not None]
    return order, dealt[:count], dealt[count:]


def report_members(demo: Any, items: list[tuple[str, str]], *, label: str | None = None,
                   stop: threading.Event | None = None) -> int:
    """POST a home report (报到) for each (member id, community id), 8 at once, until stop is set.

    Returns how many were made. On Ctrl-C/SIGTERM (or stop) queued reports are dropped and
    only the few in flight end.
    """
    def report(item: tuple[str, str]) -> None:
        member_id, community = item
        demo.call("POST", "registry", f"/members/{member_id}/reports", headers=demo.headers("member", sub=member_id),
                  json={"community_id": community, "kind": "home"})

    done = 0
    pool = ThreadPoolExecutor(max_workers=8)
    try:
        for start in range(0, len(items), 50):
            if stop is not None and stop.is_set():
                break
            done += len(list(pool.map(report, items[start:start + 50])))
            if label:
                progress_bar(done, len(items), label)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if label:
        print()
    return done
