"""Preparing the event through the admin API: event settings, pictures, projects, import with preview."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from harness import ProjectSpec, csv_bytes, projects, welcomed
from openpyxl import Workbook, load_workbook
from PIL import Image


@pytest.fixture
def app(make_app):
    return make_app(projects=projects("10", "20", "30"))


def png_bytes(w=40, h=20, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), color).save(out, format="PNG")
    return out.getvalue()


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_admin_page_needs_login(client, operator):
    assert "pinpad" in client.get("/admin").get_data(as_text=True)
    assert operator.get("/admin").status_code == 200
    assert client.put("/api/v1/event", json={"title": "x"}).status_code == 401


def test_event_edit_reaches_the_state_and_broadcasts(app, operator):
    socketio = app.extensions["socketio"]
    viewer = socketio.test_client(app, auth={"role": "display"})
    welcomed(viewer)
    r = operator.put(
        "/api/v1/event",
        json={
            "title": "新的签约仪式",
            "date": "2026-12-01",
            "language": "en",
            "theme": "blue",
            "primary_color": "#123ABC",
            "accent_color": "",
        },
    )
    assert r.status_code == 200
    pushed = [m["args"][0] for m in viewer.get_received() if m["name"] == "state"][-1]
    assert pushed["event"]["title"] == "新的签约仪式" and pushed["event"]["language"] == "en"
    assert pushed["event"]["colors"] == {"primary": "#123abc", "accent": None}
    bad = operator.put("/api/v1/event", json={"title": "", "date": "June 1", "theme": "pink", "colour": 1})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"title", "date", "theme", "colour"}
    assert app.extensions["kiosk"].snapshot()["event"]["title"] == "新的签约仪式"  # nothing half-applied


def test_pictures_are_checked_reencoded_and_served(operator, client):
    r = operator.post(
        "/api/v1/event/media/logo",
        data={"file": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    url = r.get_json()["logo_url"]
    with client.get(url) as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        with Image.open(io.BytesIO(served.data)) as im:
            assert im.size == (40, 20)
    big = operator.post(
        "/api/v1/event/media/background",
        data={"file": (io.BytesIO(png_bytes(5000, 100)), "bg.png")},
        content_type="multipart/form-data",
    )
    with client.get(big.get_json()["background_url"]) as served, Image.open(io.BytesIO(served.data)) as im:
        assert im.format == "JPEG" and im.width == 3840  # scaled to the largest screen it will fill
    for name, data in (("x.png", b"not an image"), ("x.svg", b"<svg onload=alert(1)></svg>")):
        r = operator.post(
            "/api/v1/event/media/logo",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert r.status_code == 400 and r.get_json()["reason"] == "invalid_image"
    # a tiny PNG that claims to be 60000 x 60000 is refused from its header, before it is decoded
    header = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    )
    bomb = header + struct.pack(">I", zlib.crc32(header[12:]) & 0xFFFFFFFF)
    r = operator.post(
        "/api/v1/event/media/logo",
        data={"file": (io.BytesIO(bomb), "bomb.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert operator.delete("/api/v1/event/media/logo").get_json()["logo_url"] is None


def test_projects_add_edit_reorder_delete(app, operator):
    r = operator.post(
        "/api/v1/projects",
        json={
            "name": "新增项目",
            "investor": "新企业",
            "amount_yi": "8.25",
            "industry": "数字经济",
            "concierge_name": "钱八",
            "concierge_phone": "13800000008",
        },
    )
    assert r.status_code == 201
    new_id = r.get_json()["id"]
    state = r.get_json()["state"]
    assert state["projects"][-1] | {} == state["projects"][-1]
    assert state["projects"][-1]["amount_wan"] == 82500 and state["project_count"] == 4
    assert state["projects"][-1]["amount"]["text"] == "8.25亿元"
    listed = {p["id"]: p for p in operator.get("/api/v1/projects").get_json()["projects"]}
    assert listed[new_id]["concierge_name"] == "钱八"

    bad = operator.post("/api/v1/projects", json={"name": "", "investor": "x", "amount_yi": "1.23456"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"name", "amount_yi"}
    dup = operator.post("/api/v1/projects", json={"name": "新增项目", "investor": "x", "amount_wan": 1})
    assert dup.status_code == 400 and "同名" in dup.get_json()["message"]

    edit = operator.put(
        f"/api/v1/projects/{new_id}",
        json={"name": "改名项目", "investor": "新企业", "amount_wan": 90000, "signatories": ["甲", "乙"]},
    )
    assert edit.status_code == 200
    p = next(p for p in edit.get_json()["state"]["projects"] if p["id"] == new_id)
    assert (p["name"], p["amount_yi"], p["signatories"]) == ("改名项目", "9", ["甲", "乙"])

    ids = [p["id"] for p in app.extensions["kiosk"].snapshot()["projects"]]
    new_order = [ids[-1], *ids[:-1]]
    assert operator.put("/api/v1/projects/order", json={"ids": new_order}).status_code == 200
    assert [p["id"] for p in app.extensions["kiosk"].snapshot()["projects"]] == new_order
    assert operator.put("/api/v1/projects/order", json={"ids": new_order[:-1]}).status_code == 400

    operator.post("/api/v1/commands", json={"command_id": "s", "action": "confirm", "project_id": new_id})
    # a live run with a signing locks the running order until an editor unlocks it
    locked = operator.delete(f"/api/v1/projects/{app.ids[2]}")
    assert locked.status_code == 400 and locked.get_json()["reason"] == "show_locked"
    assert operator.post("/api/v1/show/edits", json={"unlocked": True}).status_code == 200
    refused = operator.delete(f"/api/v1/projects/{new_id}")
    assert refused.status_code == 400 and refused.get_json()["reason"] == "already_signed"
    gone = app.ids[2]
    assert operator.delete(f"/api/v1/projects/{gone}").status_code == 200
    snap = app.extensions["kiosk"].snapshot()
    assert [p["order"] for p in snap["projects"]] == list(range(1, 4)) and gone not in {
        p["id"] for p in snap["projects"]
    }
    assert operator.delete("/api/v1/projects/nope").status_code == 404


def test_import_preview_marks_bad_rows_and_applies_nothing_until_fixed(app, operator):
    bad = xlsx(
        [["项目名称", "签约企业", "投资额（亿元）"], ["甲项目", "甲企业", 10], ["乙项目", None, "十亿"]]
    )
    r = operator.post(
        "/api/v1/import/preview",
        data={"file": (io.BytesIO(bad), "p.xlsx")},
        content_type="multipart/form-data",
    )
    body = r.get_json()
    assert r.status_code == 200 and body["ok"] is False and body["upload_id"] is None
    assert body["rows"][0]["problems"] == []
    texts = [p["text"] for p in body["rows"][1]["problems"]]
    # a page speaks the reader's language (the command line keeps the contract's "row N, column NAME")
    assert "第 3 行“签约企业”：必填" in texts and any(
        t.startswith("第 3 行“投资额（亿元）”：") for t in texts
    )
    assert app.extensions["kiosk"].snapshot()["project_count"] == 3

    good = xlsx(
        [["项目名称", "签约企业", "投资额（亿元）"], ["甲项目", "甲企业", 10], ["乙项目", "乙企业", 2.5]]
    )
    body = operator.post(
        "/api/v1/import/preview",
        data={"file": (io.BytesIO(good), "p.xlsx")},
        content_type="multipart/form-data",
    ).get_json()
    assert body["ok"] and body["count"] == 2
    applied = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"], "replace": True})
    assert applied.status_code == 200
    state = applied.get_json()["state"]
    assert [p["name"] for p in state["projects"]] == ["甲项目", "乙项目"] and state["total_wan"] == 0
    assert state["planned"]["total_wan"] == 125000
    again = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"]})
    assert again.status_code == 400 and again.get_json()["reason"] == "upload_expired"


def test_import_cancel_forgets_the_file(operator):
    good = "项目名称,签约企业,投资额（万元）\n丙,丙企业,5\n".encode()
    body = operator.post(
        "/api/v1/import/preview",
        data={"file": (io.BytesIO(good), "p.csv")},
        content_type="multipart/form-data",
    ).get_json()
    assert operator.delete(f"/api/v1/import/{body['upload_id']}").status_code == 200
    assert operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"]}).status_code == 400


def test_template_downloads_and_imports_as_it_is(operator):
    r = operator.get("/api/v1/import/template.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    assert [c.value for c in sheet[1]][:4] == ["序号", "项目名称", "签约企业", "投资额（亿元）"]
    assert sheet.max_row == 2
    body = operator.post(
        "/api/v1/import/preview",
        data={"file": (io.BytesIO(r.data), "template.xlsx")},
        content_type="multipart/form-data",
    ).get_json()
    assert body["ok"] and body["rows"][0]["amount_wan"] == 125000


def preview(operator, data: bytes, name: str = "p.csv") -> dict:
    r = operator.post(
        "/api/v1/import/preview", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert r.status_code == 200
    return r.get_json()


def test_importing_the_same_file_again_is_refused_unless_it_replaces(app, operator):
    """Importing the running order's own file again used to add every project a second time."""
    same = csv_bytes(projects("10", "20", "30"))
    body = preview(operator, same)
    assert body["ok"] and [c["name"] for c in body["clashes"]] == ["测试项目一", "测试项目二", "测试项目三"]
    refused = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"]})
    assert refused.status_code == 400 and refused.get_json()["reason"] == "invalid_file"
    assert "已有同名项目「测试项目一」" in refused.get_json()["problems"][0]
    assert app.extensions["kiosk"].snapshot()["project_count"] == 3
    replaced = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"], "replace": True})
    assert replaced.status_code == 200 and replaced.get_json()["state"]["project_count"] == 3
    # a file of new projects is added as before
    body = preview(operator, csv_bytes([ProjectSpec(name="另一个项目", investor="企业", amount_yi="5")]))
    assert body["clashes"] == []
    added = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"]})
    assert added.status_code == 200 and added.get_json()["state"]["project_count"] == 4


