"""Attendance of a shift (班次签到): check-in/out by the QR link, manual entry, corrections of hours.

The QR code is the position's own printed check-in link (domain/checkin.py): a member at the
place scans it within the shift's windows (domain/shifts.py). Hours are credited at check-out;
an official may record the times by hand with a reason (补录), and a member may ask for other
hours (更正申请), which an official approves or declines with a reason. Every step is a
versioned change of the sign-up, so its journal is the audit of who did what and why.

Each crediting emits ``shift.hours_recorded`` (claims.demands.v1) with the sign-up's hours as
they now stand and ``replaces_event_id``, the event of the credit it replaces: evaluation
takes the old points back and books the new ones, each once per event id however often the
event is delivered (at-least-once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import format_short
from gongjian_shared.problems import Problem

from ..adapters import journal
from ..adapters.store import SIGNUPS
from ..domain.shifts import Shift, check_in_refusal, check_out_refusal, credited_hours
from .checkin import check_token
from . import shift_events
from .common import changed_meanwhile, refuse, require_acts_for
from .notifications import notify
from .shift_events import signup_event
from .shifts import LIVE, load_shift, signup_id, view


def _conflict(detail: str, code: str) -> Problem:
    return Problem(409, detail, code=code)


async def _signup(runtime: Any, shift_id: str, member_id: str,
                  acts_for: Any = None) -> tuple[dict[str, Any], Shift, dict[str, Any]]:
    demand, shift = await load_shift(runtime.db, shift_id)
    if acts_for is not None:
        require_acts_for(acts_for, demand["path"], "登记")
    signup = await journal.load(runtime.db, SIGNUPS, signup_id(shift.id, member_id))
    if signup is None or signup["status"] not in LIVE:
        raise _conflict("未报名该班次，请先报名 (not signed up for this shift)", "not-signed-up")
    return demand, shift, signup


def hours_recorded(demand: dict[str, Any], signup: dict[str, Any], hours: float, source: str,
                   reason: str | None) -> Any:
    """The ``shift.hours_recorded`` event of a sign-up's hours as they now stand."""
    return signup_event(demand, signup, "shift.hours_recorded", hours=hours, previous_hours=signup.get("hours"),
                        replaces_event_id=signup.get("credit_event_id"), source=source, reason=reason)


async def _credit(runtime: Any, demand: dict[str, Any], signup: dict[str, Any], hours: float, source: str,
                  reason: str | None, changes: dict[str, Any], steps: tuple[Any, ...] = ()) -> dict[str, Any]:
    """Credit ``hours``; ``steps``: the check-in/out events of the same change, published before the hours."""
    event = hours_recorded(demand, signup, hours, source, reason)
    done = await journal.change(runtime, SIGNUPS, signup, {
        **changes, "hours": hours, "hours_source": source, "credit_event_id": event.id},
        shift_events.on_topic(*steps, event))
    if done is None:
        raise changed_meanwhile()
    return done


async def _scanned(runtime: Any, shift_id: str, member_id: str, token: str,
                   secret: str) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """The shift behind a scanned QR code and the member's sign-up on it (403 bad code, 409 not signed up)."""
    demand, shift = await load_shift(runtime.db, shift_id)
    check_token(secret, demand["_id"], token)
    _, _, signup = await _signup(runtime, shift_id, member_id)
    return demand, shift, signup


async def check_in(runtime: Any, *, shift_id: str, member_id: str, token: str, secret: str) -> dict[str, Any]:
    """扫码签到. 403 bad/expired code; 409 not signed up, already checked in, outside the window."""
    demand, shift, signup = await _scanned(runtime, shift_id, member_id, token, secret)
    if signup["status"] != "signed_up":
        raise _conflict("您已签到过该班次 (already checked in)", "already-checked-in")
    if refusal := check_in_refusal(shift, utc_now()):
        raise refuse(refusal)
    now = utc_now()
    done = await journal.change(runtime, SIGNUPS, signup, {"status": "checked_in", "checked_in_at": now},
                                shift_events.on_topic(shift_events.checked_in(demand, signup, now, "qr")))
    if done is None:
        raise changed_meanwhile()
    return view(done)


async def check_out(runtime: Any, *, shift_id: str, member_id: str, token: str, secret: str) -> dict[str, Any]:
    """扫码签退: the hours are credited (domain/shifts.py rule). 409 not checked in, window passed."""
    demand, shift, signup = await _scanned(runtime, shift_id, member_id, token, secret)
    if signup["status"] != "checked_in":
        raise _conflict("尚未签到或已签退 (not checked in)", "not-checked-in")
    now = utc_now()
    if refusal := check_out_refusal(shift, now):
        raise refuse(refusal)
    hours = credited_hours(shift, signup["checked_in_at"], now)
    return view(await _credit(runtime, demand, signup, hours, "qr", None,
                              {"status": "checked_out", "checked_out_at": now},
                              (shift_events.checked_out(demand, signup, now, "qr"),)))


