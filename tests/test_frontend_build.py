"""The portal's built front ends (deploy/local/scripts/frontend.sh): complete, local, light.

Each entry is an index.html whose scripts and styles all lie in its own folder under its own
base path (/m/, /console/); nothing points at another host (no CDN at run time); the first
load of the mobile site stays small for a phone on a slow line; routes are split into chunks.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "services/portal/gongjian_portal/static"
# data: URIs (the pages' empty inline favicon) are not fetched, so they are not assets.
REF = re.compile(r'(?:src|href)="(?!data:)([^"]+)"')
# Strings inside the libraries' code that are never fetched: XML namespaces, Vue's error
# reference and the documentation links of Element Plus's deprecation warnings.
NOT_FETCHED = ("http://www.w3.org/", "https://vuejs.org/error-reference", "https://element-plus.org/")


@pytest.fixture(params=["m", "console"])
def entry(request) -> Path:
    folder = STATIC / request.param
    if not (folder / "index.html").exists():
        pytest.fail(f"{folder}/index.html missing: run `bash deploy/local/scripts/frontend.sh`")
    return folder


def test_every_asset_is_served_from_the_entrys_own_folder(entry: Path):
    html = (entry / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    refs = REF.findall(html)
    assert refs, "the page loads no script"
    for ref in refs:
        assert ref.startswith(f"/{entry.name}/assets/"), ref
        assert (entry / ref.removeprefix(f"/{entry.name}/")).is_file(), ref


def test_nothing_is_fetched_from_another_host(entry: Path):
    for path in entry.rglob("*"):
        if path.suffix in (".js", ".css", ".html"):
            text = path.read_text(encoding="utf-8")
            urls = [u for u in re.findall(r"https?://[^\s\"'`)]+", text) if not u.startswith(NOT_FETCHED)]
            assert not urls, f"{path.name} refers to {urls[:3]}"


def test_the_mobile_site_is_light_and_split_by_route():
    folder = STATIC / "m"
    html = (folder / "index.html").read_text(encoding="utf-8")
    first = [folder / ref.removeprefix("/m/") for ref in REF.findall(html)]
    first_load = sum(len(gzip.compress(p.read_bytes())) for p in first)
    print(f"\nmobile first load: {first_load / 1024:.0f} KiB gzipped in {len(first)} files")
    assert first_load < 150 * 1024  # entry + Vue + router + Vant's base styles and icon font
    pages = [p.name for p in (folder / "assets").glob("*.js")]
    for page in ("SignIn", "Claims", "CheckIn", "Points", "Wish"):
        assert any(name.startswith(page + "-") for name in pages), f"route {page} is not its own chunk"
