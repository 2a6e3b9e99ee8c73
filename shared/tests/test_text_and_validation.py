"""Unit tests: full-width folding, Chinese choice labels and Chinese validation problems
(a small FastAPI app in-process; the services' own tests show the same on real infrastructure)."""

from datetime import datetime
from typing import Literal

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gongjian_shared.fold_query import fold_query_string
from gongjian_shared.problems import install_problem_handlers
from gongjian_shared.text import Folded, Trimmed, choice, digits_only, fold

Kind = choice(Literal["organ", "enterprise"], {"organ": "机关", "enterprise": "企事业单位"}, {"企业": "enterprise"})


class Hours(BaseModel):
    opens: str = Field(pattern=r"^\d{2}:\d{2}$")


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Folded = Field(min_length=1, max_length=5, title="姓名")
    kind: Kind = "organ"
    rating: str = Field("良好", pattern="^(优秀|良好|一般|较差)$")
    due_at: datetime | None = None
    capacity: int = Field(1, ge=1)
    note: Trimmed = ""
    opening_hours: list[Hours] = []
    serial: Folded = Field("", title="编码")
    hours: float = Field(1, gt=0, le=744, title="服务时长（小时）")

    @field_validator("serial")
    @classmethod
    def _code(cls, v: str) -> str:
        if v and not v.isascii():
            raise ValueError("只能含字母和数字")
        return v


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def post(body: Thing, limit: int = Query(10, le=100)) -> dict:
        return body.model_dump(mode="json")

    return app


async def _post(payload, *, raw: bytes | None = None, query: str = "") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as client:
        if raw is not None:
            return await client.post(f"/things{query}", content=raw, headers={"content-type": "application/json"})
        return await client.post(f"/things{query}", json=payload)


def test_fold_maps_full_width_to_ascii_and_strips_blanks():
    assert fold("\u3000１１０１０１ＡＢｃ ") == "110101ABc"
    assert digits_only("138-0001 23４５") == "13800012345"
    raw = "grid_id=%EF%BD%87%EF%BC%91&period=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-10&q=%E6%B3%95%E5%BE%8B+&e=".encode()
    assert fold_query_string(raw) == b"grid_id=g1&period=2026-10&q=%E6%B3%95%E5%BE%8B&e="
    assert fold_query_string(b"kind=home&limit=10") == b"kind=home&limit=10"


async def test_choice_accepts_code_label_alias_and_full_width_and_stores_code():
    for given, stored in (("机关", "organ"), ("企业", "enterprise"), (" ｏｒｇａｎ ", "organ"), ("enterprise", "enterprise")):
        r = await _post({"name": "王五", "kind": given})
        assert r.status_code == 200 and r.json()["kind"] == stored, r.text
    r = await _post({"name": "　王五 ", "note": "  清理楼道（东区），周六  "})
    assert r.json()["name"] == "王五" and r.json()["note"] == "清理楼道（东区），周六"  # free text keeps 全角 punctuation


@pytest.mark.parametrize(("payload", "type_", "text"), [
    ({"name": "王五", "kind": "工厂"}, "literal_error", "类型应为以下之一：机关、企事业单位"),
    ({}, "missing", "姓名为必填项"),
    ({"name": ""}, "string_too_short", "姓名不能为空"),
    ({"name": "王五王五王五"}, "string_too_long", "姓名不能超过 5 个字"),
    ({"name": "王五", "colour": "red"}, "extra_forbidden", "“colour”不是本接口可接受的字段"),
    ({"name": "王五", "phone": "138"}, "extra_forbidden", "“phone”不是本接口可接受的字段"),
    ({"name": "王五", "rating": "很好"}, "string_pattern_mismatch", "评价应为以下之一：优秀、良好、一般、较差"),
    ({"name": "王五", "due_at": "明天"}, "datetime_from_date_parsing", "截止时间应为日期时间"),
    ({"name": "王五", "capacity": 0}, "greater_than_equal", "名额不能小于 1"),
    ({"name": "王五", "capacity": "许多"}, "int_parsing", "名额应为整数"),
    ({"name": "王五", "opening_hours": [{"opens": "8点"}]}, "string_pattern_mismatch", "开放时间第1项·开始时间格式不正确"),
    ({"name": "王五", "serial": "编码"}, "value_error", "编码：只能含字母和数字"),
    ([1, 2], "model_attributes_type", "请求体应为对象"),
])
async def test_every_validation_error_is_chinese_and_keeps_loc_and_type(payload, type_, text):
    r = await _post(payload)
    body = r.json()
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert text in body["detail"], body
    assert "Input should" not in body["detail"] and "Field required" not in body["detail"]
    assert any(e["type"] == type_ and e["loc"][0] == "body" for e in body["errors"]), body["errors"]
    assert all("input" not in e for e in body["errors"])  # the value (maybe an ID number) is not echoed


async def test_whole_number_bounds_read_as_people_write_them():
    """A float field's bound 744 comes as 744.0 from pydantic: the message says 744 (a member saw 744.0)."""
    detail = (await _post({"name": "王五", "hours": 999})).json()["detail"]
    assert "服务时长（小时）不能大于 744" in detail and "744.0" not in detail, detail
    assert "应大于 0" in (await _post({"name": "王五", "hours": 0})).json()["detail"]


async def test_json_decode_error_and_query_parameter_are_chinese():
    r = await _post(None, raw='{"name": "王五",}'.encode())
    assert r.status_code == 422 and r.json()["detail"].startswith("请求体不是有效的 JSON：第 15 个字符附近，字段名应使用英文双引号")
    assert r.json()["errors"][0]["type"] == "json_invalid"
    r = await _post({"name": "王五"}, query="?limit=500")
    assert r.json()["detail"] == "条数不能大于 100" and r.json()["errors"][0]["loc"] == ["query", "limit"]


async def test_framework_refusals_are_chinese_too():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as client:
        missing = await client.get("/nowhere")
        wrong = await client.get("/things")
    assert missing.status_code == 404 and missing.json()["detail"] == "没有这个地址或资源 (Not Found)"
    assert wrong.status_code == 405 and wrong.json()["detail"] == "该地址不支持此请求方法 (Method Not Allowed)"
