"""Fixtures for evaluation tests: the app in-process with an injected clock, and a feed of events."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaProducer
from gongjian_evaluation.bootstrap import build_app
from gongjian_evaluation.clock import FixedClock
from gongjian_evaluation.testing import T0, City, Feed, settings
from gongjian_shared.testing import app_client


@pytest.fixture
def city() -> City:
    return City()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def feed(ns):
    producer = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        yield Feed(ns, producer)
    finally:
        await producer.stop()


@pytest.fixture
async def service(ns, clock):
    """(client, evaluation) for the app running in-process with the test clock."""
    app = build_app(settings(), clock=clock)
    async with app_client(app) as client:
        yield client, app.state.runtime.state["evaluation"]
