"""Input as Chinese staff type it (issue 9 points 2 and 4) on the evaluation service with real Kafka
and database: full-width (全角) ids folded, validation problems in Chinese naming the field."""

from __future__ import annotations

from gongjian_evaluation.testing import settle
from gongjian_shared.testing import auth


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


async def test_full_width_ids_are_folded_and_errors_are_chinese(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await settle(ev, len(city.PATHS))
    district = auth("district_admin", "d1")
    r = await client.post("/campaigns", headers=district, json={"district_id": f"　{full_width('d1')} ", "year": 2026})
    assert r.status_code == 201 and r.json()["district_id"] == "d1", r.text
    r = await client.post("/campaigns", headers=district, json={"district_id": "d1", "year": "明年"})
    assert r.status_code == 422 and r.json()["detail"] == "年度应为整数", r.json()
    assert r.json()["errors"] == [{"loc": ["body", "year"], "type": "int_parsing", "field": "年度", "msg": "年度应为整数"}]
    r = await client.post("/campaigns", headers=district, json={"year": 2026})
    assert r.status_code == 422 and r.json()["detail"] == "区为必填项，不能缺少"
