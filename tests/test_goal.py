"""The goal gauge and its milestones (The moment on the wall): a rule in plain Python, a part of the
public view only when the organiser shows it, and a milestone said once, by the signing that passed it."""

from __future__ import annotations

from conftest import operator_client
from harness import projects

from kiosk.ceremony.rules import milestones


def test_milestones_are_round_figures_on_the_way_to_the_planned_total():
    yi = 10_000
    assert milestones(206 * yi) == [100 * yi, 200 * yi]
    assert milestones(50 * yi) == [20 * yi, 40 * yi]
    assert milestones(30 * yi) == [10 * yi, 20 * yi, 30 * yi]
    assert milestones(5000) == []  # half a 亿: nothing worth a cheer on the way


def command(op, n: int, action: str, **fields) -> dict:
    r = op.post("/api/v1/commands", json={"command_id": f"c{n}", "action": action, **fields})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_goal_is_public_only_when_shown_and_a_milestone_is_said_once(make_app):
    app = make_app(projects=projects("52", "30", "5", "12", "4", "3", "100"))
    op = operator_client(app)
    guest = app.test_client()
    ids = [p["id"] for p in op.get("/api/v1/state").get_json()["projects"]]
    assert guest.get("/api/v1/state").get_json()["goal"] is None  # the planned total stays unsaid
    assert op.put("/api/v1/event", json={"show_goal": True}).status_code == 200
    goal = guest.get("/api/v1/state").get_json()["goal"]
    assert goal["label"] == "目标 206亿元" and goal["permille"] == 0
    assert [(m["text"], m["permille"], m["reached"]) for m in goal["milestones"]] == [
        ("100亿元", 485, False),
        ("200亿元", 970, False),
    ]
    for n, pid in enumerate(ids[:4]):
        answer = command(op, n, "confirm", project_id=pid)
        assert answer["state"]["goal"]["crossed"] is None  # 52, 82, 87, 99: nothing passed yet
    answer = command(op, 9, "confirm", project_id=ids[4])  # 103 亿
    view = guest.get("/api/v1/state").get_json()
    assert view["goal"]["crossed"] == {"seq": answer["seq"], "text": "突破100亿元"}
    assert [m["reached"] for m in view["goal"]["milestones"]] == [True, False]
    command(op, 10, "show", screen="roll")
    assert guest.get("/api/v1/state").get_json()["goal"]["crossed"] is None  # said once, not again
    command(op, 11, "undo")
    undone = guest.get("/api/v1/state").get_json()["goal"]
    assert undone["crossed"] is None and undone["milestones"][0]["reached"] is False
    # the operator's setting is kept with the event, and can be turned off again
    assert op.put("/api/v1/event", json={"show_goal": False}).status_code == 200
    assert guest.get("/api/v1/state").get_json()["goal"] is None


def test_goal_and_calm_are_flags_with_clear_errors(small):
    op = operator_client(small)
    r = op.put("/api/v1/event", json={"calm": "sometimes"})
    assert r.status_code == 400
    assert op.put("/api/v1/event", json={"calm": True}).status_code == 200
    assert op.get("/api/v1/state").get_json()["event"]["calm"] is True
