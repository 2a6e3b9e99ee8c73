"""Phone and ID-card numbers typed anywhere reach no event, no log line and no public page.

On the running services (conftest.py, logs at INFO into files) a fresh city is built with
members registered with a phone and an ID-card number, then every route of the probe table
that takes a JSON body is called with personal data planted in each of its free-text fields
(titles, descriptions, reasons, notes, comments, names), written the ways people type them.
Then every record of every topic of the run and every line the services logged are scanned,
and the public lists and details are read back: none may hold a phone or ID-card number.
This module runs after test_access_probe.py, so the scan covers that run's records too.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from gongjian_shared.privacy import ID_CARD, PHONE, contains_personal_data

from .probes import PROBES
from .services import operations
from .world import World, bearer

FREE_TEXT = {"title", "description", "note", "reason", "comment", "content", "summary", "activity", "target_name",
             "commitments", "location", "party_org", "holder_name", "name"}
ORDER = ("community_admin", "city_admin", "district_admin", "member", "unit_admin", "resident")


# Random identifiers (event and correlation ids as UUIDs, W3C trace and span ids) are read as separators
# and digits by the phone pattern ("…4498-1391-2345…"): one in a few hundred records looked like a phone.
# They are replaced before the scan; everything else of a record or a log line is scanned as it is.
RANDOM_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                        r"|(?<![0-9a-z])00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?![0-9a-z])"
                        r"|(?<![0-9a-z])(?:[0-9a-f]{32}|[0-9a-f]{16})(?![0-9a-z])"
                        # entity ids "<kind>-" + 12 random hex ("wish-c16847746718": a full run failed on it)
                        r"|(?<![0-9a-z])[a-z]+-[0-9a-f]{12}(?![0-9a-z])")


def holds_personal_data(text: str) -> bool:
    return contains_personal_data(RANDOM_IDS.sub("<id>", text))


def what_matched(text: str) -> str:
    """The phone- or ID-like text found (for the failure message)."""
    text = RANDOM_IDS.sub("<id>", text)
    found = PHONE.search(text) or ID_CARD.search(text)
    return repr(found.group(0)) if found else ""


def test_random_identifiers_are_not_taken_for_phones():
    assert contains_personal_data("00093917-0921-4498-1391-2345678abcde")  # why they are replaced
    assert not holds_personal_data("00093917-0921-4498-1391-2345678abcde 00-4bf92f3577b34da6a3ce929d0e0e4736-"
                                   "00f067aa0ba902b7-01 trace_id 13912345678123451391234567812345")
    assert holds_personal_data("00093917-0921-4498-b0c2-c7f4187e07c4 请联系139-1234-5678")
    assert not holds_personal_data("wish-c16847746718") and holds_personal_data("wish-c16847746718 电话13912345678")


def id_number(body17: str) -> str:
    """A valid 18-digit ID-card number (GB 11643-1999 check digit) for synthetic data."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


SAMPLES = ["13812345678", "139-8765-4321", "１３７１２３４５６７８", "+86 136 1234 5678", id_number("11010119900307123"),
           id_number("44030519851212001").lower()]


def planted(n: int, max_length: int | None) -> str | None:
    """Free text carrying sample n (a phone or an ID number as people write them), within max_length."""
    sample = SAMPLES[n % len(SAMPLES)]
    text = f"请联系{sample}"
    if max_length is not None and len(text) > max_length:
        text = sample if len(sample) <= max_length else None
    return text


