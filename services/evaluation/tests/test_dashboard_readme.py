"""The example consumer in the dashboard README runs against real Kafka and does what it says."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from types import ModuleType

import gongjian_evaluation.dashboard as dashboard
from gongjian_shared.envelope import new_event
from gongjian_shared.producer import EventProducer
from gongjian_shared.topics import CLAIMS_DEMANDS

README = Path(dashboard.__file__).parent / "README.md"


def example_module() -> ModuleType:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, "the README has one Python example"
    module = ModuleType("readme_consumer")
    exec(compile(blocks[0], str(README), "exec"), module.__dict__)  # noqa: S102 - our own README
    return module


def demand(district: str, type_: str = "demand.published") -> object:
    demand_id = f"demand-{uuid.uuid4().hex[:8]}"
    return new_event(source="gongjian/claims", type=type_, subject=demand_id,
                     data={"demand_id": demand_id, "community_id": "community-x", "category": "志愿服务",
                           "capacity": 1}, districtid=district, communityid="community-x")


async def test_readme_example_consumer_filters_and_commits_after_processing(ns):
    example = example_module()  # reads KAFKA_BOOTSTRAP_SERVERS and GONGJIAN_TOPIC_PREFIX from ns
    assert example.TOPICS[0] == ns.topic(CLAIMS_DEMANDS)
    producer = EventProducer(ns.infra.kafka_bootstrap, client_id="readme-test")
    await producer.start()
    try:
        mine, other = demand("district-mine"), demand("district-other")
        await producer.publish(ns.topic(CLAIMS_DEMANDS), [mine, other, demand("district-mine", "demand.claimed")])
        group = ns.prefix + "citydash.example"
        lines = await asyncio.wait_for(example.follow("district-mine", group=group, stop_after=2), 60)
        assert len(lines) == 2
        assert any(mine.subject in line for line in lines) and not any(other.subject in line for line in lines)

        # Committed after processing: the same group goes on with what is new, not from the start.
        later = demand("district-mine")
        await producer.publish(ns.topic(CLAIMS_DEMANDS), [later])
        again = await asyncio.wait_for(example.follow("district-mine", group=group, stop_after=1), 60)
        assert len(again) == 1 and later.subject in again[0]
    finally:
        await producer.stop()
    # Redelivery changes nothing: the handler is idempotent on the event id.
    seen: set[str] = set()
    event = mine.to_dict()
    assert example.handle(event, seen) is not None and example.handle(event, seen) is None
