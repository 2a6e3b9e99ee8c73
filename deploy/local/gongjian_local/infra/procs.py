"""Detached processes with pid files, stopping whole process groups, long build steps.

A process is "ours" when the pid in its pid file is alive and its command line contains
a marker argument unique to the instance (an exact argument naming its config or state
dir inside the state dir), so
a recycled pid or a foreign server on the same port is never mistaken for ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    print(f"[gongjian infra] {message}", file=sys.stderr, flush=True)


def quiet_log(message: str) -> None:
    pass


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock so two callers never provision or start the same thing at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_alive(pid: int) -> bool:
    """True if pid runs and is not a zombie (reaps it if it is our exited child)."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def cmdline(pid: int) -> list[str]:
    """The arguments of pid (empty if it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")[:-1]


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def our_pid(pid_file: Path, marker: str) -> int | None:
    """The pid from pid_file if that process is alive and has our marker argument, else None.

    Falls back to scanning /proc for the marker, so a lost pid file never leaves an
    orphan that we cannot stop.
    """
    pid = read_pid(pid_file)
    if pid is not None and is_alive(pid) and marker in cmdline(pid):
        return pid
    for found in find_by_marker(marker):
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(f"{found}\n")
        return found
    with contextlib.suppress(FileNotFoundError):
        pid_file.unlink()
    return None


def find_by_marker(marker: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            pid = int(proc.name)
            if marker in cmdline(pid) and is_alive(pid):
                pids.append(pid)
    return sorted(pids)


def start_detached(cmd: Sequence[str], *, cwd: Path, log_file: Path, pid_file: Path,
                   env: dict[str, str] | None = None) -> int:
    """Start cmd in its own session (survives our exit), output appended to log_file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as out:
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True, env=env,
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def stop(pid: int, *, timeout: float = 30.0, log: Log = quiet_log, name: str = "process") -> None:
    """SIGTERM the process group led by pid, wait, then SIGKILL what is left."""
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _group_alive(pid):
            return
        time.sleep(0.2)
    log(f"{name} (pid {pid}) did not stop within {timeout:.0f}s; killing it")
    _signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _group_alive(pid):
        time.sleep(0.1)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)  # our processes lead their own session and group
    except ProcessLookupError:
        pass
    except PermissionError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _group_alive(pgid: int) -> bool:
    if is_alive(pgid):
        return True
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def run_step(cmd: Sequence[str], *, cwd: Path, log_file: Path, label: str, log: Log,
             env: dict[str, str] | None = None, heartbeat: float = 15.0) -> None:
    """Run a long build command, output to log_file, printing a heartbeat while it runs."""
    log(f"{label} ...")
    started = time.monotonic()
    with open(log_file, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env)
        while True:
            try:
                code = proc.wait(timeout=heartbeat)
                break
            except subprocess.TimeoutExpired:
                log(f"  still working ({time.monotonic() - started:.0f}s)")
    if code != 0:
        tail = tail_text(log_file)
        raise subprocess.CalledProcessError(code, list(cmd), output=tail)
    log(f"  done in {time.monotonic() - started:.0f}s")


def tail_text(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
