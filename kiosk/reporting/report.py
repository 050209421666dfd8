"""The ceremony report and the press summary: built from the ceremony, written as CSV, XLSX or JSON.

Plain Python (openpyxl for XLSX): the CLI's ``export`` and the console's downloads both come through here.
Amounts are exact (万元 and the exact 亿元 as numbers); the words around them are in the event's language.
Every text cell a spreadsheet could read as a formula is neutralised: names come from Excel files that
someone else typed.

The agenda as it actually ran (``agenda``: each cue's planned and actual start and length, its delay, how
often it was fired again, the skipped ones, each round's signing) comes from the run's log
(``kiosk.reporting.agenda``). Its sheet is named as the importer's agenda sheet (流程 / Agenda) and carries
the importer's columns first, so a report's workbook read back as an import brings the same agenda.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..ceremony import views
from ..core.model import Ceremony, LogEntry
from ..words import format as fmt
from ..words.catalogue import N_, NC_, gettext, pgettext
from ..words.columns import agenda_label, project_label
from ..words.show import cue_heading
from ..words.views import PARTY_LABELS, SCREEN_LABELS, device_text
from .agenda import delay, planned_at, run_of, seconds
from .press import press_summary, speaker

if TYPE_CHECKING:
    from ..ceremony.service import Ceremony as Service

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that Excel or LibreOffice would evaluate (=, +, -, @, tab, CR) is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


ACTION_WORDS = {
    "announce": N_("宣布"),
    "confirm": N_("确认签约"),
    "undo": N_("撤销签约"),
    "show": N_("切换画面"),
    "arm": N_("启用签字板"),
    "disarm": N_("停用签字板"),
    "submit": N_("提交签名"),
    "reopen": N_("允许重签"),
    "go": N_("GO"),
    "standby": N_("设为待命"),
    "back": N_("返回上一环节"),
    "jump": N_("跳转"),
    "panic": N_("安全画面"),
    "unpanic": N_("恢复大屏"),
    "note": N_("给主持人的提示"),
}
# A signature attempt as the report marks it: the standing one, one set aside (重签), one replaced after
# the operator let the pad sign again, one still open.
SIGNATURE_STATUS = {
    "standing": N_("有效签名"),
    "cleared": N_("已重签（作废）"),
    "replaced": N_("已被新签名取代"),
    "open": N_("未提交"),
}
VIA_WORDS = {"local": N_("现场签字板"), "remote": N_("远程签约")}
SHOW_SCREEN = N_("切换画面：%(screen)s")
OUTCOME_WORDS = {
    "ok": N_("成功"),
    "already_signed": N_("已签约（未重复）"),
    "seq_conflict": N_("画面已更新，未执行"),
    "nothing_to_undo": N_("没有可撤销的签约"),
    "unknown_project": N_("项目不存在"),
    "missing_project": N_("缺少项目"),
    "unknown_screen": N_("画面不存在"),
}
OUTCOME_OTHER = N_("被拒绝（%(code)s）")
# A cue of the agenda as the report marks it (kiosk.reporting.agenda's states).
AGENDA_STATUS = {
    "done": N_("已完成"),
    "running": N_("进行中"),
    "skipped": N_("已跳过"),
    "not_reached": N_("未进行"),
}
# The same states in a project's chip colours (a cue done as signed, running as announced), for the pages.
AGENDA_CHIP = {"done": "signed", "running": "announced", "skipped": "pending", "not_reached": "pending"}
# The actual length of the cue that started last, when nothing came after it.
STILL_RUNNING = N_("仍在进行")


def of(ceremony: Service) -> dict:
    """The current run's report, read from the service at one moment (``python -m kiosk export``, the
    console's downloads, the press folder)."""
    storage = ceremony.storage
    with ceremony.reading() as now:
        return build(
            now,
            storage.load_cards(),
            storage.audit(),
            ceremony.clock.now_iso(),
            log=storage.load_log(),
            signatures=storage.signatures_of(),
        )


