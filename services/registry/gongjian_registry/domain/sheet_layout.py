"""Where the table is in a sheet as staff keep it, and what a good sheet looks like (pure).

The usual 花名册 has a title on row 1 (often merged across the columns), sometimes a
second line (填报单位、日期), then the header row, then the data. The header row is the
first of the top rows that holds every required column; row numbers stay the sheet's own.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from .idcard import make_id_number
from .importing import RowError, map_headers

HEADER_SCAN_ROWS = 10  # title blocks seen in real sheets are 1-3 rows; 10 leaves room
# One example row per import, for the template download (synthetic, valid ID checksum).
MEMBER_EXAMPLE = ("张三", make_id_number("230881", date(1980, 3, 15), 12), "13800000000", "在职党员", "法律、家教",
                  "同江市人民法院", "新华社区", "第1网格", "11号楼")
UNIT_EXAMPLE = ("同江市税务局", "机关", "税务局机关党委", "中央大街1号", "新华社区", "11230881MB0000001X")
# The template's example row carries this mark in an extra 说明 column; an import skips a row
# only when one of its cells is exactly this text (never by guessing at the data itself).
EXAMPLE_HEADER = "说明"
EXAMPLE_MARK = "示例行，导入时自动跳过"
EXAMPLE_SKIPPED = "示例行已跳过"


_FOLDED_MARK = unicodedata.normalize("NFKC", EXAMPLE_MARK)  # cells arrive folded: "，" → ","


def is_example(row: list[str]) -> bool:
    """True for the template's example row (a folded cell equal to ``EXAMPLE_MARK``)."""
    return _FOLDED_MARK in row


def find_header(rows: list[list[str]], expected: tuple[str, ...], required: tuple[str, ...]) -> tuple[int, dict[str, int], list[RowError]]:
    """(0-based header row, canonical header → column, errors) for the first ``HEADER_SCAN_ROWS`` rows.

    The first row with every required header wins; failing that, the row matching most
    headers is named in the errors (missing columns), so staff see which row was taken.
    """
    best = (-1, 0, {}, [RowError(1, "", "文件中没有表头行 (no header row)")])
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        index, errors = map_headers(row, expected, required, row_number=r + 1)
        if not errors:
            return r, index, []
        if len(index) > best[1]:
            best = (r, len(index), index, errors)
    r, _, index, errors = best
    return max(r, 0), index, errors

