"""The report and the press summary: CSV, XLSX and JSON from the CLI and the console's downloads."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from harness import run_kiosk
from openpyxl import load_workbook

from kiosk.reporting.press import press_summary
from kiosk.reporting.report import neutralise

ARTICLE = (
    "此次签约的7个项目，总投资206亿元，总用地约4150亩。其中，100亿元以上项目1个，50亿元以上项目1个，"
    "20亿元以上项目1个，10亿元以上项目1个。所涉及的产业均来自新能源汽车、生物医药、现代农业、新材料等。"
)


def sign_all(operator):
    for i in range(1, 8):
        assert (
            operator.post(
                "/api/v1/commands", json={"command_id": f"s{i}", "action": "confirm", "project_id": f"p{i}"}
            ).status_code
            == 200
        )


def test_press_summary_of_the_sample_is_the_articles(operator):
    sign_all(operator)
    summary = operator.get("/api/v1/report.json").get_json()["press_summary"]
    assert (
        summary["zh"] == "2021年6月21日，株洲高新区（天元区）2021年第二季度重大招商签约活动举行。" + ARTICLE
    )
    assert "a total investment of CNY 20.6 billion on about 4,150 mu of land." in summary["en"]
    assert (
        "Of these, 1 is worth CNY 10 billion or more, 1 is worth CNY 5 billion or more, "
        "1 is worth CNY 2 billion or more and 1 is worth CNY 1 billion or more." in summary["en"]
    )
    assert summary["en"].startswith("On 21 June 2021, ")
    assert (
        "new-energy vehicles, biomedicine, modern agriculture and new materials among others" in summary["en"]
    )


def test_press_summary_follows_the_signings(app, operator):
    ceremony = app.extensions["kiosk"]
    assert "签约尚未开始" in press_summary(ceremony.current())["zh"]
    operator.post("/api/v1/commands", json={"command_id": "a", "action": "confirm", "project_id": "p2"})
    zh = press_summary(ceremony.current())["zh"]
    assert (
        "此次签约的1个项目，总投资30亿元，总用地约600亩。其中，20亿元以上项目1个。所涉及的产业均来自生物医药。"
        in zh
    )


def test_reports_match_the_live_state(app, operator):
    sign_all(operator)
    operator.post("/api/v1/commands", json={"command_id": "u", "action": "undo"})
    operator.post("/api/v1/commands", json={"command_id": "bad", "action": "confirm", "project_id": "p1"})
    state = app.extensions["kiosk"].snapshot()

    data = operator.get("/api/v1/report.json").get_json()
    assert data["totals"]["total_wan"] == state["total_wan"] == 1_060_000
    assert data["totals"]["signed_count"] == 6 and data["run"]["mode"] == "live"
    assert [p["status"] for p in data["projects"]] == [p["status"] for p in state["projects"]]
    assert data["projects"][0]["concierge_name"] == "陈思远"
    outcomes = [(a["action"], a["outcome"]) for a in data["audit"]]
    assert outcomes[-2:] == [("undo", "ok"), ("confirm", "already_signed")]  # rejected commands are audited
    assert all(a["device"] for a in data["audit"])

    raw = operator.get("/api/v1/report.csv")
    assert raw.data.startswith("\ufeff".encode())  # Excel needs the BOM for Chinese
    rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "项目名称", "签约企业", "投资额（亿元）"]
    assert rows[7][1] == "株洲万洋众创城项目" and rows[7][7] == "已宣布"  # undone, still on the wall
    assert ["签约总额（亿元）", "106"] in rows and ["签约总额（万元）", "1060000"] in rows

    book = load_workbook(io.BytesIO(operator.get("/api/v1/report.xlsx").data))
    assert book.sheetnames == ["项目", "流程", "汇总", "审计日志"]
    sheet = book["项目"]
    assert sheet["B2"].value == "的卢智慧汽车及关键零部件项目" and sheet["D2"].value == 52
    assert sum(r[4].value for r in sheet.iter_rows(min_row=2) if r[7].value == "已签约") == state["total_wan"]
    assert book["汇总"]._charts  # the industry chart rides along


def test_formulas_are_neutralised(make_app, tmp_path):
    from kiosk.setup.importer import parse_projects

    app = make_app(LOAD_SAMPLE=False)
    hostile = (
        "项目名称,签约企业,投资额（万元）\n"
        '"=HYPERLINK(""http://x"",""点击"")",+cmd|\' /C calc\'!A0,100\n'
        "@SUM(A1),-2+3,5\n"
    ).encode()
    ceremony = app.extensions["kiosk"]
    ceremony.import_projects(parse_projects(hostile, "h.csv"))
    c = app.test_client()
    c.post("/api/v1/session", json={"pin": "246810"})
    rows = list(csv.reader(io.StringIO(c.get("/api/v1/report.csv").data.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][2].startswith("'+cmd")
    assert rows[2][1] == "'@SUM(A1)" and rows[2][2] == "'-2+3"
    sheet = load_workbook(io.BytesIO(c.get("/api/v1/report.xlsx").data))["项目"]
    assert sheet["B2"].value.startswith("'=") and sheet["B2"].data_type == "s"
    assert neutralise("=1+1") == "'=1+1" and neutralise("普通") == "普通" and neutralise(5) == 5


def test_cli_export(tmp_path):
    # make the data folder with the sample, then export each format
    from kiosk import create_app

    create_app({"DATA_DIR": str(tmp_path / "d")}).extensions["kiosk"].storage.close()
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        done = run_kiosk(tmp_path / "d", "export", "-o", str(out), text=False)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 500
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["totals"]["planned_total_yi"] == "206" and "press_summary" in data
    done = run_kiosk(tmp_path / "d", "export", "--format", "csv", text=False)
    assert done.stdout.startswith("\ufeff序号".encode())
    assert Decimal(load_workbook(tmp_path / "r.xlsx")["汇总"]["B6"].value) == 0


def test_rehearsal_runs_and_resets_and_going_live_starts_clean(app, operator):
    assert operator.post("/api/v1/run", json={"mode": "rehearsal"}).status_code == 200  # nothing done yet
    ceremony = app.extensions["kiosk"]
    rehearsal_id = ceremony.snapshot()["log_id"]
    assert ceremony.snapshot()["mode"] == "rehearsal"
    sign_all(operator)
    assert ceremony.snapshot()["total_yi"] == "206"
    assert operator.get("/api/v1/report.json").get_json()["run"]["mode"] == "rehearsal"
    # reset the rehearsal freely, then go live: a clean log with the same setup
    assert operator.post("/api/v1/run", json={"mode": "rehearsal"}).status_code == 200
    assert ceremony.snapshot()["signed_count"] == 0
    sign_all(operator)  # the same command ids work again in a new run
    r = operator.post("/api/v1/run", json={"mode": "live"})
    assert r.status_code == 200
    live = r.get_json()["state"]
    assert (live["mode"], live["seq"], live["signed_count"], live["project_count"]) == ("live", 0, 0, 7)
    assert live["log_id"] != rehearsal_id
    # the live record holds nothing from the rehearsals
    assert operator.get("/api/v1/report.json").get_json()["audit"] == []
    # leaving a live run that has commands needs an explicit confirmation; the old log is archived
    operator.post("/api/v1/commands", json={"command_id": "real", "action": "confirm", "project_id": "p1"})
    refused = operator.post("/api/v1/run", json={"mode": "rehearsal"})
    assert refused.status_code == 409 and refused.get_json()["reason"] == "confirm_required"
    assert ceremony.snapshot()["signed_count"] == 1
    assert operator.post("/api/v1/run", json={"mode": "live", "confirm": True}).status_code == 200
    runs = operator.get("/api/v1/runs").get_json()["runs"]
    assert [(r["mode"], r["signed"]) for r in runs] == [
        ("live", 0),
        ("rehearsal", 7),
        ("rehearsal", 7),
        ("live", 1),
        ("live", 0),
    ]
    assert ceremony.storage.load_log(runs[3]["id"])[-1].action == "confirm"  # archived, not deleted
    assert operator.post("/api/v1/run", json={"mode": "party"}).status_code == 400


def test_the_audit_names_projects_commands_and_results_and_the_archive_counts_projects(app, operator):
    """A round's confirm and its undo name every project (they carry project_ids, not project_id); every
    command and result, and the unnamed console, read in the event's language; the archive counts
    projects, not rounds."""
    unnamed = {"X-Kiosk-Device": "%E6%8E%A7%E5%88%B6%E5%8F%B0"}  # the console's default name, 控制台

    sent = []

    def cmd(action, **fields):
        sent.append(action)
        body = {"command_id": f"c{len(sent)}", "action": action, **fields}
        r = operator.post("/api/v1/commands", json=body, headers=unnamed)
        assert r.status_code == 200, r.get_json()

    cmd("confirm", project_ids=["p1", "p2"])
    cmd("undo")
    cmd("confirm", project_ids=["p1", "p2"])
    cmd("confirm", project_ids=["p3", "p4"])
    cmd("note", text="请放慢语速")
    cmd("panic")
    cmd("unpanic")
    cmd("go")
    names = {p["id"]: p["name"] for p in app.extensions["kiosk"].snapshot()["projects"]}

    audit = operator.get("/api/v1/report.json").get_json()["audit"]
    rows = [(a["action_text"], a["project"], a["outcome_text"]) for a in audit]
    both = f"{names['p1']}、{names['p2']}"
    assert rows[:4] == [
        ("确认签约", both, "成功"),
        ("撤销签约", both, "成功"),
        ("确认签约", both, "成功"),
        ("确认签约", f"{names['p3']}、{names['p4']}", "成功"),
    ]
    assert [r[0] for r in rows[4:]] == ["给主持人的提示", "安全画面", "恢复大屏", "GO"]
    assert all(a["device"].startswith("控制台 ") for a in audit)
    rows = list(csv.reader(io.StringIO(operator.get("/api/v1/report.csv").data.decode("utf-8-sig"))))
    audit_head = rows.index(["时间", "设备", "指令", "项目", "画面", "结果", "序列号", "指令编号"])
    assert {r[5] for r in rows[audit_head + 1 :]} == {"成功"}

    assert operator.put("/api/v1/event", json={"language": "en"}).status_code == 200
    audit = operator.get("/api/v1/report.json").get_json()["audit"]
    assert [a["outcome_text"] for a in audit] == ["done"] * 8
    assert [a["action_text"] for a in audit][4:] == [
        "A line for the MC",
        "Safe look",
        "Restore wall",
        "GO",
    ]
    assert all(a["device"].startswith("Console ") for a in audit), [a["device"] for a in audit]
    assert " and " in audit[0]["project"]

    runs = operator.get("/api/v1/runs").get_json()["runs"]
    assert runs[-1]["signed"] == 4
