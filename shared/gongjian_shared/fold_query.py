"""Query strings folded like request bodies: ``?grid_id=ｇ１&period=２０２６-１０`` → ``g1``, ``2026-10``.

Query values are filters: ids, codes, periods, kinds, keywords. A pure ASGI middleware folds
each value with NFKC and strips its blanks (gongjian_shared.text.fold) before routing, so every
endpoint of every service sees ASCII codes however they were typed. Plain ASCII passes untouched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from .text import fold


def fold_query_string(raw: bytes) -> bytes:
    """The query string with every value folded; names, order and blank values kept."""
    if b"%" not in raw and b"+" not in raw and raw.isascii():
        return raw  # nothing typed full-width, nothing to strip: the common case costs one scan
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
    return urlencode([(name, fold(value)) for name, value in pairs]).encode("ascii")


class FoldQuery:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            scope = {**scope, "query_string": fold_query_string(scope["query_string"])}
        await self.app(scope, receive, send)
