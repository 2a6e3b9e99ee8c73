"""The Kubernetes manifests, rendered by kustomize per environment, agree with the services' code.

For each overlay: every service runs from its image with only variables it reads (ConfigMap keys,
secret references and literal env), on its port, with liveness on /healthz and readiness on
/readyz, requests and limits, a grace period longer than the shutdown grace; every Service and
PodDisruptionBudget selects real pods; every consuming Deployment scales with KEDA on the lag of
exactly the (topic, group) pairs it subscribes to, never past the topic's partitions; every topic
of the contract (and the dead-letter topic of every consumed one) exists with the right policy.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from gongjian_local.deployment import render, services, subscriptions
from gongjian_shared.topics import TOPICS, dead_letter_topic

OVERLAYS = ["dev", "staging", "production"]


@pytest.fixture(scope="module", params=OVERLAYS)
def manifests(request) -> dict:
    docs = render(request.param)
    by_kind: dict[str, dict[str, dict]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    namespaces = {doc["metadata"].get("namespace") for doc in docs}
    assert len(namespaces) == 1 and None not in namespaces, f"{request.param}: one namespace for all: {namespaces}"
    return by_kind


def config(manifests: dict) -> dict[str, str]:
    (cm,) = manifests["ConfigMap"].values()
    return cm["data"]


def selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def container_env(manifests: dict, deployment: dict) -> dict[str, object]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env: dict[str, object] = {}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]["name"]
        env.update(manifests["ConfigMap"][ref]["data"])
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", item.get("valueFrom"))
    return env


def deployments_of(manifests: dict, service: str) -> list[dict]:
    return [d for d in manifests["Deployment"].values()
            if d["spec"]["template"]["spec"]["containers"][0]["image"].split(":")[0] == f"gongjian/{service}"]


@pytest.mark.parametrize("service", services(), ids=lambda s: s.name)
def test_deployments_run_each_service_as_its_code_expects(manifests, service):
    deployments = deployments_of(manifests, service.name)
    assert deployments, f"no Deployment runs {service.name}"
    grace = float(config(manifests)["GONGJIAN_SHUTDOWN_GRACE_S"])
    roles = set()
    for deployment in deployments:
        name, spec = deployment["metadata"]["name"], deployment["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        env = container_env(manifests, deployment)
        unknown = set(env) - service.env_names
        assert not unknown, f"{name} sets variables {service.name} never reads: {sorted(unknown)}"
        roles.add(env.get("GONGJIAN_ROLE", "all"))
        assert int(env.get(service.port_env, service.default_port)) == service.default_port
        (port,) = container["ports"]
        assert port == {"name": "http", "containerPort": service.default_port}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["readinessProbe"]["timeoutSeconds"] > 3, "readiness checks take up to 3 s each"
        assert set(container["resources"]) == {"requests", "limits"}
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert "memory" in container["resources"]["limits"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        # uvicorn drains requests for grace/2, then consumers get grace (+5 s to leave the group).
        assert spec["terminationGracePeriodSeconds"] > 1.5 * grace + 5, f"{name}: SIGKILL before messages finish"
        for item in container.get("env", []):
            ref = item.get("valueFrom", {}).get("secretKeyRef")
            if ref and not ref.get("optional"):
                secret = manifests.get("Secret", {}).get(ref["name"])
                if secret is not None:  # generated in dev; elsewhere provided by the cluster's secret store
                    assert ref["key"] in secret["data"], f"{name}: secret {ref['name']} lacks {ref['key']}"
                else:
                    assert ref["name"] == "gongjian-secrets"
        pdbs = [p for p in manifests["PodDisruptionBudget"].values()
                if selects(p["spec"]["selector"]["matchLabels"], deployment["spec"]["template"]["metadata"]["labels"])]
        assert len(pdbs) == 1, f"{name} needs exactly one PodDisruptionBudget"
    assert roles & {"all", "api"}, f"nothing serves {service.name}'s API"
    if service.consumes:
        assert roles & {"all", "consumers"}, f"nothing consumes {service.name}'s topics"


@pytest.mark.parametrize("service", services(), ids=lambda s: s.name)
def test_each_api_has_a_service_on_its_port(manifests, service):
    (svc,) = [s for s in manifests["Service"].values() if s["metadata"]["name"] == service.name]
    (port,) = svc["spec"]["ports"]
    assert port["port"] == service.default_port and port["targetPort"] == "http"
    backing = [d for d in deployments_of(manifests, service.name)
               if selects(svc["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])]
    assert backing, f"Service {service.name} selects no pods"
    for deployment in backing:
        assert container_env(manifests, deployment).get("GONGJIAN_ROLE", "all") in ("all", "api")


@pytest.mark.parametrize("service", [s for s in services() if s.consumes], ids=lambda s: s.name)
def test_consumers_scale_on_the_lag_of_exactly_their_subscriptions(manifests, service):
    cfg = config(manifests)
    consumers = [d for d in deployments_of(manifests, service.name)
                 if container_env(manifests, d).get("GONGJIAN_ROLE", "all") in ("all", "consumers")]
    for deployment in consumers:
        name = deployment["metadata"]["name"]
        (scaled,) = [s for s in manifests["ScaledObject"].values() if s["spec"]["scaleTargetRef"]["name"] == name]
        triggers = scaled["spec"]["triggers"]
        assert all(t["type"] == "kafka" for t in triggers)
        watched = {(t["metadata"]["topic"], t["metadata"]["consumerGroup"]) for t in triggers}
        assert watched == subscriptions(service.name), f"{name} scales on {watched}"
        assert {t["metadata"]["bootstrapServers"] for t in triggers} == {cfg["KAFKA_BOOTSTRAP_SERVERS"]}
        topics = {t["spec"]["topicName"]: t for t in manifests["KafkaTopic"].values()}
        fewest = min(topics[topic]["spec"]["partitions"] for topic, _ in watched)
        assert scaled["spec"]["maxReplicaCount"] <= fewest, f"{name} would scale past {fewest} partitions"
        assert scaled["spec"]["minReplicaCount"] >= 1, "lag is only measured while a consumer runs"


def test_topics_are_configuration_with_partitions_retention_and_compaction(manifests):
    cfg = config(manifests)
    topics = {t["spec"]["topicName"]: t["spec"] for t in manifests["KafkaTopic"].values()}
    consumed = {topic for s in services() for topic, _ in subscriptions(s.name)}
    assert set(TOPICS) | {dead_letter_topic(t) for t in consumed} == set(topics)
    for name, spec in topics.items():
        assert spec["replicas"] == int(cfg["GONGJIAN_TOPIC_REPLICATION"]), name
        assert int(spec["config"]["min.insync.replicas"]) <= spec["replicas"], name
        if name in TOPICS:
            assert spec["partitions"] == int(cfg["GONGJIAN_TOPIC_PARTITIONS"]), name
            policy = "compact" if TOPICS[name].compacted else "delete"
            assert spec["config"]["cleanup.policy"] == policy, name
            if policy == "delete":  # read models are rebuilt from the topics: keep every event
                assert spec["config"]["retention.ms"] == "-1", name
        else:
            assert int(spec["config"]["retention.ms"]) >= 7 * 24 * 3600 * 1000, f"{name}: time to re-drive"


def test_service_urls_name_services_on_their_ports(manifests):
    """Variables ending in _URL that point inside the cluster name a Service on its real port."""
    ports = {s["metadata"]["name"]: s["spec"]["ports"][0]["port"] for s in manifests["Service"].values()}
    for deployment in manifests["Deployment"].values():
        for key, value in container_env(manifests, deployment).items():
            if key.endswith("_URL") and isinstance(value, str) and value.startswith("http://"):
                url = urlparse(value)
                assert url.hostname in ports, f"{deployment['metadata']['name']}: {key} names no Service"
                assert url.port == ports[url.hostname], f"{deployment['metadata']['name']}: {key} port {url.port}"


def test_only_the_portal_is_reachable_from_outside(manifests):
    ingresses = list(manifests.get("Ingress", {}).values())
    assert ingresses, "browsers need an Ingress to the portal"
    backends = {(p["backend"]["service"]["name"], p["backend"]["service"]["port"]["number"])
                for ing in ingresses for rule in ing["spec"]["rules"] for p in rule["http"]["paths"]}
    portal = next(s for s in services() if s.name == "portal")
    assert backends == {("portal", portal.default_port)}
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in manifests["Service"].values())
