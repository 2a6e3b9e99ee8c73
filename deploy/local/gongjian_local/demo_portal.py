"""The demo's way in through the portal: accounts to sign in with, printed first.

Phones are in the 177 range, which the generated demo city never uses. The member's
SMS code appears in the portal's log on this console (development sender).

The walkthrough's accounts sit in 滨湖世纪社区, made before the city is loaded; once it is,
the console's accounts go where the work is: a community admin of the busiest community
(most members), the admin of its unit with the most in-service members (单位工作台), and the
staff of its street (街道: roles are fixed by contract, so a community admin whose place is the
street; a place check passes for every community under it).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.internal import issue_service_token

MEMBER_PHONE, RESIDENT_PHONE, ADMIN_PHONE = "17700000001", "17700000002", "17700000003"
ADMIN_USERNAME, ADMIN_PASSWORD = "shequ", "gongjian2026"
DESK_PHONE, DESK_USERNAME = "17700000005", "shuji"    # the busiest community's admin
UNIT_PHONE, UNIT_USERNAME = "17700000006", "danwei"   # a unit admin there
STREET_PHONE, STREET_USERNAME = "17700000007", "jiedao"  # the busiest community's street


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


def busiest(demo: Any, communities: list[str]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(the community with the most members, its paired unit with the most in-service members or None),
    each as the registry gives it (``{id, name, ...}``)."""
    city_admin = demo.headers("city_admin", sub="demo-city-staff")

    def count(path: str, key: str) -> int:
        return demo.call("GET", "registry", f"{path}?limit=1", headers=city_admin)[key]
    community = max(communities, key=lambda c: count(f"/communities/{c}/members", "count"))
    units = demo.call("GET", "registry", f"/units?community_id={community}", headers=city_admin)
    unit = max(units, key=lambda u: count(f"/units/{u['id']}/members", "total"), default=None)
    return demo.call("GET", "registry", f"/places/{community}", headers=city_admin), unit


def street_of(demo: Any, community: dict[str, Any]) -> dict[str, Any]:
    """The street ``community`` (as the registry gives it, with ``parent_id``) lies in, as the registry gives it."""
    return demo.call("GET", "registry", f"/places/{community['parent_id']}", headers=demo.headers("city_admin"))


def create_desk_accounts(demo: Any, community: str, unit: str | None, street: str | None = None) -> None:
    """Console accounts (password or SMS): the community's admin, the unit's admin if there is a unit, and
    the street's staff if a street is given (role community_admin over the street)."""
    city_admin = demo.headers("city_admin")
    accounts = [(DESK_USERNAME, "王书记", "community_admin", community, DESK_PHONE)]
    if unit:
        accounts.append((UNIT_USERNAME, "单位管理员", "unit_admin", unit, UNIT_PHONE))
    if street:
        accounts.append((STREET_USERNAME, "街道党工委", "community_admin", street, STREET_PHONE))
    for username, name, role, place, phone in accounts:
        demo.call("POST", "portal", "/api/staff", headers=city_admin, expect=(201, 409), json={
            "username": username, "name": name, "role": role, "places": [place], "phone": phone, "password": ADMIN_PASSWORD})


def print_desks(portal_url: str, community: dict[str, Any], unit: dict[str, Any] | None,
                street: dict[str, Any] | None = None) -> None:
    print(f"\n工作台入口 (staff console): {portal_url}/console/   密码 (password) {ADMIN_PASSWORD}")
    print(f"  社区书记 {community['name']}（党员最多的社区 busiest）  用户名 {DESK_USERNAME} 或 {DESK_PHONE}")
    if unit:
        print(f"  单位管理员 {unit['name']}  用户名 {UNIT_USERNAME} 或 {UNIT_PHONE}")
    if street:
        print(f"  街道 {street['name']}（含其下各社区）  用户名 {STREET_USERNAME} 或 {STREET_PHONE}")
    print(f"  （演示开场的账号在 滨湖世纪社区：社区书记 {ADMIN_USERNAME}）", flush=True)
