"""Attack pass (issue 11): an .xlsx whose few cells reach far is refused before it is read.

The reader builds a dense grid up to the farthest cell: a 5 KB file with one cell at XFD1048576
aborted the registry process, one at row 20,001, column 201 took 20 s. Now the cell references
are measured first (adapters/sheet_extent.py) and such a file is a file-level import error.
"""

from __future__ import annotations

import io
import time

import pytest
import xlsxwriter

from gongjian_registry.adapters.sheets import SheetError, read_sheet


def far_cell(row: int, column: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "手机号"])
    sheet.write(row, column, "x")
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(("row", "column", "why"), [(10, 16383, "列"), (1_048_575, 16383, "列"),
                                                     (1_048_575, 40, "范围过大")])
def test_a_sheet_reaching_far_is_refused_before_it_is_read(row, column, why):
    content = far_cell(row, column)
    assert len(content) < 10_000
    started = time.monotonic()
    with pytest.raises(SheetError, match=why):
        read_sheet(content, "党员.xlsx")
    assert time.monotonic() - started < 5


def test_an_ordinary_sheet_still_reads():
    assert read_sheet(far_cell(200, 25), "党员.xlsx").rows[0][:2] == ["姓名", "手机号"]
