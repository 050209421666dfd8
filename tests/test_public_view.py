"""What a guest on the venue Wi-Fi can read: a project's figures only once the wall has shown it.

Before: ``GET /api/v1/state`` and every socket carried all projects' amounts, land and summaries before
they were announced, although the wall deliberately hid them.
"""

from __future__ import annotations

import json

import pytest
from conftest import operator_client
from harness import project, welcomed

SUMMARY = "尚未宣布的项目简介：年产十万吨"


@pytest.fixture
def ceremony_app(make_app):
    specs = [
        project(1, "52.3", summary="第一个项目的简介"),
        project(2, "30", summary=SUMMARY),
        project(3, "7.77", land_mu="777", summary="第三个项目的简介"),
    ]
    return make_app(projects=specs)


def public_state(app) -> dict:
    return app.test_client().get("/api/v1/state").get_json()


def by_id(view: dict) -> dict:
    return {p["id"]: p for p in view["projects"]}


def command(op, action, **fields):
    r = op.post("/api/v1/commands", json={"command_id": f"{action}-{fields}", "action": action, **fields})
    assert r.status_code == 200, r.get_json()
    return r


def test_before_the_signing_a_guest_reads_order_name_and_investor_only(ceremony_app):
    view = public_state(ceremony_app)
    text = json.dumps(view, ensure_ascii=False)
    for p in view["projects"]:
        assert p["name"] and p["investor"] and p["order"]
        assert p["amount_wan"] is None and p["amount"] is None and p["land_mu"] is None and p["land"] is None
        assert p["summary"] is None and p["industry"] is None and p["signatories"] == []
    # Not by difference either: the planned total is not public.
    assert view["planned"] == {"count": 3}
    for secret in (SUMMARY, "523000", "52.3", "777", "7.77", "代表2", "生物医药"):
        assert secret not in text, secret

    operator = operator_client(ceremony_app).get("/api/v1/state").get_json()
    assert by_id(operator)[ceremony_app.ids[1]]["amount_wan"] == 300000
    assert operator["planned"]["total_wan"] == 523000 + 300000 + 77700


def test_figures_become_public_as_the_wall_shows_each_project(ceremony_app):
    first, second, third = ceremony_app.ids
    op = operator_client(ceremony_app)
    command(op, "announce", project_id=first)
    view = by_id(public_state(ceremony_app))
    assert view[first]["amount"]["text"] == "52.3亿元" and view[first]["summary"] == "第一个项目的简介"
    assert view[second]["amount_wan"] is None

    command(op, "show", screen="roll")  # the wall moved on: what the room saw stays public
    assert by_id(public_state(ceremony_app))[first]["amount_wan"] == 523000
    command(op, "confirm", project_id=second)
    view = public_state(ceremony_app)
    assert by_id(view)[second]["amount_wan"] == 300000 and view["total_wan"] == 300000
    assert by_id(view)[third]["amount_wan"] is None and by_id(view)[third]["land"] is None

    command(op, "undo")  # taken back, but the room has seen it
    assert by_id(public_state(ceremony_app))[second]["amount_wan"] == 300000


def test_the_organiser_may_publish_the_running_order_in_advance(ceremony_app):
    op = operator_client(ceremony_app)
    bad = op.put("/api/v1/event", json={"title": "测试签约仪式", "publish_in_advance": "maybe"})
    assert bad.status_code == 400
    assert [e["field"] for e in bad.get_json()["errors"]] == ["publish_in_advance"]

    r = op.put("/api/v1/event", json={"title": "测试签约仪式", "publish_in_advance": True})
    assert r.status_code == 200 and r.get_json()["publish_in_advance"] is True
    view = public_state(ceremony_app)
    assert by_id(view)[ceremony_app.ids[1]]["summary"] == SUMMARY
    assert view["planned"]["total_wan"] == 900700
    # Kept: a restart reads it back from the database.
    storage = ceremony_app.extensions["kiosk"].storage
    assert storage.load_event().publish_in_advance is True

    op.put("/api/v1/event", json={"title": "测试签约仪式", "publish_in_advance": "否"})
    assert by_id(public_state(ceremony_app))[ceremony_app.ids[1]]["summary"] is None


def test_a_wall_socket_never_gets_what_the_console_socket_gets(ceremony_app):
    socketio = ceremony_app.extensions["socketio"]
    wall = socketio.test_client(ceremony_app, auth={"role": "display"})
    pushed = json.dumps(welcomed(wall), ensure_ascii=False)
    assert SUMMARY not in pushed and "300000" not in pushed

    op = operator_client(ceremony_app)
    console = socketio.test_client(ceremony_app, flask_test_client=op, auth={"role": "console"})
    assert SUMMARY in json.dumps(welcomed(console), ensure_ascii=False)

    command(op, "announce", project_id=ceremony_app.ids[0])
    states = [m["args"][0] for m in wall.get_received() if m["name"] == "state"]
    pushed = json.dumps(states, ensure_ascii=False)
    assert "第一个项目的简介" in pushed and SUMMARY not in pushed
