"""Evidence (佐证材料): uploads checked by content, stored in GridFS on the real server, streamed back
only to the claimant and the officials over the demand; events carry ids and counts only."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from gongjian_claims.bootstrap import build_app
from gongjian_claims.domain.evidence import check_content, clean_filename, content_disposition
from gongjian_shared.testing import app_client, auth

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def jpeg(size: int) -> bytes:
    return JPEG_HEAD + os.urandom(size - len(JPEG_HEAD))


async def _fulfilled_claim(world, member: str | None = None) -> tuple[dict, str, str]:
    c = await world.community()
    member = member or await world.member(c)
    demand = await world.demand(c)
    r = await world.claim(demand["id"], member)
    assert r.status_code == 201, r.text
    claim_id = r.json().get("claim_id") or r.json()["id"]
    return demand, claim_id, member


def _upload(name: str, content: bytes, declared: str = "image/jpeg") -> dict:
    return {"file": (name, content, declared)}


async def test_a_photo_streams_back_to_the_claimant_and_officials_only(world):
    demand, claim_id, member = await _fulfilled_claim(world)
    c = demand["community_id"]
    photo = jpeg(600 * 1024)  # three GridFS chunks of 255 KiB
    url = f"/demands/{demand['id']}/claims/{claim_id}/evidence"
    r = await world.client.post(url, files=_upload("服务照片 张三家.jpg", photo), headers=auth("member", sub=member))
    assert r.status_code == 201, r.text
    piece = r.json()
    assert piece["content_type"] == "image/jpeg" and piece["size"] == len(photo)
    assert piece["purpose_label"] == "服务佐证" and piece["filename"] == "服务照片 张三家.jpg"
    assert await world.db["evidence.chunks"].count_documents({"files_id": piece["id"]}) == 3

    for who in (auth("member", sub=member), auth("community_admin", c), auth("community_admin", world.street)):
        r = await world.client.get(f"/evidence/{piece['id']}", headers=who)
        assert r.status_code == 200 and r.content == photo
        assert r.headers["content-type"] == "image/jpeg" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-disposition"].startswith("inline;")
        assert f"filename*=UTF-8''{quote('服务照片 张三家.jpg')}" in r.headers["content-disposition"]
    r = await world.client.get(f"/evidence/{piece['id']}", params={"attachment": "true"}, headers=auth("member", sub=member))
    assert r.headers["content-disposition"].startswith("attachment;")

    stranger = await world.member(c)
    other_place = await world.community()
    for who in (auth("member", sub=stranger), auth("community_admin", other_place), auth("unit_admin", "unit-x")):
        r = await world.client.get(f"/evidence/{piece['id']}", headers=who)
        assert r.status_code == 403 and "佐证材料" in r.json()["detail"]
        assert (await world.client.get(f"/demands/{demand['id']}/evidence", headers=who)).status_code == 403
    assert (await world.client.get(f"/evidence/{piece['id']}", headers=auth("resident", c))).status_code == 403
    r = await world.client.post(url, files=_upload("a.jpg", jpeg(2048)), headers=auth("member", sub=stranger))
    assert r.status_code == 403  # not their claim
    assert (await world.client.get("/evidence/ev-nothing", headers=auth("community_admin", c))).status_code == 404

    events = await world.events("claims.demands.v1", lambda evs: any(
        e["type"] == "gongjian.demand.evidence_attached" and e["subject"] == demand["id"] for e in evs))
    attached = [e for e in events if e["type"] == "gongjian.demand.evidence_attached" and e["subject"] == demand["id"]]
    assert attached[0]["data"]["evidence_id"] == piece["id"] and attached[0]["data"]["count"] == 1
    assert "张三" not in str(attached[0]) and "服务照片" not in str(attached[0])


async def test_closing_evidence_and_the_verify_view(world):
    demand, claim_id, member = await _fulfilled_claim(world)
    c, staff = demand["community_id"], auth("community_admin", demand["community_id"])
    member_h = auth("member", sub=member)
    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/evidence",
                                files=_upload("签到表.pdf", PDF_HEAD + os.urandom(3000), "application/pdf"), headers=member_h)
    assert r.status_code == 201, r.text
    r = await world.client.post(f"/demands/{demand['id']}/evidence", files=_upload("验收.png", PNG_HEAD + b"\0" * 100,
                                                                                    "image/png"), headers=staff)
    assert r.status_code == 201 and r.json()["purpose"] == "closing" and r.json()["claim_id"] is None
    assert (await world.client.post(f"/demands/{demand['id']}/evidence", files=_upload("x.png", PNG_HEAD, "image/png"),
                                    headers=auth("community_admin", await world.community()))).status_code == 403
    listed = (await world.client.get(f"/demands/{demand['id']}/evidence", headers=staff)).json()
    assert [(i["purpose"], i["claim_id"]) for i in listed["items"]] == [("fulfilment", claim_id), ("closing", None)]
    mine = (await world.client.get(f"/demands/{demand['id']}/evidence", headers=member_h)).json()
    assert mine["total"] == 2  # the claimant sees their own and the closing's

    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/fulfilment", json={"hours": 2},
                                headers=member_h)
    assert r.status_code == 200
    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/verification", json={"approved": True},
                                headers=staff)
    assert r.status_code == 200
    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/evidence",
                                files=_upload("late.jpg", jpeg(1024)), headers=member_h)
    assert r.status_code == 409 and "核验" in r.json()["detail"]


@pytest.fixture
def small_limits(ns, monkeypatch):
    monkeypatch.setenv("CLAIMS_EVIDENCE_MAX_MB", "0.5")
    monkeypatch.setenv("CLAIMS_EVIDENCE_PER_SUBJECT", "2")
    return ns


async def test_upload_limits_are_refused_in_chinese(small_limits, make_world):
    app = build_app()
    async with app_client(app) as client:
        world = make_world(small_limits, client, app)
        await world.setup_tree()
        demand, claim_id, member = await _fulfilled_claim(world)
        url, who = f"/demands/{demand['id']}/claims/{claim_id}/evidence", auth("member", sub=member)

        async def refused(files: dict, status: int, words: str) -> None:
            r = await client.post(url, files=files, headers=who)
            assert r.status_code == status, r.text
            assert r.headers["content-type"] == "application/problem+json" and words in r.json()["detail"]

        await refused(_upload("big.jpg", jpeg(2 * 1024 * 1024)), 413, "文件超过 0.5 MB")  # refused on its length
        await refused(_upload("big.jpg", jpeg(512 * 1024 + 1)), 413, "文件超过 0.5 MB")  # just over: after parsing
        await refused(_upload("photo.jpg", b"MZ\x90\x00\x03" + os.urandom(4000)), 415, "不支持的文件类型")
        await refused(_upload("photo.jpg", b"<html><script>alert(1)</script></html>"), 415, "不支持的文件类型")
        await refused(_upload("photo.jpg", PNG_HEAD + b"\0" * 64, "image/jpeg"), 415, "不符")
        await refused(_upload("empty.jpg", b""), 422, "文件为空")
        await refused({"other": ("a.jpg", jpeg(100), "image/jpeg")}, 422, "佐证文件")
        for n in range(2):
            r = await client.post(url, files=_upload(f"p{n}.jpg", jpeg(512 * 1024)), headers=who)
            assert r.status_code == 201, r.text
        await refused(_upload("p3.jpg", jpeg(1000)), 422, "最多 2 个")
        assert await world.db["evidence.files"].count_documents({}) == 2  # nothing refused was stored


def test_content_checks_and_names():
    allowed = ("image/jpeg", "application/pdf")
    assert check_content(JPEG_HEAD, 10, "image/jpg", allowed=allowed, max_bytes=100) == "image/jpeg"
    assert check_content(PDF_HEAD, 10, "application/octet-stream", allowed=allowed, max_bytes=100) == "application/pdf"
    assert check_content(PNG_HEAD, 10, "image/png", allowed=allowed, max_bytes=100).status == 415  # not allowed here
    assert check_content(JPEG_HEAD, 101, None, allowed=allowed, max_bytes=100).status == 413
    assert clean_filename("C:\\Users\\张三\\..\\照片.jpg", "image/jpeg") == "照片.jpg"
    assert clean_filename("../../etc/passwd\x00", "image/jpeg") == "passwd.jpg"
    # Attack pass (issue 11): the offered name carries the content's type, never a page's.
    assert clean_filename("报告.html", "image/png") == "报告.html.png"
    assert clean_filename("合影.JPEG", "image/jpeg") == "合影.JPEG"
    assert clean_filename("x.svg", "application/pdf") == "x.svg.pdf"
    assert clean_filename("", "image/jpeg") == "佐证材料.jpg"
    header = content_disposition("验收 照片.jpg", inline=False)
    assert header.startswith('attachment; filename="evidence.jpg";')
    assert content_disposition("report-2026.pdf", inline=True).startswith('inline; filename="report-2026.pdf";')
    assert "filename*=UTF-8''%E9%AA%8C%E6%94%B6%20%E7%85%A7%E7%89%87.jpg" in header
