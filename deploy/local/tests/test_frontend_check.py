"""`gongjian demo` / `gongjian up` and the built front end: `frontend.sh --check` tells a missing, an
outdated and a current build apart (the script's own hash stamp); with npm the build is made first,
without it the commands refuse in Chinese, naming the command to run. A copy of the real scripts in a
scratch checkout; only npm is a stand-in (it writes the two pages the real build writes)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from gongjian_local import cli, frontend

REPO = Path(__file__).resolve().parents[3]
FAKE_NPM = """#!/bin/sh
[ "$1" = run ] || exit 0  # npm ci: nothing to install here
mkdir -p ../gongjian_portal/static/m ../gongjian_portal/static/console
echo built > ../gongjian_portal/static/m/index.html
echo built > ../gongjian_portal/static/console/index.html
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    scripts = tmp_path / "deploy/local/scripts"
    scripts.mkdir(parents=True)
    for name in ("frontend.sh", "need-npm.sh"):
        shutil.copy(REPO / "deploy/local/scripts" / name, scripts / name)
    project = tmp_path / "services/portal/frontend"
    for rel in ("package.json", "package-lock.json", "build.mjs", "vite.config.ts", "tsconfig.json",
                "m/index.html", "console/index.html", "src/console/main.ts"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(rel)
    return tmp_path


def test_a_missing_or_outdated_build_is_made_when_npm_is_here(checkout, tmp_path_factory, monkeypatch, capsys):
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "npm").write_text(FAKE_NPM)
    (bin_dir / "npm").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    assert frontend.state(checkout) == "missing"
    assert frontend.ensure_built(checkout) == "missing"
    assert "门户前端尚未构建" in capsys.readouterr().out and frontend.state(checkout) == "fresh"
    assert frontend.ensure_built(checkout) == "fresh" and not capsys.readouterr().out  # nothing to do
    project = checkout / "services/portal/frontend"
    for changed in ("src/console/main.ts", "package-lock.json"):
        (project / changed).write_text("changed")
        assert frontend.state(checkout) == "stale"
        assert frontend.ensure_built(checkout) == "stale" and frontend.state(checkout) == "fresh"
    (project / "src/console/main.ts").touch()  # a newer file time, same content (a checkout): still current
    assert frontend.state(checkout) == "fresh"


def test_without_npm_demo_and_up_refuse_in_chinese_with_the_command(checkout, monkeypatch, capsys):
    monkeypatch.setattr(frontend, "repo_root", lambda: checkout)
    monkeypatch.setattr(frontend.shutil, "which", lambda _: None)
    for command in (["demo", "--no-wait"], ["up"]):
        assert cli.main(command) == 1  # before any infrastructure is started
        err = capsys.readouterr().err
        assert "门户前端尚未构建" in err and "bash deploy/local/scripts/frontend.sh" in err
    assert frontend.state(checkout) == "missing"
