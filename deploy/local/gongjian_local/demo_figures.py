"""Demo step 9: the time-in-state figures (issue 14.8) of the demo district for this month, and
its 红黑榜, and its 岗位服务 (issue 14.2: shifts held, sign-ups, attendance, hours), as the statistics
API gives them (the dashboard shows the same, live)."""

from __future__ import annotations

from typing import Any

from gongjian_shared.localtime import this_month

DISTRICT = "tj-d1"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:g} {unit}"


SHIFT_KEYS = ("shifts_held", "shift_signups", "shift_attended", "shift_hours")


def time_figures(demo: Any, district: str = DISTRICT) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(the district's ``time_in_state`` this month, the month's 红黑榜 of its communities, its shift figures)."""
    headers, month = demo.headers("district_admin", district), this_month()
    stats = demo.call("GET", "evaluation", f"/stats/district:{district}", headers=headers, params={"period": month})
    board = demo.call("GET", "evaluation", "/leaderboards/red-black", headers=headers,
                      params={"parent_id": district, "month": month})
    shifts = {k: stats["counters"][k] for k in SHIFT_KEYS} | {
        "shift_attendance_rate": stats["derived"]["shift_attendance_rate"]}
    return stats["time_in_state"], board, shifts


def show_time_figures(demo: Any, district: str = DISTRICT) -> dict[str, Any]:
    figures, board, shifts = time_figures(demo, district)
    print(f"    本月诉求时效 ({board['month']}): 受理 {figures['items_received']} 项"
          f"（需求 {figures['items_need']}、微心愿 {figures['items_wish']}、建议 {figures['items_suggestion']}），"
          f"响应率 {_pct(figures['response_rate'])}，办结率 {_pct(figures['closure_rate'])}，"
          f"满意率 {_pct(figures['satisfaction_rate'])}；首次认领用时中位数 "
          f"{_num(figures['first_claim_hours_median'], '小时')}，办结用时中位数 {_num(figures['close_days_median'], '天')}")
    for title, rows in (("红榜", board["red"]), ("黑榜", board["black"])):
        shown = "、".join(f"{r['name']} {r['figures']['composite_score']:g} 分" for r in rows) or "暂无"
        print(f"    本月{title}: {shown}")
    print(f"    本月岗位服务: 开展班次 {shifts['shifts_held']} 班，报名 {shifts['shift_signups']} 人次，"
          f"到岗 {shifts['shift_attended']} 人次（到岗率 {_pct(shifts['shift_attendance_rate'])}），"
          f"服务 {shifts['shift_hours']:g} 小时")
    return {"figures": figures, "board": board, "shifts": shifts}
