"""Authorization as data: every route of every service declares who may call it, and on which places.

No infrastructure needed: the apps are built, not started. The live probe of these rules is
test_access_probe.py.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI

from gongjian_shared.access import EXTENSION, PLACE_KINDS, SHARED_POLICIES, allow, undeclared
from gongjian_shared.auth import ROLES

from .services import build, operations, service_names

SERVICES = service_names()


def test_the_services_are_found():
    assert {"registry", "claims", "evaluation"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_declares_a_rule(service):
    assert undeclared(build(service)) == [], "declare each route's access with **allow(...) or **public(...)"


@pytest.mark.parametrize("service", SERVICES)
def test_the_rules_are_in_the_openapi_document(service):
    doc = build(service).openapi()
    for method, path, op in operations(doc):
        rule = op.get(EXTENSION)
        assert rule, f"{method} {path} has no {EXTENSION}"
        assert rule["place"].split(":")[0] in PLACE_KINDS and set(rule["roles"]) <= set(ROLES), (method, path, rule)
        if rule["place"] == "shared":
            assert rule["why"] in SHARED_POLICIES, (method, path)
        if rule["place"] not in ("public", "internal"):
            assert rule["roles"], (method, path)
            for status in ("401", "403"):
                assert "application/problem+json" in op["responses"][status]["content"], (method, path, status)


def test_a_route_without_a_rule_is_caught():
    app, router = FastAPI(), APIRouter()

    @router.get("/declared", **allow("city_admin", place="shared", why="city-admin"))
    async def declared() -> dict:
        return {}

    @router.post("/forgotten")
    async def forgotten() -> dict:
        return {}

    app.include_router(router)
    assert undeclared(app) == [("POST", "/forgotten")]


def test_a_rule_must_be_well_formed():
    with pytest.raises(ValueError):
        allow("mayor", place="object")
    with pytest.raises(ValueError):
        allow("resident", place="somewhere")
    with pytest.raises(ValueError):
        allow("resident", place="shared")  # a shared read names its policy
    with pytest.raises(ValueError):
        allow("resident", place="query")  # which parameter?


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_refuses_unknown_fields(service):
    """Point 2 of issue 11, statically: each body schema (and each nested object) is closed."""
    doc = build(service).openapi()
    schemas = doc.get("components", {}).get("schemas", {})
    open_ones = []

    def visit(schema, where, seen):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                visit(schemas[name], name, seen)
            return
        if schema.get("type") == "object" and "properties" in schema and schema.get("additionalProperties") is not False:
            open_ones.append(where)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                visit(schema[key], where, seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                visit(sub, where, seen)
        for name, sub in (schema.get("properties") or {}).items():
            visit(sub, f"{where}.{name}", seen)

    bodies = 0
    for method, path, op in operations(doc):
        for media, content in (op.get("requestBody") or {}).get("content", {}).items():
            if media == "application/json":
                bodies += 1
                visit(content["schema"], f"{method} {path}", set())
    assert bodies > 0
    assert open_ones == [], "request models must derive from gongjian_shared.requests.RequestModel"


@pytest.mark.parametrize("service", SERVICES)
def test_a_total_count_header_is_documented_where_a_route_gives_it(service):
    """A paged list that puts its total in X-Total-Count says so in its 200 answer (answers.PAGED_LIST)."""
    import inspect

    from fastapi.routing import APIRoute, iter_route_contexts

    from gongjian_shared.answers import TOTAL_COUNT_HEADER

    app = build(service)
    doc = app.openapi()
    giving = [(method, context.original_route.path) for context in iter_route_contexts(app.routes)
              if isinstance(context.original_route, APIRoute)
              and any(word in inspect.getsource(context.original_route.endpoint) for word in (TOTAL_COUNT_HEADER,
                                                                                              "with_total("))
              for method in context.original_route.methods]
    assert giving or service in ("portal",), "expected paged lists giving X-Total-Count"
    for method, path in giving:
        answer = doc["paths"][path][method.lower()]["responses"]["200"]
        assert TOTAL_COUNT_HEADER in answer.get("headers", {}), (method, path)
