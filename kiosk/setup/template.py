"""The import format as a workbook to fill in: its headers in the event's language and one example row
(``GET /api/v1/import/template.xlsx``, the admin's import page)."""

from __future__ import annotations

import io

from ..words.catalogue import N_, word
from .fields import PROJECT_KEYS
from .importer import header

TEMPLATE_SHEET = N_("签约项目")
TEMPLATE_EXAMPLE = (
    1,
    N_("示例：智能制造产业园项目"),
    N_("示例科技有限公司"),
    12.5,
    300,
    N_("先进制造"),
    N_("张三、李四"),
    N_("王五"),
    "0731-28800000",
    N_("一句话介绍项目（可选，最多 500 字）"),
)
# The English forms' example, the same in either language's template: it is the English itself.
TEMPLATE_EXAMPLE_EN = (
    "Example Smart Manufacturing Industrial Park",
    "Example Technology Co., Ltd.",
    None,
    "Zhang San, Li Si",
)


def xlsx(lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = word(TEMPLATE_SHEET, lang)
    ws.append([header(k, lang) for k in PROJECT_KEYS if k != "amount_wan"])
    example = [word(v, lang) if isinstance(v, str) and not v[0].isdigit() else v for v in TEMPLATE_EXAMPLE]
    ws.append([*example, *TEMPLATE_EXAMPLE_EN])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8ECD0")
    widths = (6, 34, 28, 14, 10, 12, 16, 10, 16, 40, 40, 34, 16, 22)
    for col, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
