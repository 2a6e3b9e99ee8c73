"""Bring the local Kafka + FerretDB pair up, down, and report on it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import ferretdb, kafka
from .config import InfraConfig
from .ports import InfraError, connected_clients, is_port_open, require_free, wait_port_open
from .procs import Log, file_lock, is_alive, stderr_log, stop
from .readiness import kafka_ready, mongo_ready


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    mongodb_url: str
    external: bool = False  # True: taken from KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    pid: int | None
    port: int
    ready: bool
    log_file: Path
    detail: str = ""

    @property
    def state(self) -> str:
        return "running" if self.running else "stopped"


def external_endpoints() -> Endpoints | None:
    """Endpoints given by the environment; when both are set nothing is provisioned."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    url = os.environ.get("MONGODB_URL", "").strip()
    return Endpoints(bootstrap, url, external=True) if bootstrap and url else None


def ensure_up(config: InfraConfig | None = None, *, log: Log = stderr_log,
              timeout: float = 120.0, restart_outdated: bool = False) -> Endpoints:
    """Provision (cached), start what is not running, and return once both are ready.

    Without a config: the environment's endpoints if both are given, else the default
    instance (``InfraConfig.from_env()``). ``timeout`` bounds the wait for readiness,
    not the one-time downloads and builds. A running FerretDB built from older patches is
    restarted from the current build when no client is connected to it (or when
    ``restart_outdated``); otherwise it keeps running and a warning says so.
    """
    if config is None:
        given = external_endpoints()
        if given is not None:
            return given
        config = InfraConfig.from_env()
    started = time.monotonic()
    config.state_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(config.state_dir / ".lock"):
        kafka_pid, ferret_pid = _running_pids(config)
        if ferret_pid is not None:
            ferret_pid = keep_or_stop_outdated(config, ferret_pid, restart_outdated, log)
        was_running = kafka_pid is not None and ferret_pid is not None
        if kafka_pid is None:
            require_free(config.host, config.kafka_port, "Kafka", "KAFKA_PORT")
            require_free(config.host, config.controller_port, "the Kafka controller",
                         "KAFKA_CONTROLLER_PORT")
        if ferret_pid is None:
            require_free(config.host, config.mongo_port, "the MongoDB-wire server (FerretDB)",
                         "MONGODB_PORT")
        if kafka_pid is None:
            kafka_pid = kafka.start(config, kafka.provision(config.cache, log), log)
        if ferret_pid is None:
            ferret_pid = ferretdb.start(config, ferretdb.provision(config.cache, log), log)
        deadline = time.monotonic() + timeout
        _wait_ready("FerretDB", ferret_pid, deadline,
                    lambda t: mongo_ready(config.mongodb_url, t),
                    lambda: ferretdb.failure_text(config), config.host, config.mongo_port)
        _wait_ready("Kafka", kafka_pid, deadline,
                    lambda t: kafka_ready(config.kafka_bootstrap, t),
                    lambda: kafka.failure_text(config), config.host, config.kafka_port)
    how = "already running" if was_running else f"ready in {time.monotonic() - started:.1f}s"
    log(f"Kafka and FerretDB {how} (state in {config.state_dir})")
    return Endpoints(config.kafka_bootstrap, config.mongodb_url)


def ensure_up_isolated(state_dir: str | Path, kafka_port: int, controller_port: int,
                       mongo_port: int, *, log: Log = stderr_log,
                       timeout: float = 120.0) -> Endpoints:
    """A separate instance (own state dir and ports), e.g. for tests; stop it with down()."""
    config = InfraConfig(Path(state_dir), kafka_port, controller_port, mongo_port)
    return ensure_up(config, log=log, timeout=timeout)


async def ensure_up_async(config: InfraConfig | None = None, *, log: Log = stderr_log,
                          timeout: float = 120.0) -> Endpoints:
    """ensure_up() off the event loop (for async fixtures and lifespans)."""
    return await asyncio.to_thread(ensure_up, config, log=log, timeout=timeout)


def down(config: InfraConfig | None = None, *, log: Log = stderr_log,
         timeout: float = 30.0) -> list[str]:
    """Stop this instance's processes (whole process groups); returns what was stopped."""
    config = config or InfraConfig.from_env()
    stopped: list[str] = []
    with file_lock(config.state_dir / ".lock"):
        for name, module in (("FerretDB", ferretdb), ("Kafka", kafka)):
            for _ in range(5):  # a lost pid file can leave more than one behind
                pid = module.running_pid(config)
                if pid is None:
                    break
                log(f"Stopping {name} (pid {pid}) ...")
                stop(pid, timeout=timeout, log=log, name=name)
                stopped.append(name)
            if module.running_pid(config) is not None:
                raise InfraError(f"{name} from {config.state_dir} is still running")
    return stopped


