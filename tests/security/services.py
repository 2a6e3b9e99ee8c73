"""Every service of the repository, found by folder: a new one (the portal) is included by itself."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def service_names() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))


def build(name: str) -> Any:
    """The service's FastAPI app, built with its default settings (nothing is connected until it starts)."""
    return importlib.import_module(f"gongjian_{name}.bootstrap").build_app()


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return [(m.upper(), path, op) for path, item in doc["paths"].items() for m, op in item.items() if m in methods]
