"""Claim rules (认领规则) and who may claim. Pure: no I/O.

Rules live at two levels: a community sets its defaults, a demand may override any of
them. The effective rules are frozen into the demand when it is published, so changing a
community's defaults later never changes the terms of a demand people already claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ClaimantKind = Literal["member", "unit"]
Scope = Literal["community", "street"]

RULE_FIELDS = ("claimant_kinds", "scope", "required_specialties", "max_open_claims",
               "claim_window_days", "fulfil_within_days", "remind_before_hours", "escalate_after_hours")

DEFAULT_RULES: dict[str, Any] = {
    "claimant_kinds": ["member"],
    "scope": "community",           # reported to this community; "street": to any community of the street
    "required_specialties": [],     # any one of them is enough
    "max_open_claims": None,        # open claims one claimant may hold at once (None: no limit)
    "claim_window_days": None,      # claims close this many days after publishing (unless a deadline is given)
    "fulfil_within_days": None,     # fulfilment deadline (due date) relative to publishing
    "remind_before_hours": 24.0,    # supervision: remind claimants this long before the due date
    "escalate_after_hours": 48.0,   # supervision: escalate to the street this long after it is overdue
}


def effective_rules(community_rules: dict[str, Any] | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """Defaults ← community rules ← the demand's own overrides (None means "not given")."""
    rules = dict(DEFAULT_RULES)
    for source in (community_rules or {}, overrides):
        rules.update({k: v for k, v in source.items() if k in RULE_FIELDS and v is not None})
    return rules


def kinds_for_item(preferred: list[str], item_kinds: list[str] | None) -> list[str]:
    """Who may claim a demand that does not say: the catalogue item bounds it (issue 14 point 5).

    The community's preferred kinds are kept where the item allows them; when the item allows
    none of them (a 资金扶持 item is for units, the default is members), the item's own kinds
    apply — else nobody could claim the demand at all.
    """
    if not item_kinds:
        return list(preferred)
    return [k for k in preferred if k in item_kinds] or list(item_kinds)


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    detail: str
    reason: str = ""  # finer machine-readable reason under the same code

    def extra(self) -> dict[str, str]:
        return {"reason": self.reason} if self.reason else {}


def not_eligible(reason: str, detail: str) -> Refusal:
    return Refusal(403, "not-eligible", detail, reason)


WRONG_KIND = {
    "member": not_eligible("kind-not-accepted", "该需求只接受共建单位认领 (only units may claim this demand)"),
    "unit": not_eligible("kind-not-accepted", "该需求只接受党员个人认领 (only members may claim this demand)"),
}
UNKNOWN_CLAIMANT = not_eligible("unknown-claimant", "未找到您的报到信息，请先到社区报到 (no reporting record found)")
INACTIVE = not_eligible("claimant-inactive", "您的党员信息已停用，不能认领 (member deactivated)")
NOT_REPORTED = not_eligible("not-reported", "您尚未到该社区报到，不能认领 (not reported to this community)")
NOT_IN_STREET = not_eligible("not-in-street",
                             "您尚未到本街道任一社区报到，不能认领 (not reported to any community of this street)")
NO_SPECIALTY = not_eligible("missing-specialty", "该需求需要特定专长：{} (a required specialty is missing)")


@dataclass(frozen=True)
class Claimant:
    """What the eligibility check needs to know about a member or a unit."""

    claimant_id: str
    kind: str
    known: bool = True
    active: bool = True
    communities: frozenset[str] = frozenset()      # reported to (members) / paired with or reported to (units)
    streets: frozenset[str] = frozenset()          # the streets of those communities
    specialties: frozenset[str] = field(default_factory=frozenset)
    home_community: str | None = None
    work_community: str | None = None


def eligibility(demand: dict[str, Any], claimant: Claimant) -> Refusal | None:
    """Who may claim: accepted kind, reported to the community (or street), required specialty."""
    rules = demand["rules"]
    if claimant.kind not in rules["claimant_kinds"]:
        return WRONG_KIND[claimant.kind]
    if not claimant.known:
        return UNKNOWN_CLAIMANT
    if not claimant.active:
        return INACTIVE
    if rules["scope"] == "street":
        if demand["community_id"] not in claimant.communities and demand.get("street_id") not in claimant.streets:
            return NOT_IN_STREET
    elif demand["community_id"] not in claimant.communities:
        return NOT_REPORTED
    required = rules.get("required_specialties") or []
    if claimant.kind == "member" and required and not set(required) & claimant.specialties:
        return Refusal(403, NO_SPECIALTY.code, NO_SPECIALTY.detail.format("、".join(required)), NO_SPECIALTY.reason)
    return None
