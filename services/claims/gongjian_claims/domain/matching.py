"""Matching (精准对接 / 就近分流). Pure ranking functions.

For a member: open demands they may claim, best first. Specialty fit counts most, then
how close the place is (home community, work community, same street), then urgency and
how many places are left. For a street: its communities with the fewest paired units
first, so new units are steered there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.localtime import later, to_utc

from .rules import Claimant


def demand_score(demand: dict[str, Any], claimant: Claimant, item_specialty: str | None, now: datetime,
                 taken: int = 0) -> float:
    score = 0.0
    wanted = set(demand["rules"].get("required_specialties") or []) | ({item_specialty} if item_specialty else set())
    if wanted & claimant.specialties:
        score += 4.0
    community = demand["community_id"]
    if community == claimant.home_community:
        score += 3.0
    elif community == claimant.work_community:
        score += 2.5
    elif community in claimant.communities:
        score += 2.0
    elif demand.get("street_id") in claimant.streets:
        score += 1.0
    due = demand.get("due_at")
    if due is not None and due <= later(now, days=3):
        score += 1.0  # due soon: help it get done
    capacity = max(int(demand.get("capacity") or 1), 1)
    score += 0.5 * max(capacity - taken, 0) / capacity  # many places still open
    return round(score, 3)


def rank_demands(scored: list[tuple[float, dict[str, Any]]]) -> list[tuple[float, dict[str, Any]]]:
    def due(demand: dict[str, Any]) -> float:
        return to_utc(demand["due_at"]).timestamp() if demand.get("due_at") else float("inf")
    return sorted(scored, key=lambda sd: (-sd[0], due(sd[1]), sd[1]["_id"]))


def rank_communities(communities: list[dict[str, Any]], units_per_community: dict[str, int]) -> list[dict[str, Any]]:
    """Fewest paired units first; those under the street's average are marked as targets."""
    counts = [units_per_community.get(c["_id"], 0) for c in communities]
    average = sum(counts) / len(counts) if counts else 0.0
    ranked = sorted(communities, key=lambda c: (units_per_community.get(c["_id"], 0), c.get("name", ""), c["_id"]))
    return [{"community_id": c["_id"], "name": c.get("name"), "paired_units": units_per_community.get(c["_id"], 0),
             "steer_here": units_per_community.get(c["_id"], 0) < average} for c in ranked]
