"""Port checks: is a port free, who holds it, does it answer."""

from __future__ import annotations

import errno
import os
import socket
import time
from pathlib import Path


class InfraError(RuntimeError):
    """Local infrastructure could not be provisioned, started or stopped."""


class PortInUseError(InfraError):
    """A port we need is held by a process that is not ours."""

    def __init__(self, port: int, component: str, env_var: str, owner: str | None = None) -> None:
        self.port, self.component, self.env_var = port, component, env_var
        held = f" by {owner}" if owner else ""
        super().__init__(
            f"Port {port} for {component} is already in use{held}, which is not the "
            f"{component} of this gongjian state dir. Stop that process, or choose another "
            f"port: export {env_var}=<free port>."
        )


def is_port_free(host: str, port: int) -> bool:
    """True if we could listen on host:port now (a port in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def is_port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_free(host: str, port: int, component: str, env_var: str) -> None:
    if not is_port_free(host, port):
        raise PortInUseError(port, component, env_var, port_owner(port))


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS considers free right now (for tests and isolated instances)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_owner(port: int) -> str | None:
    """Best effort 'pid N (name)' of the process listening on a TCP port (Linux only)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    name = (proc / "comm").read_text().strip()
                    return f"pid {proc.name} ({name})"
        except OSError:
            continue
    return None


def _listening_inodes(port: int) -> set[str]:
    return {inode for inode, _ in _sockets(port, "0A")}  # 0A = LISTEN


def connected_clients(port: int) -> int:
    """How many TCP connections to a local server on port are open now (Linux only)."""
    return len(_sockets(port, "01"))  # 01 = ESTABLISHED, server side (local port == port)


def _sockets(port: int, state: str) -> list[tuple[str, str]]:
    """(inode, remote address) of the TCP sockets on local port in a /proc/net/tcp state."""
    found: list[tuple[str, str]] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, sock_state, inode = fields[1], fields[2], fields[3], fields[9]
            if sock_state == state and int(local.rsplit(":", 1)[1], 16) == port:
                found.append((inode, remote))
    return found


def wait_port_open(host: str, port: int, deadline: float, alive=lambda: True) -> bool:
    """Poll until host:port answers, the deadline (time.monotonic) passes or alive() fails."""
    while time.monotonic() < deadline:
        if is_port_open(host, port):
            return True
        if not alive():
            return False
        time.sleep(0.2)
    return False
