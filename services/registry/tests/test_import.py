"""Bulk import of units and members (CSV and .xlsx): dry run, idempotency, error reports,
nothing written on rejection, progress, export; every kind of bad input."""

import io
import re
from urllib.parse import quote

from python_calamine import CalamineWorkbook

from gongjian_registry.bootstrap import build_app
from gongjian_registry.domain.importing import MEMBER_HEADERS, UNIT_HEADERS
from gongjian_registry.service.batch_outbox import recover, write_batch
from gongjian_shared.testing import app_client, auth, read_topic
from helpers import ADMIN, count_type, events_of, id_number, small_city
from helpers import sheet as make_sheet

UNITS = [["同江市人民法院", "机关", "法院机关党委", "中央大街1号", "新华社区", ""],
         ["同江市江畔粮油有限公司", "企事业单位", "", "", "c2", "91230881MA00000001"]]


def members(n: int, start: int = 0) -> list[list[str]]:
    return [[f"党员{i}号", id_number(start + i), f"1391234{start + i:04d}", "在职党员" if i % 2 else "离退休党员",
             "法律、家教" if i % 3 == 0 else "", "同江市人民法院" if i % 2 else "", "新华社区" if i % 2 else "c2",
             "第1网格" if i % 2 else "", ""] for i in range(n)]


async def _upload(client, kind, fmt, rows, headers=MEMBER_HEADERS, query="wait=true", who=ADMIN):
    name, content = make_sheet(headers, rows, fmt)
    return await client.post(f"/imports/{kind}?{query}", files={"file": (name, content)}, headers=who)


