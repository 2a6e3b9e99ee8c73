"""Re-drive dead letters: publish each record of ``<topic>.dlq`` back to the topic it came from.

Run it once the cause is fixed (docs/operations.md, "Dead letters"). Each record goes back with
its key, value and original headers (the ``dlq-*`` ones dropped) through the idempotent
producer; the dead-letter topic's position is then committed under a group of its own, so a
second run re-drives only what arrived since. Consumers de-duplicate on the event id, so a
record that had in fact been applied before is ignored: re-driving is always safe.

    python -m gongjian_shared.redrive claims.demands.v1.dlq [--dry-run]   (or: gongjian redrive …)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from .producer import EventProducer, Record

log = logging.getLogger("gongjian.redrive")

GROUP = "gongjian.redrive"
ORIGINAL = "dlq-original-topic"


@dataclass
class Redriven:
    records: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)


def back_to_origin(record) -> Record:
    """The record as it was before it was dead-lettered: original topic, key, value and headers."""
    headers = list(record.headers or ())
    original = dict(headers).get(ORIGINAL)
    if not original:
        raise ValueError(f"{record.topic}@{record.offset} has no {ORIGINAL} header")
    kept = [(k, v) for k, v in headers if not k.startswith("dlq-")]
    return original.decode(), record.key, record.value or b"", kept


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    return any([await consumer.position(tp) < end for tp, end in ends.items()])


async def redrive(bootstrap: str, dlq_topic: str, *, group: str = GROUP, dry_run: bool = False,
                  security: dict[str, Any] | None = None) -> Redriven:
    """Re-drive what ``dlq_topic`` holds past ``group``'s position, up to its end when called.

    ``security``: aiokafka's security arguments (kafka_security.client_options)."""
    options = {**(security or {}), "bootstrap_servers": bootstrap}
    consumer = AIOKafkaConsumer(group_id=group, enable_auto_commit=False, auto_offset_reset="earliest", **options)
    await consumer.start()
    producer = EventProducer(client_id="gongjian-redrive", **options)
    done = Redriven()
    try:
        if dlq_topic not in await consumer.topics():
            raise ValueError(f"no topic {dlq_topic}")
        consumer.subscribe([dlq_topic])  # one member in its own group: every partition is ours
        deadline = asyncio.get_running_loop().time() + 60
        while not consumer.assignment():  # the group join runs in the background
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no partition of {dlq_topic} assigned within 60 s")
            await asyncio.sleep(0.1)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        await producer.start()
        while await _behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000)
            records = [r for tp, rs in batch.items() for r in rs if r.offset < ends[tp]]
            if not records:
                continue
            originals = [back_to_origin(r) for r in records]
            for topic, *_ in originals:
                done.by_topic[topic] = done.by_topic.get(topic, 0) + 1
            done.records += len(records)
            if not dry_run:
                await producer.publish_raw(originals)  # acknowledged before the position moves
                await consumer.commit({tp: min(ends[tp], rs[-1].offset + 1) for tp, rs in batch.items() if rs})
    finally:
        await producer.stop()
        await consumer.stop()
    log.info("re-drove %d records from %s: %s", done.records, dlq_topic, done.by_topic)
    return done


def main(argv: list[str] | None = None) -> int:
    from .kafka_security import client_options
    from .logs import configure_logging
    from .settings import ServiceSettings

    parser = argparse.ArgumentParser(description="把死信重新投递到原主题 re-drive a dead-letter topic")
    parser.add_argument("topic", help="the dead-letter topic, e.g. claims.demands.v1.dlq (without prefix)")
    parser.add_argument("--dry-run", action="store_true", help="count what would be re-driven, publish nothing")
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    configure_logging(settings.log_level, fmt="text")
    done = asyncio.run(redrive(settings.kafka_bootstrap_servers, settings.topic(args.topic),
                               group=settings.group(GROUP), dry_run=args.dry_run, security=client_options(settings)))
    print(f"{'would re-drive' if args.dry_run else 're-drove'} {done.records} records: {done.by_topic}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
