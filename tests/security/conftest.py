"""The services of the repository, each in its own process, shared by the security tests of this folder.

Their output goes to files (INFO level) so that test_personal_data.py can read every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gongjian_shared.testing import Namespace, ServiceProcess, clean_namespace, start_together

from .services import service_names


@dataclass
class Stack:
    urls: dict[str, str]
    ns: Namespace
    logs: list[Path]


@pytest.fixture(scope="package")
def stack(infra, tmp_path_factory):
    ns = Namespace(infra)
    folder = tmp_path_factory.mktemp("service-logs")
    env = ns.env(GONGJIAN_LOG_LEVEL="INFO", PORTAL_DB=ns.db("portal"))
    procs = {name: ServiceProcess(name, env, log_path=str(folder / f"{name}.log")) for name in service_names()}
    if "portal" in procs:  # the portal forwards to the others (their addresses are known before they start)
        procs["portal"].env.update({f"{n.upper()}_URL": p.url for n, p in procs.items() if n != "portal"})
    try:
        start_together(list(procs.values()), timeout=120)
        yield Stack({name: proc.url for name, proc in procs.items()}, ns, [folder / f"{n}.log" for n in procs])
    finally:
        for proc in procs.values():
            proc.stop()
        clean_namespace(ns)
