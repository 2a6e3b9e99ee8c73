"""Point rules (versioned, city admin), configuration of ratings and weights, time checks on demand."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from gongjian_shared.access import OFFICIALS, allow
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import StartTime, local_date, rfc3339
from gongjian_shared.problems import Problem
from pydantic import Field, StringConstraints
from pymongo.errors import DuplicateKeyError

from ...adapters.store import CONFIG, RULES
from ...domain.config_versions import VERSIONED, current_view, in_force
from ...domain.points import rules_from_doc
from ...domain.ratings import DEFAULT_CONFIG, WEIGHT_LABELS
from .access import evaluation

router = APIRouter(tags=["规则与配置 rules & config"])


@router.get("/rules", summary="积分规则各版本 point rule versions", **allow(*OFFICIALS, place="shared", why="city-config"))
async def list_rules(request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin", "district_admin", "community_admin")
    ev = evaluation(request)
    return {"versions": [r.as_dict() for r in sorted(ev.projector.rules, key=lambda r: r.version)]}


# Points are bounded (a 1e308 rule would overflow every balance) and named by keys MongoDB can store
# (no "$", ".", NUL): schemathesis found both as 500s (tests/security/test_fuzz.py).
Points = Annotated[float, Field(ge=0, le=100_000)]
Category = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[^.$\x00]+$")]
Stars = Literal["1", "2", "3", "4", "5"]


class Caps(RequestModel):
    day: float | None = Field(50, ge=0, le=1_000_000)
    year: float | None = Field(2000, ge=0, le=1_000_000)


class NewRules(RequestModel):
    effective_from: StartTime = Field(description="生效时间（不带时区按本地时间；只给日期即当日零点），不得早于当前时间 (not in the past: history keeps its rules)")
    hourly: dict[Category, Points] = Field(default_factory=dict, max_length=200,
                                           description="按类别每小时积分 points per hour by category")
    default_hourly: Points = 10
    joint_activity: Points = 20
    rating: dict[Stars, Points] = Field(default_factory=lambda: {"5": 5, "4": 3},
                                        description="按评价星级加分 points by rating stars (\"1\"–\"5\")")
    caps: Caps = Caps()


@router.post("/rules", status_code=201, summary="发布新版积分规则 publish a new rule version (city admin)",
             **allow("city_admin", place="shared", why="city-admin"))
async def add_rules(body: NewRules, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    ev = evaluation(request)
    effective = body.effective_from
    if effective < ev.clock.now():
        raise Problem(422, "生效时间不能早于现在：已记入的积分保留原规则 (effective_from must not be in the past)",
                      code="rule-in-the-past")
    async with ev.projector.lock:  # no batch applies while the rule set changes
        await ev.projector.load_rules()  # versions other instances added
        version = max(r.version for r in ev.projector.rules) + 1
        doc = {"_id": version, "version": version, "effective_from": rfc3339(effective),
               **body.model_dump(exclude={"effective_from"}), "created_by": principal.sub,
               "created_at": rfc3339(ev.clock.now())}
        try:
            await ev.runtime.db[RULES].insert_one(doc)
        except DuplicateKeyError:  # another instance published this version a moment ago
            raise Problem(409, "刚有另一版积分规则发布，请刷新后重试 (another rule version was just published)",
                          code="rule-version-taken") from None
        ev.projector.rules.append(rules_from_doc(doc))
    return rules_from_doc(doc).as_dict()


@router.get("/config", summary="评定与考核配置 rating criteria, year-end weights, health thresholds",
            **allow(*OFFICIALS, place="shared", why="city-config"))
async def get_config(request: Request, principal: CurrentPrincipal) -> dict:
    """The configuration in force today; ``versions`` holds the dated history of the year-end
    weights and the star criteria (a year is judged by the version in force on 31 December)."""
    require_role(principal, "city_admin", "district_admin", "community_admin")
    ev = evaluation(request)
    return current_view(await ev.load_config(), local_date(ev.clock.now()))


class ConfigPatch(RequestModel):
    five_star: list[dict[str, Any]] | None = None
    year_end: dict[str, Any] | None = None
    commendation_top: int | None = Field(None, ge=1, le=100)
    health: dict[str, float] | None = None
    effective_from: date | None = Field(
        None, title="生效日期", description="年末权重与星级标准从哪天起生效（本地日期）；缺省为今天。此前的年度不受影响")


def check_weights(who: str, weights: Any) -> None:
    """Year-end weights: known items only, none negative, adding up to 1 (422 ``bad-weights``)."""
    known = set(DEFAULT_CONFIG["year_end"][who]["weights"])
    if not isinstance(weights, dict) or not weights or set(weights) - known:
        raise Problem(422, f"权重项目只能是：{'、'.join(WEIGHT_LABELS[k] for k in sorted(known))} (unknown weight item)",
                      code="bad-weights")
    values = list(weights.values())
    if any(not isinstance(v, int | float) or v < 0 for v in values) or abs(sum(values) - 1) > 1e-6:
        raise Problem(422, "权重须为非负数且合计为 1 (weights must be non-negative and add up to 1)",
                      code="bad-weights")


@router.put("/config", summary="修改配置 change the configuration (city admin)",
            **allow("city_admin", place="shared", why="city-admin"))
async def put_config(body: ConfigPatch, request: Request, principal: CurrentPrincipal) -> dict:
    """Year-end weights and star criteria become a new dated version (the past keeps its own);
    the other settings change in place. Each change is one atomic update of the config document.

    422 ``bad-criterion`` / ``bad-weights`` for incomplete settings."""
    require_role(principal, "city_admin")
    ev = evaluation(request)
    patch = body.model_dump(exclude_none=True, exclude={"effective_from"})
    for criterion in patch.get("five_star", []):
        if "metric" not in criterion or "min" not in criterion:
            raise Problem(422, "每条标准需要 metric 与 min (each criterion needs metric and min)", code="bad-criterion")
    for who in ("member", "unit"):
        if who in patch.get("year_end", {}) and "weights" not in patch["year_end"][who]:
            raise Problem(422, f"year_end.{who} 需要 weights (weights missing)", code="bad-weights")
        weights = patch.get("year_end", {}).get(who, {}).get("weights")
        if weights is not None:
            check_weights(who, weights)
    today = local_date(ev.clock.now())
    effective = body.effective_from or today
    config = await ev.load_config()
    update: dict[str, Any] = {"$set": {k: v for k, v in patch.items() if k not in VERSIONED}}
    for key in VERSIONED:
        if key in patch:
            base = in_force(config, key, effective)
            value = {**base, **patch[key]} if isinstance(base, dict) else patch[key]
            update.setdefault("$push", {})[f"versions.{key}"] = {
                "effective_from": effective.isoformat(), "value": value, "set_at": rfc3339(ev.clock.now()),
                "by": principal.sub}
    update = {op: fields for op, fields in update.items() if fields}
    if update:
        await ev.runtime.db[CONFIG].update_one({"_id": "config"}, update, upsert=True)
    return current_view(await ev.load_config(), today)


@router.post("/admin/tick", summary="立即执行定时检查 run the time-based checks now (city admin)",
             **allow("city_admin", place="shared", why="city-admin"))
async def tick(request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    return await evaluation(request).tick()

