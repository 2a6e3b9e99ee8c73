"""Shared test helpers: a small city, ID numbers, sheets, events on topics."""

from __future__ import annotations

from datetime import date
from typing import Any

from gongjian_registry.adapters.sheets import write_csv, write_xlsx
from gongjian_registry.domain.idcard import make_id_number
from gongjian_shared.testing import auth, event_of, read_topic

ADMIN = auth("city_admin", sub="city-1")


def id_number(i: int) -> str:
    return make_id_number("230881", date(1970, 1, 1 + i % 28), i)


async def small_city(client: Any) -> dict[str, str]:
    """city → district → street (2) → community (2) → grid → building, deterministic ids."""
    specs = [("c", "city", "同江市", None), ("d", "district", "城区", "c"), ("s1", "street", "向阳街道", "d"),
             ("s2", "street", "通江街道", "d"), ("c1", "community", "新华社区", "s1"), ("c2", "community", "东安社区", "s2"),
             ("g1", "grid", "第1网格", "c1"), ("b1", "building", "11号楼", "g1")]
    for pid, kind, name, parent in specs:
        r = await client.post("/places", json={"id": pid, "kind": kind, "name": name, "parent_id": parent}, headers=ADMIN)
        assert r.status_code == 201, r.text
    return {pid: pid for pid, *_ in specs}


async def events_of(ns: Any, topic: str, until: Any, timeout: float = 20) -> list[dict[str, Any]]:
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic(topic), timeout=timeout,
                               until=lambda rs: until([event_of(r) for r in rs]))
    return [event_of(r) for r in records]


def raw_topic_bytes(records: list[Any]) -> bytes:
    return b"".join(r.value + b"".join(v for _, v in (r.headers or [])) for r in records)


def sheet(headers: tuple[str, ...] | list[str], rows: list[list[str]], fmt: str = "xlsx") -> tuple[str, bytes]:
    if fmt == "csv":
        return "members.csv", write_csv(headers, rows)
    return "members.xlsx", write_xlsx(headers, rows)


def count_type(events: list[dict[str, Any]], type_: str) -> int:
    return sum(e["type"] == f"gongjian.{type_}" for e in events)