def status(config: InfraConfig | None = None, *, probe: bool = True) -> dict[str, ComponentStatus]:
    """Per component: running or stopped, pid, port, and (when probe) ready to serve."""
    config = config or InfraConfig.from_env()
    kafka_pid, ferret_pid = kafka.running_pid(config), ferretdb.running_pid(config)
    kafka_port = kafka.running_port(config) if kafka_pid else config.kafka_port
    ferret_port = (ferretdb.running_port(ferret_pid) if ferret_pid else None) or config.mongo_port
    k_ready = bool(kafka_pid) and probe and is_port_open(config.host, kafka_port) \
        and kafka_ready(f"{config.host}:{kafka_port}", 5)
    f_ready = bool(ferret_pid) and probe and mongo_ready(
        f"mongodb://{config.host}:{ferret_port}/?directConnection=true", 2)
    return {
        "kafka": ComponentStatus("kafka", kafka_pid is not None, kafka_pid, kafka_port or 0,
                                 k_ready, kafka.log_file(config),
                                 _detail(kafka_pid, config.host, kafka_port or 0)),
        "ferretdb": ComponentStatus("ferretdb", ferret_pid is not None, ferret_pid, ferret_port,
                                    f_ready, ferretdb.log_file(config),
                                    _detail(ferret_pid, config.host, ferret_port)
                                    or _outdated(ferret_pid, config)),
    }


def _detail(pid: int | None, host: str, port: int) -> str:
    if pid is None and is_port_open(host, port):
        return "port held by another process"
    return ""


def keep_or_stop_outdated(config: InfraConfig, pid: int, force: bool, log: Log) -> int | None:
    """pid if FerretDB may keep running; None once an outdated build has been stopped.

    Stopping a server others are connected to would break their work mid-flight (shared
    infrastructure on a developer machine), so an outdated server in use is only reported.
    """
    old = ferretdb.outdated_build(pid, config.cache)
    if old is None:
        return pid
    clients = connected_clients(config.mongo_port)
    if clients and not force:
        log(f"WARNING: FerretDB (pid {pid}) runs {old}, built from older patches than this "
            f"checkout's; {clients} client connection(s) are open, so it keeps running. When "
            f"they are done: gongjian infra up --restart-outdated")
        return pid
    log(f"FerretDB (pid {pid}) runs {old}, built from older patches; restarting it from the "
        f"current build ({clients} client connection(s) open)")
    stop(pid, timeout=30, log=log, name="FerretDB")
    return None


def _outdated(pid: int | None, config: InfraConfig) -> str:
    old = pid and ferretdb.outdated_build(pid, config.cache)
    return f"built from older patches: {old}" if old else ""


def _running_pids(config: InfraConfig) -> tuple[int | None, int | None]:
    """Our running processes; refuses one that runs on other ports than configured."""
    kafka_pid, ferret_pid = kafka.running_pid(config), ferretdb.running_pid(config)
    checks = [(kafka_pid, kafka.running_port(config), config.kafka_port, "Kafka", "KAFKA_PORT")]
    if ferret_pid:
        checks.append((ferret_pid, ferretdb.running_port(ferret_pid), config.mongo_port,
                       "FerretDB", "MONGODB_PORT"))
    for pid, actual, wanted, name, env_var in checks:
        if pid and actual is not None and actual != wanted:
            raise InfraError(
                f"{name} from {config.state_dir} already runs on port {actual}, but {env_var} "
                f"asks for {wanted}. Run `gongjian infra down` first, or unset {env_var}.")
    return kafka_pid, ferret_pid


def _wait_ready(name: str, pid: int, deadline: float, probe: Callable[[float], bool],
                failure: Callable[[], str], host: str, port: int) -> None:
    alive = lambda: is_alive(pid)  # noqa: E731
    if wait_port_open(host, port, deadline, alive):
        while time.monotonic() < deadline:
            if probe(min(10.0, max(deadline - time.monotonic(), 1.0))):
                return
            if not alive():
                break
    if not alive():
        with contextlib.suppress(Exception):
            stop(pid, timeout=5)
        raise InfraError(f"{name} exited during start-up.\n{failure()}")
    raise InfraError(f"{name} (pid {pid}) is running but not ready on port {port}.\n{failure()}")
