"""The built front ends: files as they are, index.html for app routes, a Chinese 503 unbuilt."""

from __future__ import annotations


async def test_spa_files_and_fallback(make_portal, tmp_path):
    (tmp_path / "m" / "assets").mkdir(parents=True)
    (tmp_path / "m" / "index.html").write_text("<div id=app>手机端</div>", encoding="utf-8")
    (tmp_path / "m" / "assets" / "app-1a2b.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not served")
    async with make_portal(static_dir=str(tmp_path)) as (client, _):
        landing = await client.get("/")
        assert landing.status_code == 307 and landing.headers["location"] == "/m/"
        for path in ("/m/", "/m/claims/42", "/m/checkin"):
            r = await client.get(path)
            assert r.status_code == 200 and "手机端" in r.text and r.headers["cache-control"] == "no-cache"
        asset = await client.get("/m/assets/app-1a2b.js")
        assert asset.text == "console.log(1)" and "immutable" in asset.headers["cache-control"]
        assert (await client.get("/m/assets/missing.js")).status_code == 404
        assert "not served" not in (await client.get("/m/../secret.txt")).text
        unbuilt = await client.get("/console/")
        assert unbuilt.status_code == 503 and "尚未构建" in unbuilt.json()["detail"]
