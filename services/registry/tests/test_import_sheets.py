"""Spreadsheets as staff really keep them (issue 9 point 3), imported through the real service,
Kafka and database: title rows above the header, merged cells, full-width digits, ID numbers
typed as numbers, the template download, and the choice to import the valid rows only.
The two handed files (fullwidth_members.csv, merged_title.xlsx) are in tests/cases/."""

import io

import xlsxwriter
from python_calamine import CalamineWorkbook

from gongjian_registry.bootstrap import build_app
from gongjian_registry.domain.importing import MEMBER_HEADERS, UNIT_HEADERS
from gongjian_registry.service.members import get_member
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, id_number, small_city
from test_input_boundaries import CASES, COMMUNITY, city_with_case_community

HEADERS7 = list(MEMBER_HEADERS[:7])
EXAMPLE = {"members": "张三", "units": "同江市税务局"}
NUMBER_TYPED = "身份证号被存成数字，末位已丢失，请把该列设为文本"


def xlsx(cells: list[tuple[int, int, object]], merges: list[tuple[int, int, int, int, str]] = ()) -> bytes:
    """A workbook written the way Excel users leave it: numbers as numbers, merged ranges."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, c, value in cells:
        sheet.write(r, c, value)  # xlsxwriter writes int/float as numbers, str as text
    for r0, c0, r1, c1, value in merges:
        sheet.merge_range(r0, c0, r1, c1, value)
    book.close()
    return buffer.getvalue()


def table(rows: list[list[object]], start: int = 0) -> list[tuple[int, int, object]]:
    return [(start + r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v != ""]


async def upload(client, kind: str, name: str, content: bytes, query: str = "wait=true") -> dict:
    r = await client.post(f"/imports/{kind}?{query}", files={"file": (name, content)}, headers=ADMIN)
    assert r.status_code == 202, r.text
    return r.json()


async def test_handed_files_full_width_csv_and_merged_title_xlsx(ns):
    app = build_app()
    async with app_client(app) as client:
        await city_with_case_community(client)
        job = await upload(client, "members", "fullwidth_members.csv", (CASES / "fullwidth_members.csv").read_bytes())
        assert job["status"] == "done" and job["created"] == 2 and job["errors"] == [], job
        dup = await client.post("/members", json={"name": "李戊1", "home_community_id": COMMUNITY,
                                                  "id_number": "320102198102110518"}, headers=ADMIN)
        assert dup.status_code == 409 and dup.json()["code"] == "duplicate-person"  # the full-width ID was folded
        listed = (await client.get(f"/communities/{COMMUNITY}/members", headers=ADMIN)).json()["members"]
        stored = [await get_member(app.state.runtime.db, m["id"]) for m in listed]
        vault = app.state.vault
        assert {vault.decrypt(m["phone_enc"]) for m in stored} == {"13700300001", "13700030002"}
        assert {vault.decrypt(m["id_enc"]) for m in stored} == {"320102198001100505", "320102198102110518"}
        job = await upload(client, "members", "merged_title.xlsx", (CASES / "merged_title.xlsx").read_bytes())
        assert job["status"] == "done" and job["created"] == 2 and job["header_row"] == 2, job
        assert (await client.get(f"/communities/{COMMUNITY}/members", headers=ADMIN)).json()["count"] == 4


async def test_merged_cells_apply_to_every_row_and_rows_keep_their_sheet_numbers(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        rows = [[f"党员{i}", id_number(i), f"1391234000{i}", "", "", "", ""] for i in range(3)]
        cells = table([["新华社区党员花名册"], ["填报日期：2026年11月"], HEADERS7], 0) + table(rows, 3)
        content = xlsx(cells, merges=[(0, 0, 0, 6, "新华社区党员花名册"), (3, 3, 5, 3, "离退休党员"), (3, 6, 5, 6, "新华社区")])
        job = await upload(client, "members", "花名册.xlsx", content)
        assert job["status"] == "done" and job["created"] == 3 and job["header_row"] == 3, job
        found = (await client.get("/communities/c1/members?kind=retired", headers=ADMIN)).json()
        assert found["count"] == 3
        bad = [[f"党员{i}", id_number(10 + i), "", "在职党员", "", "", "新华社区"] for i in range(2)]
        bad[1][6] = "无此社区"
        job = await upload(client, "members", "m.xlsx", xlsx(table([["标题"], HEADERS7], 0) + table(bad, 3)))
        assert job["status"] == "rejected" and [(e["row"], e["column"]) for e in job["errors"]] == [(5, "居住社区")], job


async def test_id_numbers_typed_as_numbers_are_explained(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        rows = [["王一", 230881197001010011, "", "在职党员", "", "", "新华社区"], ["王二", id_number(2), "", "在职党员", "", "", "新华社区"]]
        job = await upload(client, "members", "m.xlsx", xlsx(table([HEADERS7] + rows)))
        assert job["status"] == "rejected" and [e["row"] for e in job["errors"]] == [2], job
        assert job["errors"][0]["column"] == "身份证号" and NUMBER_TYPED in job["errors"][0]["reason"]
        csv = ("\n".join([",".join(HEADERS7), "王一,2.30881E+17,,在职党员,,,新华社区"]) + "\n").encode()
        job = await upload(client, "members", "m.csv", csv)
        assert job["status"] == "rejected" and NUMBER_TYPED in job["errors"][0]["reason"], job
        units = xlsx(table([list(UNIT_HEADERS), ["甲单位", "机关", "", "", "新华社区", 112308810000000000]]))
        job = await upload(client, "units", "u.xlsx", units)
        assert job["status"] == "rejected" and job["errors"][0]["column"] == "统一社会信用代码", job
        assert "统一社会信用代码被存成数字，末位已丢失，请把该列设为文本" in job["errors"][0]["reason"]


async def test_skip_bad_rows_imports_the_valid_ones_and_reports_the_rest(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        rows = [["甲单位", "机关", "", "", "新华社区", ""], ["乙单位", "工厂", "", "", "新华社区", ""],
                ["丙单位", "企业", "", "", "东安社区", ""]]
        content = xlsx(table([["驻区单位名单"], list(UNIT_HEADERS)]) + table(rows, 3))  # row 3 left blank
        whole = await upload(client, "units", "u.xlsx", content, "wait=true&on_bad_rows=reject")
        assert whole["status"] == "rejected" and whole["created"] == 0
        assert (await client.get("/units?community_id=c1", headers=ADMIN)).json() == []
        dry = await upload(client, "units", "u.xlsx", content, "wait=true&on_bad_rows=skip&dry_run=true")
        assert dry["status"] == "validated" and dry["would_create"] == 2 and dry["error_count"] == 1
        job = await upload(client, "units", "u.xlsx", content, "wait=true&on_bad_rows=skip")
        assert job["status"] == "done" and job["created"] == 2 and job["bad_rows"] == 1, job
        assert [(e["row"], e["column"]) for e in job["errors"]] == [(5, "单位类型")] and "1 行有错误" in job["phase_label"]
        assert [u["kind"] for u in (await client.get("/units?community_id=c2", headers=ADMIN)).json()] == ["enterprise"]
        report = await client.get(f"/imports/{job['id']}/errors?format=csv", headers=ADMIN)
        assert report.content.decode("utf-8-sig").splitlines()[1].startswith("5,单位类型,")
        bad = await client.post("/imports/units?on_bad_rows=some", files={"file": ("u.xlsx", content)}, headers=ADMIN)
        assert bad.status_code == 422 and bad.json()["detail"] == "错误行处理方式应为以下之一：reject、skip"


async def test_templates_mark_their_example_row_and_an_import_skips_it(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        await client.post("/units", json={"name": "同江市人民法院", "kind": "机关", "paired_community_id": "c2"}, headers=ADMIN)
        for kind, headers in (("members", MEMBER_HEADERS), ("units", UNIT_HEADERS)):
            r = await client.get(f"/imports/{kind}/template", headers=ADMIN)
            template = r.content if kind == "members" else template
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
            rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
            assert rows[0] == [*headers, "说明"] and len(rows) == 2 and all(isinstance(v, str) for v in rows[1])
            assert rows[1][-1] == "示例行，导入时自动跳过" and EXAMPLE[kind] in rows[1]
            # Left as downloaded: the example is the only row, skipped, so there is nothing to import.
            job = await upload(client, kind, f"{kind}.xlsx", r.content, "wait=true&dry_run=true")
            assert job["status"] == "rejected" and job["notes"] == [{"row": 2, "column": "", "reason": "示例行已跳过"}], job
            assert [e["reason"] for e in job["errors"]] == ["文件中没有数据行 (no data rows)"], job
        # A 东安社区 admin fills the members template below the (新华社区) example: the example row is
        # skipped and reported as such, their own row imports; the marker cell alone decides.
        example = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_index(0).to_python()
        own = ["李四", id_number(7), "13912340007", "在职党员", "", "", "东安社区", "", "", ""]
        lookalike = [*example[1][:-1], ""]  # the example's data without the marker: a real row, checked as one
        content = xlsx(table([example[0], example[1], own, lookalike]))
        r = await client.post("/imports/members?wait=true&dry_run=true&on_bad_rows=skip", files={"file": ("m.xlsx", content)},
                              headers=auth("community_admin", "c2"))
        job = r.json()
        assert r.status_code == 202 and job["notes"] == [{"row": 2, "column": "", "reason": "示例行已跳过"}], job
        assert job["total"] == 2 and job["would_create"] == 1 and [e["row"] for e in job["errors"]] == [4], job
        assert "无权向社区“新华社区”导入党员" in job["errors"][0]["reason"]
        assert (await client.get("/imports/places/template", headers=ADMIN)).status_code == 422
