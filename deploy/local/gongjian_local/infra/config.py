"""Where things live and which ports they use.

Downloads and builds go to a cache outside the repo (``GONGJIAN_CACHE``, default
``~/.cache/gongjian``) so every clone on the machine reuses them. Data, logs and pid
files go to a state dir (``GONGJIAN_STATE``, default ``<cache>/state``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"

#: Resources (pom template, broker config, log4j2 config) kept in the repo.
RESOURCES_DIR = Path(__file__).resolve().parents[2] / "kafka"


def cache_root() -> Path:
    """Cache for jars and binaries, shared by every clone on this machine."""
    env = os.environ.get("GONGJIAN_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "gongjian"


def default_state_dir() -> Path:
    env = os.environ.get("GONGJIAN_STATE")
    return Path(env).expanduser() if env else cache_root() / "state"


def _port_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name}={raw!r} is not a port number")
    return port


@dataclass(frozen=True)
class InfraConfig:
    """One local instance: a Kafka broker and a FerretDB server sharing a state dir."""

    state_dir: Path
    kafka_port: int = 9092
    controller_port: int = 9093
    mongo_port: int = 27017
    cache_dir: Path | None = None  # None: cache_root() at use time
    host: str = HOST

    @classmethod
    def from_env(cls) -> InfraConfig:
        return cls(
            state_dir=default_state_dir(),
            kafka_port=_port_from_env("KAFKA_PORT", 9092),
            controller_port=_port_from_env("KAFKA_CONTROLLER_PORT", 9093),
            mongo_port=_port_from_env("MONGODB_PORT", 27017),
        )

    @property
    def cache(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else cache_root()

    @property
    def kafka_dir(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def ferretdb_dir(self) -> Path:
        return self.state_dir / "ferretdb"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.kafka_port}"

    @property
    def mongodb_url(self) -> str:
        return f"mongodb://{self.host}:{self.mongo_port}/?directConnection=true"
