"""Fixtures of the portal tests: a real registry process, portals in-process or as processes.

The portal talks to the registry over HTTP (internal endpoints, service token), so the
registry runs as its own process on the shared Kafka and MongoDB-wire server. Portals
with special settings (short code life, small limits, OIDC) run in-process; the
forwarding tests that stream run a portal process (an in-process client buffers).
"""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from gongjian_portal.bootstrap import build_app
from gongjian_portal.config import PortalSettings
from gongjian_shared.testing import Namespace, ServiceProcess, app_client, clean_namespace

sys.path.insert(0, str(Path(__file__).parent))  # tests import portal_helpers.py (importlib import mode)
from portal_helpers import City  # noqa: E402


@pytest.fixture(scope="session")
def stack_ns(infra) -> Iterator[Namespace]:
    ns = Namespace(infra)
    yield ns
    clean_namespace(ns)


@pytest.fixture(scope="session")
def registry_url(stack_ns: Namespace) -> Iterator[str]:
    proc = ServiceProcess("registry", stack_ns.env(GONGJIAN_LOG_LEVEL="WARNING")).start()
    try:
        yield proc.url
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def city(registry_url: str) -> City:
    return City(registry_url).build()


def portal_settings(ns: Namespace, registry_url: str, **extra: Any) -> PortalSettings:
    return PortalSettings(mongodb_url=ns.infra.mongodb_url, kafka_bootstrap_servers=ns.infra.kafka_bootstrap,
                          database=ns.db(f"portal_{random.randrange(10**6)}"), registry_url=registry_url,
                          cookie_secure=True, **extra)


@pytest.fixture
def make_portal(stack_ns: Namespace, registry_url: str):
    """``async with make_portal(**settings) as (client, app)``: an in-process portal."""
    @contextlib.asynccontextmanager
    async def _make(**extra: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
        app = build_app(portal_settings(stack_ns, registry_url, **extra))
        async with app_client(app) as client:
            yield client, app
    return _make


@pytest_asyncio.fixture(loop_scope="session")
async def portal(make_portal) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    async with make_portal() as pair:
        yield pair


