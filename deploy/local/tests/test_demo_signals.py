"""Stopping `gongjian demo` by SIGTERM at any moment leaves no process behind and frees its ports.

The demo runs for real (real Kafka and MongoDB-wire server, its services on free ports, its
own database names and topic prefix), and is stopped while a service is starting and while
the city loads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from gongjian_local import interrupts
from gongjian_local.demo_space import demo_env, reset
from gongjian_local.infra import free_port
from gongjian_local.infra.ports import is_port_free
from gongjian_local.infra.procs import is_alive
from gongjian_local.services import SERVICES


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _processes_of(topic_prefix: str) -> list[int]:
    """Every process started with this demo's topic prefix (the services inherit it), the
    ones the demo may have lost track of included."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"GONGJIAN_TOPIC_PREFIX={topic_prefix}\0".encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return [pid for pid in found if is_alive(pid)]


def _wait_for_line(process: subprocess.Popen, marker: str, seen: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout:.0f}s:\n{''.join(seen[-30:])}"
    raise AssertionError(f"the demo ended before {marker!r}:\n{''.join(seen[-30:])}")


@pytest.mark.timeout(420)
@pytest.mark.parametrize("moment", ["启动 claims 服务", "[6]"])  # a service starting; the city loading
def test_sigterm_leaves_nothing_behind(infra, moment):
    ports = {name: free_port() for name in SERVICES}
    prefix = f"t{uuid.uuid4().hex[:10]}demo"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap, "MONGODB_URL": infra.mongodb_url,
           "GONGJIAN_DEMO_PREFIX": prefix, "PYTHONUNBUFFERED": "1",
           "GONGJIAN_LOG_LEVEL": "WARNING", **{f"{name.upper()}_PORT": str(p) for name, p in ports.items()}}
    demo = subprocess.Popen([sys.executable, "-m", "gongjian_local.cli", "demo", "--no-wait"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen: list[str] = []
    children: list[int] = []
    try:
        _wait_for_line(demo, moment, seen, timeout=300)
        children = _children(demo.pid)
        assert children, "the demo had started no service yet"
        demo.send_signal(signal.SIGTERM)
        seen += demo.communicate(timeout=120)[0].splitlines(keepends=True)
        assert demo.returncode == 130, "".join(seen[-30:])
        assert not [pid for pid in children if is_alive(pid)]
        # Also the ones started around the signal (CI once caught a service spawned as the signal
        # came: the demo exited, the orphan kept the output pipe open).
        assert not _processes_of(demo_env(env)["GONGJIAN_TOPIC_PREFIX"]), "".join(seen[-30:])
        deadline = time.monotonic() + 10  # a closed listening socket is released at once
        while not all(is_port_free("127.0.0.1", p) for p in ports.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(is_port_free("127.0.0.1", p) for p in ports.values()), ports
    finally:
        if demo.poll() is None:
            demo.kill()
        demo.wait()
        for pid in [*children, *_processes_of(demo_env(env)["GONGJIAN_TOPIC_PREFIX"])]:
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)
        reset(demo_env(env))


def test_an_interrupt_while_a_child_starts_waits_until_it_is_recorded():
    """The hold of interrupts.starting_children: the signal lands after the block, not inside it."""
    recorded = []
    previous = interrupts.install()
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts.starting_children():
                os.kill(os.getpid(), signal.SIGTERM)
                deadline = time.monotonic() + 5
                while not interrupts._pending and time.monotonic() < deadline:
                    time.sleep(0.01)  # the handler runs between bytecodes of the main thread
                recorded.append("child")
        assert recorded == ["child"]
        with pytest.raises(KeyboardInterrupt):  # outside a hold it interrupts at once
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
    finally:
        interrupts.restore(previous)
