"""A deterministic demo city sized like Tongjiang (同江市): 9 communities, 120 grids,
160 resident units, 2,174 members, as the seeds describe it.

Use (what ``make demo`` does):

    from gongjian_registry import demo_city
    demo_city.create_places(base_url, headers)            # POST /places for the whole tree
    units_xlsx, members_xlsx = demo_city.write_import_files(out_dir)
    # then POST /imports/units and /imports/members (multipart ``file``) with ?wait=true

Everything is synthetic: names are drawn from common surnames, ID numbers are valid
(correct checksum) but invented, phone numbers are in the 139/186/… ranges.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from gongjian_shared.localtime import add_days

from .adapters.sheets import write_xlsx
from .domain.idcard import make_id_number
from .domain.importing import MEMBER_HEADERS, UNIT_HEADERS
from .domain.members import KIND_LABELS
from .domain.specialties import DEFAULT_SPECIALTIES
from .domain.units import UNIT_KIND_LABELS

CITY_ID = "tj"
REGION = "230881"  # 同江市 administrative code
STREETS = (("tj-s1", "向阳街道"), ("tj-s2", "通江街道"))
COMMUNITIES = (("tj-c1", "新华社区", 0), ("tj-c2", "东安社区", 0), ("tj-c3", "临江社区", 0), ("tj-c4", "通江社区", 0),
               ("tj-c5", "兴华社区", 0), ("tj-c6", "向阳社区", 1), ("tj-c7", "滨江社区", 1), ("tj-c8", "东兴社区", 1),
               ("tj-c9", "站前社区", 1))
GRIDS = 120
UNITS = 160
MEMBERS = 2174
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
UNIT_NAMES = ("人民法院", "人民检察院", "公安局", "财政局", "税务局", "教育局", "卫生健康局", "民政局", "司法局", "人社局",
              "住建局", "交通运输局", "农业农村局", "水务局", "商务局", "文体广电和旅游局", "市场监管局", "自然资源局", "生态环境局",
              "应急管理局", "医疗保障局", "退役军人事务局", "统计局", "审计局", "供销社", "总工会", "团市委", "妇联", "残联", "红十字会")
COMPANY_WORDS = ("江畔", "北疆", "三江", "黑龙", "赫哲", "东极", "沿江", "兴边", "富民", "同心", "润泽", "华兴", "佳禾", "金穗", "鑫源", "瑞丰")
COMPANY_KINDS = ("粮油有限公司", "物流有限公司", "商贸有限公司", "建筑工程有限公司", "医院", "中学", "小学", "幼儿园", "供热公司",
                 "信用社", "银行支行", "电力公司", "律师事务所", "志愿者协会", "养老服务中心")


def place_specs() -> list[dict[str, Any]]:
    """The whole tree in creation order: {id, kind, name, parent_id, leader?}."""
    rnd = random.Random(7)
    specs = [{"id": CITY_ID, "kind": "city", "name": "同江市", "parent_id": None},
             {"id": "tj-d1", "kind": "district", "name": "同江市城区", "parent_id": CITY_ID}]
    specs += [{"id": sid, "kind": "street", "name": name, "parent_id": "tj-d1"} for sid, name in STREETS]
    for i, (cid, name, street) in enumerate(COMMUNITIES):
        specs.append({"id": cid, "kind": "community", "name": name, "parent_id": STREETS[street][0]})
        grids = GRIDS // len(COMMUNITIES) + (1 if i < GRIDS % len(COMMUNITIES) else 0)
        for g in range(1, grids + 1):
            gid = f"{cid}-g{g:02d}"
            specs.append({"id": gid, "kind": "grid", "name": f"第{g}网格", "parent_id": cid,
                          "leader": {"name": _name(rnd)}})
            for b in range(1, 3):
                specs.append({"id": f"{gid}-b{b}", "kind": "building", "name": f"{g * 10 + b}号楼", "parent_id": gid,
                              "leader": {"name": _name(rnd)}})
    return specs


def create_places(base_url: str, headers: dict[str, str], *, client: Any = None) -> int:
    """POST /places for every spec (an existing id is fine: 409 is skipped). Returns created count."""
    import httpx

    own = client is None
    client = client or httpx.Client(timeout=30)
    created = 0
    try:
        for spec in place_specs():
            r = client.post(f"{base_url.rstrip('/')}/places", json=spec, headers=headers)
            if r.status_code not in (201, 409):
                raise RuntimeError(f"POST /places {spec['id']} → {r.status_code}: {r.text[:300]}")
            created += r.status_code == 201
    finally:
        if own:
            client.close()
    return created


def _name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


def unit_rows(count: int = UNITS) -> list[list[str]]:
    rnd = random.Random(11)
    names = [f"同江市{n}" for n in UNIT_NAMES]
    words = iter(f"同江市{w}{k}" for k in COMPANY_KINDS for w in COMPANY_WORDS)
    while len(names) < count:
        names.append(next(words))
    rows = []
    for i, name in enumerate(names[:count]):
        kind = "organ" if i < len(UNIT_NAMES) else rnd.choice(("enterprise", "enterprise", "social_org", "new_economy"))
        community = COMMUNITIES[i % len(COMMUNITIES)][1]
        rows.append([name, UNIT_KIND_LABELS[kind], f"{name.removeprefix('同江市')}党支部", f"同江市{community}附近第{i + 1}号",
                     community, f"91230881MA{i:08d}"])
    return rows


def member_rows(count: int = MEMBERS, *, seed: int = 2174, with_places: bool = True) -> Iterator[list[str]]:
    """Rows for the member import (the importer's headers); valid and unique ID numbers."""
    rnd = random.Random(seed)
    units = [r[0] for r in unit_rows()]
    kinds = ["in_service"] * 16 + ["retired"] * 2 + ["unemployed", "mobile", "new_economy"]
    per_community = [GRIDS // len(COMMUNITIES) + (1 if i < GRIDS % len(COMMUNITIES) else 0) for i in range(len(COMMUNITIES))]
    for i in range(count):
        birth = add_days(date(1950, 1, 1), (i * 7919) % 18000)
        # (birth date, sequence) repeats after 18,000 rows; the region code moves on then
        id_number = make_id_number(f"{int(REGION) + i // 18000:06d}", birth, i % 1000)
        kind = rnd.choice(kinds)
        c = rnd.randrange(len(COMMUNITIES))
        g = rnd.randrange(per_community[c]) + 1
        grid, building = (f"第{g}网格", f"{g * 10 + rnd.choice((1, 2))}号楼") if with_places else ("", "")
        specialties = "、".join(rnd.sample(DEFAULT_SPECIALTIES[:8], rnd.choice((0, 1, 1, 2))))
        unit = rnd.choice(units) if kind == "in_service" else ""
        yield [_name(rnd), id_number, f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}", KIND_LABELS[kind], specialties,
               unit, COMMUNITIES[c][1], grid, building]


def write_import_files(out_dir: str | Path, *, members: int = MEMBERS) -> tuple[Path, Path]:
    """Write 驻区单位.xlsx and 党员.xlsx (the importer's Chinese headers); returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    units_path, members_path = out / "同江市驻区单位.xlsx", out / "同江市在职党员.xlsx"
    units_path.write_bytes(write_xlsx(UNIT_HEADERS, unit_rows(), sheet="驻区单位"))
    members_path.write_bytes(write_xlsx(MEMBER_HEADERS, member_rows(members), sheet="党员"))
    return units_path, members_path
