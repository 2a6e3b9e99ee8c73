"""A second local FerretDB secured as production runs MongoDB: TLS only, and a SCRAM user.

``start_secure(state_dir)`` makes a self-signed certificate for 127.0.0.1 (openssl), starts the
project's FerretDB build (ferretdb.provision: same version and patches as the shared instance) on
a free port with only a TLS listener (no plaintext port), SQLite files in ``state_dir``, and
FerretDB 1.24's authentication (``--test-enable-new-auth``: SCRAM-SHA-256/SHA-1 against users it
stores itself; ``--setup-*`` creates the first user in ``admin`` with a random password). It waits
until that user pings over TLS. ``SecureFerretDB.stop()`` ends it; the shared 27017 is not touched.

FerretDB 1.24 authenticates but does not authorize: it has no roles, so any user it knows reads
and writes every database. Per-service users give accountability here, not isolation (MongoDB
itself enforces roles). SECURITY.md says so.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import ferretdb
from .config import HOST, cache_root
from .ports import InfraError, free_port
from .procs import Log, is_alive, quiet_log, start_detached, stop, tail_text

USER = "gongjian"


@dataclass
class SecureFerretDB:
    """A running TLS-only FerretDB with one SCRAM user (``USER``, in ``admin``)."""

    port: int
    cafile: Path
    password: str
    pid: int
    state_dir: Path

    def url(self, *, user: str = USER, password: str | None = None, cafile: Path | None | bool = True) -> str:
        """A production-style ``MONGODB_URL``: credentials, ``tls=true``, ``tlsCAFile`` (``cafile=False``: none)."""
        ca = self.cafile if cafile is True else cafile
        options = "tls=true&authSource=admin&directConnection=true" + (f"&tlsCAFile={ca}" if ca else "")
        secret = self.password if password is None else password
        return f"mongodb://{user}:{secret}@{HOST}:{self.port}/?{options}"

    def log_text(self) -> str:
        return tail_text(self.state_dir / "ferretdb.log", 40)

    def stop(self) -> None:
        stop(self.pid, timeout=30, name="secure FerretDB")


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed key and certificate for HOST (PEM); the certificate is the clients' CA."""
    if shutil.which("openssl") is None:
        raise InfraError("'openssl' is not on PATH; the TLS FerretDB needs it to make a test certificate.")
    key, cert = folder / "server-key.pem", folder / "server-cert.pem"
    done = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7",
                           "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}",
                           "-addext", f"subjectAltName=IP:{HOST}"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise InfraError(f"openssl could not make the certificate:\n{done.stderr}")
    return key, cert


def start_secure(state_dir: Path, *, log: Log = quiet_log, timeout: float = 60) -> SecureFerretDB:
    """Start the TLS-only, authenticating FerretDB in ``state_dir`` (must be new); see the module."""
    binary = ferretdb.provision(cache_root(), log)
    for sub in ("data", "state"):
        (state_dir / sub).mkdir(parents=True, exist_ok=True)
    key, cert = _certificate(state_dir)
    port, password = free_port(), secrets.token_hex(12)
    cmd = [str(binary), "--handler=sqlite", f"--sqlite-url=file:{state_dir / 'data'}/", "--listen-addr=",
           f"--listen-tls={HOST}:{port}", f"--listen-tls-cert-file={cert}", f"--listen-tls-key-file={key}",
           "--test-enable-new-auth", "--setup-database=admin", f"--setup-username={USER}",
           f"--setup-password={password}", "--telemetry=disable", f"--state-dir={state_dir / 'state'}",
           "--debug-addr=-", "--log-level=warn"]
    pid = start_detached(cmd, cwd=state_dir, log_file=state_dir / "ferretdb.log", pid_file=state_dir / "ferretdb.pid")
    server = SecureFerretDB(port, cert, password, pid, state_dir)
    try:
        _wait_ready(server, time.monotonic() + timeout)
    except BaseException:
        server.stop()
        raise
    log(f"secure FerretDB (pid {pid}) on {HOST}:{port} (TLS only, SCRAM user {USER})")
    return server


def _wait_ready(server: SecureFerretDB, deadline: float) -> None:
    """Until the setup user pings over TLS (certificate and SCRAM checked end to end)."""
    from pymongo import MongoClient

    while time.monotonic() < deadline:
        if not is_alive(server.pid):
            raise InfraError(f"the secure FerretDB exited:\n{server.log_text()}")
        try:
            with MongoClient(server.url(), serverSelectionTimeoutMS=2000) as client:
                client.admin.command("ping")
                return
        except Exception:  # noqa: BLE001 - not ready yet
            time.sleep(0.5)
    raise InfraError(f"the secure FerretDB was not ready in time:\n{server.log_text()}")
