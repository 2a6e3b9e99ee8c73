"""Test fixtures on real infrastructure (a pytest plugin: ``pytest_plugins``).

Infrastructure is found in this order: the URLs in the environment
(KAFKA_BOOTSTRAP_SERVERS + MONGODB_URL); testcontainers when a Docker engine answers;
else the project's local provisioning (``gongjian_local.infra``). Every test gets its
own namespace (topic prefix and database names) so tests run in any order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from .auth import issue_token
from .settings import DEV_JWT_SECRET


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongodb_url: str
    origin: str


def _docker_engine_answers() -> bool:
    try:
        import docker  # type: ignore[import-not-found]

        return bool(docker.from_env(timeout=3).ping())
    except Exception:  # noqa: BLE001 - any failure means "no engine"
        return False


@contextlib.contextmanager
def provide_infra() -> Iterator[Infra]:
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URL")
    if kafka and mongo:
        yield Infra(kafka, mongo, "environment")
        return
    if os.environ.get("GONGJIAN_NO_TESTCONTAINERS") != "1" and _docker_engine_answers():
        from testcontainers.kafka import KafkaContainer
        from testcontainers.mongodb import MongoDbContainer

        with KafkaContainer().with_kraft() as kc, MongoDbContainer("mongo:8") as mc:
            yield Infra(kc.get_bootstrap_server(), mc.get_connection_url(), "testcontainers")
        return
    from gongjian_local.infra import ensure_up

    endpoints = ensure_up()
    yield Infra(endpoints.kafka_bootstrap, endpoints.mongodb_url, "local")


@dataclass
class Namespace:
    """Isolates one test: topics and groups get ``prefix``, databases get ``db(name)``."""

    infra: Infra
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}.")
    # Every database name handed out, so clean-up drops them by name: listing the server's
    # databases costs FerretDB (SQLite) 5-30 s once a few hundred exist, in every test's teardown.
    databases: set[str] = field(default_factory=set)

    def db(self, service: str) -> str:
        name = f"{self.prefix.rstrip('.')}_{service}"
        self.databases.add(name)
        return name

    def topic(self, name: str) -> str:
        return self.prefix + name

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            KAFKA_BOOTSTRAP_SERVERS=self.infra.kafka_bootstrap,
            MONGODB_URL=self.infra.mongodb_url,
            GONGJIAN_TOPIC_PREFIX=self.prefix,
            GONGJIAN_JWT_SECRET=DEV_JWT_SECRET,
            REGISTRY_DB=self.db("registry"),
            CLAIMS_DB=self.db("claims"),
            EVALUATION_DB=self.db("evaluation"),
        )
        env.update(extra)
        return env

    def apply_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for key, value in self.env().items():
            monkeypatch.setenv(key, value)


def dev_token(role: str, *places: str, sub: str | None = None) -> str:
    return issue_token(DEV_JWT_SECRET, sub=sub or f"test-{role}", role=role, places=list(places))


def auth(role: str, *places: str, sub: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, *places, sub=sub)}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """One service in its own OS process, as in production."""

    def __init__(self, service: str, env: dict[str, str], port: int | None = None, log_path: str | None = None) -> None:
        self.service, self.port, self.log_path = service, port or free_port(), log_path
        self.env = {**env, f"{service.upper()}_PORT": str(self.port)}
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ServiceProcess:
        self.launch()
        return self.wait_ready(timeout)

    def launch(self) -> ServiceProcess:
        # With log_path, stdout and stderr go to that file (tests scan what a service logs).
        log = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"gongjian_{self.service}.main"], env=self.env, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT if log else None,
        )
        if log:
            log.close()
        return self

    def wait_ready(self, timeout: float = 60) -> ServiceProcess:
        assert self.proc is not None, "launch() first"
        deadline = time.monotonic() + timeout
        # One client for all the polls: httpx.get builds a TLS context (the CA bundle) per call,
        # ~70 ms of CPU at load 10, about 100 times in a slow start.
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.service} exited with {self.proc.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/readyz").status_code == 200:
                        return self
                time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"{self.service} not ready within {timeout}s")

    def stop(self, kill: bool = False) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.kill() if kill else self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_together(procs: list[ServiceProcess], timeout: float = 60) -> list[ServiceProcess]:
    """Launch every process, then wait until each is ready; ``procs`` back, ready.

    A start mostly waits on Kafka (topics, group joins) and the database, so services started
    side by side take about as long as the slowest one (three: ~45 s instead of ~100 s at load 11).
    Their URLs are known before they start, so a service that calls another can start with it.
    ``timeout`` is per service: together they get ``timeout × len(procs)``, what the same starts
    had one after another (side by side on a very loaded machine, each start takes longer).
    Raises what ``wait_ready`` raises (RuntimeError, TimeoutError) after stopping them all."""
    deadline = time.monotonic() + timeout * len(procs)
    try:
        for proc in procs:
            proc.launch()
        for proc in procs:
            proc.wait_ready(max(deadline - time.monotonic(), 1.0))
    except BaseException:
        for proc in procs:
            proc.stop()
        raise
    return procs


@contextlib.asynccontextmanager
async def app_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service's FastAPI app in-process (lifespan included) with an HTTP client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
            yield client


async def read_topic(
    bootstrap: str, topic: str, *, until: Any = None, min_count: int = 1, timeout: float = 30,
    security: dict[str, Any] | None = None,
) -> list[Any]:
    """Read a topic from the beginning until ``until(records)`` is true (or ``min_count``).

    ``security``: aiokafka's security arguments (kafka_security.client_options) for a secured broker."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
        **{**(security or {}), "bootstrap_servers": bootstrap},
    )
    await consumer.start()
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
            done = until(records) if until else len(records) >= min_count
            if done:
                break
    finally:
        await consumer.stop()
    return records


