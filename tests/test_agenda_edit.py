"""Editing the agenda while the show runs (the admin's editor, a file imported again): the cue the show is
at stays the cue it is at, so GO carries on instead of starting the morning over; and the editor's rows
meet the import's rules, each problem placed on its row and field."""

from __future__ import annotations

import uuid

import pytest

from kiosk.setup.sample import sample_agenda_csv


@pytest.fixture
def app(make_app):
    return make_app()  # the sample ceremony with its agenda


def go(editor) -> dict:
    r = editor.post("/api/v1/commands", json={"command_id": uuid.uuid4().hex, "action": "go"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["state"]


def rows_of(state: dict) -> list[dict]:
    """The editor's rows as static/js/admin/agenda.js makes them from the operator view."""
    orders = {p["id"]: p["order"] for p in state["projects"]}
    return [
        {
            "id": c["id"],
            "kind": c["kind"],
            "title": c["title"],
            "person": c["person"],
            "role": c["role"],
            "projects": "、".join(str(orders[i]) for i in c["project_ids"]),
            "time": c["planned_time"] or "",
            "minutes": str(c["minutes"] or ""),
            "script": c["script"],
        }
        for c in state["run_of_show"]["cues"]
    ]


def test_an_edit_during_the_speech_keeps_the_show_where_it_is(operator):
    go(operator)
    state = go(operator)  # the first speech is running
    speech = state["run_of_show"]["current"]
    rows = rows_of(state)
    rows[1]["script"] = "（改）" + rows[1]["script"]
    rows[1]["title"] = rows[1]["title"] + "（改）"  # even its title: the editor names the cue by its id
    rows.insert(2, {"kind": "video", "title": "宣传片", "projects": "", "time": "", "minutes": "3"})
    r = operator.put("/api/v1/agenda", json={"cues": rows})
    assert r.status_code == 200, r.get_json()
    after = r.get_json()["state"]
    assert after["cue"]["current_id"] == speech["id"]
    assert after["run_of_show"]["current"]["script"].startswith("（改）")
    # GO carries on from the speech: the inserted film, not the opening again.
    assert go(operator)["run_of_show"]["current"]["title"] == "宣传片"


def test_a_file_imported_again_keeps_each_cue_of_the_same_kind_and_title(operator):
    go(operator)
    current = go(operator)["cue"]["current_id"]
    data = sample_agenda_csv().replace("大家欢迎！".encode(), "欢迎！".encode())
    r = operator.post("/api/v1/agenda/import", data={"file": (__import__("io").BytesIO(data), "流程.csv")})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"]["cue"]["current_id"] == current


def test_the_editors_rows_meet_the_imports_rules(operator):
    rows = rows_of(go(operator))
    rows[2]["projects"] = "1、9"
    rows[1]["time"] = "9点35"
    rows[1]["person"] = ""
    r = operator.put("/api/v1/agenda", json={"cues": rows})
    assert r.status_code == 400
    body = r.get_json()
    placed = {(p["row"], p["field"]) for p in body["placed"]}
    assert placed == {(2, "cue_time"), (2, "cue_person"), (3, "cue_projects")}
    assert any("第 3 行" in text and "9" in text for text in body["problems"])
    # Nothing changed: the agenda is the sample's still.
    assert operator.get("/api/v1/state").get_json()["run_of_show"]["cues"][1]["person"]
    assert operator.put("/api/v1/agenda", json={"cues": "x"}).status_code == 400
    assert operator.put("/api/v1/agenda", json={"cues": []}).status_code == 400


def test_only_an_editor_changes_the_agenda(app):
    from conftest import operator_client
    from harness import OPERATOR_PIN

    operator = operator_client(app, OPERATOR_PIN)
    rows = rows_of(operator.get("/api/v1/state").get_json())
    assert operator.put("/api/v1/agenda", json={"cues": rows}).status_code == 403


def test_dropping_the_agenda_goes_back_to_the_one_made_from_the_running_order(app, operator):
    assert not operator.get("/api/v1/state").get_json()["agenda_made"]
    r = operator.delete("/api/v1/agenda")
    assert r.status_code == 200, r.get_json()
    state = r.get_json()["state"]
    assert state["agenda_made"]
    kinds = [c["kind"] for c in state["run_of_show"]["cues"]]
    assert (
        kinds[0] == "opening" and kinds.count("signing") == len(state["projects"]) and kinds[-1] == "closing"
    )
    assert operator.delete("/api/v1/agenda").status_code == 200  # again: nothing more changes
    # Once a live run has signed, the agenda is locked with the running order, as for an edit.
    go(operator)
    pid = state["projects"][0]["id"]
    c = {"command_id": uuid.uuid4().hex, "action": "confirm", "project_id": pid}
    assert operator.post("/api/v1/commands", json=c).status_code == 200
    r = operator.delete("/api/v1/agenda")
    assert r.status_code == 400 and r.get_json()["reason"] == "show_locked"


def test_only_an_editor_drops_the_agenda(app):
    from conftest import operator_client
    from harness import OPERATOR_PIN

    assert operator_client(app, OPERATOR_PIN).delete("/api/v1/agenda").status_code == 403
    assert not operator_client(app).get("/api/v1/state").get_json()["agenda_made"]
