"""Rebuild every read model of evaluation from the topics: ``python -m gongjian_evaluation.rebuild``.

Run it with the evaluation service stopped. Steps (progress is printed as it goes):
1. publish whatever still waits in the outboxes, so every ledger decision is on evaluation.ledger.v1;
2. read the positions the current state had applied (its checkpoint + journal) as the targets;
3. read evaluation.ledger.v1: the points each earning event got (caps and rule versions included)
   and the corrections and joint activities entered over HTTP;
4. replay every consumed topic from the beginning up to those positions into a fresh state, taking
   each award from the ledger facts instead of recomputing it (so the order of topics cannot matter);
5. write the new state as a checkpoint and drop the journal it replaces.
The balances and statistics come out exactly as before; the service resumes from its committed offsets.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from gongjian_shared.kafka_security import client_options
from gongjian_shared.mongo import make_client
from gongjian_shared.outbox import OutboxRelay
from gongjian_shared.producer import EventProducer
from gongjian_shared.topics import EVALUATION_LEDGER

from .adapters import checkpoint
from .adapters.journal_relay import JournalRelay
from .adapters.store import OUTBOX_COLLECTIONS
from .config import EvaluationSettings
from .domain.ledger import facts_decider
from .domain.project import Ctx, Effects, apply
from .domain.state import State
from .entrypoints.consumers import CONSUMED
from .service.projector import Projector, compact

Progress = Callable[[str], None]


async def read_topic(kafka: dict[str, Any], topic: str, until: dict[int, int] | None, progress: Progress, label: str):
    """Yield (partition, offset, event dict) from the beginning up to ``until[partition]`` (inclusive).

    ``kafka``: aiokafka's connection arguments (kafka_security.client_options)."""
    consumer = AIOKafkaConsumer(enable_auto_commit=False, group_id=None, **kafka)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - topic metadata on demand
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        goal = {tp: (min(until.get(tp.partition, -1) + 1, ends[tp]) if until is not None else ends[tp]) for tp in tps}
        total, done, last = sum(goal.values()), 0, time.monotonic()
        remaining = {tp for tp in tps if goal[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for tp, records in batch.items():
                for r in records:
                    if r.offset < goal[tp]:
                        done += 1
                        yield tp.partition, r.offset, r.value
                if await consumer.position(tp) >= goal[tp]:
                    remaining.discard(tp)
            if time.monotonic() - last > 1 or not remaining:
                progress(f"  {label}: {done}/{total} ({100 * done // max(total, 1)}%)")
                last = time.monotonic()
    finally:
        await consumer.stop()


async def rebuild(settings: EvaluationSettings | None = None, progress: Progress = print) -> dict[str, Any]:
    import json

    settings = settings or EvaluationSettings()
    started = time.monotonic()
    client = make_client(settings.mongodb_url)
    db = client[settings.database]
    producer = EventProducer(client_id="gongjian-evaluation-rebuild", **client_options(settings))
    await producer.start()
    try:
        progress("1/5 发布待发事件 flushing outboxes")
        relay = OutboxRelay(db, producer, collections=OUTBOX_COLLECTIONS, topic_prefix=settings.topic_prefix)
        pending = await relay.sweep()
        journal_relay = JournalRelay(SimpleNamespace(db=db, producer=producer, settings=settings))
        await journal_relay.sweep()
        progress(f"  published {pending + journal_relay.published} pending events")
        progress("2/5 读取当前状态位置 reading the positions applied so far")
        current = Projector(db)
        await current.load()
        targets: dict[str, dict[int, int]] = {}
        for key, offset in current.state.applied.items():
            topic, _, part = key.rpartition(":")
            targets.setdefault(topic, {})[int(part)] = offset
        progress("3/5 读取积分台账事实 reading evaluation.ledger.v1")
        facts, revocations, activities = {}, [], {}
        async for _, _, raw in read_topic(client_options(settings), settings.topic(EVALUATION_LEDGER),
                                          None, progress, EVALUATION_LEDGER):
            ev = json.loads(raw)
            data = ev["data"]
            if ev["type"].endswith("points.revoked"):
                revocations.append(ev)
            elif data.get("entry_id"):
                facts[data["entry_id"]] = data
                if data.get("source_type") == "activity.recorded":
                    activities.setdefault(data["source_event_id"].rsplit(":", 1)[0], []).append(ev)
        progress("4/5 重放事件 replaying the consumed topics")
        misses: list[str] = []
        fresh = Projector(db, decide=facts_decider(facts, misses))
        await fresh.load_rules()
        state, ctx, fx = State(), None, Effects()
        fresh.state = state
        ctx = Ctx(fresh.rules, fresh.decide)
        count = 0
        for topic in CONSUMED:
            async for part, offset, raw in read_topic(client_options(settings), settings.topic(topic),
                                                      targets.get(topic, {}), progress, topic):
                state.applied[f"{topic}:{part}"] = offset
                try:
                    ev = compact(json.loads(raw))
                except Exception:  # noqa: BLE001 - the live consumer dead-lettered it too
                    continue
                if state.first_time(ev["id"]):
                    apply(state, ev, ctx, fx)
                    count += 1
        for command in _commands(activities, revocations):
            apply(state, command, ctx, fx)
            state.commands.add(command["id"])
        progress("5/5 写入检查点 writing the checkpoint")
        await checkpoint.write(db, state, current.seq, replace_equal=True)
        summary = {"events": count, "holders": len(state.holders), "accounts": len(state.accounts),
                   "points": round(sum(a.total for a in state.accounts.values()), 2), "awards_recomputed": len(misses),
                   "seconds": round(time.monotonic() - started, 1)}
        progress(f"完成 done: {summary}")
        return summary
    finally:
        await producer.stop()
        await client.close()


def _commands(activities: dict[str, list[dict]], revocations: list[dict]) -> list[dict[str, Any]]:
    """The HTTP commands, recovered from the ledger facts they produced; corrections come last."""
    out = []
    for activity_id, awards in activities.items():
        first = awards[0]["data"]
        path = first.get("place_path") or []
        out.append({"id": activity_id, "type": "activity.recorded", "time": first["earned_at"], "subject": path[-1] if path else "",
                    "communityid": path[-1] if path else None, "districtid": path[1] if len(path) > 1 else None,
                    "data": {"community_id": path[-1] if path else None, "held_at": first["earned_at"],
                             "participant_ids": [a["data"]["holder_id"] for a in awards]}})
    out.sort(key=lambda c: c["time"])
    for ev in revocations:
        out.append({"id": ev["id"], "type": "points.revocation", "time": ev["time"], "subject": ev["subject"],
                    "data": {"entry_id": ev["data"]["revokes_entry_id"], "reason": ev["data"].get("reason", "")}})
    return out


def main() -> None:
    summary = asyncio.run(rebuild())
    sys.exit(0 if summary else 1)


if __name__ == "__main__":
    main()