def build(
    c: Ceremony,
    cards: dict,
    audit: list[dict],
    generated_at: str,
    log: Sequence[LogEntry] = (),
    signatures: Sequence[dict] = (),
) -> dict:
    """Everything the morning-after report needs, as plain data (it is also the JSON export).

    ``log``: the run's entries (``Storage.load_log()``), for the agenda as it ran and the speeches the
    press summary names; without it every cue reads as not reached. ``signatures``: the run's signature
    attempts (``Storage.signatures_of()``), for each pad's record and each signed project's 签约图."""
    # The press release is written in both languages from the names as typed; the rest in the report's.
    typed, c = c, views.shown(c)
    view = views.operator(c)
    lang, zone = view["lang"], c.event.timezone
    names = {p["id"]: p["name"] for p in view["projects"]}
    # What each accepted command did, by its seq: a round's confirm carries project_ids and an undo names
    # none in its request, so the log says which projects they signed or took back.
    done = {e.seq: e for e in log}
    projects = []
    for p in view["projects"]:
        card = cards.get(p["id"])
        projects.append(
            {
                "order": p["order"],
                "id": p["id"],
                "name": p["name"],
                "investor": p["investor"],
                "amount_yi": p["amount_yi"],
                "amount_wan": p["amount_wan"],
                "amount_text": p["amount"]["text"],
                "land_mu": p["land_mu"],
                "industry": p["industry"],
                "industry_label": p["industry_label"],
                "signatories": p["signatories"],
                "status": p["status"],
                "status_text": p["status_text"],
                "signed_at": fmt.iso_in(p["signed_at"], zone),
                "signed_time": p["signed_time"],
                "signed_text": fmt.moment(p["signed_at"], lang, zone) if p["signed_at"] else "",
                "concierge_name": card.contact_name if card else None,
                "concierge_phone": card.contact_phone if card else None,
            }
        )

    def audit_row(a: dict) -> dict:
        request = a["request"] if isinstance(a["request"], dict) else {}
        action, screen, outcome = request.get("action"), request.get("screen"), a["outcome"]
        if action == "show" and screen in SCREEN_LABELS:
            action_text = gettext(SHOW_SCREEN, lang, screen=gettext(SCREEN_LABELS[screen], lang))
        else:
            action_text = gettext(ACTION_WORDS[action], lang) if action in ACTION_WORDS else action
        if outcome in OUTCOME_WORDS:
            outcome_text = gettext(OUTCOME_WORDS[outcome], lang)
        else:
            outcome_text = gettext(OUTCOME_OTHER, lang, code=outcome)
        entry = done.get(a["seq"]) if outcome == "ok" else None
        asked = request.get("project_ids") or [request.get("project_id")]
        ids = [pid for pid in (entry.projects if entry else asked) if pid]
        return {
            "received_at": fmt.iso_in(a["received_at"], zone),
            "received_time": fmt.clock_seconds(a["received_at"], zone),
            "device": device_text(a["device"], lang),
            "action": action,
            "action_text": action_text,
            "outcome_text": outcome_text,
            "project": fmt.listing([names.get(pid, pid) for pid in ids], lang) if ids else None,
            "screen": request.get("screen"),
            "screen_text": gettext(SCREEN_LABELS[screen], lang) if screen in SCREEN_LABELS else screen,
            "outcome": a["outcome"],
            "seq": a["seq"],
            "command_id": a["command_id"],
        }

    return {
        "event": view["event"],
        "lang": lang,
        # Every instant of the report is on the venue's clock (the event's time zone), with its offset.
        "generated_at": fmt.iso_in(generated_at, zone),
        "generated_time": fmt.time(generated_at, zone),
        "run": {"id": c.run.id, "mode": c.run.mode, "started_at": fmt.iso_in(c.run.started_at, zone)},
        "seq": view["seq"],
        "projects": projects,
        "agenda": agenda_rows(c, view, log),
        "totals": {
            "signed_count": view["signed_count"],
            "project_count": view["project_count"],
            "total_wan": view["total_wan"],
            "total_yi": view["total_yi"],
            "total_text": view["total"]["text"],
            "land_mu": view["land_mu"],
            "land_text": view["land"]["text"] if view["land"] else "",
            "planned_total_wan": view["planned"]["total_wan"],
            "planned_total_yi": view["planned"]["total_yi"],
            "planned_total_text": view["planned"]["total"]["text"],
        },
        "tiers": view["tiers"],
        "industries": view["industries"],
        "press_summary": press_summary(typed, log),
        "signatures": signature_rows(c, view, signatures),
        "audit": [audit_row(a) for a in audit],
    }


