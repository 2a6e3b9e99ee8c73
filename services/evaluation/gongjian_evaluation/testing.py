"""Test support for evaluation: contract-shaped events, a small place tree, a feed that publishes with
aiokafka to a test namespace (as registry and claims would), and a wait for the projector."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from gongjian_shared.localtime import rfc3339
from gongjian_shared.testing import eventually

from gongjian_evaluation.config import EvaluationSettings

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return rfc3339(moment)


class Feed:
    """Publishes CloudEvents the way the producing services do (key = subject, structured JSON)."""

    def __init__(self, ns: Any, producer: AIOKafkaProducer) -> None:
        self.ns, self.producer = ns, producer

    async def send(self, topic: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import json

        for ev in events:
            await self.producer.send_and_wait(self.ns.topic(topic), json.dumps(ev, ensure_ascii=False).encode(),
                                              key=ev["subject"].encode(),
                                              headers=[("content-type", b"application/cloudevents+json")])
        return events


def event(type_: str, subject: str, data: dict[str, Any], *, at: datetime = T0, community: str | None = None,
          district: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    source = "gongjian/registry" if type_.split(".")[0] in ("place", "unit", "member") else "gongjian/claims"
    return {"specversion": "1.0", "id": event_id or str(uuid.uuid4()), "source": source, "type": f"gongjian.{type_}",
            "subject": subject, "time": iso(at), "datacontenttype": "application/json", "data": data,
            "districtid": district, "communityid": community, "correlationid": str(uuid.uuid4())}


class City:
    """A small place tree: city → district d1 (street s1: c1, c2) and district d2 (street s2: c3)."""

    PATHS = {"city": ["city"], "d1": ["city", "d1"], "s1": ["city", "d1", "s1"], "c1": ["city", "d1", "s1", "c1"],
             "c2": ["city", "d1", "s1", "c2"], "d2": ["city", "d2"], "s2": ["city", "d2", "s2"],
             "c3": ["city", "d2", "s2", "c3"]}
    KINDS = {"city": "city", "d": "district", "s": "street", "c": "community"}

    def places(self) -> list[dict[str, Any]]:
        out = []
        for pid, path in self.PATHS.items():
            kind = self.KINDS["city" if pid == "city" else pid[0]]
            out.append(event("place.created", pid, {"place_id": pid, "kind": kind, "name": f"测试{pid}",
                                                    "parent_id": path[-2] if len(path) > 1 else None, "path": path},
                             district=path[1] if len(path) > 1 else None, community=pid if kind == "community" else None))
        return out

    def district(self, community: str) -> str:
        return self.PATHS[community][1]

    def member(self, member_id: str, community: str, *, at: datetime = T0, unit: str | None = None) -> dict:
        return event("member.registered", member_id, {"member_id": member_id, "name_masked": "张*珠", "kind": "in_service",
                                                      "work_unit_id": unit, "home_community_id": community},
                     at=at, community=community, district=self.district(community))

    def reported(self, member_id: str, community: str, kind: str = "home", *, at: datetime = T0) -> dict:
        return event("member.reported", member_id, {"member_id": member_id, "community_id": community, "kind": kind,
                                                    "reported_at": iso(at)}, at=at, community=community,
                     district=self.district(community))

    def unit(self, unit_id: str, community: str) -> dict:
        return event("unit.registered", unit_id, {"unit_id": unit_id, "name": "测试法院", "kind": "机关",
                                                  "community_id": community}, community=community,
                     district=self.district(community))

    def demand(self, type_: str, demand_id: str, community: str, *, at: datetime = T0, event_id: str | None = None,
               **data: Any) -> dict:
        return event(type_, demand_id, {"demand_id": demand_id, "community_id": community, "kind": "need",
                                        "category": "志愿服务", **data},
                     at=at, community=community, district=self.district(community), event_id=event_id)

    def verified(self, demand_id: str, claimant: str, community: str, hours: float, *, at: datetime = T0,
                 kind: str = "member", event_id: str | None = None, category: str = "志愿服务") -> dict:
        return self.demand("demand.verified", demand_id, community, at=at, event_id=event_id,
                           claim_id=f"claim-{uuid.uuid4().hex[:8]}", claimant_id=claimant, claimant_kind=kind,
                           hours=hours, approved=True, beneficiaries=2, category=category)


def settings(**extra: Any) -> EvaluationSettings:
    return EvaluationSettings(tick_interval_s=3600, snapshot_interval_s=0.2, **extra)


async def settle(ev: Any, count: int, timeout: float = 30) -> None:
    """Wait until the projector has applied ``count`` events in total (including duplicates skipped)."""
    async def done():
        return sum(1 for _ in ev.state.seen) >= count
    await eventually(done, timeout=timeout, interval=0.1)
