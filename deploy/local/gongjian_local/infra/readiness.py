"""Readiness probes: real work, not just an open port.

Kafka is ready when a produce to a probe topic is acknowledged (acks=all, idempotent
producer, as the services use it); the database when it answers `hello`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor

PROBE_TOPIC = "gongjian-infra-probe"


def kafka_ready(bootstrap: str, timeout: float) -> bool:
    """True once a produce to the probe topic is acknowledged by all in-sync replicas."""
    deadline = time.monotonic() + timeout
    return run_coroutine(lambda: _produce_probe(bootstrap, deadline))


async def _produce_probe(bootstrap: str, deadline: float) -> bool:
    from aiokafka import AIOKafkaProducer

    with quiet_unconfigured_logging():
        return await _produce_until(AIOKafkaProducer, bootstrap, deadline)


@contextlib.contextmanager
def quiet_unconfigured_logging():
    """Hide aiokafka's start-up warnings ("topic not found", "not leader") while probing,
    but only when nobody configured logging (they would go to stderr via lastResort)."""
    logger = logging.getLogger("aiokafka")
    if logging.getLogger().handlers or logger.handlers:
        yield
        return
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


async def _produce_until(AIOKafkaProducer, bootstrap: str, deadline: float) -> bool:  # noqa: N803
    while time.monotonic() < deadline:
        remaining = max(deadline - time.monotonic(), 0.5)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                    enable_idempotence=True, client_id="gongjian-infra-probe",
                                    request_timeout_ms=int(min(remaining, 10) * 1000))
        try:
            await asyncio.wait_for(producer.start(), remaining)
            await asyncio.wait_for(producer.send_and_wait(PROBE_TOPIC, b"ping"),
                                   max(deadline - time.monotonic(), 0.5))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ready yet"
            await asyncio.sleep(0.5)
        finally:
            with contextlib.suppress(Exception):
                await producer.stop()
    return False


def run_coroutine(factory):
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def mongo_ready(url: str, timeout: float) -> bool:
    """True once the server answers the `hello` command."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    deadline = time.monotonic() + timeout
    while True:
        client = MongoClient(url, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000)
        try:
            return bool(client.admin.command("hello").get("isWritablePrimary", True))
        except PyMongoError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        finally:
            client.close()
