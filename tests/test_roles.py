"""Who may do what: each role and token against each endpoint, signing devices out, tokens, pairing, and
the lock a live run puts on the running order (kiosk.core.access, kiosk.web.auth, kiosk.web.devices)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import OPERATOR_PIN, PIN, VIEWER_PIN, operator_client, paired_client
from harness import projects, welcomed

from kiosk.core import access
from kiosk.core.clock import FixedClock

# (method, path, body, the right it needs; None: anyone)
ENDPOINTS = [
    ("GET", "/api/v1/state", None, None),
    ("GET", "/api/v1/runs", None, "watch"),
    ("GET", "/api/v1/report.json", None, "watch"),
    ("GET", "/api/v1/devices", None, "watch"),
    ("GET", "/api/v1/event", None, "watch"),
    ("GET", "/api/v1/projects", None, "watch"),
    ("GET", "/api/v1/projects/{p0}/card", None, "watch"),
    ("GET", "/print/cards", None, "watch"),
    ("POST", "/api/v1/commands", {"action": "show", "screen": "title"}, "run"),
    ("POST", "/api/v1/run", {"mode": "rehearsal"}, "run"),
    ("POST", "/api/v1/screens/pairing-links", {"name": "侧屏"}, "run"),
    ("POST", "/api/v1/screens/pair", {"code": "0000"}, "run"),
    ("POST", "/api/v1/projects/{p0}/card/rotate", {}, "run"),
    ("PUT", "/api/v1/event", {"title": "签约仪式"}, "prepare"),
    ("POST", "/api/v1/projects", {"name": "新项目", "investor": "某公司", "amount_yi": "1"}, "prepare"),
    ("PUT", "/api/v1/projects/{p0}/card", {"contact_name": "张三"}, "prepare"),
    ("POST", "/api/v1/import/preview", {}, "prepare"),
    ("POST", "/api/v1/tokens", {"name": "脚本", "scope": "read"}, "prepare"),
    ("POST", "/api/v1/show/edits", {"unlocked": False}, "prepare"),
]
CALLERS = ["nobody", "viewer", "operator", "editor", "read token", "control token", "KIOSK_API_TOKEN"]
CALLER_ROLE = {
    "nobody": None,
    "viewer": "viewer",
    "operator": "operator",
    "editor": "editor",
    "read token": "viewer",
    "control token": "operator",
    "KIOSK_API_TOKEN": "operator",
}


def _token(app, scope: str) -> str:
    r = operator_client(app).post("/api/v1/tokens", json={"name": f"{scope} 令牌", "scope": scope})
    assert r.status_code == 201
    return r.get_json()["token"]


def _caller(app, who: str):
    """A test client for ``who`` and the headers it sends with each request."""
    if who in ("viewer", "operator", "editor"):
        return operator_client(app, {"viewer": VIEWER_PIN, "operator": OPERATOR_PIN, "editor": PIN}[who]), {}
    if who == "read token":
        return app.test_client(), {"Authorization": "Bearer " + _token(app, "read")}
    if who == "control token":
        return app.test_client(), {"Authorization": "Bearer " + _token(app, "control")}
    if who == "KIOSK_API_TOKEN":
        return app.test_client(), {"Authorization": "Bearer " + app.config["API_TOKEN"]}
    return app.test_client(), {}


def test_each_role_and_token_against_each_endpoint(make_app):
    """The table: a caller holding the right gets past the gate; without credentials 401; with too few
    403 ``forbidden`` with a message naming both roles."""
    app = make_app(projects=projects("10", "20"))
    seen = {}
    for who in CALLERS:
        client, headers = _caller(app, who)
        for n, (method, path, body, right) in enumerate(ENDPOINTS):
            url = path.format(p0=app.ids[0])
            extra = {"command_id": f"{who}-{n}"} if path == "/api/v1/commands" else {}
            r = client.open(
                url, method=method, json=None if body is None else {**body, **extra}, headers=headers
            )
            role = CALLER_ROLE[who]
            allowed = right is None or access.allows(role, right)
            seen[(who, method, path)] = r.status_code
            if allowed:
                assert r.status_code not in (401, 403), (
                    who,
                    method,
                    path,
                    r.status_code,
                    r.get_data(as_text=True),
                )
            elif role is None:
                assert r.status_code == 401, (who, method, path, r.status_code)
            else:
                assert r.status_code == 403, (who, method, path, r.status_code)
                answer = r.get_json()
                assert answer["reason"] == "forbidden" and answer["needs"] == access.RIGHTS[right]
                assert "权限" in answer["message"]
    # the table is not empty on either side
    assert sum(1 for s in seen.values() if s == 403) >= 20 and sum(1 for s in seen.values() if s < 400) >= 60


def test_the_pin_names_the_role(app):
    for pin, role in ((VIEWER_PIN, "viewer"), (OPERATOR_PIN, "operator"), (PIN, "editor")):
        r = app.test_client().post("/api/v1/session", json={"pin": pin})
        assert r.status_code == 200 and r.get_json()["role"] == role and r.get_json()["csrf_token"]


def test_two_roles_cannot_share_a_pin(make_app):
    with pytest.raises(ValueError, match="must all differ"):
        make_app(VIEWER_PIN=PIN)


def test_a_viewer_sees_the_operator_view_and_cannot_change_anything(app):
    viewer = operator_client(app, VIEWER_PIN)
    view = viewer.get("/api/v1/state").get_json()
    assert "console" in view and view["projects"][0]["amount_wan"] is not None
    before = app.extensions["kiosk"].snapshot()["seq"]
    for method, path, body in (
        ("POST", "/api/v1/commands", {"command_id": "v1", "action": "confirm", "project_id": app.ids[0]}),
        ("POST", "/api/v1/run", {"mode": "rehearsal"}),
        ("DELETE", f"/api/v1/projects/{app.ids[0]}", None),
        ("POST", "/api/v1/session/sign-out-all", {}),
    ):
        assert viewer.open(path, method=method, json=body).status_code == 403, path
    assert app.extensions["kiosk"].snapshot()["seq"] == before
    page = viewer.get("/control").get_data(as_text=True)
    assert 'class="console-page is-readonly"' in page and "只读" in page
    # the admin wants the editor's PIN
    admin = viewer.get("/admin").get_data(as_text=True)
    assert "pinpad" in admin and "编辑者 PIN" in admin
    # a viewer's socket joins the operators' room: it is the stage manager's second tablet
    socketio = app.extensions["socketio"]
    s = socketio.test_client(app, flask_test_client=viewer, auth={"role": "console"})
    state = [m for m in welcomed(s) if m["name"] == "state"][-1]["args"][0]
    assert "console" in state
    s.disconnect()


def test_a_revoked_token_gets_401_at_once_also_on_its_open_socket(app):
    editor = operator_client(app)
    made = editor.post("/api/v1/tokens", json={"name": "Stream Deck", "scope": "control"}).get_json()
    bearer = {"Authorization": "Bearer " + made["token"]}
    script = app.test_client()
    assert script.get("/api/v1/state", headers=bearer).get_json().get("console")
    socketio = app.extensions["socketio"]
    sock = socketio.test_client(app, auth={"token": made["token"]})
    assert sock.is_connected()
    assert "console" in [m for m in welcomed(sock) if m["name"] == "state"][-1]["args"][0]

    listed = {d["id"]: d for d in editor.get("/api/v1/devices").get_json()["devices"]}
    entry = listed[made["device"]["id"]]
    assert entry["name"] == "Stream Deck" and entry["scope"] == "control" and entry["role"] == "operator"
    assert entry["online"] == 1 and entry["last_seen"]

    assert editor.delete(f"/api/v1/devices/{made['device']['id']}").status_code == 200
    assert not sock.is_connected()
    assert script.get("/api/v1/state", headers=bearer).status_code == 401
    body = {"command_id": "after", "action": "show", "screen": "blank"}
    assert script.post("/api/v1/commands", json=body, headers=bearer).status_code == 401
    assert not socketio.test_client(app, auth={"token": made["token"]}).is_connected()


def test_tokens_are_kept_hashed_and_shown_once(app):
    editor = operator_client(app)
    made = editor.post("/api/v1/tokens", json={"name": "监控脚本", "scope": "read"})
    assert made.status_code == 201
    secret = made.get_json()["token"]
    assert secret.startswith("kt_") and len(secret) > 40
    listing = editor.get("/api/v1/devices").get_data(as_text=True)
    assert secret not in listing and "监控脚本" in listing
    db = sqlite3.connect(app.config["DATA_DIR"] + "/kiosk.sqlite3")
    dump = "\n".join(db.iterdump())
    assert secret not in dump and "监控脚本" in dump
    # a read token reads the operator view and presses nothing
    bearer = {"Authorization": "Bearer " + secret}
    assert "console" in app.test_client().get("/api/v1/state", headers=bearer).get_json()
    r = app.test_client().post("/api/v1/commands", json={"action": "undo"}, headers=bearer)
    assert r.status_code == 403 and r.get_json()["reason"] == "forbidden"
    for bad in (
        {"name": "", "scope": "read"},
        {"name": "x" * 41, "scope": "read"},
        {"name": "x", "scope": "all"},
    ):
        assert editor.post("/api/v1/tokens", json=bad).status_code == 400


def test_signing_out_every_device_cuts_sessions_and_tokens_but_keeps_the_walls(app):
    editor = operator_client(app)
    viewer = operator_client(app, VIEWER_PIN)
    secret = editor.post("/api/v1/tokens", json={"name": "AV", "scope": "control"}).get_json()["token"]
    wall = paired_client(app, "主屏")
    socketio = app.extensions["socketio"]
    wall_socket = socketio.test_client(app, flask_test_client=wall, auth={"role": "display"})
    welcomed(wall_socket)
    viewer_socket = socketio.test_client(app, flask_test_client=viewer, auth={"role": "console"})
    assert viewer_socket.is_connected()

    assert editor.post("/api/v1/session/sign-out-all").status_code == 200
    for client, headers in (
        (viewer, {}),
        (app.test_client(), {"Authorization": "Bearer " + secret}),
        (app.test_client(), {"Authorization": "Bearer " + app.config["API_TOKEN"]}),
    ):
        assert client.get("/api/v1/runs", headers=headers).status_code == 401
    assert not viewer_socket.is_connected()
    assert wall_socket.is_connected()
    assert [d["name"] for d in app.extensions["kiosk_displays"].list()] == ["主屏"]


def test_signing_out_one_device_leaves_the_others(app):
    tablet, laptop = operator_client(app, OPERATOR_PIN), operator_client(app)
    me = tablet.get("/api/v1/session").get_json()["device_id"]
    listed = laptop.get("/api/v1/devices").get_json()["devices"]
    assert {d["role"] for d in listed if d["kind"] == "session"} == {"operator", "editor"}
    assert [d["this_device"] for d in listed if d["id"] == me] == [False]
    assert laptop.delete(f"/api/v1/devices/{me}").status_code == 200
    assert tablet.get("/api/v1/runs").status_code == 401
    assert laptop.get("/api/v1/runs").status_code == 200
    assert laptop.delete("/api/v1/devices/nope").status_code == 404
    assert me not in {d["id"] for d in laptop.get("/api/v1/devices").get_json()["devices"]}


def test_a_pairing_link_works_once_and_expires(make_app):
    clock = FixedClock()
    app = make_app(projects=projects("10"), CLOCK=clock)
    op = operator_client(app, OPERATOR_PIN)
    url = op.post("/api/v1/screens/pairing-links", json={"name": "侧屏"}).get_json()["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    first = app.test_client().get(path)
    assert first.status_code == 302 and "kiosk_screen=" in first.headers["Set-Cookie"]
    assert "HttpOnly" in first.headers["Set-Cookie"]
    assert app.test_client().get(path).status_code == 404
    late = op.post("/api/v1/screens/pairing-links", json={"name": "晚了"}).get_json()["url"]
    clock.advance(16 * 60)
    assert app.test_client().get("/" + late.split("://", 1)[1].split("/", 1)[1]).status_code == 404


def test_an_operator_approves_a_waiting_screen_by_its_code(small):
    socketio = small.extensions["socketio"]
    wall_browser = small.test_client()
    wall = socketio.test_client(
        small, flask_test_client=wall_browser, auth={"role": "display", "name": "主屏"}
    )
    told = [m for m in welcomed(wall, until="screen") if m["name"] == "screen"][-1]["args"][0]
    assert told["paired"] is False and len(told["code"]) == 4
    op = operator_client(small, OPERATOR_PIN)
    assert op.post("/api/v1/screens/pair", json={"code": "wrong"}).status_code == 404
    assert op.post("/api/v1/screens/pair", json={"code": told["code"]}).status_code == 200
    path = [m for m in wall.get_received() if m["name"] == "pair"][-1]["args"][0]["url"]
    assert path.startswith("/display/pair/")
    assert wall_browser.get(path).status_code == 302
    wall.disconnect()
    again = socketio.test_client(small, flask_test_client=wall_browser, auth={"role": "display"})
    told = [m for m in welcomed(again, until="screen") if m["name"] == "screen"][-1]["args"][0]
    assert told == {"paired": True, "code": None, "name": "主屏", "layout": None}
    assert [d["name"] for d in small.extensions["kiosk_displays"].list()] == ["主屏"]
    # unpairing it from the console: the socket closes and the screen comes back as waiting
    screen_id = small.extensions["kiosk_displays"].list()[0]["device_id"]
    assert op.delete(f"/api/v1/devices/{screen_id}").status_code == 200
    assert not again.is_connected()
    assert small.extensions["kiosk_displays"].list() == []


def test_a_live_run_locks_the_running_order_at_its_first_signing(small):
    editor, op = operator_client(small), operator_client(small, OPERATOR_PIN)
    edit = {"name": "改名", "investor": "某公司", "amount_yi": "12"}
    assert editor.put(f"/api/v1/projects/{small.ids[2]}", json=edit).status_code == 200
    body = {"command_id": "c1", "action": "confirm", "project_id": small.ids[0]}
    assert op.post("/api/v1/commands", json=body).status_code == 200
    assert op.get("/api/v1/state").get_json()["edits"]["locked"] is True
    refused = editor.put(f"/api/v1/projects/{small.ids[2]}", json={**edit, "amount_yi": "99"})
    assert refused.status_code == 400 and refused.get_json()["reason"] == "show_locked"
    # only an editor unlocks, and the audit says who
    assert op.post("/api/v1/show/edits", json={"unlocked": True}).status_code == 403
    editor.environ_base["HTTP_X_KIOSK_DEVICE"] = "organiser-laptop"
    r = editor.post("/api/v1/show/edits", json={"unlocked": True})
    assert r.status_code == 200 and r.get_json()["edits"] == {
        "locked": False,
        "unlocked": True,
        "note": "项目与金额已由编辑者解锁，可以修改（已记入审计）",
    }
    assert editor.put(f"/api/v1/projects/{small.ids[2]}", json={**edit, "amount_yi": "99"}).status_code == 200
    assert editor.post("/api/v1/show/edits", json={"unlocked": False}).status_code == 200
    assert editor.put(f"/api/v1/projects/{small.ids[2]}", json=edit).status_code == 400
    audit = small.extensions["kiosk"].storage.audit()
    unlocks = [
        (a["request"]["action"], a["device"].split()[0])
        for a in audit
        if a["command_id"].startswith("setup-")
    ]
    assert unlocks == [("unlock", "organiser-laptop"), ("lock", "organiser-laptop")]
    # an undo does not unlock: the run has had a signing
    assert op.post("/api/v1/commands", json={"command_id": "u1", "action": "undo"}).status_code == 200
    assert editor.put(f"/api/v1/projects/{small.ids[2]}", json=edit).status_code == 400


def test_a_rehearsal_never_locks(small):
    editor = operator_client(small)
    assert editor.post("/api/v1/run", json={"mode": "rehearsal"}).status_code == 200
    body = {"command_id": "c1", "action": "confirm", "project_id": small.ids[0]}
    assert editor.post("/api/v1/commands", json=body).status_code == 200
    edit = {"name": "改名", "investor": "某公司", "amount_yi": "12"}
    assert editor.put(f"/api/v1/projects/{small.ids[2]}", json=edit).status_code == 200


def test_a_console_is_listed_by_its_own_name_and_an_idle_session_drops_off(make_app):
    clock = FixedClock()
    app = make_app(projects=projects("10"), CLOCK=clock)
    ipad = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"
    tablet = app.test_client()
    r = tablet.post("/api/v1/session", json={"pin": OPERATOR_PIN}, headers={"User-Agent": ipad})
    tablet.environ_base["HTTP_X_CSRF_TOKEN"] = r.get_json()["csrf_token"]
    laptop = operator_client(app)

    def names():
        return {
            d["name"]: d
            for d in laptop.get("/api/v1/devices").get_json()["devices"]
            if d["kind"] == "session"
        }

    assert names()["iPad · Safari"]["role_text"] == "操作员"
    # the console's default name leaves it alone; a name the operator gave replaces it
    tablet.get("/api/v1/runs", headers={"X-Kiosk-Device": "%E6%8E%A7%E5%88%B6%E5%8F%B0"})  # 控制台
    assert "iPad · Safari" in names()
    tablet.get("/api/v1/runs", headers={"X-Kiosk-Device": "%E8%88%9E%E5%8F%B0%E5%B7%A6"})  # 舞台左
    assert "舞台左" in names() and "iPad · Safari" not in names()
    clock.advance(11 * 3600)
    laptop.get("/api/v1/runs")
    clock.advance(2 * 3600)
    assert "舞台左" not in names()  # idle longer than a session lives


def test_the_stage_view_goes_to_the_mcs_monitors_only(small):
    """The MC's monitor gets the figure to announce before the room sees it, so only a logged-in device or
    a paired screen joins its room; the public asking for it gets the public view."""
    socketio = small.extensions["socketio"]
    assert not socketio.test_client(small, auth={"role": "stage"}).is_connected()
    public = small.test_client().get("/api/v1/state?view=stage").get_json()
    assert "stage" not in public and public["projects"][0]["amount"] is None

    viewer = operator_client(small, VIEWER_PIN)
    monitor = socketio.test_client(small, flask_test_client=viewer, auth={"role": "stage"})
    first = [m for m in welcomed(monitor) if m["name"] == "state"][-1]["args"][0]
    assert (
        first["stage"]["current"]["name"] == "测试项目一"
        and first["stage"]["current"]["amount"]["text"] == "10亿元"
    )
    assert first["stage"]["next"]["order"] == 2 and "console" not in first
    assert "contact" not in json.dumps(first, ensure_ascii=False)

    op = operator_client(small, OPERATOR_PIN)
    op.post("/api/v1/commands", json={"command_id": "a2", "action": "announce", "project_id": small.ids[1]})
    pushed = [m for m in monitor.get_received() if m["name"] == "state"][-1]["args"][0]
    assert pushed["stage"]["current"]["order"] == 2 and pushed["stage"]["on_wall"]["screen"] == "spotlight"
    assert monitor.emit("sync", callback=True)["stage"]["current"]["order"] == 2

    screen = socketio.test_client(
        small, flask_test_client=paired_client(small, "舞台提词屏"), auth={"role": "stage"}
    )
    assert "stage" in [m for m in welcomed(screen) if m["name"] == "state"][-1]["args"][0]


def test_credentials_are_decided_without_the_web(tmp_path):
    """Whose secret is whose, and signing out, in plain Python (kiosk.ceremony.credentials): the edge only
    finds the secret in the request."""
    from kiosk.ceremony.credentials import Credentials
    from kiosk.ceremony.rules import CeremonyError
    from kiosk.store.sqlite import Storage

    clock = FixedClock()
    storage = Storage(tmp_path / "kiosk.sqlite3", clock)
    pins = {"viewer": "111111", "operator": "222222", "editor": "333333"}
    creds = Credentials(storage, clock, pins, "env-secret")
    assert creds.role_of_pin("333333") == "editor" and creds.role_of_pin("999999") is None
    assert creds.role_of_pin(222222) is None  # a number is not a PIN
    with pytest.raises(CeremonyError) as refused:
        creds.new_token("", "control", None)
    assert refused.value.code == "invalid_token_name"
    with pytest.raises(CeremonyError) as refused:
        creds.new_token("AV desk", "admin", None)
    assert refused.value.code == "invalid_scope"
    secret, token = creds.new_token(" AV desk ", "read", "10.0.0.5")
    assert token.name == "AV desk" and creds.bearer(secret) == ("viewer", token)
    assert creds.bearer("env-secret")[0] == "operator"
    session = creds.begin_session("operator", "iPad · Safari", "10.0.0.2")
    epoch = creds.epoch()
    assert creds.session("operator", session.id, epoch) == session
    screen_key = creds.pair_screen("主屏", "10.0.0.9")
    assert creds.screen(screen_key).name == "主屏"
    assert set(creds.sign_out_everyone()) == {token.id, session.id}
    assert creds.session("operator", session.id, creds.epoch()) is None
    assert creds.bearer(secret) == (None, None) and creds.bearer("env-secret") == (None, None)
    assert not creds.env_token_active()
    assert creds.screen(screen_key) is not None  # the wall stays paired
    storage.close()
