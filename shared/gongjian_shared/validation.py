"""Request validation errors in Chinese, naming each field by its Chinese label.

In: pydantic / FastAPI error dicts (``type``, ``loc``, ``ctx``) and the matched route.
Out: one dict per error, ``{"loc", "type", "field", "msg"}`` with ``field`` and ``msg`` in
Chinese; the submitted value is never echoed (it may be an ID number or a phone).
Labels come from ``Field(title=...)`` on the route's models, then from ``labels.FIELD_LABELS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_args

from pydantic import BaseModel

from .labels import FIELD_LABELS
from .text import labels_of

SOURCES = {"body": "请求体", "query": "查询参数", "path": "路径参数", "header": "请求头", "cookie": "Cookie"}
_DATETIME = "应为日期时间，如 2026-12-31 23:59 或 2026-12-31T23:59:00+08:00"
_DATE = "应为日期，如 2026-12-05"
# error type → message after the field label; {name} fields come from the error's ctx.
MESSAGES = {
    "missing": "为必填项，不能缺少",
    "extra_forbidden": "不是本接口可接受的字段，请删除",
    "string_type": "应为文本", "string_too_short": "至少 {min_length} 个字", "string_too_long": "不能超过 {max_length} 个字",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数，不能带小数",
    "float_type": "应为数字", "float_parsing": "应为数字", "decimal_parsing": "应为数字", "decimal_type": "应为数字",
    "finite_number": "应为有限的数字", "bool_type": "应为是或否（true/false）", "bool_parsing": "应为是或否（true/false）",
    "greater_than": "应大于 {gt}", "greater_than_equal": "不能小于 {ge}", "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}", "multiple_of": "应为 {multiple_of} 的整数倍",
    "too_short": "至少 {min_length} 项", "too_long": "最多 {max_length} 项", "list_type": "应为列表（数组）",
    "set_type": "应为列表（数组）", "tuple_type": "应为列表（数组）", "dict_type": "应为对象（键值对）",
    "model_type": "应为对象（键值对）", "model_attributes_type": "应为对象（键值对）", "json_type": "应为 JSON 文本",
    "datetime_type": _DATETIME, "datetime_parsing": _DATETIME, "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME, "timezone_naive": "不能带时区", "timezone_aware": "应带时区",
    "datetime_past": "应为过去的时间", "datetime_future": "应为将来的时间",
    "date_type": _DATE, "date_parsing": _DATE, "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "应为日期，不带时分秒", "date_past": "应为过去的日期", "date_future": "应为将来的日期",
    "time_type": "应为时间，如 08:30", "time_parsing": "应为时间，如 08:30", "time_delta_parsing": "应为时长",
    "uuid_parsing": "格式不正确", "uuid_type": "格式不正确", "url_parsing": "应为网址", "url_type": "应为网址",
    "bytes_type": "应为文件或二进制内容", "none_required": "应为空", "frozen_field": "不能修改",
    "union_tag_invalid": "类型不正确", "union_tag_not_found": "缺少类型标记", "is_instance_of": "类型不正确",
}
_JSON_REASONS = {
    "Expecting value": "缺少值或有多余的逗号", "Expecting property name enclosed in double quotes": "字段名应使用英文双引号",
    "Expecting ',' delimiter": "缺少英文逗号", "Expecting ':' delimiter": "缺少英文冒号", "Extra data": "结尾有多余内容",
    "Unterminated string starting at": "字符串缺少结尾引号", "Invalid control character at": "含有非法控制字符",
}
_ALTERNATIVES = re.compile(r"^\^\(?([^()\[\]\\.*+?{}]+)\)?\$$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def describe(errors: Iterable[dict[str, Any]], route: Any = None) -> list[dict[str, Any]]:
    """Translate every error; ``route`` is the matched FastAPI route (``request.scope['route']``)."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        # An unknown field has no label: name it as it was sent, so it can be found and removed.
        field = str(loc[-1]) if e.get("type") == "extra_forbidden" and loc else field_label(loc, route)
        out.append({"loc": loc, "type": e.get("type"), "field": field, "msg": message(e, field)})
    return out


