"""Community claim rules (社区认领规则): read and set the defaults a community's demands start from."""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters import projections
from ..adapters.store import COMMUNITY_RULES
from ..domain.rules import DEFAULT_RULES, RULE_FIELDS
from . import specialties
from .common import require_acts_for


async def community(db: Any, community_id: str) -> dict[str, Any]:
    place = await projections.place(db, community_id)
    if place is None or place.get("kind") != "community":
        raise Problem(422, f"社区不存在或尚未同步：{community_id} (unknown community)", code="unknown-community")
    return place


async def get_rules(db: Any, community_id: str) -> dict[str, Any]:
    doc = await db[COMMUNITY_RULES].find_one({"_id": community_id}) or {}
    return {k: doc[k] for k in RULE_FIELDS if doc.get(k) is not None}


async def show(db: Any, community_id: str) -> dict[str, Any]:
    await community(db, community_id)
    own = await get_rules(db, community_id)
    return {"community_id": community_id, "rules": own, "effective": {**DEFAULT_RULES, **own}}


async def set_rules(db: Any, community_id: str, rules: dict[str, Any], acts_for: Any) -> dict[str, Any]:
    place = await community(db, community_id)
    require_acts_for(acts_for, place["path"], "设置")
    values = {k: v for k, v in rules.items() if k in RULE_FIELDS}
    await specialties.check(db, values.get("required_specialties"))
    unset = {k: "" for k, v in values.items() if v is None}
    update: dict[str, Any] = {"$set": {**{k: v for k, v in values.items() if v is not None}, "updated_at": utc_now()}}
    if unset:
        update["$unset"] = unset
    await db[COMMUNITY_RULES].update_one({"_id": community_id}, update, upsert=True)
    return await show(db, community_id)