async def record_by_hand(runtime: Any, *, shift_id: str, member_id: str, checked_in_at: datetime,
                         checked_out_at: datetime, reason: str, by: str, acts_for: Any) -> dict[str, Any]:
    """补录: an official of the place records both times (audited with ``by`` and ``reason``); the hours
    follow the same rule and replace any credited before. 422 times not inside the shift or in the future."""
    demand, shift, signup = await _signup(runtime, shift_id, member_id, acts_for)
    if not checked_in_at < checked_out_at or checked_out_at > utc_now():
        raise Problem(422, "签退须晚于签到，且不能晚于当前时间 (check-out after check-in, not in the future)",
                      code="bad-attendance")
    if checked_out_at <= shift.starts_at or checked_in_at >= shift.ends_at:
        raise Problem(422, "补录时间与班次时间不重叠 (the times miss the shift)", code="bad-attendance")
    hours = credited_hours(shift, checked_in_at, checked_out_at)
    manual = {"by": by, "reason": reason, "at": utc_now()}
    steps = []  # the status steps this entry makes (a sign-up checked out already only gets new hours)
    if signup["status"] == "signed_up":
        steps.append(shift_events.checked_in(demand, signup, checked_in_at, "manual"))
    if signup["status"] != "checked_out":
        steps.append(shift_events.checked_out(demand, signup, checked_out_at, "manual"))
    done = await _credit(runtime, demand, signup, hours, "manual", reason, {
        "status": "checked_out", "checked_in_at": checked_in_at, "checked_out_at": checked_out_at, "manual": manual},
        tuple(steps))
    await notify(runtime, f"shift-manual|{signup['_id']}|{done['v']}", member_id, kind="shift.manual_entry",
                 subject_id=signup["_id"], audience="member", community_id=demand["community_id"],
                 text=f"社区已为您补录 {format_short(shift.starts_at)} 班次的签到签退，计 {hours} 小时。原因：{reason}")
    return view(done)


async def request_correction(runtime: Any, *, shift_id: str, member_id: str, hours: float,
                             reason: str) -> dict[str, Any]:
    """更正申请: the member asks for ``hours`` (0..the shift's length). 409 before the shift starts or while
    another request waits; 422 more hours than the shift has."""
    demand, shift, signup = await _signup(runtime, shift_id, member_id)
    if utc_now() < shift.starts_at:
        raise _conflict("班次尚未开始，不能申请更正工时 (the shift has not started)", "shift-not-started")
    if (signup.get("correction") or {}).get("status") == "pending":
        raise _conflict("已有待审核的更正申请 (a correction is already waiting)", "correction-pending")
    if hours > shift.hours:
        raise Problem(422, f"更正工时不能超过班次时长 {shift.hours} 小时 (more than the shift's hours)",
                      code="bad-hours")
    correction = {"hours": hours, "reason": reason, "status": "pending", "requested_at": utc_now()}
    done = await journal.change(runtime, SIGNUPS, signup, {"correction": correction})
    if done is None:
        raise changed_meanwhile()
    await notify(runtime, f"shift-correction|{signup['_id']}|{done['v']}", demand["community_id"],
                 kind="shift.correction_requested", subject_id=signup["_id"], audience="place",
                 community_id=demand["community_id"],
                 text=f"有党员申请更正 {format_short(shift.starts_at)} 班次工时为 {hours} 小时，请审核")
    return view(done)


async def decide_correction(runtime: Any, *, shift_id: str, member_id: str, approved: bool, reason: str | None,
                            by: str, acts_for: Any) -> dict[str, Any]:
    """Approve (the requested hours are credited) or decline (a reason is required). 409 nothing waiting."""
    demand, shift, signup = await _signup(runtime, shift_id, member_id, acts_for)
    correction = signup.get("correction") or {}
    if correction.get("status") != "pending":
        raise _conflict("没有待审核的更正申请 (no correction waiting)", "no-pending-correction")
    if not approved and not (reason or "").strip():
        raise Problem(422, "不同意更正时必须说明原因 (a reason is required to decline)", code="reason-required")
    decided = {**correction, "status": "approved" if approved else "declined", "decided_by": by,
               "decided_at": utc_now(), "decision_reason": reason}
    if approved:
        done = await _credit(runtime, demand, signup, float(correction["hours"]), "correction",
                             correction["reason"], {"correction": decided, "status": "checked_out"})
    else:
        done = await journal.change(runtime, SIGNUPS, signup, {"correction": decided})
        if done is None:
            raise changed_meanwhile()
    verdict = f"已同意，计 {correction['hours']} 小时" if approved else f"未同意。原因：{reason}"
    await notify(runtime, f"shift-decision|{signup['_id']}|{done['v']}", member_id,
                 kind="shift.correction_decided", subject_id=signup["_id"], audience="member",
                 community_id=demand["community_id"],
                 text=f"您对 {format_short(shift.starts_at)} 班次工时的更正申请{verdict}")
    return view(done)
