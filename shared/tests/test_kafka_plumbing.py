"""Outbox relay, dead letters and idempotent effects on the real Kafka and database."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaProducer

from gongjian_shared.envelope import CloudEvent, new_event
from gongjian_shared.idempotency import apply_once, insert_once
from gongjian_shared.kafka import make_broker, subscribe
from gongjian_shared.mongo import make_client
from gongjian_shared.outbox import PENDING, OutboxRelay, stage_events, with_events
from gongjian_shared.producer import EventProducer
from gongjian_shared.settings import ServiceSettings
from gongjian_shared.testing import event_of, eventually, read_topic

TOPIC = "registry.members.v1"


@pytest.fixture
async def plumbing(ns):
    settings = ServiceSettings()
    client = make_client(ns.infra.mongodb_url)
    producer = EventProducer(ns.infra.kafka_bootstrap, client_id="plumbing-test")
    await producer.start()
    yield settings, client[ns.db("plumbing")], producer
    await producer.stop()
    await client.drop_database(ns.db("plumbing"))
    await client.close()


def _event(subject: str, n: int) -> CloudEvent:
    return new_event(source="gongjian/registry", type="member.updated", subject=subject, data={"n": n})


async def test_relay_publishes_what_a_crash_left_and_keeps_order(ns, plumbing):
    settings, db, producer = plumbing
    # Written before any relay ran, as if the process died right after the write.
    await db.members.insert_one(with_events({"_id": "m1", "v": 1}, TOPIC, [_event("m1", 1), _event("m1", 2)]))
    await db.members.update_one({"_id": "m1"}, stage_events({"$set": {"v": 2}}, TOPIC, [_event("m1", 3)]))
    relay = OutboxRelay(db, producer, collections=["members"], topic_prefix=ns.prefix, sweep_interval_s=60)
    await relay.start()
    try:
        records = await read_topic(ns.infra.kafka_bootstrap, ns.topic(TOPIC), min_count=3)
        assert [event_of(r)["data"]["n"] for r in records] == [1, 2, 3]
        assert {r.key for r in records} == {b"m1"}
        assert dict(records[0].headers)["content-type"] == b"application/cloudevents+json"
        await eventually(lambda: _outbox_empty(db, "m1"))

        # A later write is published promptly through notify, long before the next sweep.
        await db.members.update_one({"_id": "m1"}, stage_events({"$set": {"v": 3}}, TOPIC, [_event("m1", 4)]))
        relay.notify("members", ["m1"])
        records = await read_topic(ns.infra.kafka_bootstrap, ns.topic(TOPIC), min_count=4, timeout=10)
        assert [event_of(r)["data"]["n"] for r in records] == [1, 2, 3, 4]
    finally:
        await relay.stop()


async def test_busy_relay_sweeps_what_a_killed_instance_left_once_it_is_stuck(ns, plumbing):
    settings, db, producer = plumbing
    await db.members.create_index(PENDING)
    relay = OutboxRelay(db, producer, collections=["members"], topic_prefix=ns.prefix, sweep_interval_s=0.5)
    # The periodic sweep takes only what was pending at the previous one: a live writer is
    # publishing a fresh document itself, so a sweep that took it would publish it twice.
    await db.members.insert_one(with_events({"_id": "left"}, TOPIC, [_event("left", 1)]))
    assert await relay.sweep_stuck() == 0
    assert await relay.sweep_stuck() == 1
    assert (await db.members.find_one({"_id": "left"})).get(PENDING) is None  # flag cleared with the outbox

    # Busy (a hint every 50 ms, as under load): what another instance left still goes out.
    await db.members.insert_one(with_events({"_id": "busy"}, TOPIC, []))
    await db.members.update_one({"_id": "left"}, stage_events({"$set": {"v": 2}}, TOPIC, [_event("left", 2)]))
    await relay.start()
    try:
        async def busy_and_swept():
            relay.notify("members", ["busy"])
            doc = await db.members.find_one({"_id": "left"})
            return doc["outbox"] == [] and PENDING not in doc
        await eventually(busy_and_swept, timeout=20, interval=0.05)
        records = await read_topic(ns.infra.kafka_bootstrap, ns.topic(TOPIC), min_count=2, timeout=10)
        assert [event_of(r)["data"]["n"] for r in records] == [1, 2]
    finally:
        await relay.stop()


async def test_entries_added_while_the_relay_publishes_keep_the_flag(ns, plumbing):
    settings, db, producer = plumbing
    relay = OutboxRelay(db, producer, collections=["members"], topic_prefix=ns.prefix, sweep_interval_s=60)
    await db.members.insert_one(with_events({"_id": "m"}, TOPIC, [_event("m", 1)]))
    read = await db.members.find({"_id": "m"}, {"outbox": 1, PENDING: 1}).to_list(None)
    # Its writer adds an entry after the relay read the document, then dies before publishing it.
    await db.members.update_one({"_id": "m"}, stage_events({"$set": {"v": 2}}, TOPIC, [_event("m", 2)]))
    assert await relay._publish_docs("members", read) == 1
    doc = await db.members.find_one({"_id": "m"})
    assert [e["event"]["data"]["n"] for e in doc["outbox"]] == [2]
    assert doc[PENDING] is True  # so the periodic sweep of another instance still finds it
    assert await relay.sweep_stuck() == 0 and await relay.sweep_stuck() == 1
    doc = await db.members.find_one({"_id": "m"})
    assert doc["outbox"] == [] and PENDING not in doc
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic(TOPIC), min_count=2, timeout=10)
    assert [event_of(r)["data"]["n"] for r in records] == [1, 2]


async def _outbox_empty(db, doc_id):
    doc = await db.members.find_one({"_id": doc_id})
    return doc["outbox"] == []


async def test_poison_and_failing_messages_go_to_dead_letters_and_consumer_keeps_going(ns, plumbing):
    settings, db, producer = plumbing
    seen: list[int] = []
    attempts: dict[int, int] = {}
    broker = make_broker(settings, producer, service="plumbing")

    @subscribe(broker, settings, TOPIC, group="plumbing.dlq-test")
    async def handle(event: CloudEvent) -> None:
        n = event.data["n"]
        attempts[n] = attempts.get(n, 0) + 1
        if n == 2:
            raise RuntimeError("downstream unavailable")
        seen.append(n)

    raw = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap)
    await raw.start()
    topic = ns.topic(TOPIC)
    try:
        await raw.send_and_wait(topic, _event("m1", 1).to_bytes(), key=b"m1",
                                headers=[("content-type", b"application/cloudevents+json")])
        await raw.send_and_wait(topic, b"{not json", key=b"m1", headers=[("content-type", b"application/cloudevents+json")])
        await raw.send_and_wait(topic, _event("m1", 2).to_bytes(), key=b"m1",
                                headers=[("content-type", b"application/cloudevents+json")])
        await raw.send_and_wait(topic, json.dumps({"specversion": "1.0"}).encode(), key=b"m1",
                                headers=[("content-type", b"application/cloudevents+json")])
        await raw.send_and_wait(topic, _event("m1", 3).to_bytes(), key=b"m1",
                                headers=[("content-type", b"application/cloudevents+json")])
    finally:
        await raw.stop()

    await broker.start()
    try:
        await eventually(lambda: seen == [1, 3], timeout=30)
        dead = await read_topic(ns.infra.kafka_bootstrap, topic + ".dlq", min_count=3)
    finally:
        await broker.stop()
    assert attempts[2] == settings.max_delivery_attempts  # bounded retries, then dead letter
    assert [r.value for r in dead][0] == b"{not json"  # the original bytes, untouched
    for record in dead:
        headers = dict(record.headers)
        assert headers["dlq-original-topic"] == topic.encode()
        assert int(headers["dlq-original-offset"]) >= 0 and headers["dlq-original-partition"].isdigit()
        assert headers["dlq-error-class"] and headers["dlq-failed-at"].endswith(b"Z")
        assert headers["content-type"] == b"application/cloudevents+json"  # original headers kept
    assert dict(dead[1].headers)["dlq-error-class"] == b"RuntimeError"
    assert dict(dead[1].headers)["dlq-attempts"] == b"3"

    # Offsets were committed after processing: a restarted consumer in the same group gets nothing again.
    seen.clear()
    broker = make_broker(settings, producer, service="plumbing")
    subscribe(broker, settings, TOPIC, group="plumbing.dlq-test")(handle)
    await broker.start()
    await asyncio.sleep(3)
    await broker.stop()
    assert seen == []


async def test_idempotent_effects(plumbing):
    _, db, _ = plumbing
    await db.ledger.drop()
    assert await insert_once(db.ledger, {"_id": "evt-1:rule", "points": 5})
    assert not await insert_once(db.ledger, {"_id": "evt-1:rule", "points": 5})
    assert await apply_once(db.totals, {"_id": "m1"}, {"$inc": {"points": 5}}, "evt-1")
    assert not await apply_once(db.totals, {"_id": "m1"}, {"$inc": {"points": 5}}, "evt-1")
    assert await apply_once(db.totals, {"_id": "m1"}, {"$inc": {"points": 2}}, "evt-2")
    assert (await db.totals.find_one({"_id": "m1"}))["points"] == 7
