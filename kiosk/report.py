"""The ceremony report and the press summary: built from the state, written as CSV, XLSX or JSON.

Plain Python (openpyxl for XLSX): the CLI's ``export`` and the console's downloads both come through here.
Every text cell a spreadsheet could read as a formula is neutralised: names come from Excel files that
someone else typed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from .domain import WAN_PER_YI, yi

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Industries as the English press release names them; anything else keeps its Chinese name.
INDUSTRY_EN = {
    "新能源汽车": "new-energy vehicles",
    "生物医药": "biomedicine",
    "现代农业": "modern agriculture",
    "新材料": "new materials",
    "产业综合平台": "industrial platforms",
    "新能源": "new energy",
    "电子信息": "electronic information",
    "装备制造": "equipment manufacturing",
    "先进制造": "advanced manufacturing",
    "数字经济": "the digital economy",
    "节能环保": "energy saving and environmental protection",
    "文化旅游": "culture and tourism",
    "现代服务业": "modern services",
    "人工智能": "artificial intelligence",
    "集成电路": "integrated circuits",
    "轨道交通": "rail transit",
    "航空航天": "aerospace",
}
MAX_INDUSTRIES_NAMED = 4


def neutralise(value):
    """A text cell that Excel or LibreOffice would evaluate (=, +, -, @, tab, CR) is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# -- press summary -------------------------------------------------------------------------------------


def _date_zh(text: str) -> str:
    try:
        d = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return text
    return f"{d.year}年{d.month}月{d.day}日"


def _date_en(text: str) -> str:
    try:
        d = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return text
    return f"{d.day} {d:%B} {d.year}"


def _money_zh(wan: int) -> str:
    return f"{yi(wan)}亿元" if wan >= WAN_PER_YI else f"{wan}万元"


def _money_en(wan: int) -> str:
    yuan = Decimal(wan) * 10_000
    if yuan >= 1_000_000_000:
        return f"{format((yuan / 1_000_000_000).normalize(), 'f')} billion yuan"
    return f"{format((yuan / 1_000_000).normalize(), 'f')} million yuan"


def _industries_in_running_order(state: dict) -> list[str]:
    seen: list[str] = []
    for p in state["projects"]:
        if p["status"] == "signed" and p["industry"] and p["industry"] not in seen:
            seen.append(p["industry"])
    return seen


def press_summary(state: dict) -> dict:
    """The paragraph the press will print, in the article's own style, from the signed projects.

    Industries are named in running order, at most four, then "等" (as the article does).
    """
    count, total = state["signed_count"], state["total_wan"]
    event = state["event"]
    tiers = [t for t in state["tiers"] if t["count"]]
    industries = _industries_in_running_order(state)
    named, more = industries[:MAX_INDUSTRIES_NAMED], len(industries) > MAX_INDUSTRIES_NAMED

    zh = (
        f"{_date_zh(event['date'])}，{event['title']}举行。"
        if event.get("date")
        else f"{event['title']}举行。"
    )
    if count == 0:
        return {"zh": zh + "签约尚未开始。", "en": f"{event['title']}: no project has been signed yet."}
    land = state["land_mu"]
    zh += f"此次签约的{count}个项目，总投资{_money_zh(total)}"
    zh += f"，总用地约{land}亩。" if land and Decimal(land) > 0 else "。"
    if tiers:
        zh += "其中，" + "，".join(f"{t['min_yi']}亿元以上项目{t['count']}个" for t in tiers) + "。"
    if named:
        zh += "所涉及的产业均来自" + "、".join(named) + ("等" if more else "") + "。"

    en_date = f"On {_date_en(event['date'])}, " if event.get("date") else ""
    en = f"{en_date}{event['title']} was held. "
    plural = "project" if count == 1 else "projects"
    en += (
        f"The {count} {plural} signed represent a total investment of {_money_en(total)} ({_money_zh(total)})"
    )
    en += f" on about {int(Decimal(land)):,} mu of land. " if land and Decimal(land) > 0 else ". "
    if tiers:
        parts = [
            f"{t['count']} {'is' if t['count'] == 1 else 'are'} worth {_money_en(t['min_yi'] * WAN_PER_YI)} or more"
            for t in tiers
        ]
        en += (
            "Of these, "
            + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
            + ". "
        )
    if named:
        names = [INDUSTRY_EN.get(n, n) for n in named]
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        en += f"They span {listed}{' among others' if more else ''}."
    return {"zh": zh, "en": en.strip()}


# -- the report ----------------------------------------------------------------------------------------


def build(state: dict, contacts: dict, audit: list[dict], run: dict) -> dict:
    """Everything the morning-after report needs, as plain data (it is also the JSON export)."""
    names = {p["id"]: p["name"] for p in state["projects"]}
    projects = []
    for p in state["projects"]:
        c = contacts.get(p["id"])
        projects.append(
            {
                "order": p["order"],
                "id": p["id"],
                "name": p["name"],
                "investor": p["investor"],
                "amount_yi": p["amount_yi"],
                "amount_wan": p["amount_wan"],
                "land_mu": p["land_mu"],
                "industry": p["industry"],
                "signatories": p["signatories"],
                "status": p["status"],
                "signed_at": p["signed_at"],
                "concierge_name": c.contact_name if c else None,
                "concierge_phone": c.contact_phone if c else None,
            }
        )
    return {
        "event": state["event"],
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "run": {"id": run["id"], "mode": run["mode"], "started_at": run["started_at"]},
        "seq": state["seq"],
        "projects": projects,
        "totals": {
            "signed_count": state["signed_count"],
            "project_count": state["project_count"],
            "total_wan": state["total_wan"],
            "total_yi": state["total_yi"],
            "land_mu": state["land_mu"],
            "planned_total_wan": state["planned"]["total_wan"],
            "planned_total_yi": state["planned"]["total_yi"],
        },
        "tiers": state["tiers"],
        "industries": state["industries"],
        "press_summary": press_summary(state),
        "audit": [
            {
                "received_at": a["received_at"],
                "device": a["device"],
                "action": a["request"].get("action") if isinstance(a["request"], dict) else None,
                "project": names.get(a["request"].get("project_id"), a["request"].get("project_id"))
                if isinstance(a["request"], dict)
                else None,
                "screen": a["request"].get("screen") if isinstance(a["request"], dict) else None,
                "outcome": a["outcome"],
                "seq": a["seq"],
                "command_id": a["command_id"],
            }
            for a in audit
        ],
    }


