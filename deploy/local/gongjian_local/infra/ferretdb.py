"""FerretDB v1 (SQLite backend): a real MongoDB-wire server built from its Go module.

``go install`` yields a binary that panics (version.txt is not in the module zip), so we
download the module, copy it, write version.txt and build it ourselves into
``<cache>/ferretdb-<version>-<patch key>/ferretdb``, patched as ``ferretdb_patches`` says
(the key is a hash of the patches: a changed patch builds anew). Each instance keeps its SQLite files, state and
log under ``<state>/ferretdb/``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

from .config import InfraConfig
from .ferretdb_patches import apply_patches, patch_key
from .ports import InfraError
from .procs import Log, cmdline, file_lock, our_pid, run_step, start_detached, tail_text

MODULE = "github.com/FerretDB/FerretDB"
VERSIONS = ("v1.24.2", "v1.24.1")  # preferred first; the second is the fallback

# --- provisioning (cache) ---------------------------------------------------------

def build_home(cache: Path, version: str) -> Path:
    """Where one version built with the current patches lives (named after their hash)."""
    return cache / f"ferretdb-{version}-{patch_key()}"


def cached_binary(cache: Path) -> Path | None:
    for version in VERSIONS:
        binary = build_home(cache, version) / "ferretdb"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


def provision(cache: Path, log: Log) -> Path:
    """The FerretDB binary, building it with Go the first time."""
    found = cached_binary(cache)
    if found:
        return found
    with file_lock(cache / ".ferretdb.lock"):
        found = cached_binary(cache)
        if found:
            return found
        if shutil.which("go") is None:
            raise InfraError("'go' is not on PATH; building FerretDB needs Go.")
        errors = []
        for version in VERSIONS:
            try:
                return _build(cache, version, log)
            except InfraError as exc:
                errors.append(f"{version}: {exc}")
                log(f"FerretDB {version} failed: {exc}")
        raise InfraError("Could not build FerretDB:\n" + "\n".join(errors))


def _build(cache: Path, version: str, log: Log) -> Path:
    home = build_home(cache, version)
    home.mkdir(parents=True, exist_ok=True)
    log(f"Downloading the FerretDB {version} Go module ...")
    done = subprocess.run(["go", "mod", "download", "-json", f"{MODULE}@{version}"],
                          cwd=home, capture_output=True, text=True)
    try:
        info = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        info = {}
    if done.returncode != 0 or info.get("Error") or not info.get("Dir"):
        raise InfraError(f"go mod download failed: {info.get('Error') or done.stderr.strip()}")

    src = home / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(info["Dir"], src, symlinks=True)
    _make_writable(src)  # the module cache is read-only
    version_file = src / "build" / "version" / "version.txt"
    version_file.parent.mkdir(parents=True, exist_ok=True)
    version_file.write_text(version)
    apply_patches(src)

    env = dict(os.environ, CGO_ENABLED="0")
    if "-buildvcs" not in env.get("GOFLAGS", ""):
        env["GOFLAGS"] = (env.get("GOFLAGS", "") + " -buildvcs=false").strip()
    tmp = home / "ferretdb.tmp"
    try:
        run_step(["go", "build", "-trimpath", "-o", str(tmp), "./cmd/ferretdb"], cwd=src,
                 env=env, log_file=home / "build.log", log=log,
                 label=f"Building FerretDB {version} with Go (first time only, 1-3 minutes)")
    except subprocess.CalledProcessError as exc:
        raise InfraError(f"go build failed (see {home / 'build.log'}):\n{exc.output}") from None
    check = subprocess.run([str(tmp), "--version"], capture_output=True, text=True)
    if check.returncode != 0 or version not in check.stdout:
        raise InfraError(f"the built binary does not run: {check.stdout}{check.stderr}")
    binary = home / "ferretdb"
    os.replace(tmp, binary)
    shutil.rmtree(src, ignore_errors=True)
    log(f"FerretDB {version} built: {binary}")
    return binary


def _make_writable(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames, ""]:
            path = Path(dirpath, name)
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)


# --- one instance (state dir) ------------------------------------------------------

def _paths(config: InfraConfig) -> dict[str, Path]:
    d = config.ferretdb_dir
    return {"dir": d, "data": d / "data", "state": d / "state", "pid": d / "ferretdb.pid",
            "log": d / "ferretdb.log"}


def marker(config: InfraConfig) -> str:
    """The argument only this instance's server has on its command line."""
    return f"--state-dir={_paths(config)['state']}"


def running_pid(config: InfraConfig) -> int | None:
    return our_pid(_paths(config)["pid"], marker(config))


def running_port(pid: int) -> int | None:
    for arg in cmdline(pid):
        if arg.startswith("--listen-addr="):
            return int(arg.rsplit(":", 1)[1])
    return None


def outdated_build(pid: int, cache: Path) -> Path | None:
    """The binary pid runs if it was built from other patches than ours (else None).

    A server started before a patch changed keeps serving the old behaviour (e.g. no
    index use) until it is restarted; ``gongjian infra up`` reports or restarts it.
    """
    args = cmdline(pid)
    if not args:
        return None
    binary = Path(args[0])
    current = {build_home(cache, version).name for version in VERSIONS}
    return None if binary.parent.name in current else binary


def log_file(config: InfraConfig) -> Path:
    return _paths(config)["log"]


def start(config: InfraConfig, binary: Path, log: Log) -> int:
    p = _paths(config)
    for key in ("data", "state"):
        p[key].mkdir(parents=True, exist_ok=True)
    # synchronous(normal) in WAL mode: no fsync per commit (a killed process loses nothing;
    # only a power cut may drop the last commits). Without it every single-document update
    # costs an fsync, about 10 ms here, and an outbox relay clears ~100 documents a second.
    cmd = [str(binary), "--handler=sqlite", f"--sqlite-url=file:{p['data']}/?_pragma=synchronous(normal)",
           f"--listen-addr={config.host}:{config.mongo_port}", "--telemetry=disable",
           marker(config), "--debug-addr=-", "--log-level=error"]
    # (at warn it logs every error reply in full, e.g. each pymongo endSessions on close)
    pid = start_detached(cmd, cwd=p["dir"], log_file=p["log"], pid_file=p["pid"])
    log(f"FerretDB starting (pid {pid}) on {config.host}:{config.mongo_port}, log {p['log']}")
    return pid


def failure_text(config: InfraConfig) -> str:
    return f"--- {log_file(config)} ---\n{tail_text(log_file(config))}"
