"""Screen layouts chosen per paired screen from the console (The moment on the wall): the main wall, the
portrait totem, the side screen, the lobby. Who may choose, what the screen is told, what it is given."""

from __future__ import annotations

from conftest import OPERATOR_PIN, VIEWER_PIN, operator_client
from harness import projects, welcomed


def paired_socket(app, name: str):
    """A big screen paired through its code, connected again with its key: (browser, socket, device id)."""
    socketio = app.extensions["socketio"]
    browser = app.test_client()
    waiting = socketio.test_client(app, flask_test_client=browser, auth={"role": "display", "name": name})
    code = [m for m in welcomed(waiting, until="screen") if m["name"] == "screen"][-1]["args"][0]["code"]
    operator_client(app, OPERATOR_PIN).post("/api/v1/screens/pair", json={"code": code})
    path = [m for m in waiting.get_received() if m["name"] == "pair"][-1]["args"][0]["url"]
    assert browser.get(path).status_code == 302
    waiting.disconnect()
    wall = socketio.test_client(app, flask_test_client=browser, auth={"role": "display"})
    welcomed(wall, until="screen")
    device = next(d for d in app.extensions["kiosk_displays"].list() if d["name"] == name)
    return browser, wall, device["device_id"]


def test_an_operator_sets_a_screens_layout_and_the_screen_redraws_at_once(small):
    _browser, wall, device_id = paired_socket(small, "大厅屏")
    op = operator_client(small, OPERATOR_PIN)
    console = small.extensions["socketio"].test_client(small, flask_test_client=op, auth={"role": "console"})
    console.get_received()

    r = op.put(f"/api/v1/screens/{device_id}/layout", json={"layout": "lobby"})
    assert r.status_code == 200 and r.get_json()["layout"] == "lobby"
    told = [m["args"][0] for m in wall.get_received() if m["name"] == "screen"]
    assert told == [{"paired": True, "code": None, "name": "大厅屏", "layout": "lobby"}]
    # the console lists it with its chosen layout, and with the one it reports drawing
    wall.emit("seen", {"seq": 0, "layout": "lobby"})
    walls = [m["args"][0]["displays"] for m in console.get_received() if m["name"] == "displays"][-1]
    assert [(w["name"], w["layout"], w["drawn_layout"]) for w in walls] == [("大厅屏", "lobby", "lobby")]
    # kept with the screen: it comes back in its layout after a restart of its browser
    assert small.extensions["kiosk"].storage.device(device_id).layout == "lobby"
    assert op.put(f"/api/v1/screens/{device_id}/layout", json={"layout": None}).status_code == 200
    assert small.extensions["kiosk"].storage.device(device_id).layout is None


def test_layout_choices_are_checked_and_need_the_run_right(small):
    _browser, _wall, device_id = paired_socket(small, "侧屏")
    op = operator_client(small, OPERATOR_PIN)
    r = op.put(f"/api/v1/screens/{device_id}/layout", json={"layout": "sideways"})
    assert r.status_code == 400 and r.get_json()["reason"] == "invalid_layout"
    assert "main / totem / side / lobby" in r.get_json()["message"]
    assert op.put("/api/v1/screens/nope/layout", json={"layout": "side"}).status_code == 404
    viewer = operator_client(small, VIEWER_PIN)
    assert viewer.put(f"/api/v1/screens/{device_id}/layout", json={"layout": "side"}).status_code == 403
    assert (
        small.test_client().put(f"/api/v1/screens/{device_id}/layout", json={"layout": "side"}).status_code
        == 401
    )


def test_only_a_screen_set_to_the_lobby_gets_every_signed_projects_code(make_app):
    app = make_app(projects=projects("10", "20", "30"))
    op = operator_client(app, OPERATOR_PIN)
    ids = [p["id"] for p in op.get("/api/v1/state").get_json()["projects"]]
    lobby, _w1, lobby_id = paired_socket(app, "大厅")
    main, _w2, _main_id = paired_socket(app, "主屏")
    for n, pid in enumerate(ids[:2]):
        assert (
            op.post(
                "/api/v1/commands", json={"command_id": f"c{n}", "action": "confirm", "project_id": pid}
            ).status_code
            == 200
        )
    # the main wall gets the code of the project it celebrates, not the one before; nor does the lobby yet
    assert [main.get(f"/display/qr/{pid}.svg").status_code for pid in ids] == [404, 200, 404]
    assert lobby.get(f"/display/qr/{ids[0]}.svg").status_code == 404
    assert op.put(f"/api/v1/screens/{lobby_id}/layout", json={"layout": "lobby"}).status_code == 200
    # set to the lobby by an operator: every signed project's code, and still none for an unsigned one
    assert [lobby.get(f"/display/qr/{pid}.svg").status_code for pid in ids] == [200, 200, 404]
    assert main.get(f"/display/qr/{ids[0]}.svg").status_code == 404