async def test_import_units_and_members_dry_run_idempotent_and_export(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        r = await _upload(client, "units", "csv", UNITS, UNIT_HEADERS)
        assert r.json()["status"] == "done" and r.json()["created"] == 2, r.text
        dry = await _upload(client, "members", "xlsx", members(30), query="wait=true&dry_run=true")
        assert dry.json()["status"] == "validated" and dry.json()["would_create"] == 30
        assert (await client.get("/communities/c2/members", headers=ADMIN)).json()["count"] == 0  # dry run wrote nothing
        r = await _upload(client, "members", "xlsx", members(30), query="")
        assert r.status_code == 202
        job = r.json()
        while job["status"] in ("validating", "writing"):  # progress is polled over HTTP
            job = (await client.get(f"/imports/{job['id']}", headers=ADMIN)).json()
            assert 0 <= job["progress"] <= 1
        assert job["status"] == "done" and job["created"] == 30 and job["progress"] == 1.0
        again = await _upload(client, "members", "csv", members(30))
        assert again.json()["status"] == "done" and again.json()["created"] == 0 and again.json()["skipped"] == 30
        c1 = (await client.get("/communities/c1/members?kind=in_service&grid_id=g1", headers=ADMIN)).json()
        assert c1["count"] == 15
        lawyers = (await client.get("/communities/c2/members?specialty=法律", headers=ADMIN)).json()
        assert lawyers["count"] == 5
        x = await client.get("/exports/members?community_id=c1&format=xlsx", headers=auth("community_admin", "c1"))
        rows = CalamineWorkbook.from_filelike(io.BytesIO(x.content)).get_sheet_by_index(0).to_python()
        assert rows[0][:len(MEMBER_HEADERS)] == list(MEMBER_HEADERS) and len(rows) == 16
        assert all("*" in r[1] and "*" in r[2] for r in rows[1:])  # ID and phone leave masked
        c = await client.get("/exports/units?format=csv", headers=ADMIN)
        assert c.content.decode("utf-8-sig").splitlines()[0].startswith("单位名称,单位类型")
        assert (await client.get("/exports/members?community_id=c2", headers=auth("community_admin", "c1"))).status_code == 403
    events = await events_of(ns, "registry.members.v1", lambda es: count_type(es, "member.registered") >= 30)
    assert count_type(events, "member.registered") == 30  # the second import published nothing new
    unit_events = await events_of(ns, "registry.units.v1", lambda es: count_type(es, "unit.registered") >= 2)
    assert count_type(unit_events, "unit.registered") == 2


async def test_bad_inputs_reject_the_whole_file_with_a_report(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        await _upload(client, "units", "xlsx", UNITS, UNIT_HEADERS)
        malformed = await client.post("/imports/members", files={"file": ("m.xlsx", b"PK\x03\x04not really a zip")}, headers=ADMIN)
        assert malformed.status_code == 422 and malformed.json()["code"] == "malformed-file"
        binary = await client.post("/imports/members", files={"file": ("m.csv", b"\x00\x01\x02garbage")}, headers=ADMIN)
        assert binary.status_code == 422
        text = await client.post("/imports/members", files={"file": ("名单.txt", "姓名,身份证号\n".encode())}, headers=ADMIN)
        assert text.status_code == 422 and text.json()["code"] == "unsupported-file-type" and text.json()["detail"] == "请上传 .xlsx 或 .csv 文件", text.text
        assert text.headers["content-type"].startswith("application/problem+json")
        wrong = await _upload(client, "members", "xlsx", members(3), headers=("名字X", "证件", "电话", "类型X", "专长", "单位", "社区X", "网格", "楼栋"))
        assert wrong.json()["status"] == "rejected" and wrong.json()["errors"][0]["row"] == 1
        assert any(e["column"] == "身份证号" for e in wrong.json()["errors"])
        rows = members(6)
        rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # bad checksum → row 3
        rows[2][6] = "不存在社区"  # unknown community → row 4
        rows[3][1] = rows[0][1]  # duplicate person within the file → row 5
        rows[4][4] = "炼金"  # unknown specialty → row 6
        rows[5][2], rows[5][8] = "12345", "3号楼"  # bad phone, building not in 第1网格 → row 7
        bad = (await _upload(client, "members", "csv", rows)).json()
        assert bad["status"] == "rejected"
        got = {(e["row"], e["column"]) for e in bad["errors"]}
        assert {(3, "身份证号"), (4, "居住社区"), (5, "身份证号"), (6, "专长"), (7, "手机号"), (7, "楼栋")} <= got
        building = next(e["reason"] for e in bad["errors"] if (e["row"], e["column"]) == (7, "楼栋"))
        assert "楼栋“3号楼”不在该社区中；已登记的楼栋有：11号楼" in building, building
        assert "校验码" in next(e["reason"] for e in bad["errors"] if e["row"] == 3)
        assert (await client.get("/communities/c2/members", headers=ADMIN)).json()["count"] == 0  # nothing written
        assert (await client.get("/communities/c1/members", headers=ADMIN)).json()["count"] == 0
        report = await client.get(f"/imports/{bad['id']}/errors?format=csv", headers=ADMIN)
        lines = report.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "行号,列,原因" and any(line.startswith("3,身份证号,") for line in lines)
        xlsx = await client.get(f"/imports/{bad['id']}/errors?format=xlsx", headers=ADMIN)
        table = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
        assert table[0] == ["行号", "列", "原因"] and len(table) == len(bad["errors"]) + 1
        reasons = [r[2] for r in table[1:]]
        assert not [r for r in reasons if "(" in r or re.search("[A-Za-z]{3}", r)], reasons  # Chinese only
        assert any(r.startswith("楼栋“3号楼”不在该社区中；已登记的楼栋有：11号楼") for r in reasons)
        assert re.search(r"filename\*=UTF-8''" + re.escape(quote("导入错误报告-")) + r"\d{8}\.xlsx", xlsx.headers["content-disposition"])
        assert bad["id"] not in xlsx.headers["content-disposition"].split("filename*")[1]
        ok = await _upload(client, "members", "xlsx", members(2))
        assert ok.json()["created"] == 2
        clash = members(1)
        clash[0][0] = "另一个人"  # same ID number, another name: a duplicate person
        dup = (await _upload(client, "members", "xlsx", clash)).json()
        assert dup["status"] == "rejected" and "duplicate person" in dup["errors"][0]["reason"]
        outsider = await _upload(client, "members", "xlsx", members(2, start=50), who=auth("community_admin", "c1"))
        assert outsider.json()["status"] == "rejected"  # row for c2 is outside c1's staff places
        assert (await _upload(client, "members", "xlsx", members(1), who=auth("member", sub="m"))).status_code == 403
        assert (await _upload(client, "members", "xlsx", members(1), who=auth("district_admin", "d"))).status_code == 403
        assert (await client.get(f"/imports/{bad['id']}", headers=auth("community_admin", "c1"))).status_code == 403


async def test_a_crashed_import_batch_is_recovered(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        runtime = app.state.runtime
        from gongjian_registry.service import events
        from gongjian_shared.topics import REGISTRY_UNITS
        doc = {"_id": "unit-crash", "name": "崩溃测试单位", "kind": "organ", "paired_community_id": "c1", "import_job": "job-x"}
        ev = events.unit_registered(doc, (await client.get("/places/c1", headers=ADMIN)).json() | {"_id": "c1", "path_kinds": ["city", "district", "street", "community"]})
        publish = runtime.producer.publish_raw
        async def crash(records):  # the process dies right after the insert, before publishing
            raise RuntimeError("crash")
        runtime.producer.publish_raw = crash
        try:
            await write_batch(runtime, batch_id="job-x-0", job_id="job-x", collection="units", docs=[doc],
                              topic=REGISTRY_UNITS, events=[ev])
        except RuntimeError:
            pass
        runtime.producer.publish_raw = publish
        assert await runtime.db["import_batches"].count_documents({}) == 1
        assert await recover(runtime) == 1
        assert await runtime.db["import_batches"].count_documents({}) == 0
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("registry.units.v1"), min_count=1)
    assert [r.key for r in records] == [b"unit-crash"]
