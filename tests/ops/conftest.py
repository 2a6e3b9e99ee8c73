"""Fixtures for the operations tests: a Kafka broker of our own, and a gate in front of the database.

Readiness must be shown against a broker that really goes away; the shared broker other
engineers' tests use is never touched: this one runs on free ports with its own state dir
(the project's local provisioning, cached jars).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from gongjian_shared.testing import Infra, free_port


@dataclass
class OwnKafka:
    """A single-node KRaft broker on free ports that a test may stop and start again."""

    state: Path
    port: int
    controller_port: int
    pid: int | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _config(self):
        from gongjian_local.infra.config import InfraConfig

        return InfraConfig(self.state, self.port, self.controller_port, free_port())

    def start(self, timeout: float = 120) -> None:
        from gongjian_local.infra import kafka
        from gongjian_local.infra.procs import quiet_log
        from gongjian_local.infra.readiness import kafka_ready

        config = self._config()
        self.pid = kafka.start(config, kafka.provision(config.cache, quiet_log), quiet_log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if kafka_ready(self.bootstrap, 10):
                return
            time.sleep(0.5)
        raise TimeoutError(f"own Kafka not ready on {self.bootstrap}:\n{kafka.failure_text(config)}")

    def freeze(self) -> None:
        """SIGSTOP: the broker holds its connections but answers nothing (a hung or partitioned broker)."""
        os.killpg(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        from gongjian_local.infra.procs import stop

        if self.pid is not None:
            self.thaw()  # a frozen process cannot act on SIGTERM
            stop(self.pid, timeout=30)
            self.pid = None


@pytest.fixture
def own_kafka(tmp_path: Path) -> Iterator[OwnKafka]:
    broker = OwnKafka(tmp_path / "kafka-state", free_port(), free_port())
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def db_gate(infra: Infra) -> Iterator[TcpGate]:
    target = urlparse(infra.mongodb_url)
    with TcpGate(target.hostname or "127.0.0.1", target.port or 27017, free_port()) as gate:
        yield gate


class TcpGate:
    def __init__(self, target_host: str, target_port: int, listen_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = listen_port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> TcpGate:
        self._thread.start()
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coro) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def open(self) -> None:
        self._call(self._open())

    def cut(self) -> None:
        self._call(self._cut())

    async def _open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self._writers.discard(writer)
