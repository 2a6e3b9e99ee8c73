"""Apache Kafka, single node KRaft, from the broker jars Maven downloads.

Provisioning writes a pom into ``<cache>/kafka-<version>/`` and lets Maven copy every
runtime jar into ``libs/`` (a marker file records success). Each instance keeps its
config, data and logs under ``<state>/kafka/``.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import uuid
from pathlib import Path

from .config import RESOURCES_DIR, InfraConfig
from .ports import InfraError
from .procs import Log, file_lock, our_pid, run_step, start_detached, tail_text

KAFKA_VERSION = "4.1.2"
LOG4J_VERSION = "2.25.3"
JVM_OPTS = ["-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"]


# --- provisioning (cache) ---------------------------------------------------------

def kafka_home(cache: Path) -> Path:
    return cache / f"kafka-{KAFKA_VERSION}"


def provision(cache: Path, log: Log) -> Path:
    """The folder holding every broker jar, downloading them with Maven the first time."""
    home = kafka_home(cache)
    libs, marker = home / "libs", home / ".complete"
    if marker.exists() and libs.is_dir():
        return libs
    with file_lock(cache / ".kafka.lock"):
        if marker.exists() and libs.is_dir():
            return libs
        for tool in ("java", "mvn"):
            if shutil.which(tool) is None:
                raise InfraError(f"'{tool}' is not on PATH; Kafka needs Java 17+ and Maven.")
        home.mkdir(parents=True, exist_ok=True)
        pom = (RESOURCES_DIR / "pom.xml.template").read_text()
        pom = pom.replace("@KAFKA_VERSION@", KAFKA_VERSION)
        pom = pom.replace("@LOG4J_VERSION@", LOG4J_VERSION)
        (home / "pom.xml").write_text(pom)
        shutil.rmtree(libs, ignore_errors=True)
        cmd = ["mvn", "-B", "-q", "dependency:copy-dependencies", "-DincludeScope=runtime",
               "-DoutputDirectory=libs"]
        try:
            run_step(cmd, cwd=home, log_file=home / "mvn.log", log=log,
                     label=f"Downloading Kafka {KAFKA_VERSION} jars with Maven into {libs} "
                           "(first time only)")
        except subprocess.CalledProcessError as exc:
            raise InfraError(f"Maven could not fetch the Kafka jars (see {home / 'mvn.log'}):\n"
                             f"{exc.output}") from None
        names = [p.name for p in libs.glob("*.jar")]
        for needed in (f"kafka_2.13-{KAFKA_VERSION}.jar", f"log4j-slf4j-impl-{LOG4J_VERSION}.jar"):
            if needed not in names:
                raise InfraError(f"Maven finished but {needed} is missing from {libs}")
        marker.write_text(f"{len(names)} jars\n")
        log(f"Kafka {KAFKA_VERSION}: {len(names)} jars in {libs}")
    return libs


# --- one instance (state dir) ------------------------------------------------------

def _paths(config: InfraConfig) -> dict[str, Path]:
    d = config.kafka_dir
    return {"dir": d, "data": d / "data", "logs": d / "logs", "props": d / "server.properties",
            "log4j": d / "log4j2.properties", "pid": d / "kafka.pid",
            "out": d / "logs" / "kafka.out"}


def marker(config: InfraConfig) -> str:
    """The argument only this instance's broker has on its command line."""
    return str(_paths(config)["props"])


def running_pid(config: InfraConfig) -> int | None:
    return our_pid(_paths(config)["pid"], marker(config))


def running_port(config: InfraConfig) -> int | None:
    """The client port the running broker was configured with (from its config file)."""
    try:
        text = _paths(config)["props"].read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("advertised.listeners="):
            return int(line.rsplit(":", 1)[1])
    return None


def log_file(config: InfraConfig) -> Path:
    return _paths(config)["logs"] / "server.log"


def _write_config(config: InfraConfig) -> None:
    p = _paths(config)
    for key in ("data", "logs"):
        p[key].mkdir(parents=True, exist_ok=True)
    props = (RESOURCES_DIR / "server.properties.template").read_text()
    for key, value in {"@HOST@": config.host, "@KAFKA_PORT@": str(config.kafka_port),
                       "@CONTROLLER_PORT@": str(config.controller_port),
                       "@DATA_DIR@": str(p["data"])}.items():
        props = props.replace(key, value)
    p["props"].write_text(props)
    shutil.copyfile(RESOURCES_DIR / "log4j2.properties", p["log4j"])


def _java(libs: Path, config: InfraConfig, main: str, *args: str) -> list[str]:
    p = _paths(config)
    return ["java", *JVM_OPTS, f"-Dkafka.logs.dir={p['logs']}",
            f"-Dlog4j2.configurationFile={p['log4j']}", "-cp", f"{libs}/*", main, *args]


def _new_cluster_id() -> str:
    while True:  # Kafka's own rule: an id starting with '-' breaks command lines
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def start(config: InfraConfig, libs: Path, log: Log) -> int:
    """Write the config, format storage once, start the broker detached; returns its pid."""
    _write_config(config)
    p = _paths(config)
    if not (p["data"] / "meta.properties").exists():
        cmd = _java(libs, config, "kafka.tools.StorageTool", "format", "-g",
                    "-t", _new_cluster_id(), "-c", str(p["props"]))
        done = subprocess.run(cmd, cwd=p["dir"], capture_output=True, text=True)
        (p["logs"] / "format.log").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise InfraError(f"Formatting Kafka storage failed:\n{done.stdout}{done.stderr}")
        log(f"Kafka storage formatted in {p['data']}")
    pid = start_detached(_java(libs, config, "kafka.Kafka", str(p["props"])), cwd=p["dir"],
                         log_file=p["out"], pid_file=p["pid"])
    log(f"Kafka starting (pid {pid}) on {config.kafka_bootstrap}, log {log_file(config)}")
    return pid


def failure_text(config: InfraConfig) -> str:
    p = _paths(config)
    return (f"--- {p['out']} ---\n{tail_text(p['out'], 10)}\n"
            f"--- {log_file(config)} ---\n{tail_text(log_file(config))}")
