"""The compose file and the Dockerfiles agree with the services' code (no Docker engine needed).

Every variable a container sets must be one its service reads (the upper-case aliases of its
pydantic settings), ports must match the port setting, EXPOSE and the published port, the
Kafka and MongoDB addresses must name the compose services on their real ports, and each
image must be non-root on a pinned base and start the service's own entry point.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from gongjian_local.deployment import REPO, Service, services

COMPOSE = REPO / "deploy" / "compose" / "docker-compose.yml"
ROLES = {"all", "api", "consumers"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def containers_of(compose: dict, service: Service) -> dict[str, dict]:
    image = f"gongjian-{service.name}:"
    return {name: spec for name, spec in compose["services"].items() if spec.get("image", "").startswith(image)}


def env_of(spec: dict) -> dict[str, str]:
    return {k: str(v) for k, v in spec.get("environment", {}).items()}


def dockerfile_lines(path: Path) -> list[str]:
    """Instructions with continuation lines joined."""
    return [line.strip() for line in re.sub(r"\\\n\s*", " ", path.read_text()).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("service", services(), ids=lambda s: s.name)
def test_every_service_has_a_small_non_root_pinned_image(service: Service):
    assert service.dockerfile.is_file(), f"{service.name} has no Dockerfile"
    lines = dockerfile_lines(service.dockerfile)
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert bases and all(re.fullmatch(r"[a-z0-9./-]+:\d+(\.\d+)+-[a-z-]+(@sha256:[0-9a-f]{64})?", b) for b in bases), bases
    assert bases[-1].startswith("python:") and "slim" in bases[-1]  # the runtime stage is slim
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user and user[-1].split(":")[0] not in ("0", "root"), "the image must not run as root"
    assert f"EXPOSE {service.default_port}" in lines
    assert f"--package gongjian-{service.name}" in service.dockerfile.read_text()
    assert "--frozen" in service.dockerfile.read_text(), "images install exactly uv.lock"
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert cmd == f'CMD ["gongjian-{service.name}"]' and f"gongjian-{service.name}" in service.scripts


@pytest.mark.parametrize("service", services(), ids=lambda s: s.name)
def test_compose_runs_each_service_with_settings_it_reads(compose: dict, service: Service):
    containers = containers_of(compose, service)
    assert containers, f"{service.name} is not in {COMPOSE.name}"
    roles = set()
    for name, spec in containers.items():
        env = env_of(spec)
        unknown = set(env) - service.env_names
        assert not unknown, f"{name} sets variables {service.name} never reads: {sorted(unknown)}"
        roles.add(env.get("GONGJIAN_ROLE", "all"))
        port = int(env.get(service.port_env, service.default_port))
        assert port == service.default_port  # the port the image EXPOSEs and the probes use
        for mapping in spec.get("ports", []):
            assert int(str(mapping).split(":")[-1]) == port, f"{name} publishes {mapping}, listens on {port}"
        assert env.get("GONGJIAN_HOST") == "0.0.0.0", "a container must listen beyond its loopback"
        assert spec.get("stop_grace_period"), "in-flight messages need time to finish on stop"
    assert roles <= ROLES
    if service.consumes:
        assert roles & {"all", "consumers"}, f"nothing consumes {service.name}'s topics"
    assert roles & {"all", "api"}, f"nothing serves {service.name}'s API"
    if "build" in next(iter(containers.values())) or any("build" in s for s in containers.values()):
        build = next(s["build"] for s in containers.values() if "build" in s)
        assert (COMPOSE.parent / build["context"]).resolve() == REPO
        assert (REPO / build["dockerfile"]).resolve() == service.dockerfile


def test_infrastructure_is_the_official_images_and_services_point_at_it(compose: dict):
    kafka, mongo = compose["services"]["kafka"], compose["services"]["mongo"]
    assert re.fullmatch(r"apache/kafka:\d+\.\d+\.\d+", kafka["image"])
    assert re.fullmatch(r"mongo:\d+\.\d+\.\d+", mongo["image"])
    command = mongo["command"]
    replica_set = command[command.index("--replSet") + 1]
    advertised = kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    for service in services():
        for name, spec in containers_of(compose, service).items():
            env = env_of(spec)
            assert env["KAFKA_BOOTSTRAP_SERVERS"] in advertised, name
            url = urlparse(env["MONGODB_URL"])
            assert url.hostname == "mongo" and (url.port or 27017) == 27017, name
            assert parse_qs(url.query).get("replicaSet") == [replica_set], f"{name} must use the replica set"
            depends = spec.get("depends_on", {})
            assert depends.get("kafka", {}).get("condition") == "service_healthy", name
            assert depends.get("mongo", {}).get("condition") == "service_healthy", name


def test_service_urls_between_containers_name_real_ports(compose: dict):
    """A variable ending in _URL that names a compose service must use that service's port."""
    ports = {}
    for service in services():
        for name in containers_of(compose, service):
            ports[name] = service.default_port
    for name, spec in compose["services"].items():
        for key, value in env_of(spec).items():
            if key.endswith("_URL") and value.startswith("http"):
                url = urlparse(value)
                assert url.hostname in ports, f"{name}: {key} names no compose service"
                assert url.port == ports[url.hostname], f"{name}: {key} uses port {url.port}"
