"""A FerretDB server built from this checkout's patches (own port and state dir).

The tests of our FerretDB patches run it so that they check this checkout's build whatever
build the shared server runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gongjian_local.infra import InfraConfig, ferretdb, free_port
from gongjian_local.infra.procs import is_alive, quiet_log, stop
from gongjian_local.infra.readiness import mongo_ready
from pymongo import MongoClient


def _start(config: InfraConfig, binary: Path) -> int:
    pid = ferretdb.start(config, binary, quiet_log)
    deadline = time.monotonic() + 60
    while not mongo_ready(config.mongodb_url, 5):
        assert is_alive(pid) and time.monotonic() < deadline, ferretdb.failure_text(config)
    return pid


@pytest.fixture(scope="session")
def start_ferretdb() -> Callable[[InfraConfig, Path], int]:
    """Starts the given binary for config and waits until it answers; returns its pid."""
    return _start


@pytest.fixture(scope="session")
def patched_ferretdb(tmp_path_factory):
    """A client of a server running this checkout's build (built on first use)."""
    config = InfraConfig(tmp_path_factory.mktemp("ferretdb"), 0, 0, free_port())
    pid = _start(config, ferretdb.provision(config.cache, quiet_log))
    client = MongoClient(config.mongodb_url)
    yield client
    client.close()
    stop(pid, timeout=10)
