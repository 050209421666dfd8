"""The HTTP API through Flask's test client, and Socket.IO through Flask-SocketIO's."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import PIN, operator_client, paired_client
from harness import projects, welcomed

from kiosk.ceremony.rules import replay
from kiosk.core.clock import FixedClock


@pytest.fixture
def op(small):
    """An operator on the small ceremony made for the test (three projects: 10, 20 and 30 亿元)."""
    return operator_client(small)


def cmd(client, action, command_id, **fields):
    return client.post("/api/v1/commands", json={"command_id": command_id, "action": action, **fields})


def test_state_is_public_and_holds_the_sample(client, operator):
    r = client.get("/api/v1/state")
    assert r.status_code == 200
    s = r.get_json()
    assert s["event"]["title"] == "株洲高新区（天元区）2021年第二季度重大招商签约活动"
    assert s["event"]["date"] == "2021-06-21"
    assert s["project_count"] == 7
    # The whole morning's figures are the operators' until each project is shown (test_public_view.py).
    assert s["planned"] == {"count": 7}
    planned = operator.get("/api/v1/state").get_json()["planned"]
    assert planned["total_yi"] == "206" and planned["land_mu"] == "4150"
    assert s["total_wan"] == 0 and s["signed_count"] == 0 and s["screen"] == "title"
    for p in s["projects"]:
        assert set(p) >= {
            "id",
            "order",
            "name",
            "investor",
            "amount_wan",
            "land_mu",
            "industry",
            "status",
            "signed_at",
        }
        assert p["amount_wan"] is None and p["name"] and p["investor"]
    assert "0731" not in r.get_data(as_text=True)  # concierge phones never leave through the public state


def test_commands_need_an_operator(small):
    r = cmd(small.test_client(), "confirm", "c1", project_id=small.ids[0])
    assert r.status_code == 401 and r.get_json()["reason"] == "unauthorized"


def test_wrong_pin_is_refused_and_login_works(client):
    assert client.post("/api/v1/session", json={"pin": "000000"}).status_code == 401
    r = client.post("/api/v1/session", json={"pin": PIN})
    assert r.status_code == 200
    assert client.get("/api/v1/session").get_json()["operator"] is True
    token = {"X-CSRF-Token": r.get_json()["csrf_token"]}
    assert client.delete("/api/v1/session", headers=token).status_code == 200
    assert client.get("/api/v1/session").get_json()["operator"] is False


def test_session_writes_need_the_csrf_token(small):
    c = small.test_client()
    c.post("/api/v1/session", json={"pin": PIN})
    r = cmd(c, "confirm", "c1", project_id=small.ids[0])
    assert r.status_code == 403 and r.get_json()["reason"] == "csrf"
    assert small.extensions["kiosk"].snapshot()["signed_count"] == 0


def test_bearer_token_drives_the_show(small):
    token = small.config["API_TOKEN"]
    client = small.test_client()
    r = client.post(
        "/api/v1/commands",
        json={"command_id": "sd1", "action": "confirm", "project_id": small.ids[0]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200 and r.get_json()["state"]["signed_count"] == 1
    r = client.post(
        "/api/v1/commands",
        json={"command_id": "sd2", "action": "undo"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert r.status_code == 401


def test_confirm_is_idempotent_by_command_id(op, small):
    pid = small.ids[0]
    first = cmd(op, "confirm", "same", project_id=pid)
    again = cmd(op, "confirm", "same", project_id=pid)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    s = small.extensions["kiosk"].snapshot()
    assert s["signed_count"] == 1 and s["seq"] == first.get_json()["state"]["seq"]
    other = cmd(op, "confirm", "different", project_id=pid)
    assert other.status_code == 400 and other.get_json()["reason"] == "already_signed"
    assert other.get_json()["message"] == "「测试项目一」已签约"
    assert other.get_json()["params"] == {"name": "测试项目一"}


def test_error_codes(op):
    assert cmd(op, "undo", "u1").get_json()["reason"] == "nothing_to_undo"
    assert cmd(op, "confirm", "u2", project_id="p999").get_json()["reason"] == "unknown_project"
    operator = op
    r = cmd(operator, "show", "u3", screen="finale", expected_seq=0)
    assert r.status_code == 409
    body = r.get_json()
    assert body["reason"] == "seq_conflict" and body["state"]["screen"] == "title"
    for bad in (
        {},
        {"command_id": "", "action": "undo"},
        {"command_id": "x", "action": "explode"},
        {"command_id": "x", "action": "undo", "expected_seq": "3"},
        [1, 2],
    ):
        r = operator.post("/api/v1/commands", json=bad)
        assert r.status_code == 400 and r.get_json()["reason"] == "invalid_request"
    r = operator.post("/api/v1/commands", data="not json", content_type="application/json")
    assert r.status_code == 400


def test_seven_signings_reach_the_articles_figures(operator):
    ids = [p["id"] for p in operator.get("/api/v1/state").get_json()["projects"]]
    for i, pid in enumerate(ids):
        assert cmd(operator, "confirm", f"s{i}", project_id=pid).status_code == 200
    s = cmd(operator, "show", "fin", screen="finale").get_json()["state"]
    assert (s["total_yi"], s["total_wan"], s["signed_count"], s["land_mu"]) == ("206", 2_060_000, 7, "4150")
    assert [(t["label"], t["count"]) for t in s["tiers"]] == [
        ("100亿元以上", 1),
        ("50亿元以上", 1),
        ("20亿元以上", 1),
        ("10亿元以上", 1),
    ]
    assert {i["name"] for i in s["industries"]} >= {"新能源汽车", "生物医药", "现代农业", "新材料"}
    assert s["screen"] == "finale"


def test_log_is_on_disk_and_replays_to_the_served_state(op, small):
    cmd(op, "confirm", "a", project_id=small.ids[0])
    cmd(op, "confirm", "b", project_id=small.ids[1])
    cmd(op, "undo", "c")
    ceremony = small.extensions["kiosk"]
    db = sqlite3.connect(ceremony.storage.path)
    actions = [r[0] for r in db.execute("SELECT action FROM log ORDER BY seq")]
    assert actions[-3:] == ["confirm", "confirm", "undo"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert replay(ceremony.storage.load_log()) == ceremony.state
    audit = ceremony.storage.audit()
    assert [a["outcome"] for a in audit[-3:]] == ["ok", "ok", "ok"]
    assert (
        json.loads(db.execute("SELECT response FROM commands WHERE command_id='b'").fetchone()[0])["status"]
        == "ok"
    )


def test_restart_on_the_same_folder_gives_the_same_state(make_app, tmp_path):
    first = make_app(DATA_DIR=str(tmp_path / "same"))
    c = operator_client(first)
    cmd(c, "confirm", "k1", project_id=first.ids[2])
    before = first.extensions["kiosk"].snapshot()
    second = make_app(DATA_DIR=str(tmp_path / "same"))
    assert second.extensions["kiosk"].snapshot() == before
    assert second.extensions["kiosk"].snapshot()["project_count"] == 7  # the sample is not loaded twice


def test_security_headers(client):
    r = client.get("/api/v1/state")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "object-src 'none'" in r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]  # for styles too
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz(client):
    r = client.get("/healthz?deep=1")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_pages_render(client, operator):
    assert client.get("/display").status_code == 200
    login = client.get("/control")
    assert login.status_code == 200
    assert operator.get("/control").status_code == 200
    assert client.get("/").status_code == 302


def test_socketio_state_on_connect_and_broadcast(small, op):
    app, operator = small, op
    socketio = app.extensions["socketio"]
    viewer = socketio.test_client(app, flask_test_client=paired_client(app, "主屏"), auth={"role": "display"})
    first = [m for m in welcomed(viewer) if m["name"] == "state"]
    assert first and first[-1]["args"][0]["seq"] == app.extensions["kiosk"].snapshot()["seq"]
    console = socketio.test_client(app, flask_test_client=operator, auth={"role": "console"})
    assert console.is_connected()
    displays = [m for m in welcomed(console, until="displays") if m["name"] == "displays"]
    assert displays[-1]["args"][0]["displays"][0]["name"] == "主屏"

    seq = cmd(operator, "confirm", "live1", project_id=app.ids[1]).get_json()["state"]["seq"]
    states = [m["args"][0] for m in viewer.get_received() if m["name"] == "state"]
    assert states[-1]["seq"] == seq and states[-1]["signed_count"] == 1
    # Each audience in its own room, with its own view: the wall never gets the console's.
    assert "console" not in states[-1]
    ops = [m["args"][0] for m in console.get_received() if m["name"] == "state"]
    assert ops[-1]["seq"] == seq and ops[-1]["console"]["undo"]["project_id"] == app.ids[1]

    viewer.emit("seen", {"seq": seq})
    shown = [m for m in console.get_received() if m["name"] == "displays"]
    assert shown[-1]["args"][0]["displays"][0]["seq"] == seq

    head = viewer.emit("check", callback=True)
    assert head["seq"] == seq
    full = viewer.emit("sync", callback=True)
    assert full["signed_count"] == 1


def test_console_socket_needs_a_session(app, client):
    socketio = app.extensions["socketio"]
    refused = socketio.test_client(app, flask_test_client=client, auth={"role": "console"})
    assert not refused.is_connected()


def test_av_desk_presses_without_an_id_and_a_double_press_fires_once(make_app):
    from kiosk.web import api

    clock = FixedClock()
    app = make_app(projects=projects("10"), CLOCK=clock)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {app.config['API_TOKEN']}"}
    press = {"action": "confirm", "project_id": app.ids[0]}
    first = client.post("/api/v1/commands", json=press, headers=headers)
    clock.advance(api.DOUBLE_PRESS_S - 0.5)
    bounce = client.post("/api/v1/commands", json=press, headers=headers)
    assert first.status_code == bounce.status_code == 200
    assert bounce.get_json()["seq"] == first.get_json()["seq"]
    # a later press is a new press: here it meets the signing already made
    clock.advance(1)
    again = client.post("/api/v1/commands", json=press, headers=headers)
    assert again.status_code == 400 and again.get_json()["reason"] == "already_signed"
    # browsers (session) must still name their commands
    assert client.post("/api/v1/commands", json={"action": "undo"}).status_code == 401


def test_a_screen_cannot_report_a_seq_the_log_has_not_reached(small, op):
    """Before: a fake client naming itself 主屏 and reporting seq 10**9 showed as synced on the console.
    Now an unpaired one is not a wall at all, and even a paired one cannot claim a seq ahead of the log."""
    socketio = small.extensions["socketio"]
    fake = socketio.test_client(small, auth={"role": "display", "name": "主屏"})
    console = socketio.test_client(small, flask_test_client=op, auth={"role": "console"})
    message = [m for m in welcomed(console, until="displays") if m["name"] == "displays"][-1]["args"][0]
    assert message["displays"] == [] and [w["name"] for w in message["waiting"]] == ["主屏"]
    seq = small.extensions["kiosk"].snapshot()["seq"]
    fake.emit("seen", {"seq": seq})
    assert small.extensions["kiosk_displays"].list() == []

    wall = socketio.test_client(
        small, flask_test_client=paired_client(small, "主屏"), auth={"role": "display"}
    )
    welcomed(wall)
    for claim in (10**9, seq + 1, -1, True, "7"):
        wall.emit("seen", {"seq": claim})
    listed = small.extensions["kiosk_displays"].list()
    assert [(d["name"], d["seq"]) for d in listed] == [("主屏", None)]
    wall.emit("seen", {"seq": seq})
    assert [d["seq"] for d in small.extensions["kiosk_displays"].list()] == [seq]


def test_stand_in_names_are_said_to_the_operator_before_they_reach_the_wall(app, operator):
    """Before: the sample's "第七个签约项目（原文未公布名称·占位）" and "（示例企业名）" reached the wall with no
    word to the operator."""
    c = app.extensions["kiosk"]
    found = c.view("operator")["console"]["placeholders"]
    assert found["project_ids"] == ["p3", "p6"]
    assert (
        found["text"] == "2个项目仍像示例或占位数据（第 3、6 项）：上大屏前请在「准备与报告」中改为真实名称"
    )
    assert "placeholders" not in c.view("public").get("console", {})
    edit = {"name": "石三门数创蔬菜工厂项目", "investor": "石三门数创农业有限公司", "amount_yi": "5"}
    assert operator.put("/api/v1/projects/p3", json=edit).status_code == 200
    cmd(operator, "confirm", "sign-p6", project_id="p6")  # signed: too late to warn, and no longer listed
    assert c.view("operator")["console"]["placeholders"] is None


def test_text_goes_compressed_to_a_browser_that_asks(client):
    """A remote signatory's phone on a weak link: pages, views and scripts come compressed, and decode to
    the same bytes."""
    import gzip

    plain = client.get("/static/js/sign/main.js", buffered=True)
    assert plain.headers.get("Content-Encoding") is None
    packed = client.get(
        "/static/js/sign/main.js", headers={"Accept-Encoding": "gzip, deflate"}, buffered=True
    )
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 2
    # A file not changed since the browser's copy: 304, nothing sent.
    again = client.get(
        "/static/js/sign/main.js",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
        buffered=True,
    )
    assert again.status_code == 304 and again.data == b""
    view = client.get("/api/v1/state", headers={"Accept-Encoding": "gzip, deflate"})
    assert view.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(view.data) == client.get("/api/v1/state").data


def test_every_code_given_a_status_has_its_words():
    """The edge's one table of statuses names only codes the catalogue puts into words."""
    from kiosk.web.errors import STATUS
    from kiosk.words.messages import MESSAGES

    assert set(STATUS) <= set(MESSAGES)


def test_the_web_edge_never_reaches_the_store():
    """Routes and socket handlers call the service, a view or the credentials (kiosk.ceremony); only the
    shared store (throttle, uploads, screens) is theirs. A store call at the edge is a decision made there."""
    import re
    from pathlib import Path

    edge = Path(__file__).resolve().parent.parent / "kiosk" / "web"
    found = []
    for path in sorted(edge.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.storage\b|from \.+store(\.(sqlite|postgres))? import", line):
                found.append(f"{path.relative_to(edge)}:{n}: {line.strip()}")
    assert found == []