def signature_rows(c: Ceremony, view: dict, attempts: Sequence[dict]) -> list[dict]:
    """Each project with pads: its 签约图's files (drawn from the standing signatures) and every
    attempt of each pad, the ones set aside too — the record a re-signing leaves."""
    lang, zone = view["lang"], c.event.timezone
    pads = {d.id: d for d in c.pads}
    standing = {e.signature_id for e in c.state.submitted.values()}
    replaced = {a["id"] for a in attempts if a["submitted_at"]} - standing
    rows = []
    for p in view["projects"]:
        own = [d for d in c.pads if d.project_id == p["id"]]
        if not own:
            continue
        tries = []
        for a in attempts:
            pad = pads.get(a["pad_id"])
            if pad is None or pad.project_id != p["id"]:
                continue
            if a["id"] in standing:
                status = "standing"
            elif a["cleared_at"]:
                status = "cleared"
            elif a["id"] in replaced:
                status = "replaced"
            else:
                status = "open"
            tries.append(
                {
                    "signature_id": a["id"],
                    "pad_id": pad.id,
                    "name": pad.name,
                    "party": pad.party,
                    "party_text": gettext(PARTY_LABELS[pad.party], lang),
                    "via": a["via"],
                    "via_text": gettext(VIA_WORDS[a["via"]], lang),
                    "device": a["device"],
                    "started_at": fmt.iso_in(a["started_at"], zone),
                    "started_time": fmt.clock_seconds(a["started_at"], zone),
                    "submitted_at": fmt.iso_in(a["submitted_at"], zone),
                    "submitted_time": fmt.clock_seconds(a["submitted_at"], zone),
                    "width": a["width"],
                    "height": a["height"],
                    "batches": a["batches"],
                    "status": status,
                    "status_text": gettext(SIGNATURE_STATUS[status], lang),
                }
            )
        base = f"/api/v1/projects/{p['id']}/certificate"
        complete = all(d.id in c.state.submitted for d in own)
        rows.append(
            {
                "project_id": p["id"],
                "order": p["order"],
                "name": p["name"],
                "status": p["status"],
                "signed": p["status"] == "signed",
                "complete": complete,
                "certificate": {f: f"{base}.{f}" for f in ("svg", "png", "pdf")} if complete else None,
                "attempts": tries,
            }
        )
    return rows


