"""The console's on-air line is said from what the paired walls report drawing (issue 26, item 4): the view
function given a wall's report, as a table, and the report itself as the server reads it off the socket.

Seen: after a round's confirm the console said "金钥匙二维码展示中" while the wall drew no QR code; in English,
after the golden-key button, "The big screen is black" while the wall showed the keys.
"""

from __future__ import annotations

import uuid

import pytest
from conftest import operator_client, paired_client
from harness import EventSpec, projects, welcomed

from kiosk.ceremony import views
from kiosk.core.model import MAX_ROUND


def command(app, action: str, **fields) -> dict:
    r = operator_client(app).post(
        "/api/v1/commands", json={"command_id": uuid.uuid4().hex, "action": action, **fields}
    )
    assert r.status_code == 200, r.get_json()
    return r.get_json()["state"]


def wall(seq: int, screen: str | None, ids=(), qr=(), layout: str = "main", number: int = 1) -> dict:
    """A paired screen as the displays list holds it after its report."""
    drawn = {"screen": screen, "project_ids": list(ids), "qr": list(qr)} if screen else None
    return {
        "id": number,
        "name": f"屏{number}",
        "paired": True,
        "seq": seq,
        "drawn_layout": layout,
        "drawn": drawn,
    }


def line(app, walls) -> dict:
    c = app.extensions["kiosk"]
    return views.on_air(c.current(), c.view("operator"), walls)


@pytest.fixture
def three(make_app):
    return make_app(projects=projects("52", "30", "20"))


def test_a_round_on_the_wall_is_named_and_no_qr_code_is_claimed(three):
    a, b, _ = three.ids
    seq = command(three, "confirm", project_ids=[a, b])["seq"]
    said = line(three, [wall(seq, "round", [a, b])])
    assert said["confirmed"] and said["label"] == "集中签约"
    assert said["title"] == "测试项目一、测试项目二"
    assert said["note"] == "签约庆祝 · 2个项目已签约" and said["status"] == "signed"
    # What the console said from the command alone, before the fix: the first project and a QR code.
    assert "二维码" not in said["note"]


def test_a_signed_projects_qr_code_is_said_only_once_the_wall_reports_it_drawn(three):
    a, _, _ = three.ids
    state = command(three, "confirm", project_id=a)
    time = state["projects"][0]["signed_time"]
    drawing = line(three, [wall(state["seq"], "spotlight", [a])])
    assert drawing["note"] == f"签约庆祝 · {time} 已签约" and drawing["qr"] == 0
    arrived = line(three, [wall(state["seq"], "spotlight", [a], qr=[a])])
    assert arrived["note"] == f"签约庆祝 · {time} 已签约 · 金钥匙二维码展示中" and arrived["qr"] == 1


def test_the_golden_keys_in_english_are_the_keys_not_black(make_app):
    app = make_app(projects=projects("52", "30"), event=EventSpec(language="en"))
    a, b = app.ids
    command(app, "confirm", project_ids=[a, b])
    seq = command(app, "show", screen="keys")["seq"]
    said = line(app, [wall(seq, "keys", [a, b], qr=[a, b])])
    assert (said["label"], said["note"]) == ("Golden key", "golden key QR on screen · 2 projects")
    pending = line(app, [wall(seq, "keys", [a, b])])
    assert (pending["label"], pending["note"]) == ("Golden key", "no QR code on screen yet")
    black = line(app, [wall(command(app, "show", screen="blank")["seq"], "blank")])
    assert (black["label"], black["note"]) == ("Black screen", "the room sees nothing")


