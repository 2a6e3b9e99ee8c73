"""Local real infrastructure without Docker: Apache Kafka (KRaft) and FerretDB.

    from gongjian_local.infra import ensure_up
    endpoints = ensure_up()   # provisions once, starts if needed, waits until ready
    endpoints.kafka_bootstrap, endpoints.mongodb_url

Jars and binaries are cached in ``$GONGJIAN_CACHE`` (default ``~/.cache/gongjian``);
data, logs and pid files live in ``$GONGJIAN_STATE`` (default ``<cache>/state``). Ports:
``KAFKA_PORT`` (9092), ``KAFKA_CONTROLLER_PORT`` (9093), ``MONGODB_PORT`` (27017). With
``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URL`` both set, ``ensure_up()`` returns them and
starts nothing.
"""

from .config import InfraConfig, cache_root, default_state_dir
from .ports import InfraError, PortInUseError, free_port
from .stack import (
    ComponentStatus,
    Endpoints,
    down,
    ensure_up,
    ensure_up_async,
    ensure_up_isolated,
    external_endpoints,
    status,
)

__all__ = [
    "ComponentStatus",
    "Endpoints",
    "InfraConfig",
    "InfraError",
    "PortInUseError",
    "cache_root",
    "default_state_dir",
    "down",
    "ensure_up",
    "ensure_up_async",
    "ensure_up_isolated",
    "external_endpoints",
    "free_port",
    "status",
]