def message(error: dict[str, Any], field: str) -> str:
    """One Chinese sentence for one pydantic error, starting with the field's label."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "json_invalid":
        reason = str(ctx.get("error", ""))
        zh = next((v for k, v in _JSON_REASONS.items() if reason.startswith(k)), "语法错误")
        pos = error.get("loc", ())[-1] if len(error.get("loc", ())) > 1 else None
        where = f"第 {pos + 1} 个字符附近，" if isinstance(pos, int) else ""
        return f"请求体不是有效的 JSON：{where}{zh}"
    if kind == "extra_forbidden":
        return f"“{field}”{MESSAGES[kind]}"
    if kind in ("literal_error", "enum"):
        allowed = _QUOTED.findall(str(ctx.get("expected", "")))
        return f"{field}应为以下之一：{'、'.join(labels_of(allowed)) or ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch" and (m := _ALTERNATIVES.match(str(ctx.get("pattern", "")))):
        return f"{field}应为以下之一：{'、'.join(m.group(1).split('|'))}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{field}不能为空"
    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{field}：{reason}" if _has_chinese(reason) else f"{field}无效（{reason}）"
    template = MESSAGES.get(kind)
    if template is None:
        return f"{field}无效（{kind}）"
    try:
        return field + template.format(**{k: _plain(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return field + template


def _plain(bound: Any) -> Any:
    """744.0 → 744: a whole-number bound reads as people write it ("不能大于 744", not "744.0")."""
    return int(bound) if isinstance(bound, float) and bound.is_integer() else bound


def field_label(loc: list[Any], route: Any = None) -> str:
    """"body.specialties.0" → "专长第1项"; a list index names the item, union branch tags are dropped."""
    if not loc:
        return "请求"
    where, path = (loc[0], loc[1:]) if loc[0] in SOURCES else ("body", loc)
    names = [p for p in path if isinstance(p, int) or not _is_branch_tag(p)]
    if not names or (where == "body" and isinstance(names[0], int)):  # whole body / JSON position
        return SOURCES[where]
    titles = _titles(route, where, names)
    parts: list[str] = []
    for part, title in zip(names, titles, strict=True):
        if isinstance(part, int):
            parts.append(f"第{part + 1}项")
        else:
            parts.append(("·" if parts else "") + (title or FIELD_LABELS.get(str(part)) or str(part)))
    return "".join(parts)


def _is_branch_tag(part: Any) -> bool:
    # pydantic names union members in loc: "function-after[...]", "literal['a','b']", "str", "int" …
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool", "list", "dict", "none"})


def _titles(route: Any, where: str, names: list[Any]) -> list[str | None]:
    """The ``title`` of each named field along the path, walking the route's parameter models."""
    params = route_params(getattr(route, "dependant", None), where)
    fields: dict[str, Any] = {p.alias: p.field_info for p in params}
    if where == "body" and len(params) == 1 and names[0] not in fields:
        fields = _fields_of(params[0].field_info.annotation)  # one body model, not embedded
    titles: list[str | None] = []
    for part in names:
        info = None if isinstance(part, int) else fields.get(part)
        titles.append(getattr(info, "title", None))
        if info is not None:
            fields = _fields_of(info.annotation)
    return titles


def route_params(dependant: Any, where: str) -> list[Any]:
    """The ``where`` ("query", "body" …) parameters of a route, its ``Depends()`` included."""
    found, todo = [], [dependant] if dependant is not None else []
    while todo:
        current = todo.pop()
        found += list(getattr(current, f"{where}_params", None) or [])
        todo += list(getattr(current, "dependencies", None) or [])
    return found


def _fields_of(annotation: Any) -> dict[str, Any]:
    model = _model_in(annotation)
    if model is None:
        return {}
    return {**model.model_fields, **{f.alias: f for f in model.model_fields.values() if f.alias}}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if (model := _model_in(arg)) is not None:
            return model
    return None


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
