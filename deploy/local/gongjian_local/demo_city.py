"""Demo step 1: the Tongjiang-sized city through the registry's import path, then 报到."""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gongjian_registry import demo_city


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


def load_city(demo: Any) -> dict[str, list[str]]:
    """Places, 160 units and 2,174 members; most members then report home and at work."""
    city_admin = demo.headers("city_admin", sub="demo-city-staff")
    created = demo_city.create_places(demo.urls["registry"], city_admin)
    specs = demo_city.place_specs()
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

    # Reporting (报到) as it happens in real life: most members, not all.
    to_report = [(m, c) for i, (m, c) in enumerate(members) if i % 10 != 0]
    done = 0

    def report(item: tuple[str, str]) -> None:
        member_id, community = item
        demo.call("POST", "registry", f"/members/{member_id}/reports", headers=demo.headers("member", sub=member_id),
                  json={"community_id": community, "kind": "home"})

    pool = ThreadPoolExecutor(max_workers=8)
    try:
        for _ in pool.map(report, to_report):
            done += 1
            if done % 50 == 0 or done == len(to_report):
                progress_bar(done, len(to_report), "党员报到")
    finally:  # on Ctrl-C/SIGTERM: drop the queued reports, let the few in flight end
        pool.shutdown(wait=True, cancel_futures=True)
    print()
    return {"communities": communities, "members": [m for m, _ in to_report], "units": units}
