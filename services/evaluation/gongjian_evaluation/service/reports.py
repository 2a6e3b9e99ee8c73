"""Downloadable reports in Chinese: Excel (xlsxwriter) and printable PDF (reportlab, built-in CID font)."""

from __future__ import annotations

import io
from typing import Any

from ..domain.stats import LABELS

Table = tuple[str, list[str], list[list[Any]]]  # (title, header, rows)


def stats_tables(figures: dict[str, Any], children: list[dict[str, Any]]) -> list[Table]:
    values = {**figures["counters"], **{k: v for k, v in figures["derived"].items() if v is not None}}
    summary = [[LABELS.get(k, k), values[k]] for k in LABELS if k in values]
    head = ["地点 place", "报到党员", "报到率", "服务时长", "参与人次", "受益人次", "逾期", "健康度 health"]
    rows = [[c["name"] or c["place_id"], c["counters"]["members_reported"], c["derived"]["reporting_rate"],
             c["counters"]["hours_served"], c["counters"]["participants"], c["counters"]["beneficiaries"],
             c["counters"]["demands_overdue"], c["health"]] for c in children]
    return [("统计汇总 summary", ["指标 figure", "数值 value"], summary), ("下级地点 children", head, rows)]


def year_end_tables(result: dict[str, Any]) -> list[Table]:
    members = [[r["rank"], r["name"], r["holder_id"], r["community_id"], r["metrics"]["points_year"],
                r["metrics"]["active_months"], r["stars"], "是" if r["five_star"] else "否", r["assessment"] or "",
                r["score"]] for r in result["members"]]
    units = [[r["rank"], r["name"], r["holder_id"], r["community_id"], r["review_grade"] or "", r["score"]]
             for r in result["units"]]
    return [
        ("党员年末考核 members", ["名次", "姓名", "编号", "社区", "年度积分", "活跃月数", "星级", "五星级", "社区评价", "综合得分"], members),
        ("单位年末考核 units", ["名次", "单位", "编号", "社区", "评议等次", "综合得分"], units),
    ]


def xlsx(title: str, tables: list[Table]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    heading = book.add_format({"bold": True, "font_size": 14})
    for index, (name, header, rows) in enumerate(tables):
        sheet = book.add_worksheet(f"{index + 1} {name.split(' ')[0]}"[:31])
        sheet.write(0, 0, f"{title} · {name}", heading)
        sheet.write_row(2, 0, header, bold)
        for r, row in enumerate(rows):
            sheet.write_row(3 + r, 0, ["" if v is None else v for v in row])
        sheet.set_column(0, max(len(header) - 1, 0), 16)
    book.close()
    return buffer.getvalue()


def pdf(title: str, subtitle: str, tables: list[Table]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=22)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=18)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    story: list[Any] = [Paragraph(title, h1), Paragraph(subtitle, body), Spacer(1, 8)]
    for name, header, rows in tables:
        story += [Paragraph(name, h2), Spacer(1, 4)]
        data = [header] + [["" if v is None else str(v) for v in row] for row in rows] or [header]
        table = PdfTable(data, repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
                                   ("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
        story += [table, Spacer(1, 10)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, author="共建 gongjian").build(story)
    return buffer.getvalue()
