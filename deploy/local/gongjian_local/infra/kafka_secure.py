"""A second local Kafka secured as production runs it: SASL/SCRAM-SHA-512 on plaintext and on TLS, ACLs.

``start_secure(state_dir, users)`` makes a self-signed certificate for 127.0.0.1 (keytool), formats
a single KRaft node in ``state_dir`` with one SCRAM user per name in ``users`` plus ``admin`` (the
only super user; random passwords), starts it detached on free ports with the cached broker jars
of kafka.py and waits until ``admin`` can list topics. ``SecureKafka.stop()`` ends it. It never
touches the default instance (9092). Template: deploy/local/kafka/server-secure.properties.template.
"""

from __future__ import annotations

import secrets
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import kafka
from .config import HOST, RESOURCES_DIR, cache_root
from .ports import InfraError, free_port
from .procs import Log, is_alive, quiet_log, start_detached, stop, tail_text
from .readiness import quiet_unconfigured_logging, run_coroutine

JVM_OPTS = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"]


@dataclass
class SecureKafka:
    """A running secured broker: where it listens, its CA certificate and its users' passwords."""

    sasl_bootstrap: str  # SASL_PLAINTEXT
    tls_bootstrap: str  # SASL_SSL
    cafile: Path
    passwords: dict[str, str]
    pid: int
    state_dir: Path

    def settings_env(self, user: str, *, tls: bool = False) -> dict[str, str]:
        """The service settings (environment variables) that connect as ``user``."""
        return {"KAFKA_BOOTSTRAP_SERVERS": self.tls_bootstrap if tls else self.sasl_bootstrap,
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL" if tls else "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": user,
                "KAFKA_SASL_PASSWORD": self.passwords[user], "KAFKA_SSL_CAFILE": str(self.cafile) if tls else ""}

    def client_options(self, user: str, *, tls: bool = False) -> dict[str, Any]:
        """aiokafka keyword arguments connecting as ``user`` (through the services' own settings code)."""
        from gongjian_shared.kafka_security import client_options
        from gongjian_shared.settings import ServiceSettings

        return client_options(ServiceSettings(**{k.lower(): v for k, v in self.settings_env(user, tls=tls).items()}))

    def log_text(self) -> str:
        return tail_text(self.state_dir / "logs" / "server.log", 40)

    def stop(self) -> None:
        stop(self.pid, timeout=30, name="secure Kafka")


def _run(cmd: list[str], what: str, cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise InfraError(f"{what} failed:\n{done.stdout}{done.stderr}")


def _certificate(folder: Path, password: str) -> tuple[Path, Path]:
    """A self-signed key pair for HOST in a PKCS12 keystore, and its certificate as PEM (the clients' CA)."""
    keystore, cafile = folder / "broker.p12", folder / "ca.pem"
    _run(["keytool", "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
          "-dname", f"CN={HOST}", "-ext", f"SAN=IP:{HOST}", "-keystore", str(keystore), "-storetype", "PKCS12",
          "-storepass", password, "-keypass", password], "keytool -genkeypair", folder)
    _run(["keytool", "-exportcert", "-rfc", "-alias", "broker", "-keystore", str(keystore), "-storepass", password,
          "-file", str(cafile)], "keytool -exportcert", folder)
    return keystore, cafile


def start_secure(state_dir: Path, users: Iterable[str], *, log: Log = quiet_log, timeout: float = 180) -> SecureKafka:
    """Start a secured single-node broker in ``state_dir`` (must be new) with SCRAM ``users``; see the module."""
    libs = kafka.provision(cache_root(), log)
    for sub in ("data", "logs"):
        (state_dir / sub).mkdir(parents=True, exist_ok=True)
    passwords = {user: secrets.token_hex(12) for user in ("admin", *users)}
    store_password = secrets.token_hex(12)
    keystore, cafile = _certificate(state_dir, store_password)
    sasl_port, tls_port, controller_port = (free_port() for _ in range(3))
    props = (RESOURCES_DIR / "server-secure.properties.template").read_text()
    for key, value in {"@HOST@": HOST, "@SASL_PORT@": sasl_port, "@TLS_PORT@": tls_port,
                       "@CONTROLLER_PORT@": controller_port, "@DATA_DIR@": state_dir / "data",
                       "@ADMIN_PASSWORD@": passwords["admin"], "@KEYSTORE@": keystore,
                       "@KEYSTORE_PASSWORD@": store_password}.items():
        props = props.replace(key, str(value))
    config = state_dir / "server.properties"
    config.write_text(props)
    (state_dir / "log4j2.properties").write_text((RESOURCES_DIR / "log4j2.properties").read_text())
    java = ["java", *JVM_OPTS, f"-Dkafka.logs.dir={state_dir / 'logs'}",
            f"-Dlog4j2.configurationFile={state_dir / 'log4j2.properties'}", "-cp", f"{libs}/*"]
    scram = [arg for user, password in passwords.items()
             for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")]
    _run([*java, "kafka.tools.StorageTool", "format", "-t", kafka._new_cluster_id(), "-c", str(config), *scram],  # noqa: SLF001
         "formatting the secure Kafka storage", state_dir)
    pid = start_detached([*java, "kafka.Kafka", str(config)], cwd=state_dir, log_file=state_dir / "logs" / "kafka.out",
                         pid_file=state_dir / "kafka.pid")
    broker = SecureKafka(f"{HOST}:{sasl_port}", f"{HOST}:{tls_port}", cafile, passwords, pid, state_dir)
    try:
        _wait_ready(broker, time.monotonic() + timeout)
    except BaseException:
        broker.stop()
        raise
    log(f"secure Kafka (pid {pid}) on {broker.sasl_bootstrap} (SASL_PLAINTEXT), {broker.tls_bootstrap} (SASL_SSL)")
    return broker


def _wait_ready(broker: SecureKafka, deadline: float) -> None:
    """Until the admin user lists topics over both listeners (SCRAM and TLS checked end to end)."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def lists(tls: bool) -> bool:
        admin = AIOKafkaAdminClient(request_timeout_ms=5000, **broker.client_options("admin", tls=tls))
        try:
            await admin.start()
            await admin.list_topics()
            return True
        except Exception:  # noqa: BLE001 - not ready yet
            return False
        finally:
            await admin.close()

    while time.monotonic() < deadline:
        if not is_alive(broker.pid):
            raise InfraError(f"the secure Kafka exited:\n{broker.log_text()}")
        with quiet_unconfigured_logging():  # "Unable connect" while the JVM starts
            if run_coroutine(lambda: lists(False)) and run_coroutine(lambda: lists(True)):
                return
        time.sleep(1)
    raise InfraError(f"the secure Kafka was not ready in time:\n{broker.log_text()}")
