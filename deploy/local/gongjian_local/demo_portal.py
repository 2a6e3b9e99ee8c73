"""The demo's way in through the portal: accounts to sign in with, printed first.

Phones are in the 177 range, which the generated demo city never uses. The member's
SMS code appears in the portal's log on this console (development sender).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.internal import issue_service_token

MEMBER_PHONE, RESIDENT_PHONE, ADMIN_PHONE = "17700000001", "17700000002", "17700000003"
ADMIN_USERNAME, ADMIN_PASSWORD = "shequ", "gongjian2026"


def create_accounts(demo: Any, community: str) -> None:
    """A resident of ``community`` (registry) and its community admin (portal staff account)."""
    service = {"Authorization": f"Bearer {issue_service_token(demo.secret, 'demo')}"}
    demo.call("POST", "registry", "/internal/residents", headers=service, expect=(201, 409),
              json={"phone": RESIDENT_PHONE, "name": "赵桂兰", "community_id": community})
    demo.call("POST", "portal", "/api/staff", headers=demo.headers("city_admin"), expect=(201, 409),
              json={"username": ADMIN_USERNAME, "name": "李书记", "role": "community_admin", "places": [community],
                    "phone": ADMIN_PHONE, "password": ADMIN_PASSWORD})


def print_way_in(portal_url: str) -> None:
    print(f"\n手机端入口 (open on a phone or in a browser): {portal_url}/", flush=True)
    print(f"  党员 member      {MEMBER_PHONE}  短信验证码见本窗口日志 [短信验证码] (code in the log below)")
    print(f"  居民 resident    {RESIDENT_PHONE}  同上 (same)")
    print(f"  社区书记 admin   {ADMIN_PHONE}  或 用户名 {ADMIN_USERNAME} / 密码 {ADMIN_PASSWORD}", flush=True)