async def read_to_end(bootstrap: str, topics: list[str]) -> list[dict[str, Any]]:
    """Every event on ``topics``, read up to the end offsets they have now: once whatever was to be
    published is published (an outbox drained), a duplicate or a missing event cannot hide."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    events: list[dict[str, Any]] = []
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - what partitions_for_topic reads
        parts = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        left = {tp for tp in parts if ends[tp] > 0}
        while left:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                events += [event_of(r) for r in records]
            left = {tp for tp in left if await consumer.position(tp) < ends[tp]}
    finally:
        await consumer.stop()
    return events


def event_of(record: Any) -> dict[str, Any]:
    return json.loads(record.value)


async def eventually(check: Any, *, timeout: float = 20, interval: float = 0.2) -> Any:
    """Await ``check()`` until it returns something truthy (for effects that flow via Kafka)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check() if asyncio.iscoroutinefunction(check) else check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with provide_infra() as found:
        yield found


@pytest.fixture
def ns(infra: Infra, monkeypatch: pytest.MonkeyPatch) -> Iterator[Namespace]:
    namespace = Namespace(infra)
    namespace.apply_env(monkeypatch)
    yield namespace
    clean_namespace(namespace)


@pytest.fixture(scope="module")
def module_ns(infra: Infra) -> Iterator[Namespace]:
    """One namespace for a module's tests that share services started once (each test then
    keeps to its own places and ids); the environment is not changed."""
    namespace = Namespace(infra)
    yield namespace
    clean_namespace(namespace)


def clean_namespace(namespace: Namespace) -> None:
    """Drop the test's databases (every name ``db()`` gave out) and topics so a developer's local
    server does not fill up. A database named otherwise than through ``db()`` is not dropped."""
    from pymongo import MongoClient

    # In a thread of its own: never disturb the event loop pytest-asyncio keeps for the session.
    worker = threading.Thread(target=lambda: _quietly(lambda: asyncio.run(_delete_topics(namespace))))
    worker.start()  # topics go while the databases are dropped
    with contextlib.suppress(Exception), MongoClient(namespace.infra.mongodb_url, serverSelectionTimeoutMS=3000) as client:
        for name in sorted(namespace.databases):
            client.drop_database(name)  # a name never created costs FerretDB under a millisecond
    worker.join(timeout=30)


def _quietly(fn: Any) -> None:
    with contextlib.suppress(Exception):
        fn()


async def _delete_topics(namespace: Namespace) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=namespace.infra.kafka_bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(namespace.prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


def png_pixel(rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A real one-pixel PNG (signature, IHDR, IDAT, IEND with their CRCs): a photo a browser shows."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, *rgb])))
            + chunk(b"IEND", b""))


# Browser tests drive Debian's chromium (deploy/local/scripts/browser.sh) through Playwright.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
