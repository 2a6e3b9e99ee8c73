"""Reading and writing the sheets staff use: CSV (UTF-8 or GBK) and Excel .xlsx.

Reading goes through python-calamine (Rust; 100k rows in about a second); writing
through xlsxwriter in constant-memory mode. Every cell comes back as a stripped string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook


class SheetError(ValueError):
    """The file cannot be read as a sheet at all (a file-level rejection)."""


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
    return str(value).strip()


def read_sheet(content: bytes, filename: str) -> list[list[str]]:
    """All rows of the first sheet (header row first) as strings; raise SheetError."""
    if not content:
        raise SheetError("文件为空 (empty file)")
    is_zip = content[:4] == b"PK\x03\x04"
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")) or is_zip:
        return _read_excel(content)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(content)
    raise SheetError(f"不支持的文件类型：{filename}，请上传 .xlsx 或 .csv (unsupported file type)")


def _read_excel(content: bytes) -> list[list[str]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise SheetError(f"Excel 文件已损坏或格式不对，无法读取 (malformed xlsx: {type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error classes for bad zips/xml
        raise SheetError(f"Excel 文件已损坏或格式不对，无法读取 (malformed xlsx: {type(exc).__name__})") from None
    return [[cell_text(v) for v in row] for row in rows]


def _read_csv(content: bytes) -> list[list[str]]:
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
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise SheetError(f"CSV 格式错误：{exc} (malformed CSV)") from None


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                            "strings_to_numbers": False, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet)
    text = workbook.add_format({"num_format": "@"})  # keep ID numbers as text, never as floats
    worksheet.write_row(0, 0, list(headers))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            worksheet.write_string(r, c, "" if value is None else str(value), text)
    workbook.close()
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8
