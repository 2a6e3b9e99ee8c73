"""Local calendar in the registry (issue 9.1): receipt numbers and "this month" follow China time.

The case seen on 2026-11-30: at 00:30 on 1 Dec China time (16:30 UTC on 30 Nov) a unit's monthly
report with no month given was filed for November and a receipt number carried 20261130.
"""

from gongjian_registry.bootstrap import build_app
from gongjian_shared.localtime import frozen
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, small_city


async def _report(client, member_id: str) -> dict:
    r = await client.post(f"/members/{member_id}/reports", json={"community_id": "c1", "kind": "home"},
                          headers=auth("member", sub=member_id))
    assert r.status_code in (200, 201), r.text
    return r.json()


async def test_receipts_and_monthly_reports_use_the_local_calendar(ns):
    staff = auth("community_admin", "c1")
    with frozen("2026-11-30T15:59:59Z") as clock:  # 23:59:59 on 30 Nov China time
        async with app_client(build_app()) as client:
            await small_city(client)
            before, after = [(await client.post("/members", json={"name": name, "home_community_id": "c1"},
                                                headers=staff)).json()["id"] for name in ("王五", "赵六")]
            assert (await _report(client, before))["receipt_no"].startswith("BD-20261130-")

            clock.set(clock.now().replace(second=0, minute=0, hour=16))  # 00:00 on 1 Dec China time
            assert (await _report(client, after))["receipt_no"].startswith("BD-20261201-")

            clock.advance(minutes=30)  # 16:30Z on 30 Nov = 00:30 on 1 Dec China time
            court = (await client.post("/units", json={"name": "同江市人民法院", "kind": "organ",
                                                       "paired_community_id": "c1"}, headers=staff)).json()
            r = await client.post(f"/units/{court['id']}/reports", json={"summary": "法律咨询进社区"},
                                  headers=auth("unit_admin", court["id"], sub="court-admin"))
            assert r.status_code == 201 and r.json()["month"] == "2026-12", r.text

            this_month = (await client.get("/communities/c1/units/unreported", headers=ADMIN)).json()
            assert this_month["month"] == "2026-12" and this_month["count"] == 0
            november = (await client.get("/communities/c1/units/unreported?month=2026-11", headers=ADMIN)).json()
            assert [u["id"] for u in november["units"]] == [court["id"]]

            clock.set(clock.now().replace(year=2026, month=12, day=31, hour=16, minute=0))  # New Year, China time
            january = (await client.get("/communities/c1/units/unreported", headers=ADMIN)).json()
            assert january["month"] == "2027-01" and [u["id"] for u in january["units"]] == [court["id"]]