def test_the_admin_page_takes_its_limits_from_the_rules(operator):
    from kiosk.setup.fields import FIELDS

    html = operator.get("/admin").get_data(as_text=True)
    for name in ("title", "contact_name", "contact_phone", "concierge_name", "summary", "notes"):
        assert f'name="{name}" maxlength="{FIELDS[name].max_length}"' in html or (
            f'name="{name}" rows' in html and f'maxlength="{FIELDS[name].max_length}"' in html
        ), name


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        sheet = wb.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FOUR = [
    ["序号", "项目名称", "签约企业", "投资额（亿元）"],
    [1, "项目甲", "甲公司", 10],
    [2, "项目乙", "乙公司", 20],
    [3, "项目丙", "丙公司", 30],
    [4, "项目丁", "丁公司", 40],
]
FOUR_AGENDA = [
    ["序号", "环节", "标题", "人物", "项目"],
    [1, "开场", "仪式开始", "", ""],
    [2, "致辞", "区长致辞", "王区长", ""],
    [3, "签约", "第一轮签约", "", "1、2"],
    [4, "签约", "第二轮签约", "", "3、4"],
    [5, "结束", "结束", "", ""],
]


def test_the_admins_import_loads_a_workbooks_agenda_as_the_command_line_does(make_app):
    """Reported: the admin's 导入 replaced the projects and kept the sample's 11-cue agenda (its speakers,
    its script about 7 projects), round 2 cut to one project and round 3 left empty, with no warning."""
    from conftest import operator_client

    app = make_app()  # the sample: seven projects and its agenda of 11 cues
    operator = operator_client(app)
    sample = operator.get("/api/v1/state").get_json()
    assert len(sample["run_of_show"]["cues"]) == 11

    # A bad agenda sheet: the errors the command line gives, under the sheet's name; nothing applies.
    bad = [*FOUR_AGENDA[:4], [4, "签约", "第二轮签约", "", "2、3、4"], FOUR_AGENDA[5]]
    body = preview(operator, workbook(("项目", FOUR), ("流程", bad)), "book.xlsx")
    assert body["upload_id"] is None
    for mode in ("replace", "append"):
        assert body["agenda"][mode]["ok"] is False
        assert body["agenda"][mode]["problems"] == ["第 5 行“项目”：项目 2 已在第 4 行的签约环节中"]
    assert app.extensions["kiosk"].snapshot()["project_count"] == 7

    body = preview(operator, workbook(("项目", FOUR), ("流程", FOUR_AGENDA)), "book.xlsx")
    assert body["ok"] and body["count"] == 4
    replacing = body["agenda"]["replace"]
    assert replacing["ok"] and replacing["count"] == 5
    cues = replacing["cues"]
    assert [c["title"] for c in cues] == ["仪式开始", "区长致辞", "第一轮签约", "第二轮签约", "结束"]
    assert [p["name"] for p in cues[3]["projects"]] == ["项目丙", "项目丁"]
    # what goes: the sample's cues beyond the workbook's five
    assert len(replacing["removed"]) == 6
    # appended after the sample's seven, the same numbers name the sample's projects: the preview says so
    appending = body["agenda"]["append"]
    names = [p["name"] for p in sample["projects"]]
    assert [p["name"] for p in appending["cues"][2]["projects"]] == names[:2]

    applied = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"], "replace": True})
    assert applied.status_code == 200, applied.get_json()
    state = applied.get_json()["state"]
    assert [p["name"] for p in state["projects"]] == ["项目甲", "项目乙", "项目丙", "项目丁"]
    shown = state["run_of_show"]["cues"]
    assert [c["title"] for c in shown] == ["仪式开始", "区长致辞", "第一轮签约", "第二轮签约", "结束"]
    ids = [p["id"] for p in state["projects"]]
    assert [c["project_ids"] for c in shown if c["kind"] == "signing"] == [ids[:2], ids[2:]]
    assert applied.get_json()["agenda_imported"] == 5


