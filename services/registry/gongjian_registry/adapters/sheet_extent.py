"""How far an .xlsx file's cells reach, checked before it is read (a "sheet bomb").

The reader (python-calamine) builds a dense grid from the first cell to the last: a 5 KB file
with one cell at XFD1048576 asks for 17 billion cells and kills the process; one at row 20,000,
column 200 costs 4 million cells and 20 s. So before reading, the worksheets' XML is streamed
(at most ``MAX_UNZIPPED`` bytes, whatever the zip claims) and the cell references it names are
measured: more than ``MAX_COLUMNS`` columns or ``MAX_CELLS`` cells in the grid is refused as a
file-level error. Real member and unit sheets have about 20 columns.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

MAX_COLUMNS = 256  # Excel 2003's limit; the import templates use about 20
MAX_CELLS = 20_000_000  # e.g. 200,000 rows × 100 columns
MAX_UNZIPPED = 512 * 1024 * 1024
_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_CHUNK = 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def too_large(content: bytes) -> str | None:
    """Why this .xlsx is too large to read (Chinese), or None. Not a zip: None (the reader says why)."""
    try:
        book = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        return None
    rows = columns = unzipped = 0
    with book:
        for info in book.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with book.open(info) as stream:
                    tail = b""
                    while chunk := stream.read(_CHUNK):
                        unzipped += len(chunk)
                        if unzipped > MAX_UNZIPPED:
                            return f"Excel 文件解压后超过 {MAX_UNZIPPED // 1024 // 1024} MB，请拆分后导入 (too large unzipped)"
                        text = tail + chunk
                        for letters, row in _REF.findall(text):
                            rows, columns = max(rows, int(row)), max(columns, _column_number(letters))
                        tail = text[-64:]  # a reference cut by the chunk boundary is read with the next one
            except (zipfile.BadZipFile, OSError, EOFError):
                return None
    if columns > MAX_COLUMNS:
        return f"表格有内容的列多达 {columns} 列（上限 {MAX_COLUMNS} 列），请删除多余的列后导入 (too many columns)"
    if rows * columns > MAX_CELLS:
        return f"表格范围过大（{rows} 行 × {columns} 列），请删除多余的行列或拆分后导入 (too many cells)"
    return None
