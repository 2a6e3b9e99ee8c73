"""Readiness tells the truth: /readyz fails while Kafka or the database is away and comes back with them.

Liveness (/healthz) stays up all the while: a pod whose peers are down must be taken out of
the load balancer, not restarted. Runs a service process against a broker of its own (frozen,
thawed and stopped here) and a TCP gate in front of the shared database (cut and reopened here).
"""

from __future__ import annotations

import time

import httpx
import pytest

from gongjian_shared.testing import ServiceProcess


def _wait_for(url: str, status: int, timeout: float = 90) -> dict:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            r = httpx.get(url, timeout=10)
            last = (r.status_code, r.text)
            if r.status_code == status:
                return r.json()
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {status} within {timeout}s (last: {last})")


def _alive(service: ServiceProcess) -> None:
    assert httpx.get(f"{service.url}/healthz", timeout=10).status_code == 200


@pytest.mark.timeout(400)  # a broker start on a loaded 2-core machine can take a minute
def test_readyz_follows_kafka_and_database(ns, own_kafka, db_gate):
    env = ns.env(KAFKA_BOOTSTRAP_SERVERS=own_kafka.bootstrap, GONGJIAN_LOG_LEVEL="ERROR",
                 MONGODB_URL=f"mongodb://127.0.0.1:{db_gate.port}/?directConnection=true")
    service = ServiceProcess("registry", env).start()
    ready = f"{service.url}/readyz"
    try:
        assert _wait_for(ready, 200)["checks"] == {"mongodb": True, "kafka": True}

        own_kafka.freeze()  # hung broker: connections open, no answers
        body = _wait_for(ready, 503)
        assert body["checks"] == {"mongodb": True, "kafka": False}
        _alive(service)

        own_kafka.thaw()
        assert _wait_for(ready, 200)["checks"] == {"mongodb": True, "kafka": True}

        db_gate.cut()
        body = _wait_for(ready, 503)
        assert body["checks"] == {"mongodb": False, "kafka": True}
        _alive(service)

        db_gate.open()
        assert _wait_for(ready, 200)["status"] == "ready"

        own_kafka.stop()  # broker gone: connections refused
        body = _wait_for(ready, 503)
        assert body["checks"] == {"mongodb": True, "kafka": False}
        _alive(service)
    finally:
        service.stop()
