"""Cells that a spreadsheet would run: formula injection (CSV/Excel injection, OWASP).

Text people typed (a unit's name, a member's name, a place) ends up in exported .csv and
.xlsx files. A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return,
which Excel skips before one of those) is taken for a formula when the file is opened or the
cell edited: ``=HYPERLINK("http://…?"&A2, "点击")`` leaks the row, ``=cmd|…`` runs a program.
CSV gets a leading apostrophe (shown by Excel as the text itself); xlsx cells are written as
text with Excel's hidden quote prefix. Plain numbers ("-3", "+86") are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def formula_like(value: Any) -> bool:
    """True for a string a spreadsheet would read as a formula (not for a plain signed number)."""
    return isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.match(value)


def csv_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell: a formula-like string gets a leading apostrophe."""
    return f"'{value}" if formula_like(value) else value
