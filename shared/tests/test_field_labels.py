"""Every request field of every service has a Chinese label for its error messages.

A new field without one fails here: add ``title="…"`` to its Field/Query, or a line to
shared/gongjian_shared/labels.py (FIELD_LABELS)."""

import importlib
from pathlib import Path

from fastapi.routing import APIRoute
from pydantic import BaseModel

from gongjian_shared.validation import _fields_of, field_label, route_params

ROOT = Path(__file__).resolve().parents[2]


def _apps():
    for bootstrap in sorted(ROOT.glob("services/*/gongjian_*/bootstrap.py")):
        module = importlib.import_module(f"{bootstrap.parent.name}.bootstrap")
        if hasattr(module, "build_app"):
            yield bootstrap.parent.name, module.build_app()


def _api_routes(routes) -> list[APIRoute]:
    """APIRoutes, also inside included routers (FastAPI keeps those as one lazy route each)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (router := getattr(route, "original_router", None)) is not None:
            found += _api_routes(router.routes)
    return found


def _body_paths(fields: dict, prefix: list, seen: set) -> list[list]:
    paths = []
    for name, info in fields.items():
        paths.append([*prefix, info.alias or name])
        nested = _fields_of(info.annotation)
        key = id(info.annotation)
        if nested and key not in seen:
            paths += _body_paths({n: f for n, f in nested.items() if f.alias is None or n == f.alias}, [*prefix, name], seen | {key})
    return paths


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_request_field_has_a_chinese_label():
    unlabelled = set()
    for service, app in _apps():
        routes = _api_routes(app.routes)
        assert len(routes) > 20, service  # the walk reaches the included routers
        for route in routes:
            locs = [[where, p.alias] for where in ("query", "path", "header") for p in route_params(route.dependant, where)]
            for p in route.dependant.body_params:
                if isinstance(p.field_info.annotation, type) and issubclass(p.field_info.annotation, BaseModel):
                    locs += [["body", *path] for path in _body_paths(p.field_info.annotation.model_fields, [], set())]
                else:
                    locs.append(["body", p.alias])
            for loc in locs:
                if not _has_chinese(field_label(loc, route).split("·")[-1]):  # the field itself, not its parent
                    unlabelled.add(f"{service} {route.path} {'.'.join(map(str, loc))}")
    assert not unlabelled, "fields without a Chinese label (add Field(title=...) or labels.FIELD_LABELS):\n" + "\n".join(sorted(unlabelled))