def test_without_a_main_wall_at_this_seq_nothing_is_claimed_and_the_reason_is_said(three):
    a, b, _ = three.ids
    seq = command(three, "confirm", project_ids=[a, b])["seq"]
    sent = {"confirmed": False, "screen": "round", "label": "集中签约", "title": "测试项目一、测试项目二"}
    cases = {
        "no screen": ([], "已发送 · 大屏尚未确认：没有主屏在线"),
        "only a side screen and the lobby": (
            [wall(seq, "roll", layout="side"), wall(seq, "lobby", qr=[a, b], layout="lobby", number=2)],
            "已发送 · 大屏尚未确认：没有主屏在线",
        ),
        "the main wall one step behind": ([wall(seq - 1, "title")], "已发送 · 大屏尚未确认"),
        "a wall page that names no picture": ([wall(seq, None)], "已发送 · 大屏尚未确认"),
        # A totem speaks for the room only where no main wall is paired.
        "a main wall behind, a totem current": (
            [wall(seq - 1, "title"), wall(seq, "round", [a, b], layout="totem", number=2)],
            "已发送 · 大屏尚未确认",
        ),
    }
    for case, (walls, note) in cases.items():
        said = line(three, walls)
        assert {k: said[k] for k in sent} == sent, case
        assert (said["note"], said["status"], said["qr"]) == (note, "", 0), case
    totem = line(three, [wall(seq, "round", [a, b], layout="totem")])
    assert totem["confirmed"] and totem["wall"] == "屏1"
    # The operator view, built before any wall could report it, says the same as a wall still drawing it.
    view = three.extensions["kiosk"].view("operator")["console"]["on_air"]
    assert view == line(three, [wall(seq - 1, "title")])


def test_the_safe_look_and_every_sentence_name_a_screen_by_the_one_map(make_app):
    app = make_app(projects=projects("10"))
    c = app.extensions["kiosk"]
    command(app, "confirm", project_id=app.ids[0])
    assert c.view("operator")["console"]["idle_hint"] == "全部 1 个项目已签约，可切换到「总结」画面"
    seq = command(app, "panic")["seq"]
    assert views.drawing_of(c.view("operator")) == {"screen": "safe", "project_ids": []}
    said = line(app, [wall(seq, "safe")])
    assert (said["label"], said["title"], said["note"]) == ("安全画面", "测试签约仪式", "只显示标题与标志")
    operator = c.view("operator")
    assert operator["console"]["last_change"]["what"] == "大屏已切到「安全画面」"
    assert operator["run_of_show"]["panic_text"] == "安全画面中 · 大屏只显示标题与标志"


# -- the report, off the socket -----------------------------------------------------------------------------


def test_a_walls_report_is_read_as_attacker_input_and_the_console_hears_the_line(three):
    a, b, _ = three.ids
    socketio = three.extensions["socketio"]
    console = socketio.test_client(three, flask_test_client=operator_client(three), auth={"role": "console"})
    welcomed(console, until="displays")
    screen = socketio.test_client(three, flask_test_client=paired_client(three), auth={"role": "display"})
    welcomed(screen)
    seq = command(three, "confirm", project_ids=[a, b])["seq"]
    # A change tells the consoles at once that no wall has drawn it yet.
    told = [m["args"][0] for m in console.get_received() if m["name"] == "displays"]
    assert told[-1]["on_air"]["confirmed"] is False and told[-1]["on_air"]["seq"] == seq

    def reported(payload: dict) -> dict | None:
        screen.emit("seen", {"seq": seq, "layout": "main", **payload})
        return three.extensions["kiosk_displays"].list()[0]["drawn"]

    assert reported({"screen": "round", "project_ids": [a, b, a, "nope", 7, None], "qr": "all"}) == {
        "screen": "round",
        "project_ids": [a, b],
        "qr": [],
    }
    told = [m["args"][0] for m in console.get_received() if m["name"] == "displays"]
    assert told[-1]["on_air"]["confirmed"] and told[-1]["on_air"]["label"] == "集中签约"
    assert told[-1]["displays"][0]["drawn"]["screen"] == "round"
    for bad in ("qr-everywhere", ["round"], None, 3):
        assert reported({"screen": bad}) is None
    # Only the first MAX_ROUND are read: a long list costs nothing more.
    flood = reported({"screen": "keys", "project_ids": ["x"] * MAX_ROUND + [a], "qr": [a] * (MAX_ROUND * 10)})
    assert flood == {"screen": "keys", "project_ids": [], "qr": [a]}
    # A wall page from before the pictures were reported: still counted current, nothing claimed.
    screen.emit("seen", {"seq": seq, "layout": "main"})
    listed = three.extensions["kiosk_displays"].list()[0]
    assert (listed["seq"], listed["drawn"]) == (seq, None)
    told = [m["args"][0] for m in console.get_received() if m["name"] == "displays"]
    assert told[-1]["on_air"]["confirmed"] is False