def agenda_rows(c: Ceremony, view: dict, log: Sequence[LogEntry]) -> list[dict]:
    """Each cue in order: what was planned, what happened (see ``kiosk.reporting.agenda``), in words."""
    lang, zone = view["lang"], c.event.timezone
    titles = {r["id"]: r for r in view["cues"]}
    orders = {p.id: p.order for p in c.projects}
    rows = []
    for run in run_of(c.cues, log):
        q, start, end = run.cue, run.started_at, run.ended_at
        actual = seconds(start, end) if start and end else None
        late = delay(q, start, zone)
        if actual is not None:
            actual_text = fmt.duration(actual, lang)
        else:
            actual_text = gettext(STILL_RUNNING, lang) if run.status == "running" else ""
        signing = None
        if q.kind == "signing":
            done = {pid for e in run.confirms for pid in e.projects if pid in q.project_ids}
            everyone = bool(q.project_ids) and done >= set(q.project_ids)
            last = run.confirms[-1].at if run.confirms and everyone else None
            signing = {
                "project_count": len(q.project_ids),
                "signed_count": len(done),
                "confirms": [
                    {
                        "seq": e.seq,
                        "at": fmt.iso_in(e.at, zone),
                        "time": fmt.clock_seconds(e.at, zone),
                        "project_ids": [pid for pid in e.projects if pid in q.project_ids],
                    }
                    for e in run.confirms
                ],
                "signed_at": fmt.iso_in(last, zone),
                "signed_time": fmt.clock_seconds(last, zone),
            }
        rows.append(
            {
                "order": q.order,
                "id": q.id,
                "kind": q.kind,
                "kind_label": titles[q.id]["kind_label"],
                "title": titles[q.id]["title"],
                "heading": cue_heading(titles[q.id]["kind_label"], titles[q.id]["title"]),
                "person": q.person,
                "role": q.role,
                "speaker": speaker(q.role, q.person, lang),
                "project_ids": list(q.project_ids),
                "projects_text": fmt.listing(
                    [str(orders[pid]) for pid in q.project_ids if pid in orders], lang
                ),
                "script": q.script,
                "planned_time": q.planned_time,
                "planned_at": planned_at(q, c.event.date, zone),
                "planned_minutes": q.minutes,
                "planned_text": fmt.duration(q.minutes * 60, lang) if q.minutes else "",
                "started_at": fmt.iso_in(start, zone),
                "started_time": fmt.clock_seconds(start, zone),
                "ended_at": fmt.iso_in(end, zone),
                "actual_seconds": actual,
                "actual_text": actual_text,
                "delay_seconds": late,
                "delay_minutes": None if late is None else fmt.delay_minutes(late),
                "delay_text": "" if late is None else fmt.delay(late, lang),
                "fired": len(run.firings),
                "refired": run.refired,
                "firings": [
                    {
                        "seq": f.seq,
                        "action": f.action,
                        "at": fmt.iso_in(f.at, zone),
                        "time": fmt.clock_seconds(f.at, zone),
                        "seconds": seconds(f.at, f.until) if f.until else None,
                    }
                    for f in run.firings
                ],
                "status": run.status,
                "status_text": gettext(AGENDA_STATUS[run.status], lang),
                "chip": AGENDA_CHIP[run.status],
                "ran": run.status in ("done", "running"),
                "round": signing,
                "signed_time": fmt.listing([e["time"] for e in signing["confirms"]], lang) if signing else "",
            }
        )
    return rows


PROJECT_COLUMNS = [
    ("order", project_label("order")),
    ("name", project_label("name")),
    ("investor", project_label("investor")),
    ("amount_yi", project_label("amount_yi")),
    ("amount_wan", project_label("amount_wan")),
    ("land_mu", project_label("land_mu")),
    ("industry_label", project_label("industry")),
    ("status_text", N_("状态")),
    ("signed_at", N_("签约时间")),
    ("concierge_name", project_label("concierge_name")),
    ("concierge_phone", project_label("concierge_phone")),
]
AUDIT_COLUMNS = [
    ("received_at", N_("时间")),
    ("device", N_("设备")),
    ("action_text", N_("指令")),
    ("project", N_("项目")),
    ("screen_text", N_("画面")),
    ("outcome_text", N_("结果")),
    ("seq", N_("序列号")),
    ("command_id", N_("指令编号")),
]
# The importer's agenda columns first (序号 … 时长, 主持词 last), so the sheet reads back as an agenda.
AGENDA_COLUMNS = [
    ("order", agenda_label("order")),
    ("kind_label", agenda_label("cue_kind")),
    ("title", agenda_label("cue_title")),
    ("person", agenda_label("cue_person")),
    ("role", agenda_label("cue_role")),
    ("projects_text", agenda_label("cue_projects")),
    ("planned_time", agenda_label("cue_time")),
    ("planned_minutes", agenda_label("cue_minutes")),
    ("started_time", N_("实际开始")),
    ("actual_text", N_("实际时长")),
    ("delay_minutes", N_("偏差（分钟）")),
    ("delay_text", N_("与计划相比")),
    ("refired", N_("再次触发")),
    ("status_text", N_("状态")),
    ("signed_time", N_("签约时间")),
    ("script", agenda_label("cue_script")),
]
SHEETS = {
    "projects": N_("项目"),
    "agenda": NC_("sheet", "流程"),
    "summary": N_("汇总"),
    "signatures": N_("签名记录"),
    "audit": N_("审计日志"),
}
SIGNATURE_COLUMNS = [
    ("order", project_label("order")),
    ("project", project_label("name")),
    ("party_text", N_("签约方")),
    ("name", project_label("signatories")),
    ("via_text", N_("签署方式")),
    ("started_at", N_("开始签名")),
    ("submitted_at", N_("提交时间")),
    ("status_text", N_("状态")),
    ("batches", N_("笔迹批次")),
    ("signature_id", N_("签名编号")),
    ("device", N_("设备")),
]
SUMMARY = {
    "event": N_("活动"),
    "date": N_("日期"),
    "mode": N_("模式"),
    "rehearsal": N_("彩排（不计入正式记录）"),
    "live": N_("正式"),
    "signed": N_("已签约项目"),
    "planned": N_("计划项目"),
    "total_yi": N_("签约总额（亿元）"),
    "total_wan": N_("签约总额（万元）"),
    "land": N_("签约用地（亩）"),
    "tiers": N_("投资分档"),
    "count": N_("项目数"),
    "industries": N_("产业类别"),
    "amount_yi": N_("投资额（亿元）"),
    "press_zh": N_("新闻通稿（中文）"),
    "press_en": N_("新闻通稿（英文）"),
    "generated": N_("生成时间"),
    "chart": N_("分产业投资额（亿元）"),
}


