"""Is the portal's built front end there, and built from the sources as they are now?

``gongjian demo`` and ``gongjian up`` serve ``services/portal/gongjian_portal/static/{m,console}/``
(git-ignored) as built by ``deploy/local/scripts/frontend.sh``; ``make demo`` runs that script first,
the bare commands did not, and served a missing or outdated build without a word. The test is the
script's own (``frontend.sh --check``: the hash stamp of package-lock.json and every source file the
last build was made from), not file times: a checkout or rebase touches files without changing them,
and a check that disagreed with the script would ask for a build the script then skips.
When a build is needed: with npm on this machine it is built here, otherwise the command refuses,
in Chinese, naming the command to run.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Literal

SCRIPT = "deploy/local/scripts/frontend.sh"
COMMAND = f"bash {SCRIPT}"
State = Literal["fresh", "missing", "stale"]
_STATES: dict[int, State] = {0: "fresh", 3: "missing", 4: "stale"}
WHY = {"missing": "尚未构建", "stale": "比源码旧（frontend/src 或 package-lock.json 已改动）"}


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def state(root: Path) -> State:
    """fresh | missing | stale, as ``frontend.sh --check`` answers for the checkout at ``root``."""
    rc = subprocess.run(["bash", str(root / SCRIPT), "--check"], cwd=root, capture_output=True).returncode
    if rc not in _STATES:
        raise RuntimeError(f"无法检查门户前端是否已构建（{COMMAND} --check 退出码 {rc}）")
    return _STATES[rc]


def ensure_built(root: Path | None = None, which: Callable[[str], str | None] | None = None) -> State:
    """Build the front end if it is missing or stale and npm is here; the state found before.

    Raises RuntimeError (Chinese, with the command to run) when a build is needed and there is no npm,
    or when the build fails. Outside a checkout (no frontend.sh) there is nothing to check: "fresh".
    """
    root = root or repo_root()
    if not (root / SCRIPT).is_file():
        return "fresh"
    found = state(root)
    if found == "fresh":
        return found
    if (which or shutil.which)("npm") is None:
        raise RuntimeError(f"门户前端{WHY[found]}，本机也没有 npm，无法自动构建。请先运行：{COMMAND}"
                           "（它会安装 npm 并构建），或直接运行 make demo")
    print(f"门户前端{WHY[found]}：正在构建 ({COMMAND}) …", flush=True)
    if subprocess.run(["bash", str(root / SCRIPT)], cwd=root).returncode != 0:
        raise RuntimeError(f"门户前端构建失败，请查看上面的输出后重新运行：{COMMAND}")
    return found
