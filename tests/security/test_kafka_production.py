"""Production Kafka security on a real broker: SASL/SCRAM-SHA-512 (plaintext and TLS) and per-service ACLs.

A second, secured KRaft broker (gongjian_local.infra.kafka_secure: SCRAM users, a self-signed TLS
listener, StandardAuthorizer denying by default) is started for this module on free ports, with a
user per service and the ACLs of gongjian_local.infra.kafka_acls; the shared broker on 9092 is not
touched. The claims service runs in-process with only its settings pointing at the secured broker
(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_CAFILE). It creates its topics, consumes the
registry's events, publishes its own through its outbox; producing to the registry's topic fails
with TopicAuthorizationFailed, and a wrong password or no credentials do not get in at all.
"""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from gongjian_claims.bootstrap import build_app
from gongjian_claims.config import ClaimsSettings
from gongjian_local.infra.kafka_acls import apply_acls, service_acls
from gongjian_local.infra.kafka_secure import start_secure
from gongjian_shared.envelope import new_event
from gongjian_shared.producer import EventProducer
from gongjian_shared.testing import app_client, auth, event_of, eventually, read_topic
from gongjian_shared.topics import CLAIMS_DEMANDS, REGISTRY_MEMBERS, REGISTRY_PLACES

SERVICES = ("registry", "claims", "evaluation")  # the portal has no events


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory):
    broker = start_secure(tmp_path_factory.mktemp("secure-kafka"), SERVICES)
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="module")
async def prefix(secure_kafka):
    """A topic prefix of this run, with every service's ACLs created for it."""
    name = f"t{uuid.uuid4().hex[:8]}."
    acls = [acl for service in SERVICES for acl in service_acls(service, name)]
    assert await apply_acls(secure_kafka.client_options("admin"), acls) == len(acls)
    return name


def claims_settings(secure_kafka, prefix: str, infra, *, tls: bool) -> ClaimsSettings:
    env = {key.lower(): value for key, value in secure_kafka.settings_env("claims", tls=tls).items()}
    return ClaimsSettings(**env, mongodb_url=infra.mongodb_url, topic_prefix=prefix,
                          database=f"{prefix.rstrip('.')}_claims_{'tls' if tls else 'sasl'}", scheduler_enabled=False)


def place(pid: str, kind: str, path: list[str]):
    return new_event(source="gongjian/registry", type="place.created", subject=pid, communityid=pid,
                     data={"place_id": pid, "kind": kind, "name": f"安全{kind}{pid[-4:]}",
                           "parent_id": path[-2] if len(path) > 1 else None, "path": path})


@pytest.mark.timeout(300)
@pytest.mark.parametrize("tls", [False, True], ids=["sasl-scram", "sasl-scram-tls"])
async def test_a_service_connects_with_scram_and_writes_only_its_own_topics(secure_kafka, prefix, infra, tls):
    settings = claims_settings(secure_kafka, prefix, infra, tls=tls)
    registry = EventProducer(client_id="registry-test", **secure_kafka.client_options("registry", tls=tls))
    await registry.start()
    app = build_app(settings)
    try:
        async with app_client(app) as client:
            assert (await client.get("/readyz")).status_code == 200
            db = app.state.runtime.db
            # It reads another service's topic: the registry (its own user) publishes a community.
            tag = uuid.uuid4().hex[:6]
            city, district, street, community = (f"{k}-{tag}" for k in ("city", "district", "street", "community"))
            path = [city, district, street, community]
            await registry.publish(settings.topic(REGISTRY_PLACES), [place(p, k, path[:i + 1]) for i, (p, k) in
                                                                     enumerate(zip(path, ("city", "district", "street", "community"), strict=True))])
            await eventually(lambda: db["places"].find_one({"_id": community}), timeout=60)
            # It writes its own topic: a demand goes out through its outbox relay over SCRAM.
            r = await client.post("/demands", headers=auth("community_admin", community), json={
                "community_id": community, "category": "志愿服务", "item": "法律咨询", "title": "周末法律咨询", "capacity": 1})
            assert r.status_code == 201, r.text
            reader = secure_kafka.client_options("evaluation", tls=tls)  # another service reads it
            records = await read_topic(
                reader["bootstrap_servers"], settings.topic(CLAIMS_DEMANDS), security=reader,
                until=lambda rs: any(event_of(x)["subject"] == r.json()["id"] for x in rs), timeout=60)
            assert any(event_of(x)["type"] == "gongjian.demand.published" for x in records)
            # It may not write another service's topic.
            forged = new_event(source="gongjian/claims", type="member.deactivated", subject="member-x",
                               data={"member_id": "member-x"})
            with pytest.raises(TopicAuthorizationFailedError):
                await app.state.runtime.producer.publish(settings.topic(REGISTRY_MEMBERS), [forged])
    finally:
        await registry.stop()


@pytest.mark.timeout(120)
async def test_wrong_or_missing_credentials_get_nothing(secure_kafka, prefix):
    good = secure_kafka.client_options("claims")
    for options in ({**good, "sasl_plain_password": "wrong"}, {"bootstrap_servers": secure_kafka.sasl_bootstrap}):
        producer = AIOKafkaProducer(request_timeout_ms=5000, **options)
        with pytest.raises(KafkaError):
            try:
                await producer.start()
                await producer.send_and_wait(f"{prefix}claims.demands.v1", b"x")
            finally:
                await producer.stop()