# The instants a spreadsheet shows, written for a person with the venue's offset beside them ("2026-12-07
# 19:15:17 (UTC+8)"): an ISO string in a cell reads as text nobody converts, and a bare time loses its zone.
STAMPED = frozenset({"signed_at", "received_at", "started_at", "submitted_at", "generated_at"})


def _cell(report: dict, key: str, value):
    return fmt.stamp(value, report["event"]["timezone"]) if key in STAMPED and value else value


def _w(report: dict, msgid: str | tuple[str, str]) -> str:
    if isinstance(msgid, tuple):
        return pgettext(*msgid, report["lang"])
    return gettext(msgid, report["lang"])


def _agenda_row(cue: dict) -> list:
    return [cue[key] for key, _ in AGENDA_COLUMNS]


def _project_row(report: dict, p: dict) -> list:
    row = []
    for key, _ in PROJECT_COLUMNS:
        value = _cell(report, key, p[key])
        if key in ("amount_yi", "land_mu") and value is not None:
            value = Decimal(value)  # a number in Excel, exact in the file
        row.append(value)
    return row


def _audit_row(report: dict, a: dict) -> list:
    return [_cell(report, key, a[key]) for key, _ in AUDIT_COLUMNS]


def _summary_rows(report: dict) -> list[list]:
    t, w = report["totals"], lambda key: _w(report, SUMMARY[key])
    return [
        [w("event"), report["event"]["title"]],
        [w("date"), report["event"]["date_text"]],
        [w("mode"), w(report["run"]["mode"])],
        [w("signed"), t["signed_count"]],
        [w("planned"), t["project_count"]],
        [w("total_yi"), Decimal(t["total_yi"])],
        [w("total_wan"), t["total_wan"]],
        [w("land"), Decimal(t["land_mu"]) if t["land_mu"] else 0],
        [],
        [w("tiers"), w("count")],
        *[[tier["label"], tier["count"]] for tier in report["tiers"]],
        [],
        [w("industries"), w("count"), w("amount_yi")],
        *[[i["label"], i["count"], Decimal(i["amount_yi"])] for i in report["industries"]],
        [],
        [w("press_zh"), report["press_summary"]["zh"]],
        [w("press_en"), report["press_summary"]["en"]],
        [w("generated"), _cell(report, "generated_at", report["generated_at"])],
    ]


def _signature_rows(report: dict) -> list[list]:
    rows = []
    for project in report["signatures"]:
        for a in project["attempts"]:
            cells = {**a, "order": project["order"], "project": project["name"]}
            rows.append([_cell(report, key, cells[key]) for key, _ in SIGNATURE_COLUMNS])
    return rows


