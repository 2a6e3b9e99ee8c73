"""Point rules (versioned, city admin), configuration of ratings and weights, time checks on demand."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import StartTime, rfc3339
from gongjian_shared.problems import Problem
from pydantic import BaseModel, Field

from ...adapters.store import CONFIG, RULES
from ...domain.points import rules_from_doc
from .access import evaluation

router = APIRouter(tags=["规则与配置 rules & config"])


@router.get("/rules", summary="积分规则各版本 point rule versions")
async def list_rules(request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin", "district_admin", "community_admin")
    ev = evaluation(request)
    return {"versions": [r.as_dict() for r in sorted(ev.projector.rules, key=lambda r: r.version)]}


class Caps(BaseModel):
    day: float | None = Field(50, ge=0)
    year: float | None = Field(2000, ge=0)


class NewRules(BaseModel):
    effective_from: StartTime = Field(description="生效时间（不带时区按本地时间；只给日期即当日零点），不得早于当前时间 (not in the past: history keeps its rules)")
    hourly: dict[str, float] = Field(default_factory=dict, description="按类别每小时积分 points per hour by category")
    default_hourly: float = Field(10, ge=0)
    joint_activity: float = Field(20, ge=0)
    rating: dict[str, float] = Field(default_factory=lambda: {"5": 5, "4": 3})
    caps: Caps = Caps()


@router.post("/rules", status_code=201, summary="发布新版积分规则 publish a new rule version (city admin)")
async def add_rules(body: NewRules, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    ev = evaluation(request)
    effective = body.effective_from
    if effective < ev.clock.now():
        raise Problem(422, "生效时间不能早于现在：已记入的积分保留原规则 (effective_from must not be in the past)",
                      code="rule-in-the-past")
    async with ev.projector.lock:  # no batch applies while the rule set changes
        version = max(r.version for r in ev.projector.rules) + 1
        doc = {"_id": version, "version": version, "effective_from": rfc3339(effective),
               **body.model_dump(exclude={"effective_from"}), "created_by": principal.sub,
               "created_at": rfc3339(ev.clock.now())}
        await ev.runtime.db[RULES].insert_one(doc)
        ev.projector.rules.append(rules_from_doc(doc))
    return rules_from_doc(doc).as_dict()


@router.get("/config", summary="评定与考核配置 rating criteria, year-end weights, health thresholds")
async def get_config(request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin", "district_admin", "community_admin")
    return evaluation(request).config


class ConfigPatch(BaseModel):
    five_star: list[dict[str, Any]] | None = None
    year_end: dict[str, Any] | None = None
    commendation_top: int | None = Field(None, ge=1, le=100)
    health: dict[str, float] | None = None


@router.put("/config", summary="修改配置 change the configuration (city admin)")
async def put_config(body: ConfigPatch, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    ev = evaluation(request)
    patch = body.model_dump(exclude_none=True)
    for criterion in patch.get("five_star", []):
        if "metric" not in criterion or "min" not in criterion:
            raise Problem(422, "每条标准需要 metric 与 min (each criterion needs metric and min)", code="bad-criterion")
    for who in ("member", "unit"):
        if who in patch.get("year_end", {}) and "weights" not in patch["year_end"][who]:
            raise Problem(422, f"year_end.{who} 需要 weights (weights missing)", code="bad-weights")
    ev.config.update(patch)
    await ev.runtime.db[CONFIG].replace_one({"_id": "config"}, {"_id": "config", **ev.config}, upsert=True)
    return ev.config


@router.post("/admin/tick", summary="立即执行定时检查 run the time-based checks now (city admin)")
async def tick(request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    return await evaluation(request).tick()

