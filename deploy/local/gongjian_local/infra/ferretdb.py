"""FerretDB v1 (SQLite backend): a real MongoDB-wire server built from its Go module.

``go install`` yields a binary that panics (version.txt is not in the module zip), so we
download the module, copy it, write version.txt and build it ourselves into
``<cache>/ferretdb-<version>/ferretdb``. Each instance keeps its SQLite files, state and
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
from .ports import InfraError
from .procs import Log, cmdline, file_lock, our_pid, run_step, start_detached, tail_text

MODULE = "github.com/FerretDB/FerretDB"
VERSIONS = ("v1.24.2", "v1.24.1")  # preferred first; the second is the fallback
# Our patch (see deploy/local/ferretdb/): bump when it changes so cached binaries are rebuilt.
PATCH_LEVEL = "gj2"
PATCH_DIR = Path(__file__).resolve().parents[2] / "ferretdb"
# (file, anchor, replacement).
# 1. Lock the collection for the whole read-modify-write of update and findAndModify.
# 2. An update command closes each statement's query before the next: upstream defers the
#    close to the end of the command, so a bulk of 100+ updates holds 100 SQLite connections
#    (the pool's maximum) and the command, and then the whole database, hangs forever.
PATCHES = (
    ("internal/handler/msg_update.go",
     "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n",
     "\tdefer gongjianLockCollection(params.DB, params.Collection)()\n"),
    ("internal/handler/msg_findandmodify.go",
     "func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n",
     "\tdefer gongjianLockCollection(params.DB, params.Collection)()\n"),
    ("internal/handler/msg_update.go",
     "\t\tcloser := iterator.NewMultiCloser()\n\t\tdefer closer.Close()\n",
     None),
    ("internal/handler/msg_update.go",
     "\t\tresult, err := common.UpdateDocument(ctx, c, \"update\", iter, &u)\n",
     "\t\tcloser.Close()\n"),
)


# --- provisioning (cache) ---------------------------------------------------------

def cached_binary(cache: Path) -> Path | None:
    for version in VERSIONS:
        binary = cache / f"ferretdb-{version}-{PATCH_LEVEL}" / "ferretdb"
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
    home = cache / f"ferretdb-{version}-{PATCH_LEVEL}"
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


def apply_patches(src: Path) -> None:
    """Make single-document updates atomic under concurrency (FerretDB 1.24 loses writes)."""
    shutil.copy(PATCH_DIR / "gongjian_writelock.go", src / "internal" / "handler" / "gongjian_writelock.go")
    for relative, anchor, insert in PATCHES:
        path = src / relative
        text = path.read_text()
        if anchor not in text:
            raise InfraError(f"cannot patch {relative}: the expected code is not there (FerretDB changed?)")
        if insert is None:  # the closer is made but no longer deferred
            replacement = anchor.replace("\t\tdefer closer.Close()\n", "")
        else:
            replacement = anchor + insert
        path.write_text(text.replace(anchor, replacement, 1))


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