def test_a_file_without_an_agenda_says_what_becomes_of_the_agenda_kept(make_app):
    """The other half of the report: replacing seven projects by four kept the agenda's rounds on their
    numbers (round 2 cut to one project, round 3 left empty) and the page said nothing of it."""
    from conftest import operator_client

    app = make_app()
    operator = operator_client(app)
    rounds = [
        c for c in operator.get("/api/v1/state").get_json()["run_of_show"]["cues"] if c["kind"] == "signing"
    ]
    assert len(rounds) == 3
    body = preview(operator, csv_bytes(projects("1", "2", "3", "4")))
    assert body["ok"] and body["agenda"]["append"]["sheet"] is False
    assert all(c["change"] == "same" for c in body["agenda"]["append"]["cues"])
    replacing = body["agenda"]["replace"]
    assert "下面标出的环节会变化" in replacing["note"]
    shown = [c for c in replacing["cues"] if c["kind"] == "signing"]
    # the same numbers, now other projects: every round changes, the third is left with none
    assert [c["change"] for c in shown] == ["changed", "changed", "emptied"]
    assert [[p["order"] for p in c["projects"]] for c in shown] == [[1, 2, 3], [4], []]
    assert [p["name"] for p in shown[1]["projects"]] == ["测试项目四"]

    applied = operator.post("/api/v1/import/apply", json={"upload_id": body["upload_id"], "replace": True})
    assert applied.status_code == 200 and applied.get_json()["agenda_imported"] is None
    state = applied.get_json()["state"]
    order = {p["id"]: p["order"] for p in state["projects"]}
    stored = [c for c in state["run_of_show"]["cues"] if c["kind"] == "signing"]
    assert [[order[i] for i in c["project_ids"]] for c in stored] == [
        [p["order"] for p in c["projects"]] for c in shown
    ]
