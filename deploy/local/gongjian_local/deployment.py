"""What the deployment files must agree with: each service's settings, port and entry point.

Read from the code itself (the pydantic settings classes and the services' pyproject files),
so the compose and Kubernetes checks (tests/ops) fail when a service renames a variable,
moves its port or adds a required secret, instead of a deployment failing at run time.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import AliasChoices

REPO = Path(__file__).resolve().parents[3]

# Variables every process understands without a settings field: OpenTelemetry's standard ones.
STANDARD_ENV = {"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"}


@dataclass(frozen=True)
class Service:
    name: str  # registry, claims, evaluation, portal

    @property
    def root(self) -> Path:
        return REPO / "services" / self.name

    @property
    def dockerfile(self) -> Path:
        return self.root / "Dockerfile"

    @cached_property
    def settings_class(self) -> type:
        from gongjian_shared.settings import ServiceSettings

        module = importlib.import_module(f"gongjian_{self.name}.config")
        found = [v for v in vars(module).values()
                 if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings]
        if len(found) != 1:
            raise LookupError(f"gongjian_{self.name}.config should define one ServiceSettings subclass: {found}")
        return found[0]

    @cached_property
    def env_names(self) -> set[str]:
        """Environment variable names the service reads (the upper-case aliases of its settings)."""
        return settings_env_names(self.settings_class) | STANDARD_ENV

    @property
    def port_env(self) -> str:
        return f"{self.name.upper()}_PORT"

    @property
    def default_port(self) -> int:
        return int(self.settings_class.model_fields["port"].default)

    @cached_property
    def scripts(self) -> dict[str, str]:
        project = tomllib.loads((self.root / "pyproject.toml").read_text())["project"]
        return project.get("scripts", {})

    @property
    def consumes(self) -> bool:
        """Whether the service subscribes to any topic (then it has a consumers Deployment)."""
        return bool(consumed_topics(self.name))


def settings_env_names(cls: type) -> set[str]:
    names = set()
    for field in cls.model_fields.values():
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias] if isinstance(alias, str) else []
        names.update(c for c in choices if isinstance(c, str) and c.isupper())
    return names


def services() -> list[Service]:
    """Every service of the workspace (services/<name> with a gongjian_<name> package)."""
    members = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
    return [Service(Path(m).name) for m in members
            if m.startswith("services/") and (REPO / m / f"gongjian_{Path(m).name}").is_dir()]


def consumed_topics(name: str) -> list[str]:
    """Topics the service subscribes to, from its wiring (a runtime built without starting it)."""
    return list(_runtime(name).broker.gongjian_consumed)


def produced_topics(name: str) -> list[str]:
    return list(_runtime(name).owned_topics)


def subscriptions(name: str) -> set[tuple[str, str]]:
    """(topic, consumer group) of every subscriber, unprefixed: what lag-based scaling must watch."""
    return {(topic, sub.group_id) for sub in _runtime(name).broker.subscribers for topic in sub.topic_names}


def kustomize_binary() -> str | None:
    """kustomize on PATH, else the one deploy/local/scripts/kustomize.sh built into the cache."""
    from .infra.config import cache_root

    cached = cache_root() / "bin" / "kustomize"
    return shutil.which("kustomize") or (str(cached) if cached.is_file() else None)


def render(overlay: str) -> list[dict[str, Any]]:
    """``kustomize build deploy/k8s/overlays/<overlay>`` as a list of resources."""
    import yaml

    binary = kustomize_binary()
    if binary is None:
        raise FileNotFoundError("kustomize not found: run deploy/local/scripts/kustomize.sh")
    out = subprocess.run([binary, "build", str(REPO / "deploy" / "k8s" / "overlays" / overlay)],
                         check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


_RUNTIMES: dict[str, Any] = {}


def _runtime(name: str) -> Any:
    if name not in _RUNTIMES:
        bootstrap = importlib.import_module(f"gongjian_{name}.bootstrap")
        _RUNTIMES[name] = bootstrap.build_app().state.runtime  # builds the wiring; connects to nothing
    return _RUNTIMES[name]