def to_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


def to_csv(report: dict) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens the Chinese correctly; sections separated by blank lines."""
    out = io.StringIO()
    w = csv.writer(out)

    def write(row):
        w.writerow([neutralise(v if not isinstance(v, Decimal) else format(v, "f")) for v in row])

    write([_w(report, label) for _, label in PROJECT_COLUMNS])
    for p in report["projects"]:
        write(_project_row(report, p))
    w.writerow([])
    for row in _summary_rows(report):
        write(row)
    w.writerow([])
    write([_w(report, label) for _, label in AGENDA_COLUMNS])
    for cue in report["agenda"]:
        write(_agenda_row(cue))
    w.writerow([])
    if report["signatures"]:
        write([_w(report, label) for _, label in SIGNATURE_COLUMNS])
        for row in _signature_rows(report):
            write(row)
        w.writerow([])
    write([_w(report, label) for _, label in AUDIT_COLUMNS])
    for a in report["audit"]:
        write(_audit_row(report, a))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F8ECD0")

    ws = wb.active
    ws.title = _w(report, SHEETS["projects"])
    ws.append([_w(report, label) for _, label in PROJECT_COLUMNS])
    for p in report["projects"]:
        ws.append([neutralise(v) for v in _project_row(report, p)])
    for cell in ws[1]:
        cell.font, cell.fill = bold, head_fill
    for col, width in zip("ABCDEFGHIJK", (6, 36, 30, 14, 14, 10, 14, 8, 22, 10, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    summary = wb.create_sheet(_w(report, SHEETS["summary"]))
    for row in _summary_rows(report):
        summary.append([neutralise(v) for v in row])
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 60
    heads = {_w(report, SUMMARY[k]) for k in ("tiers", "industries", "event")}
    for row in summary.iter_rows():
        if row and row[0].value in heads:
            for cell in row:
                cell.font = bold
        for cell in row[1:2]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _industry_chart(summary, report)

    agenda = wb.create_sheet(_w(report, SHEETS["agenda"]), 1)
    agenda.append([_w(report, label) for _, label in AGENDA_COLUMNS])
    for cue in report["agenda"]:
        agenda.append([neutralise(v) for v in _agenda_row(cue)])
    for cell in agenda[1]:
        cell.font, cell.fill = bold, head_fill
    widths = (6, 8, 30, 12, 24, 10, 10, 10, 12, 12, 10, 12, 10, 10, 20, 40)
    for col, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        agenda.column_dimensions[col].width = width
    agenda.freeze_panes = "D2"

    if report["signatures"]:
        # Only a ceremony signed on pads has a signatures sheet.
        signed = wb.create_sheet(_w(report, SHEETS["signatures"]))
        signed.append([_w(report, label) for _, label in SIGNATURE_COLUMNS])
        for row in _signature_rows(report):
            signed.append([neutralise(v) for v in row])
        for cell in signed[1]:
            cell.font, cell.fill = bold, head_fill
        for col, width in zip("ABCDEFGHIJK", (6, 36, 8, 12, 12, 26, 26, 16, 10, 22, 30), strict=True):
            signed.column_dimensions[col].width = width

    audit = wb.create_sheet(_w(report, SHEETS["audit"]))
    audit.append([_w(report, label) for _, label in AUDIT_COLUMNS])
    for a in report["audit"]:
        audit.append([neutralise(v) for v in _audit_row(report, a)])
    for cell in audit[1]:
        cell.font, cell.fill = bold, head_fill
    audit.column_dimensions["A"].width = 26
    audit.column_dimensions["B"].width = 22

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _industry_chart(sheet, report: dict) -> None:
    """A native Excel bar chart of investment by industry, next to the table it reads."""
    from openpyxl.chart import BarChart, Reference

    if not report["industries"]:
        return
    label = _w(report, SUMMARY["industries"])
    header = next(r for r in sheet.iter_rows() if r[0].value == label)[0].row
    last = header + len(report["industries"])
    chart = BarChart()
    chart.type = "bar"
    chart.title = _w(report, SUMMARY["chart"])
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
