"""Start the services as their own processes and wait until each is ready.

All start at once; the portal is told where the other three listen (REGISTRY_URL, …).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from .interrupts import starting_children

SERVICES = {"registry": 8001, "claims": 8002, "evaluation": 8003, "portal": 8000}


@dataclass
class RunningService:
    name: str
    url: str
    process: subprocess.Popen


def service_port(name: str) -> int:
    return int(os.environ.get(f"{name.upper()}_PORT", SERVICES[name]))


def _port_busy(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def launch_service(name: str, env: dict[str, str]) -> RunningService:
    """Start the service's process (its own session: a terminal's Ctrl-C reaches only us)."""
    port = service_port(name)
    if _port_busy(port):
        raise RuntimeError(f"端口 {port} 已被占用，无法启动 {name}；请设置 {name.upper()}_PORT 换一个端口 "
                           f"(port {port} in use: set {name.upper()}_PORT)")
    # A developer's terminal reads text lines; production keeps the JSON default.
    env = {"GONGJIAN_LOG_FORMAT": "text", **env, f"{name.upper()}_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", f"gongjian_{name}.main"], env=env, start_new_session=True)
    return RunningService(name, f"http://127.0.0.1:{port}", process)


def wait_ready(service: RunningService, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} 启动失败 (exited with {service.process.returncode})")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{service.url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{service.name} 未能在 {timeout:.0f} 秒内就绪 (not ready)")


def stop_services(services: list[RunningService], timeout: float = 20) -> None:
    """SIGTERM all at once (they drain in parallel), then SIGKILL what outlives the timeout.

    Ctrl-C and SIGTERM are ignored meanwhile: a second one must not cut the cleanup short
    and leave services behind.
    """
    in_main = threading.current_thread() is threading.main_thread()  # only it may set handlers
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM) if in_main}
    try:
        for service in services:
            if service.process.poll() is None:
                service.process.terminate()
        deadline = time.monotonic() + timeout
        for service in services:
            try:
                service.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def running_services(env: dict[str, str], log=print) -> Iterator[dict[str, RunningService]]:
    """The services, each started and ready; all stopped on leaving, however that happens."""
    started: dict[str, RunningService] = {}
    # Evaluation asks the registry for the names officials may read.
    env = {"REGISTRY_URL": f"http://127.0.0.1:{service_port('registry')}", **env}
    try:
        for name in SERVICES:  # all at once: their start-ups overlap (imports, Kafka, indexes)
            log(f"  启动 {name} 服务 (starting {name}) …")
            upstreams = {f"{n.upper()}_URL": f"http://127.0.0.1:{service_port(n)}" for n in SERVICES
                         if n != name} if name == "portal" else {}
            with starting_children():  # a Ctrl-C here must not orphan the child being started
                started[name] = launch_service(name, {**env, **upstreams})
        for name, service in started.items():
            wait_ready(service)
            log(f"  ✓ {name} 就绪: {service.url}")
        yield started
    finally:
        stop_services(list(reversed(started.values())))