def _resolve(doc: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return _resolve(doc, doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(doc, option)
    return schema


def plant(doc: dict, schema: dict, body: dict, counter: list[int]) -> list[str]:
    """Put planted text into every free-text field of ``body`` the schema has; returns their names."""
    schema = _resolve(doc, schema)
    names = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(doc, prop)
        if name not in FREE_TEXT or prop.get("pattern") or prop.get("enum"):
            continue
        if prop.get("type") == "array":
            item = _resolve(doc, prop.get("items", {}))
            text = planted(counter[0], item.get("maxLength"))
            if text and item.get("type") == "string":
                body[name] = [text]
        elif prop.get("type") == "string":
            text = planted(counter[0], prop.get("maxLength"))
            if text is None:
                continue
            body[name] = text
        else:
            continue
        counter[0] += 1
        names.append(name)
    return names


async def audited(client: httpx.AsyncClient, base: str, r: httpx.Response) -> int:
    """A reveal's answer (personal data in clear, by design) names its audit entry, which the audit log holds."""
    assert r.status_code == 200, r.text
    answer = r.json()
    log = await client.get(f"{base}/audit/reveals", params={"subject_id": answer["id"]},
                           headers=bearer("city_admin", [], "auditor"))
    assert answer["audit_id"] in [e["id"] for e in log.json()["items"]], (answer["audit_id"], log.text[:300])
    assert not holds_personal_data(log.text), f"the audit log holds personal data: {log.text[:300]}"
    return 1


async def scan_topics(bootstrap: str, prefix: str) -> tuple[int, list[str]]:
    """Every record of every topic named with ``prefix``: (records read, findings)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    count, found = 0, []
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or
                                                                       await _partitions(consumer, t))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    count += 1
                    text = _readable(record.value or b"") + " " + " ".join(
                        v.decode("utf-8", "replace") for _, v in record.headers or [])
                    if holds_personal_data(text):
                        found.append(f"{tp.topic}@{record.offset}: {what_matched(text)} in {text[:300]}")
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return count, found


def _readable(value: bytes) -> str:
    """A record's value as text, JSON escapes (\\uff11 for a full-width digit) undone."""
    text = value.decode("utf-8", "replace")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - topics created by the run
    return consumer.partitions_for_topic(topic) or {0}


@pytest.mark.timeout(900)
async def test_planted_personal_data_reaches_no_event_log_or_public_page(stack):
    urls = stack.urls
    planted_fields: dict[str, int] = {}
    counter, audits = [0], 0
    seq = 1010000 + random.randrange(1000) * 10  # born 1988-10-1x, a fresh sequence per run: no duplicate
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        world = World(urls, client, personal={c: {"phone": f"1391234{i:04d}",
                                                  "id_number": id_number(f"3301061988{seq + i:07d}"[:17])}
                                               for i, c in enumerate(("A", "B", "X"))})
        await world.build()
        docs = {name: (await client.get(f"{url}/openapi.json")).json() for name, url in urls.items()}
        routes = {(m, p): (service, op) for service, doc in docs.items() for m, p, op in operations(doc)}
        tokens = world.tokens("A")
        for phase in range(4):
            for key, probe in PROBES.items():
                if probe.phase != phase or key not in routes:
                    continue
                service, op = routes[key]
                schema = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
                role = next((r for r in ORDER if r in op["x-gongjian-access"]["roles"] and r not in probe.deny), None)
                if schema is None or role is None:
                    continue
                request = probe.build(world, role)
                body = dict(request["json"] or {})
                names = plant(docs[service], schema, body, counter)
                if not names:
                    continue
                r = await client.request(key[0], urls[service] + request["path"], params=request["params"],
                                         json=body, headers=tokens[role])
                assert r.status_code < 500, f"{key}: {r.status_code} {r.text}"
                for name in names:
                    field = f"{key[0]} {key[1]} {name}"
                    planted_fields[field] = max(planted_fields.get(field, 0), r.status_code)
                if op["x-gongjian-access"].get("reveals"):  # a reveal to staff: in clear by design, audited first
                    audits += await audited(client, urls[service], r)
                else:
                    assert not holds_personal_data(r.text), f"{key} answered with personal data: {r.text[:300]}"
        public = [f"/lists/needs?place_id={world['A']}", f"/demands?place_id={world['A']}", f"/demands/{world['demand']}",
                  f"/lists/resources?place_id={world['A']}", "/positions", f"/lists/projects?place_id={world['A']}"]
        pages = 0
        for path in public:
            for role in ("resident", "member"):
                r = await client.get(urls["claims"] + path, headers=world.tokens("X")[role])
                assert r.status_code == 200 and not holds_personal_data(r.text), (path, r.text[:300])
                pages += 1
    accepted = sorted(f for f, status in planted_fields.items() if status < 300)
    records, found = await scan_topics(stack.ns.infra.kafka_bootstrap, stack.ns.prefix)
    lines = 0
    for log in stack.logs:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            lines += 1
            if holds_personal_data(line):
                found.append(f"{log.name}: {what_matched(line)} in {line[:300]}")
    print(f"\npersonal data: planted in {len(planted_fields)} free-text fields ({len(accepted)} stored by a 2xx), "
          f"scanned {records} Kafka records, {lines} log lines, {pages} public reads; {audits} audited reveals")
    assert found == [], "\n".join(found[:20])
    # the run must have produced events and stored the planted text (alone ~100 records, after the probes ~350)
    assert records >= 50 and len(accepted) >= 40 and audits >= 1, (records, accepted, audits)
