"""The built front ends: /m/ (mobile, Vant) and /console/ (staff, Element Plus).

Both are single-page apps with history-mode routes, so a path that is not a file gets the
app's index.html. Built files live in gongjian_portal/static/{m,console}/ (see
deploy/local/scripts/frontend.sh); hashed assets are cached for a year, index.html never.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from gongjian_shared.access import public
from gongjian_shared.problems import Problem

router = APIRouter(include_in_schema=False)
APPS = {"m": "手机端", "console": "管理后台"}


def static_root(request: Request) -> Path:
    configured = request.app.state.settings.static_dir
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "static"


@router.get("/", **public("前端页面，不含数据 static front end"))
async def landing() -> RedirectResponse:
    return RedirectResponse("/m/", status_code=307)


@router.get("/m", **public("前端页面，不含数据 static front end"))
@router.get("/console", **public("前端页面，不含数据 static front end"))
async def app_root(request: Request) -> RedirectResponse:
    return RedirectResponse(f"{request.url.path}/", status_code=307)


@router.get("/m/{path:path}", **public("前端页面，不含数据 static front end"))
async def mobile(path: str, request: Request) -> Response:
    return _serve("m", path, request)


@router.get("/console/{path:path}", **public("前端页面，不含数据 static front end"))
async def console(path: str, request: Request) -> Response:
    return _serve("console", path, request)


def _serve(app: str, path: str, request: Request) -> Response:
    root = (static_root(request) / app).resolve()
    index = root / "index.html"
    if not index.is_file():
        raise Problem(503, f"{APPS[app]}尚未构建：请运行 make setup (front end not built)", code="not-built")
    wanted = (root / path).resolve()
    if path and wanted.is_file() and wanted.is_relative_to(root):
        immutable = "/assets/" in f"/{path}"
        return FileResponse(wanted, headers={"Cache-Control": "public, max-age=31536000, immutable" if immutable
                                             else "no-cache"})
    if path.startswith("assets/"):
        raise Problem(404, "文件不存在 (no such file)")
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
