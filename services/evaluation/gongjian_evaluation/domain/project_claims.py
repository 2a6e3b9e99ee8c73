"""Claims events (demands, wishes, suggestions) and evaluation's own commands applied to the state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .ledger import Source, award, revoke
from .periods import month_key, parse_time, year_of
from .points import Earning, earning_for_rating, earning_for_service, rule_in_force
from .state import Holder, State
from .stats import add, bucket_keys


def _place(ev: dict[str, Any], data: dict[str, Any]) -> str:
    return str(data.get("community_id") or ev.get("communityid") or ev.get("districtid") or "_unplaced")


place_of = _place  # the place a claims event is counted in (also for time in state)


def _count(state: State, fx: Any, place: str, at: datetime, counter: str, amount: float = 1) -> None:
    for key in bucket_keys(place, month_key(at)):
        add(state.buckets[key], counter, amount)
    fx.places.add(place)


def _source(ev: dict[str, Any], at: datetime) -> Source:
    return Source(ev["id"], ev["type"], at, ev.get("communityid"), ev.get("districtid"))


def _active(holder: Holder, at: datetime, fx: Any) -> None:
    """Verified activity restarts the inactivity clock (never moves it back: replays change nothing)."""
    holder.basis = max(holder.basis, at) if holder.basis else at
    holder.last_activity = max(holder.last_activity, at) if holder.last_activity else at
    holder.active_months.add(month_key(at))
    fx.members.add(holder.id)


def counter(name: str) -> Callable[..., None]:
    def handle(state, ev, data, at, ctx, fx):
        _count(state, fx, _place(ev, data), at, name)
    return handle


def demand_claimed(state, ev, data, at, ctx, fx):
    if data.get("claim_id") and data.get("claimant_id"):
        state.claims[str(data["claim_id"])] = (str(data["claimant_id"]), str(data.get("claimant_kind", "member")))
    _count(state, fx, _place(ev, data), at, "demands_claimed")
    if data.get("via") == "handover":
        _count(state, fx, _place(ev, data), at, "claims_handed_over")


def claim_released(state, ev, data, at, ctx, fx):
    """Issue 14.1: a claim ended without service; who ended it is counted apart (a hand-over is
    counted once, by the demand.claimed that follows it)."""
    place = _place(ev, data)
    _count(state, fx, place, at, "claims_released")
    by = data.get("released_by")
    if by == "official" and not data.get("handed_over_to"):
        _count(state, fx, place, at, "claims_revoked")
    elif by == "idle":
        _count(state, fx, place, at, "claims_idle_released")


def demand_fulfilled(state, ev, data, at, ctx, fx):
    _count(state, fx, _place(ev, data), at, "demands_fulfilled")


def demand_verified(state, ev, data, at, ctx, fx):
    if not data.get("approved", False):
        return  # sent back: no service to count, no points
    place, hours = _place(ev, data), float(data.get("hours") or 0)
    claimant, kind = str(data["claimant_id"]), str(data.get("claimant_kind", "member"))
    _count(state, fx, place, at, "demands_verified")
    _count(state, fx, place, at, "hours_served", hours)
    _count(state, fx, place, at, "participants")
    _count(state, fx, place, at, "beneficiaries", float(data.get("beneficiaries") or 0))
    holder = state.holder(claimant, kind)
    year = year_of(at)
    holder.hours[year] = round(holder.hours.get(year, 0.0) + hours, 2)
    holder.services[year] = holder.services.get(year, 0) + 1
    if kind == "member":
        _active(holder, at, fx)
    rule = rule_in_force(ctx.rules, at)
    earnings = earning_for_service(rule, hours=hours, category=data.get("category"), claimant_kind=kind,
                                   approved=True)
    fx.events += award(state, ctx.decide, rule, holder_id=claimant, holder_kind=kind, earnings=earnings,
                       source=_source(ev, at))


def demand_rated(state, ev, data, at, ctx, fx):
    """群众评价 1–5: counted once per rating; every verified claimant it names earns rating points."""
    score = data.get("score", data.get("stars", data.get("rating")))
    if score is None:
        return
    score = int(score)
    place = _place(ev, data)
    _count(state, fx, place, at, "ratings_count")
    _count(state, fx, place, at, "ratings_sum", score)
    claimants = list(data.get("claimants") or [])
    if not claimants and (data.get("claimant_id") or data.get("claim_id") in state.claims):
        claimant = data.get("claimant_id") or state.claims[data["claim_id"]][0]
        claimants = [{"claimant_id": claimant, "claimant_kind": data.get("claimant_kind", "member")}]
    rule = rule_in_force(ctx.rules, at)
    for c in claimants:
        holder_id, kind = str(c["claimant_id"]), str(c.get("claimant_kind", "member"))
        holder = state.holder(holder_id, kind)
        rating = holder.ratings.setdefault(year_of(at), [0.0, 0])
        rating[0] += score
        rating[1] += 1
        source = Source(f"{ev['id']}" if len(claimants) == 1 else f"{ev['id']}:{holder_id}", ev["type"], at,
                        ev.get("communityid"), ev.get("districtid"))
        fx.events += award(state, ctx.decide, rule, holder_id=holder_id, holder_kind=kind,
                           earnings=earning_for_rating(rule, score), source=source)


def demand_closed(state, ev, data, at, ctx, fx):
    if data.get("outcome") == "withdrawn":
        return  # 撤回 is not 销号: the demand was never done (its claims were released, nothing to award)
    place = _place(ev, data)
    _count(state, fx, place, at, "demands_closed")
    if (data.get("kind") == "wish" or data.get("wish_id")) and data.get("outcome", "completed") == "completed":
        _count(state, fx, place, at, "wishes_fulfilled")


def suggestion_resolved(state, ev, data, at, ctx, fx):
    place = _place(ev, data)
    _count(state, fx, place, at, "suggestions_closed")
    if data.get("outcome", "resolved") == "resolved":
        _count(state, fx, place, at, "suggestions_resolved")


def activity_recorded(state, ev, data, at, ctx, fx):
    """A joint activity (联学共建) a community recorded: points and activity for each participant."""
    held = parse_time(data.get("held_at"), at)
    place = _place(ev, data)
    _count(state, fx, place, held, "activities")
    rule = rule_in_force(ctx.rules, held)
    for member_id in data.get("participant_ids", []):
        _count(state, fx, place, held, "participants")
        holder = state.holder(str(member_id), "member")
        _active(holder, held, fx)
        source = Source(f"{ev['id']}:{member_id}", "activity.recorded", held, ev.get("communityid"), ev.get("districtid"))
        fx.events += award(state, ctx.decide, rule, holder_id=str(member_id), holder_kind="member",
                           earnings=[Earning("joint_activity", rule.joint_activity)], source=source)


def points_revocation(state, ev, data, at, ctx, fx):
    if f"{data['entry_id']}:revoked" in state.entry_index:
        return  # taken back already (a shift's corrected hours do it themselves; a rebuild replays both)
    _, event = revoke(state, entry_id_=str(data["entry_id"]), reason=str(data.get("reason", "")),
                          command_id=ev["id"])
    fx.events.append(event)


HANDLERS: dict[str, Callable[..., None]] = {
    "demand.published": counter("demands_published"), "demand.claimed": demand_claimed,
    "demand.claim_released": claim_released, "demand.fulfilled": demand_fulfilled,
    "demand.verified": demand_verified, "demand.rated": demand_rated,
    "demand.overdue": counter("demands_overdue"), "demand.closed": demand_closed,
    "wish.posted": counter("wishes_posted"), "wish.approved": counter("wishes_approved"),
    "wish.rejected": counter("wishes_rejected"),
    "suggestion.received": counter("suggestions_received"), "suggestion.assigned": counter("suggestions_assigned"),
    "suggestion.resolved": suggestion_resolved,
    "activity.recorded": activity_recorded, "points.revocation": points_revocation,
}
