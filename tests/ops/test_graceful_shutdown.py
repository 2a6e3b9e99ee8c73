"""Graceful shutdown: a message being handled when the process is told to stop finishes, and its
offset is committed, so the next instance of the group does not receive it again.

What ``ServiceRuntime.stop()`` does is what a service does on SIGTERM (uvicorn runs the lifespan's
shutdown). Real Kafka, real consumer group; the handler takes a while on purpose.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from gongjian_shared.envelope import CloudEvent, new_event
from gongjian_shared.kafka import subscribe
from gongjian_shared.logs import current_correlation
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.settings import ServiceSettings
from gongjian_shared.testing import eventually
from gongjian_shared.topics import REGISTRY_MEMBERS

GROUP = "ops.shutdown"
WORK_S = 3.0  # how long the handler works on each message


def _runtime(ns, started: asyncio.Event, done: list[str]) -> ServiceRuntime:
    runtime = ServiceRuntime(ServiceSettings(shutdown_grace_s=15), service="ops-test", database=ns.db("ops"))

    @subscribe(runtime.broker, runtime.settings, REGISTRY_MEMBERS, group=GROUP)
    async def handle(event: CloudEvent) -> None:
        started.set()
        await asyncio.sleep(WORK_S)  # in-flight work the shutdown must wait for
        assert current_correlation() == event.correlationid  # bound for the handler's log lines
        done.append(event.id)

    return runtime


async def _committed(ns) -> dict[int, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=ns.infra.kafka_bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(ns.prefix + GROUP)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == ns.topic(REGISTRY_MEMBERS)}


async def test_stop_finishes_the_message_in_hand_and_commits_it(ns):
    started, done = asyncio.Event(), []
    runtime = _runtime(ns, started, done)
    await runtime.start()
    event = new_event(source="/ops-test", type="member.updated", subject="m-1", data={"member_id": "m-1"},
                      correlationid="chain-42")
    producer = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap)
    await producer.start()
    try:
        sent = await producer.send_and_wait(ns.topic(REGISTRY_MEMBERS), event.to_bytes(), key=b"m-1",
                                            headers=[("content-type", b"application/cloudevents+json")])
    finally:
        await producer.stop()
    await asyncio.wait_for(started.wait(), 60)
    assert done == []  # the handler is mid-way

    await runtime.stop()  # what SIGTERM leads to

    assert done == [event.id], "the message in hand was abandoned"
    committed = await _committed(ns)
    assert committed.get(sent.partition) == sent.offset + 1, committed

    # The next instance of the group starts after it: the finished message is not handled again.
    again_started, again = asyncio.Event(), []
    successor = _runtime(ns, again_started, again)
    await successor.start()
    try:
        consumer = successor.broker.subscribers[0].consumer

        async def assigned_at_committed_position() -> bool:
            tp = TopicPartition(ns.topic(REGISTRY_MEMBERS), sent.partition)
            return tp in consumer.assignment() and await consumer.position(tp) == sent.offset + 1

        await eventually(assigned_at_committed_position, timeout=60)
        assert not again_started.is_set() and again == []
    finally:
        await successor.stop()
