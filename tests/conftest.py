"""Fixtures of the cross-service tests: the three services, each in its own process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the console's browser test reuses the mobile one's stack

from gongjian_shared.testing import ServiceProcess


@pytest.fixture
def services(ns):
    """{service name: base URL} for registry, claims and evaluation started as processes."""
    registry = ServiceProcess("registry", ns.env(GONGJIAN_LOG_LEVEL="WARNING"))
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", REGISTRY_URL=registry.url)  # evaluation asks it for names
    procs = [registry, *(ServiceProcess(name, env) for name in ("claims", "evaluation"))]
    try:
        for proc in procs:
            proc.start()
        yield {p.service: p.url for p in procs}
    finally:
        for proc in procs:
            proc.stop()
