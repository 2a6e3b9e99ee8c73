"""Claims that cannot block a demand (issue 14 point 1): who may give a claim back, when, and why. Pure.

A claim ends without service in one of four ways, each recorded on the claim and in its
demand.claim_released event (``released_by``):

- ``claimant``: the member or unit gives it back (撤回认领), only before recording service;
- ``official``: an official of the demand's place takes it back (收回) or hands it over
  (转交) to another member or unit, with a reason — also after a fulfilment awaiting review;
- ``idle``: nobody recorded service for too long (超时未服务): warned first, then released;
- ``withdrawal``: the community withdrew the demand (撤回需求): every open claim goes.

Released claims earn nothing (evaluation awards points on an approved verification only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.localtime import earlier, later, rfc3339

from .rules import Refusal

RELEASABLE: dict[str, tuple[str, ...]] = {
    "claimant": ("claimed",),
    "official": ("claimed", "fulfilled"),
    "idle": ("claimed",),
    "withdrawal": ("claimed", "fulfilled"),
}
BY_LABELS = {"claimant": "认领方撤回", "official": "工作人员收回", "idle": "超时未登记服务，自动释放",
             "withdrawal": "需求已撤回"}
WITHDRAWABLE_KINDS = ("need", "position", "duty", "project")  # a wish is its poster's (or is rejected)
CLAIMANT_LABELS = {"member": "党员", "unit": "单位"}

NOT_RELEASABLE = Refusal(409, "bad-claim-state",
                         "该认领已核验或已撤回，或需求已办结，不能收回或转交 (claim cannot be released now)")
SAME_CLAIMANT = Refusal(422, "handover-to-same-claimant", "不能转交给原认领方 (hand-over to the same claimant)")
TARGET_HOLDS = Refusal(409, "already-claimed", "接收方已认领该需求，不能重复转交 (the new claimant already holds a claim)")
NOT_WITHDRAWABLE = Refusal(409, "demand-not-open", "该需求已办结、已撤回或尚未发布，不能撤回 (demand is not open)")
WISH_NOT_WITHDRAWABLE = Refusal(
    409, "wish-not-withdrawable", "微心愿由居民本人撤回或由社区审核驳回，不能在此撤回 (withdraw a wish through its own flow)")
NOT_RESIZABLE = Refusal(409, "demand-not-open", "该需求已办结或已撤回，不能调整名额 (demand is not open)")

# Why the new claimant may not take the claim, said about them (the eligibility texts address the claimant).
_TARGET_REASONS = {
    "unknown-claimant": "接收方未报到或不存在",
    "claimant-inactive": "接收方已停用",
    "not-reported": "接收方未到该社区报到",
    "not-in-street": "接收方未到本街道任一社区报到",
}


def handover_refusal(refusal: Refusal, target_kind: str, required: list[str]) -> Refusal:
    """The eligibility refusal of a hand-over's new claimant, as a 422 the official can act on."""
    if refusal.reason == "kind-not-accepted":
        why = f"该需求不接受{CLAIMANT_LABELS.get(target_kind, target_kind)}认领"
    elif refusal.reason == "missing-specialty":
        why = f"接收方不具备所需专长：{'、'.join(required)}"
    else:
        why = _TARGET_REASONS.get(refusal.reason, refusal.detail)
    return Refusal(422, "handover-target-not-eligible", f"不能转交：{why} (the new claimant is not eligible)",
                   refusal.reason)


def capacity_refusal(new_capacity: int, taken: int) -> Refusal | None:
    """Never fewer places than are taken (claimed, fulfilled or verified claims)."""
    if new_capacity < taken:
        return Refusal(409, "capacity-below-taken",
                       f"已有 {taken} 个名额被认领，名额不能少于 {taken} (capacity below the places taken)")
    return None


def release_text(title: str, by: str, reason: str | None) -> str:
    why = f"，原因：{reason}" if reason else ""
    return f"【认领已释放】您认领的「{title}」已释放（{BY_LABELS[by]}{why}）"


def handover_texts(title: str, reason: str) -> dict[str, str]:
    return {"old": f"【认领已转交】您认领的「{title}」已由工作人员转交他人，原因：{reason}",
            "new": f"【认领转交】「{title}」已由工作人员转交给您，请及时服务并登记，转交原因：{reason}"}


def since_of(claim: dict[str, Any]) -> Any:
    """When the claim last started waiting for service: claimed, or sent back for more work."""
    if claim.get("verified_at") is not None and claim["status"] == "claimed":
        return claim["verified_at"]
    return claim["claimed_at"]


IDLE_STEPS = ("idle_warn", "idle_release")


def wait_mark(since: datetime) -> str:
    """The start of a wait as text, to the millisecond: what the database keeps of a datetime."""
    return rfc3339(since.replace(microsecond=since.microsecond // 1000 * 1000))


def idle_jobs(claim_id: str, since: datetime, *, idle_days: float | None, warn_days: float,
              now: datetime) -> list[dict[str, Any]]:
    """The warning and the release of a claim idle since ``since``; none when the rule is off.

    Ids name the claim and the start of the wait, so a claim sent back for more work gets a
    fresh pair while the old pair, run late, sees another start and does nothing.
    """
    if not idle_days:
        return []
    release_at = later(since, days=idle_days)
    warn_at = earlier(release_at, days=warn_days)
    mark = wait_mark(since)
    steps = [("idle_release", release_at)]
    if warn_days > 0 and warn_at > now:
        steps.insert(0, ("idle_warn", warn_at))
    return [{"_id": f"{claim_id}:{step}@{mark}", "kind": f"claim.{step}", "subject_kind": "claim",
             "subject_id": claim_id, "step": step, "since": mark, "release_at": release_at, "due_at": at,
             "status": "pending"}
            for step, at in steps]


def idle_warning_text(title: str, formatted: str) -> str:
    return f"【认领超时提醒】您认领的「{title}」尚未登记服务，若 {formatted} 前仍未登记，认领将自动释放"
