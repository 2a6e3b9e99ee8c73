"""Re-driving dead letters puts each record back on its original topic as it was, once."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from gongjian_shared.admin import ensure_topics
from gongjian_shared.redrive import GROUP, redrive
from gongjian_shared.testing import event_of, read_topic
from gongjian_shared.topics import REGISTRY_MEMBERS, dead_letter_topic


def _dead_letter(original: str, n: int) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    value = b'{"id":"e%d","type":"gongjian.member.updated","subject":"m%d","data":{}}' % (n, n)
    headers = [("content-type", b"application/cloudevents+json"), ("traceparent", b"00-" + b"a" * 32 + b"-" + b"b" * 16 + b"-01"),
               ("dlq-error-class", b"KeyError"), ("dlq-original-topic", original.encode()), ("dlq-attempts", b"3")]
    return f"m{n}".encode(), value, headers


async def test_redrive_republishes_each_dead_letter_once_without_dlq_headers(ns):
    original, dlq = ns.topic(REGISTRY_MEMBERS), ns.topic(dead_letter_topic(REGISTRY_MEMBERS))
    await ensure_topics(ns.infra.kafka_bootstrap, [REGISTRY_MEMBERS, dead_letter_topic(REGISTRY_MEMBERS)],
                        prefix=ns.prefix, partitions=2)
    producer = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap)
    await producer.start()
    try:
        for n in range(3):
            key, value, headers = _dead_letter(original, n)
            await producer.send_and_wait(dlq, value, key=key, headers=headers)
    finally:
        await producer.stop()

    dry = await redrive(ns.infra.kafka_bootstrap, dlq, group=ns.prefix + GROUP, dry_run=True)
    assert dry.records == 3 and await read_topic(ns.infra.kafka_bootstrap, original, min_count=1, timeout=3) == []

    done = await redrive(ns.infra.kafka_bootstrap, dlq, group=ns.prefix + GROUP)
    assert done.records == 3 and done.by_topic == {original: 3}
    back = await read_topic(ns.infra.kafka_bootstrap, original, min_count=3)
    assert sorted(event_of(r)["id"] for r in back) == ["e0", "e1", "e2"]
    for record in back:
        assert record.key.decode() == event_of(record)["subject"]  # same key: same partition order as before
        names = [k for k, _ in record.headers]
        assert "traceparent" in names and not any(k.startswith("dlq-") for k in names)

    again = await redrive(ns.infra.kafka_bootstrap, dlq, group=ns.prefix + GROUP)
    assert again.records == 0, "a second run re-drives only what arrived since"
