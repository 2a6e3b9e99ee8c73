"""Reading and writing the sheets staff use: CSV (UTF-8 or GBK) and Excel .xlsx.

Reading goes through python-calamine (Rust; 100k rows in about a second); writing
through xlsxwriter in constant-memory mode. Every cell comes back as a string folded with
NFKC and stripped (全角 "１３８" → "138"); a merged cell's value is given to every cell it
spans (a 社区 merged down ten rows belongs to each of them); the cells that were stored as
numbers are listed, because an 18-digit ID stored as a number has lost its last digits.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook

from gongjian_shared.spreadsheets import csv_cell
from gongjian_shared.text import fold

from .sheet_extent import too_large

# What Excel writes into a CSV for a long number kept as a number: "3.20102E+17".
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


class SheetError(ValueError):
    """The file cannot be read as a sheet at all (a file-level rejection)."""


class UnsupportedSheet(SheetError):
    """Neither named .xlsx/.csv nor an .xlsx by its signature (e.g. a .txt or .docx): HTTP 422 unsupported-file-type."""


@dataclass
class Sheet:
    """The first sheet: ``rows[r][c]`` folded text (0-based; sheet row = r + 1), and the
    (r, c) of cells that were typed as numbers (xlsx) or written as 3.2E+17 (csv)."""

    rows: list[list[str]]
    numbers: set[tuple[int, int]] = field(default_factory=set)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return fold(str(value))


def read_sheet(content: bytes, filename: str) -> Sheet:
    """All rows of the first sheet (title rows, header, data) as folded strings; raise SheetError."""
    if not content:
        raise SheetError("文件为空 (empty file)")
    is_zip = content[:4] == b"PK\x03\x04"
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")) or is_zip:
        return _read_excel(content)
    if name.endswith(".csv") or not name:
        return _read_csv(content)
    raise UnsupportedSheet("请上传 .xlsx 或 .csv 文件")


def _read_excel(content: bytes) -> Sheet:
    if reason := too_large(content):  # before the reader builds its grid (sheet_extent.py)
        raise SheetError(reason)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise SheetError(f"Excel 文件已损坏或格式不对，无法读取 (malformed xlsx: {type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error classes for bad zips/xml
        raise SheetError(f"Excel 文件已损坏或格式不对，无法读取 (malformed xlsx: {type(exc).__name__})") from None
    numbers = {(r, c) for r, row in enumerate(rows) for c, v in enumerate(row)
               if isinstance(v, int | float) and not isinstance(v, bool)}
    texts = [[cell_text(v) for v in row] for row in rows]
    for (r0, c0), (r1, c1) in merged:
        _spread(texts, numbers, r0, c0, r1, c1)
    return Sheet(texts, numbers)


def _spread(rows: list[list[str]], numbers: set[tuple[int, int]], r0: int, c0: int, r1: int, c1: int) -> None:
    """Give the top-left value of a merged range to every cell of it (Excel keeps it only there)."""
    if r0 >= len(rows) or c0 >= len(rows[r0]):
        return
    value, was_number = rows[r0][c0], (r0, c0) in numbers
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        rows[r].extend([""] * (c1 + 1 - len(rows[r])))
        for c in range(c0, c1 + 1):
            rows[r][c] = value
            if was_number:
                numbers.add((r, c))


def _read_csv(content: bytes) -> Sheet:
    if b"\x00" in content[:4096]:
        raise SheetError("文件不是文本格式的 CSV (binary content, not CSV)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("CSV 文件编码无法识别，请另存为 UTF-8 (unknown encoding)")
    try:
        rows = [[fold(c) for c in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise SheetError(f"CSV 格式错误：{exc} (malformed CSV)") from None
    return Sheet(rows, {(r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if _SCIENTIFIC.match(v)})


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1",
               text_columns: bool = False) -> bytes:
    """An .xlsx of the headers and rows, every cell text. ``text_columns`` also formats the
    whole columns as text and widens them (a template: what staff type later stays text)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                            "strings_to_numbers": False, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet)
    text = workbook.add_format({"num_format": "@"})  # keep ID numbers as text, never as floats
    if text_columns:
        worksheet.set_column(0, max(len(headers) - 1, 0), 22, text)
    worksheet.write_row(0, 0, list(headers))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            worksheet.write_string(r, c, "" if value is None else str(value), text)
    workbook.close()
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM; a cell Excel would run as a formula starts with an apostrophe
    (gongjian_shared.spreadsheets: names and places are typed by people)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8