STATUS_ZH = {"pending": "待签约", "announced": "已宣布", "signed": "已签约"}
PROJECT_COLUMNS = [
    ("order", "序号"),
    ("name", "项目名称"),
    ("investor", "签约企业"),
    ("amount_yi", "投资额（亿元）"),
    ("amount_wan", "投资额（万元）"),
    ("land_mu", "用地（亩）"),
    ("industry", "产业类别"),
    ("status", "状态"),
    ("signed_at", "签约时间"),
    ("concierge_name", "服务专员"),
    ("concierge_phone", "专员电话"),
]
AUDIT_COLUMNS = [
    ("received_at", "时间"),
    ("device", "设备"),
    ("action", "指令"),
    ("project", "项目"),
    ("screen", "画面"),
    ("outcome", "结果"),
    ("seq", "序列号"),
    ("command_id", "指令编号"),
]


def _project_row(p: dict) -> list:
    row = []
    for key, _ in PROJECT_COLUMNS:
        value = p[key]
        if key == "status":
            value = STATUS_ZH.get(value, value)
        elif key in ("amount_yi", "land_mu") and value is not None:
            value = Decimal(value)  # a number in Excel, exact in the file
        row.append(value)
    return row


def _summary_rows(report: dict) -> list[list]:
    t = report["totals"]
    rows = [
        ["活动", report["event"]["title"]],
        ["日期", report["event"]["date"]],
        ["模式", "彩排（不计入正式记录）" if report["run"]["mode"] == "rehearsal" else "正式"],
        ["已签约项目", t["signed_count"]],
        ["计划项目", t["project_count"]],
        ["签约总额（亿元）", Decimal(t["total_yi"])],
        ["签约总额（万元）", t["total_wan"]],
        ["签约用地（亩）", Decimal(t["land_mu"]) if t["land_mu"] else 0],
        [],
        ["投资分档", "项目数"],
        *[[tier["label"], tier["count"]] for tier in report["tiers"]],
        [],
        ["产业类别", "项目数", "投资额（亿元）"],
        *[[i["name"], i["count"], Decimal(i["amount_yi"])] for i in report["industries"]],
        [],
        ["新闻通稿", report["press_summary"]["zh"]],
        ["Press summary", report["press_summary"]["en"]],
        ["生成时间", report["generated_at"]],
    ]
    return rows


def to_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


def to_csv(report: dict) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens the Chinese correctly; sections separated by blank lines."""
    out = io.StringIO()
    w = csv.writer(out)

    def write(row):
        w.writerow([neutralise(v if not isinstance(v, Decimal) else format(v, "f")) for v in row])

    write([label for _, label in PROJECT_COLUMNS])
    for p in report["projects"]:
        write(_project_row(p))
    w.writerow([])
    for row in _summary_rows(report):
        write(row)
    w.writerow([])
    write([label for _, label in AUDIT_COLUMNS])
    for a in report["audit"]:
        write([a[key] for key, _ in AUDIT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F8ECD0")

    ws = wb.active
    ws.title = "项目"
    ws.append([label for _, label in PROJECT_COLUMNS])
    for p in report["projects"]:
        ws.append([neutralise(v) for v in _project_row(p)])
    for cell in ws[1]:
        cell.font, cell.fill = bold, head_fill
    for col, width in zip("ABCDEFGHIJK", (6, 36, 30, 14, 14, 10, 14, 8, 22, 10, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    summary = wb.create_sheet("汇总")
    for row in _summary_rows(report):
        summary.append([neutralise(v) for v in row])
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 60
    for row in summary.iter_rows():
        if row and row[0].value in ("投资分档", "产业类别", "活动"):
            for cell in row:
                cell.font = bold
        for cell in row[1:2]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _industry_chart(summary, report)

    audit = wb.create_sheet("审计日志")
    audit.append([label for _, label in AUDIT_COLUMNS])
    for a in report["audit"]:
        audit.append([neutralise(a[key]) for key, _ in AUDIT_COLUMNS])
    for cell in audit[1]:
        cell.font, cell.fill = bold, head_fill
    audit.column_dimensions["A"].width = 26
    audit.column_dimensions["B"].width = 22

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _industry_chart(sheet, report: dict) -> None:
    """A native Excel bar chart of investment by industry, next to the table it reads."""
    if not report["industries"]:
        return
    header = next(r for r in sheet.iter_rows() if r[0].value == "产业类别")[0].row
    last = header + len(report["industries"])
    chart = BarChart()
    chart.type = "bar"
    chart.title = "分产业投资额（亿元）"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=3, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    chart.height, chart.width = 7, 14
    sheet.add_chart(chart, "D2")


FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (to_json, "application/json"),
}
