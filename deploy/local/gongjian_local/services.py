"""Start the services as their own processes and wait until each is ready.

The portal starts last: it is told where the other three listen (REGISTRY_URL, …).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

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


def start_service(name: str, env: dict[str, str], timeout: float = 90) -> RunningService:
    port = service_port(name)
    if _port_busy(port):
        raise RuntimeError(f"端口 {port} 已被占用，无法启动 {name}；请设置 {name.upper()}_PORT 换一个端口 "
                           f"(port {port} in use: set {name.upper()}_PORT)")
    # A developer's terminal reads text lines; production keeps the JSON default.
    env = {"GONGJIAN_LOG_FORMAT": "text", **env, f"{name.upper()}_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", f"gongjian_{name}.main"], env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} 启动失败 (exited with {process.returncode})")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return RunningService(name, url, process)
        time.sleep(0.3)
    process.terminate()
    raise TimeoutError(f"{name} 未能在 {timeout:.0f} 秒内就绪 (not ready)")


def stop_service(service: RunningService) -> None:
    if service.process.poll() is None:
        service.process.terminate()
        try:
            service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait()


@contextlib.contextmanager
def running_services(env: dict[str, str], log=print) -> Iterator[dict[str, RunningService]]:
    started: dict[str, RunningService] = {}
    try:
        for name in SERVICES:
            log(f"  启动 {name} 服务 (starting {name}) …")
            upstreams = {f"{n.upper()}_URL": s.url for n, s in started.items()} if name == "portal" else {}
            started[name] = start_service(name, {**env, **upstreams})
            log(f"  ✓ {name} 就绪: {started[name].url}")
        yield started
    finally:
        for service in reversed(list(started.values())):
            stop_service(service)
