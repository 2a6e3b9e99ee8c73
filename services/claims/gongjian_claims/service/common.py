"""Small helpers the use cases share: events of this service, lookups, refusals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.envelope import CloudEvent, new_event
from gongjian_shared.localtime import rfc3339
from gongjian_shared.problems import Problem

from ..adapters import journal
from ..adapters.store import CLAIMS, DEMANDS, MEMBERS, UNITS
from ..domain.rules import Refusal

SOURCE = "gongjian/claims"


def refuse(refusal: Refusal) -> Problem:
    return Problem(refusal.status, refusal.detail, code=refusal.code, **refusal.extra())


def demand_event(demand: dict[str, Any], type_: str, data: dict[str, Any]) -> CloudEvent:
    """An event on claims.demands.v1: every one names the demand, its place, kind and category."""
    base = {"demand_id": demand["_id"], "community_id": demand["community_id"], "kind": demand["kind"],
            "category": demand["category"]}
    return new_event(source=SOURCE, type=type_, subject=demand["_id"], data={**base, **data},
                     districtid=demand.get("district_id"), communityid=demand["community_id"])


def wish_event(wish: dict[str, Any], type_: str, data: dict[str, Any]) -> CloudEvent:
    base = {"wish_id": wish["_id"], "community_id": wish["community_id"]}
    return new_event(source=SOURCE, type=type_, subject=wish["_id"], data={**base, **data},
                     districtid=wish.get("district_id"), communityid=wish["community_id"])


def suggestion_event(suggestion: dict[str, Any], type_: str, data: dict[str, Any]) -> CloudEvent:
    base = {"suggestion_id": suggestion["_id"], "community_id": suggestion["community_id"]}
    return new_event(source=SOURCE, type=type_, subject=suggestion["_id"], data={**base, **data},
                     districtid=suggestion.get("district_id"), communityid=suggestion["community_id"])


def not_found(what: str, code: str, item_id: str) -> Problem:
    return Problem(404, f"{what}不存在：{item_id} (unknown {code.removeprefix('unknown-')})", code=code)


async def get_demand(db: Any, demand_id: str) -> dict[str, Any]:
    demand = await journal.load(db, DEMANDS, demand_id)
    if demand is None:
        raise not_found("需求", "unknown-demand", demand_id)
    return demand


async def get_claim(db: Any, demand_id: str, claim_id: str) -> dict[str, Any]:
    claim = await journal.load(db, CLAIMS, claim_id)
    if claim is None or claim["demand_id"] != demand_id:
        raise not_found("认领记录", "unknown-claim", claim_id)
    return claim


async def claims_of(db: Any, demand_id: str) -> list[dict[str, Any]]:
    return await db[CLAIMS].find({"demand_id": demand_id}).sort("claimed_at", 1).to_list(None)


def changed_meanwhile() -> Problem:
    return Problem(409, "数据已被他人修改，请刷新后重试 (changed meanwhile, retry)", code="conflict")


def require_acts_for(acts_for: Any, path: list[str], what: str) -> None:
    if not acts_for(path):
        raise Problem(403, f"只能{what}本辖区的事项 (outside your places)", code="outside-your-places")


def iso(value: Any) -> Any:
    """Datetimes in event data as RFC 3339 UTC strings."""
    if isinstance(value, datetime):
        return rfc3339(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


_KNOWN = {"member": (MEMBERS, "党员"), "unit": (UNITS, "单位")}


async def require_known_holder(db: Any, kind: str, holder_id: str, what: str) -> None:
    """A member or unit given as assignee/owner must be one claims knows (its projections of the
    registry's events): 422 ``unknown-assignee`` in Chinese otherwise — a typo or an id from
    elsewhere would leave the work with nobody. A just-registered one may still be on its way
    over Kafka: the message says to retry. Officials are portal accounts, not projected: not checked."""
    if kind not in _KNOWN:
        return
    store, label = _KNOWN[kind]
    if await db[store].find_one({"_id": holder_id}, {"_id": 1}) is None:
        raise Problem(422, f"{what}不存在：没有编号为 {holder_id} 的{label}（新登记的请稍后再试） (unknown {kind})",
                      code="unknown-assignee")
