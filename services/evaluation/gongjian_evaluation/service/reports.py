"""Downloadable reports in Chinese: Excel (xlsxwriter) and printable PDF (reportlab).

The PDF embeds a CJK TrueType font (subset) so a report prints the same on any machine: the
font comes from a package (Debian's fonts-wqy-microhei, installed by the project's set-up and
the Dockerfile), or from the path in ``GONGJIAN_PDF_FONT``. Every figure carries its unit and
a glossary page says what it counts (issue 13).
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from gongjian_shared.spreadsheets import formula_like

from ..domain import glossary
from ..domain.ratings import WEIGHT_LABELS
from . import time_report

Table = tuple[str, list[str], list[list[Any]]]  # (title, header, rows)
log = logging.getLogger("gongjian.evaluation.reports")

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT_NAME = "GongjianCJK"


def glossary_table() -> Table:
    return ("指标说明", ["指标", "单位", "含义"], glossary.as_rows())


def stats_tables(figures: dict[str, Any], children: list[dict[str, Any]],
                 board: dict[str, Any] | None = None) -> list[Table]:
    """Summary, children, time in state (issue 14.8; ``board``: the month's 红黑榜) and glossary."""
    values = {**figures["counters"], **figures["derived"]}
    summary = [[glossary.label(f.key), glossary.show(f.key, values.get(f.key))]
               for f in glossary.FIGURES if f.key in values]
    head = ["地点", "报到党员（人）", "报到率", "服务时长（小时）", "参与人次", "受益人次", "逾期需求（项）", "健康度"]
    rows = [[c["name"] or c["place_id"], c["counters"]["members_reported"],
             glossary.show("reporting_rate", c["derived"]["reporting_rate"]),
             glossary.show("hours_served", c["counters"]["hours_served"]), c["counters"]["participants"],
             c["counters"]["beneficiaries"], c["counters"]["demands_overdue"],
             glossary.HEALTH.get(c["health"], c["health"])] for c in children]
    timely = [time_report.summary(figures["time_in_state"]), time_report.children(children)] \
        if figures.get("time_in_state") else []
    ranked = time_report.board(board) if board else []
    return [("统计汇总", ["指标", "数值"], summary), ("下级地点", head, rows), *timely, *ranked, glossary_table()]


def _number(value: float) -> float | int:
    """A figure the spreadsheet keeps as a number (sums and sorts work): 12.0 as 12."""
    return int(value) if float(value).is_integer() else value


def year_end_tables(result: dict[str, Any], place_names: dict[str, str]) -> list[Table]:
    """``place_names``: community id → name, so officials read names, not ids."""
    def place(pid: str | None) -> str:
        return place_names.get(pid or "", pid or "")

    members = [[r["rank"], r["name"], place(r["community_id"]), _number(r["metrics"]["points_year"]),
                r["metrics"]["active_months"], r["stars"], "是" if r["five_star"] else "否", r["assessment"] or "",
                r["score"]] for r in result["members"]]
    units = [[r["rank"], r["name"], place(r["community_id"]), r["review_grade"] or "", r["score"]]
             for r in result["units"]]
    weights = [[who_label, WEIGHT_LABELS.get(key, key), f"{value * 100:.0f}%"] for who, who_label in (("member", "党员"), ("unit", "单位"))
               for key, value in result["weights"][who]["weights"].items()]
    return [
        ("党员年末考核", ["名次", "姓名", "报到社区", "年度积分", "活跃月数", "星级", "五星级", "社区评价", "综合得分"], members),
        ("单位年末考核", ["名次", "单位", "所在社区", "评议等次", "综合得分"], units),
        ("考核权重（本年度适用版本）", ["对象", "项目", "权重"], weights),
    ]


def xlsx(title: str, tables: list[Table]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    # Names are typed by people: a string is never turned into a formula or a link, and one
    # that looks like a formula keeps Excel's quote prefix, so editing the cell does not run it.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    heading = book.add_format({"bold": True, "font_size": 14})
    quoted = book.add_format({"quote_prefix": True})
    for index, (name, header, rows) in enumerate(tables):
        sheet = book.add_worksheet(f"{index + 1} {name}"[:31])
        sheet.write(0, 0, f"{title}——{name}", heading)
        sheet.write_row(2, 0, header, bold)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(3 + r, c, "" if value is None else value, quoted if formula_like(value) else None)
        sheet.set_column(0, max(len(header) - 1, 0), 16)
    book.close()
    return buffer.getvalue()


def _cjk_font() -> str:
    """Register the embedded CJK font once; its name for reportlab styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    configured = os.environ.get("GONGJIAN_PDF_FONT")
    for path in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if path and Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
            return FONT_NAME
    # A report is still better than an error: the built-in CID font prints where the reader has it.
    log.warning("no CJK TrueType font found (install fonts-wqy-microhei or set GONGJIAN_PDF_FONT); "
                "the PDF will reference STSong-Light instead of embedding a font")
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def pdf(title: str, subtitle: str, tables: list[Table]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = _cjk_font()
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=22)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=18)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    # Paragraph reads its text as markup (<img src=…>, <a href=…>): names typed by people are escaped.
    story: list[Any] = [Paragraph(escape(title), h1), Paragraph(escape(subtitle), body), Spacer(1, 8)]
    for name, header, rows in tables:
        story += [Paragraph(escape(name), h2), Spacer(1, 4)]
        data = [header] + [[Paragraph(escape("" if v is None else str(v)), cell) for v in row] for row in rows]
        table = PdfTable(data, repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
                                   ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 10)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, author="共建 gongjian").build(story)
    return buffer.getvalue()
