"""Local provisioning against the real thing: a separate Kafka + FerretDB instance in a
temporary state dir on free ports, so the default instance (9092/27017) is left alone."""

from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from gongjian_local.infra import (
    InfraConfig,
    PortInUseError,
    down,
    ensure_up,
    ensure_up_async,
    ensure_up_isolated,
    ferretdb,
    free_port,
    kafka,
    status,
)
from gongjian_local.infra.ports import is_port_free
from gongjian_local.infra.procs import find_by_marker, is_alive, quiet_log
from gongjian_local.infra_cli import main as cli_main
from pymongo import AsyncMongoClient


def _free_ports(n: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(free_port())
    return sorted(ports)


@pytest.fixture
def isolated(tmp_path: Path):
    kafka_port, controller_port, mongo_port = _free_ports(3)
    config = InfraConfig(tmp_path / "state", kafka_port, controller_port, mongo_port)
    yield config
    down(config, log=quiet_log)  # whatever happened, leave nothing running


@pytest.fixture
def listening_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def test_busy_mongo_port_gives_a_clear_error(tmp_path, listening_socket):
    kafka_port, controller_port = _free_ports(2)
    with pytest.raises(PortInUseError) as err:
        ensure_up_isolated(tmp_path, kafka_port, controller_port, listening_socket, log=quiet_log)
    message = str(err.value)
    assert str(listening_socket) in message and "MONGODB_PORT" in message
    assert f"pid {os.getpid()}" in message  # names the process holding it
    config = InfraConfig(tmp_path, kafka_port, controller_port, listening_socket)
    assert not any(c.running for c in status(config, probe=False).values())  # nothing started


def test_busy_kafka_port_names_kafka_port_variable(tmp_path, listening_socket):
    controller_port, mongo_port = _free_ports(2)
    with pytest.raises(PortInUseError, match=rf"Port {listening_socket} .*KAFKA_PORT="):
        ensure_up_isolated(tmp_path, listening_socket, controller_port, mongo_port, log=quiet_log)


def test_given_endpoints_provision_nothing(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker.example:9092")
    monkeypatch.setenv("MONGODB_URL", "mongodb://db.example:27017")
    endpoints = ensure_up(log=quiet_log)
    assert (endpoints.kafka_bootstrap, endpoints.mongodb_url, endpoints.external) == (
        "broker.example:9092", "mongodb://db.example:27017", True)


def test_foreign_pid_in_pid_file_is_not_ours(isolated):
    pid_file = isolated.kafka_dir / "kafka.pid"
    pid_file.parent.mkdir(parents=True)
    pid_file.write_text(f"{os.getpid()}\n")  # alive, but not our broker
    assert kafka.running_pid(isolated) is None
    assert not pid_file.exists()


def test_cli_status_of_a_stopped_instance(tmp_path, monkeypatch, capsys):
    kafka_port, controller_port, mongo_port = _free_ports(3)
    monkeypatch.setenv("GONGJIAN_STATE", str(tmp_path))
    monkeypatch.setenv("KAFKA_PORT", str(kafka_port))
    monkeypatch.setenv("KAFKA_CONTROLLER_PORT", str(controller_port))
    monkeypatch.setenv("MONGODB_PORT", str(mongo_port))
    assert cli_main(["infra", "status"]) == 1
    out = capsys.readouterr().out
    assert "kafka" in out and "ferretdb" in out and "stopped" in out and str(mongo_port) in out


@pytest.mark.timeout(180)
async def test_isolated_instance_up_status_down(isolated):
    endpoints = await ensure_up_async(isolated, log=quiet_log)
    assert endpoints.kafka_bootstrap == f"127.0.0.1:{isolated.kafka_port}"
    assert f":{isolated.mongo_port}/" in endpoints.mongodb_url and not endpoints.external

    # Kafka: a produced record is acknowledged by the broker and can be read back.
    topic, payload = f"infra-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().bytes
    producer = AIOKafkaProducer(bootstrap_servers=endpoints.kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, payload, key=b"k")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=endpoints.kafka_bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        from aiokafka import TopicPartition

        consumer.assign([TopicPartition(topic, sent.partition)])
        batch = await consumer.getmany(timeout_ms=10_000)
        assert [r.value for records in batch.values() for r in records] == [payload]
    finally:
        await consumer.stop()

    # Database: hello answers and a write reads back.
    client = AsyncMongoClient(endpoints.mongodb_url)
    try:
        assert (await client.admin.command("hello"))["ok"] == 1
        await client.infra_test.docs.insert_one({"_id": "x", "n": 1})
        assert (await client.infra_test.docs.find_one({"_id": "x"}))["n"] == 1
    finally:
        await client.close()

    # A second start finds both running and returns quickly (sync call inside a loop).
    before = status(isolated, probe=False)
    started = time.monotonic()
    assert ensure_up(isolated, log=quiet_log) == endpoints
    assert time.monotonic() - started < 10
    after = status(isolated)
    assert {c.pid for c in after.values()} == {c.pid for c in before.values()}
    assert all(c.running and c.ready for c in after.values()), after
    pids = [c.pid for c in after.values()]

    assert sorted(down(isolated, log=quiet_log)) == ["FerretDB", "Kafka"]
    final = status(isolated)
    assert not any(c.running or c.ready for c in final.values())
    assert not any(is_alive(pid) for pid in pids)
    assert not find_by_marker(kafka.marker(isolated))
    assert not find_by_marker(ferretdb.marker(isolated))
    for port in (isolated.kafka_port, isolated.controller_port, isolated.mongo_port):
        assert is_port_free("127.0.0.1", port)
    assert down(isolated, log=quiet_log) == []  # idempotent
