"""Who may call a route, declared on the route itself: authorization as data.

Every HTTP route of every service says, in its decorator, which roles may call it
(function level) and where the place it acts on comes from (object level)::

    @router.get("/meetings/{meeting_id}", **allow(*OFFICIALS, place="object"))

``allow`` returns route keyword arguments: a dependency that refuses other roles (401
without a valid token, 403 for a role not listed) and the rule itself as the OpenAPI
extension ``x-gongjian-access``, with the 401/403 problem answers documented. The
handler (or its use case) still checks the object level, since only it knows the
object; ``tests/security`` reads the rules back from every service's OpenAPI and probes
each route with tokens of the object's place, a sibling place and another district.

Place sources (the ``place`` argument):

- ``"path:<name>"``, ``"query:<name>"``, ``"body:<field>"``: the place (or unit) id the
  request names; the caller must act for it (the id lies on the token's places' subtree).
- ``"object"``: the addressed object's own place, checked once it is loaded.
- ``"own"``: the caller's own things only (the token's ``sub`` or one of its ``places``).
- ``"own|object"``: the owner, or an official over the object's place.
- ``"shared"``: shared data any listed role reads in every place (``why`` names the policy
  in ``SHARED_POLICIES``; SECURITY.md states them).
- ``"public"``: no token at all (health checks, documents, the static dashboard page, sign-in);
- ``"internal"``: another service's token only (audience ``gongjian-internal``, internal.py);
  no person's token passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, HTTPException
from fastapi.routing import APIRoute, iter_route_contexts

from .auth import BEARER, OFFICIALS, ROLES, Principal, current_principal
from .problems import problem_responses

EXTENSION = "x-gongjian-access"
ANYONE_SIGNED_IN: tuple[str, ...] = ROLES
# The read policy for shared data (SECURITY.md): a "shared" rule names one of these.
SHARED_POLICIES = {
    "place-tree": "地点树（名称、层级、党组织、负责人姓名掩码）全市公开 the place tree is public within the city",
    "catalogue": "服务清单、专长目录与认领规则全市公开 catalogue, specialties and claim rules are public within the city",
    "published": "已发布的需求、岗位、资源（三张清单）向全市认领人公开 published lists are open to claimants citywide",
    "commendations": "表彰名单与评议活动状态公开发布 commendation lists and campaign status are published",
    "city-config": "积分规则与考评配置全市统一，仅管理人员可读 city-wide rules, read by officials",
    "city-admin": "全市范围的维护操作，仅市级管理员 city-wide maintenance by the city admin",
    "glossary": "指标说明（名称、单位、含义），不含数据 what each figure means; no data",
    "templates": "导入模板只有表头与示例，不含数据 import templates hold no data",
}
PLACE_KINDS = ("path", "query", "body", "object", "own", "own|object", "shared", "public", "internal")
__all__ = ["EXTENSION", "ANYONE_SIGNED_IN", "SHARED_POLICIES", "OFFICIALS", "allow", "public", "internal", "rules_of",
           "undeclared"]


def _check_place(place: str) -> None:
    kind = place.split(":", 1)[0]
    if kind not in PLACE_KINDS or (kind in ("path", "query", "body") and ":" not in place):
        raise ValueError(f"unknown place source {place!r}; one of {PLACE_KINDS} (path/query/body take :name)")


def _role_guard(roles: tuple[str, ...], principal_dependency: Callable[..., Any]) -> Callable[..., Any]:
    async def guard(principal: Principal = Depends(principal_dependency)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"无权操作：需要角色 {'/'.join(roles)} (role {principal.role} not allowed)")
        return principal

    return guard


def allow(*roles: str, place: str, why: str = "", principal: Callable[..., Any] = current_principal,
          reveals: bool = False, **route_kwargs: Any) -> dict[str, Any]:
    """Route keyword arguments declaring and enforcing who may call the route.

    ``roles``: the roles that may call it (``ANYONE_SIGNED_IN`` for all six). ``place``: where
    the place it acts on comes from (see the module docstring). ``why``: a short reason,
    for ``shared`` the name of a policy in ``SHARED_POLICIES``. ``principal``: the dependency that authenticates (the
    dashboard's also takes ``?token=``). ``reveals``: the answer holds personal data in clear
    by design (a reveal to staff) and every call is written to the audit log first; declared so
    that tests/security/test_personal_data.py checks the audit entry instead of a masked answer.
    Further keyword arguments (``responses``,
    ``openapi_extra``, ``dependencies``) are merged, not replaced.
    """
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValueError(f"allow() needs roles from {ROLES}; got {roles!r}")
    _check_place(place)
    if place == "shared" and why not in SHARED_POLICIES:
        raise ValueError(f"place='shared' names its policy: why= one of {sorted(SHARED_POLICIES)}")
    if place in ("public", "internal"):
        raise ValueError(f"use {place}(why=...) for routes without a person's token")
    rule: dict[str, Any] = {"roles": list(roles), "place": place, **({"why": why} if why else {})}
    if reveals:
        rule["reveals"] = True
    guards = [Depends(_role_guard(tuple(roles), principal))]
    if principal is current_principal:
        guards.append(BEARER)  # the bearer scheme in the OpenAPI document (current_principal reads the header)
    return _merge(route_kwargs, rule, guards, problem_responses(401, 403))


def public(why: str, **route_kwargs: Any) -> dict[str, Any]:
    """Route keyword arguments for a route anyone may call without a token (``why`` says why)."""
    if not why:
        raise ValueError("public() needs a reason")
    return _merge(route_kwargs, {"roles": [], "place": "public", "why": why}, [], {})


def internal(why: str, **route_kwargs: Any) -> dict[str, Any]:
    """Route keyword arguments for a service-to-service route: a service token only (401 otherwise)."""
    from .internal import service_caller

    if not why:
        raise ValueError("internal() needs a reason")
    return _merge(route_kwargs, {"roles": [], "place": "internal", "why": why}, [Depends(service_caller)],
                  problem_responses(401, 403))


def _merge(kwargs: dict[str, Any], rule: dict[str, Any], dependencies: list[Any],
           responses: dict[int | str, Any]) -> dict[str, Any]:
    merged = dict(kwargs)
    merged["openapi_extra"] = {**(kwargs.get("openapi_extra") or {}), EXTENSION: rule}
    merged["dependencies"] = [*dependencies, *(kwargs.get("dependencies") or [])]
    merged["responses"] = {**responses, **(kwargs.get("responses") or {})}
    return merged


def _api_routes(app: Any) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(METHOD, path, declared rule or None) of every API route, included routers too."""
    found = []
    for context in iter_route_contexts(app.routes):  # FastAPI 0.165 includes routers lazily
        route = context.original_route
        if isinstance(route, APIRoute):
            rule = (getattr(context, "openapi_extra", None) or route.openapi_extra or {}).get(EXTENSION)
            found.extend((method, context.path, rule) for method in sorted(context.methods or ()))
    return found


def rules_of(app: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The registry: (METHOD, path) → declared rule, for every route of ``app`` that has one."""
    return {(method, path): rule for method, path, rule in _api_routes(app) if rule is not None}


def undeclared(app: Any) -> list[tuple[str, str]]:
    """Routes of ``app`` (documented or not) that declare no rule: each one is a failing test."""
    return [(method, path) for method, path, rule in _api_routes(app) if rule is None]
