"""Hours of shifts (班次工时) from claims' ``shift.hours_recorded``, applied to the state. Pure.

A position served in shifts credits each member's hours per shift: at QR check-out, by an
official's manual entry, or by an approved correction. Each event states the sign-up's hours
as they now stand and ``replaces_event_id``, the earlier credit it replaces: the points of that
credit are taken back (a correction entry, as the ledger does for every correction) and the
new hours earn points under the rules, so a sign-up counts its latest hours once. Events are
applied once per id (the projector skips a redelivered one), and a credit is revoked once.

The steps of a sign-up (``shift.signed_up``, ``shift.signup_cancelled``, ``shift.checked_in``,
``shift.checked_out``) give the 岗位服务 figures of shift_figures.py, in the shift's local month:
each sign-up's state (``state.signups``) makes a repeated or late step count once — a sign-up
counts until cancelled, is attended at its first check-in or credited hours, and its shift is
held at its first attendance.
"""

from __future__ import annotations

from datetime import date

from gongjian_shared.localtime import day_start

from .ledger import award, entry_id, revoke
from .periods import year_of
from .points import earning_for_service, rule_in_force
from .project_claims import _active, _count, _place, _source

REVOKED_KINDS = ("verified_hours", "joint_activity")


def _take_back(state, ev, replaced: str, fx) -> None:
    for kind in REVOKED_KINDS:
        old = entry_id(replaced, kind)
        if old in state.entry_index and f"{old}:revoked" not in state.entry_index:
            _, event = revoke(state, entry_id_=old, reason="班次工时更正 shift hours corrected",
                              command_id=f"{ev['id']}:{kind}")
            fx.events.append(event)


def shift_hours_recorded(state, ev, data, at, ctx, fx):
    place, hours = _place(ev, data), float(data.get("hours") or 0)
    before = float(data.get("previous_hours") or 0)
    claimant, kind = str(data["claimant_id"]), str(data.get("claimant_kind", "member"))
    replaced = data.get("replaces_event_id")
    if replaced:
        _take_back(state, ev, str(replaced), fx)
    else:
        _count(state, fx, place, at, "participants")
    _count(state, fx, place, at, "hours_served", round(hours - before, 2))
    _count(state, fx, place, _day(data, at), "shift_hours", round(hours - before, 2))
    if hours > 0:
        _attended(state, fx, ev, data, at)
    holder = state.holder(claimant, kind)
    year = year_of(at)
    holder.hours[year] = round(holder.hours.get(year, 0.0) + hours - before, 2)
    if not replaced:
        holder.services[year] = holder.services.get(year, 0) + 1
    if kind == "member" and hours > 0:
        _active(holder, at, fx)
    rule = rule_in_force(ctx.rules, at)
    earnings = earning_for_service(rule, hours=hours, category=data.get("category"), claimant_kind=kind,
                                   approved=True)
    fx.events += award(state, ctx.decide, rule, holder_id=claimant, holder_kind=kind, earnings=earnings,
                       source=_source(ev, at))


def _day(data, at):
    """The instant the shift's local day starts: its figures count in that local month."""
    try:
        return day_start(date.fromisoformat(str(data["day"])))
    except (KeyError, ValueError):
        return at


def _signed(state, fx, ev, data, at) -> None:
    if state.signups.get(str(data["signup_id"])) in ("signed", "attended"):
        return
    state.signups[str(data["signup_id"])] = "signed"
    _count(state, fx, _place(ev, data), _day(data, at), "shift_signups")


def _attended(state, fx, ev, data, at) -> None:
    signup = str(data.get("signup_id") or "")
    if not signup or state.signups.get(signup) == "attended":
        return
    _signed(state, fx, ev, data, at)  # a check-in whose sign-up came before these events were published
    state.signups[signup] = "attended"
    place, day = _place(ev, data), _day(data, at)
    _count(state, fx, place, day, "shift_attended")
    shift = str(data.get("shift_id") or "")
    if shift and shift not in state.shifts_held:
        state.shifts_held.add(shift)
        _count(state, fx, place, day, "shifts_held")


def shift_signed_up(state, ev, data, at, ctx, fx):
    _signed(state, fx, ev, data, at)


def shift_signup_cancelled(state, ev, data, at, ctx, fx):
    if state.signups.get(str(data["signup_id"])) == "signed":  # an attended one is not taken back
        state.signups[str(data["signup_id"])] = "cancelled"
        _count(state, fx, _place(ev, data), _day(data, at), "shift_signups", -1)


def shift_checked_in(state, ev, data, at, ctx, fx):
    _attended(state, fx, ev, data, at)


HANDLERS = {"shift.hours_recorded": shift_hours_recorded, "shift.signed_up": shift_signed_up,
            "shift.signup_cancelled": shift_signup_cancelled, "shift.checked_in": shift_checked_in}
