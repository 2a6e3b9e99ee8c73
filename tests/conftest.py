"""Fixtures of the cross-service tests: the three services, each in its own process."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the console's browser test reuses the mobile one's stack

from gongjian_shared.testing import Namespace, ServiceProcess, start_together


def _three_services(ns: Namespace) -> Iterator[dict[str, str]]:
    registry = ServiceProcess("registry", ns.env(GONGJIAN_LOG_LEVEL="WARNING"))
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", REGISTRY_URL=registry.url)  # evaluation asks it for names
    procs = [registry, *(ServiceProcess(name, env) for name in ("claims", "evaluation"))]
    try:
        start_together(procs)
        yield {p.service: p.url for p in procs}
    finally:
        for proc in procs:
            proc.stop()


@pytest.fixture
def services(ns):
    """{service name: base URL} for registry, claims and evaluation started as processes."""
    yield from _three_services(ns)


@pytest.fixture(scope="module")
def module_services(module_ns):
    """The same, started once for a module whose tests keep to their own places and ids."""
    yield from _three_services(module_ns)
