"""The demo's shifts served (issue 14.2), through the claims HTTP API as members and officials act.

Each community's position is scheduled around the present hour (local time, within the day), so
today's shift runs while the demo plays and its QR code works. On the last day, today's sign-ups
are served in turn: one member scans the position's signed QR code to check in and out (the real
``/check-in`` and ``/check-out`` with the token the community prints) and, the visit being only a
moment long, asks for a correction of the hours, which the community approves; the next member's
times are recorded by hand with a reason (补录); the third does not come. The events reach
evaluation's 岗位服务 figures. ``week`` is demo_week's ``_Week``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gongjian_shared.localtime import earlier, now, parse_instant, rfc3339, to_local, today

MANUAL_REASON = "现场签到表登记（手机未带）"
CORRECTION = {"hours": 1.0, "reason": "提前到岗做准备，扫码晚了"}  # an hour fits even a late-evening shift


def schedule_now() -> dict[str, Any]:
    """Daily, from about an hour ago (quarter hours, not before 00:00) for three hours, ending by 23:59."""
    local = to_local(now())
    start = max(local.hour * 60 + local.minute - 60, 0) // 15 * 15
    end = min(start + 180, 23 * 60 + 59)
    return {"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": f"{start // 60:02d}:{start % 60:02d}",
            "end": f"{end // 60:02d}:{end % 60:02d}", "capacity": 3}


async def serve_today(week: Any) -> None:
    await asyncio.gather(*[serve(week, pid, community) for pid, community in week.positions])


async def serve(week: Any, position: str, community: str) -> None:
    staff = week.auth("community_admin", community)
    shift = f"{position}@{today().isoformat()}"
    roster = await week.call("GET", f"/shifts/{shift}/signups", staff)
    link = await week.call("GET", f"/demands/{position}/check-in-link", staff)
    if roster.status_code != 200 or link.status_code != 200:
        return
    members = [s["claimant_id"] for s in roster.json()["items"] if s["status"] == "signed_up"]
    for turn, member in enumerate(members):
        if turn % 3 == 0:
            await by_qr(week, shift, member, {"token": link.json()["token"]}, staff)
        elif turn % 3 == 1:
            await by_hand(week, shift, member, roster.json()["starts_at"], staff)
        else:
            week.count["shift no-shows"] += 1


async def by_qr(week: Any, shift: str, member: str, token: dict[str, str], staff: dict[str, str]) -> None:
    who = week.auth("member", sub=member)
    if (await week.call("POST", f"/shifts/{shift}/check-in", who, json=token)).status_code != 200:
        return
    week.count["shift QR check-ins"] += 1
    if (await week.call("POST", f"/shifts/{shift}/check-out", who, json=token)).status_code != 200:
        return
    if (await week.call("POST", f"/shifts/{shift}/correction", who, json=CORRECTION)).status_code == 200 and \
            (await week.call("POST", f"/shifts/{shift}/signups/{member}/correction/decision", staff,
                             json={"approved": True})).status_code == 200:
        week.count["shift corrections approved"] += 1


async def by_hand(week: Any, shift: str, member: str, starts_at: str, staff: dict[str, str]) -> None:
    """The times: from the shift's start (or 80 minutes ago, if later) to a minute ago."""
    checked_in = max(parse_instant(starts_at), earlier(now(), minutes=80))
    times = {"checked_in_at": rfc3339(checked_in), "checked_out_at": rfc3339(earlier(now(), minutes=1)),
             "reason": MANUAL_REASON}
    r = await week.call("POST", f"/shifts/{shift}/signups/{member}/attendance", staff, json=times)
    if r.status_code == 200:
        week.count["shift hours by hand"] += 1
