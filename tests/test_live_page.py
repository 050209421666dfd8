"""The public live page (/live) for remote viewers: its projection of the public view, and the page itself
in real Chromium against a real server (it follows the signing, says when it is not current, never shows
a figure the wall has not shown, and stays light)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from harness import LOOPING_ANIMATIONS, free_port, projects, wait_until

from kiosk.app import build
from kiosk.ceremony.live_view import live
from kiosk.config import ConfigError, resolve
from kiosk.web.live.stream import TIMEOUT_S

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
# "light (≤ 60 KB first load)", over the wire.
BUDGET = 60_000
# The page has its link ("live", set on connect) and has drawn the projection that comes right after it.
DRAWN_LIVE = "() => window.__kiosk?.live && window.__kiosk?.live.status === 'live' && typeof window.__kiosk?.live.version === 'number'"


@pytest.fixture
def app(tmp_path):
    return build({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})


def operator_command(app, action: str, **fields):
    token = (Path(app.config["DATA_DIR"]) / "api_token.txt").read_text().strip()
    body = {"command_id": uuid.uuid4().hex, "action": action, **fields}
    answer = app.test_client().post(
        "/api/v1/commands", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_projection_carries_only_what_the_public_view_shows(app):
    service = app.extensions["kiosk"]
    first = service.view("public")["projects"][0]["id"]

    data = live(service.view("public"))
    text = json.dumps(data, ensure_ascii=False)
    assert data["now"] is None and data["roll"] == []
    # no amount of any project yet, no contact, no card address
    assert all(p.get("amount") is None for p in service.view("public")["projects"])
    assert "/c/" not in text and "@" not in text and "phone" not in text
    assert len(text.encode()) < 1000

    operator_command(app, "announce", project_id=first)
    data = live(service.view("public"), data)
    now = data["now"]["projects"]
    assert [p["name"] for p in now] == [service.view("public")["projects"][0]["name"]]
    assert now[0]["amount"] == service.view("public")["projects"][0]["amount"]["text"]
    assert now[0]["status_text"] == "签约中"
    # the next project is still withheld: its amount travels nowhere in the projection
    assert service.view("public")["projects"][1]["amount"] is None
    assert str(service.view("operator")["projects"][1]["amount"]["text"]) not in json.dumps(
        data, ensure_ascii=False
    )

    operator_command(app, "confirm", project_id=first)
    signed = live(service.view("public"), data)
    assert signed["version"] == service.view("public")["seq"]
    assert signed["roll"][0]["name"] == now[0]["name"] and signed["signed"] == 1
    assert signed["total"]["text"] == service.view("public")["total"]["text"]
    assert signed["now"]["projects"][0]["status_text"] == "已签约"


def test_a_change_no_viewer_sees_keeps_the_version(app):
    service = app.extensions["kiosk"]
    before = live(service.view("public"))
    operator_command(app, "note", text="请放慢")
    assert service.view("public")["seq"] > before["version"]
    assert live(service.view("public"), before) is before


def test_the_page_and_its_state_over_http(app):
    client = app.test_client()
    page = client.get("/live")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "签约仪式直播" in html and "累计签约" in html
    # CSP: script-src and style-src 'self' only; the words travel as JSON data, not as a script
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html and "<style" not in html
    state = client.get("/live/state.json").get_json()
    assert state["version"] == app.extensions["kiosk"].view("public")["seq"]
    assert state["title"] and state["total"]["text"] == "0亿元"
    # One laptop, no nchan in front: no stream to name, the page keeps to its socket.
    assert "data-stream" not in html
    assert app.extensions["kiosk_live_publisher"] is None


# -- the stream through nginx's nchan (KIOSK_LIVE_PUBLISH) ---------------------------------------------


class Nchan(BaseHTTPRequestHandler):
    """nchan's publisher location as the kiosk sees it: 404 to a look until a message came, then 202."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append(json.loads(body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.server.posts else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def nchan():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Nchan)
    server.posts = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def published_app(tmp_path, url):
    return build({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "LIVE_PUBLISH": url})


def test_the_setting_takes_an_http_address_only(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    url = "http://127.0.0.1:8081/live/pub"
    assert resolve(folder, {"KIOSK_LIVE_PUBLISH": url})["LIVE_PUBLISH"] == url
    assert resolve(folder, {})["LIVE_PUBLISH"] is None
    for wrong in ("https://10.0.0.10/live/pub", "127.0.0.1:8081/live/pub", "http:///live/pub"):
        with pytest.raises(ConfigError, match="KIOSK_LIVE_PUBLISH"):
            resolve(folder, {"KIOSK_LIVE_PUBLISH": wrong})


def test_each_change_a_viewer_sees_is_published_and_the_newest_wins(tmp_path, nchan):
    app = published_app(tmp_path, f"http://127.0.0.1:{nchan.server_port}/live/pub")
    publisher = app.extensions["kiosk_live_publisher"]
    try:
        service = app.extensions["kiosk"]
        html = app.test_client().get("/live").get_data(as_text=True)
        assert 'data-stream="/live/sub"' in html
        # nchan holds no channel yet (nginx started after the process): the current projection goes there.
        wait_until(lambda: len(nchan.posts) == 1, 10, "the empty channel was not filled")
        assert nchan.posts[0]["version"] == service.view("public")["seq"]

        first = service.view("public")["projects"][0]["id"]
        operator_command(app, "announce", project_id=first)
        operator_command(app, "note", text="请放慢")  # no viewer sees it: nothing published
        seq = operator_command(app, "confirm", project_id=first)["state"]["seq"]
        wait_until(lambda: nchan.posts[-1]["version"] == seq, 5, "the newest projection was not published")
        assert nchan.posts[-1] == app.extensions["kiosk_live_projection"].current()
        assert nchan.posts[-1]["signed"] == 1
        # Nothing after it: one thread publishes, in order, so once a later change is posted, anything
        # before it has been.
        later = operator_command(app, "announce", project_id=service.view("public")["projects"][1]["id"])
        wait_until(lambda: nchan.posts[-1]["version"] == later["state"]["seq"], 5, "the later change")
        versions = [p["version"] for p in nchan.posts]
        assert versions == sorted(set(versions))  # in order, never one twice
        assert versions[-2] == seq
    finally:
        publisher.close()


@pytest.mark.serial  # it times commands
@pytest.mark.parametrize("dead", ["refused", "silent"])
def test_a_dead_publisher_never_delays_or_fails_a_command(tmp_path, dead):
    """A command that waited on the silent publisher would take its TIMEOUT_S (on the refused one, its
    retries' waits): that is the bound. How fast a command is beside a dead publisher is
    bench/outbound.py's to measure (docs/BENCHMARK.md, finding 12)."""
    if dead == "refused":
        port, hold = free_port(), None
    else:
        # Accepts connections into its backlog and never answers: each POST waits for its 2 s timeout.
        hold = socket.socket()
        hold.bind(("127.0.0.1", 0))
        hold.listen(64)
        port = hold.getsockname()[1]
    app = published_app(tmp_path, f"http://127.0.0.1:{port}/live/pub")
    publisher = app.extensions["kiosk_live_publisher"]
    try:
        service = app.extensions["kiosk"]
        for project in service.view("public")["projects"][:3]:
            for action in ("announce", "confirm"):
                started = time.monotonic()
                operator_command(app, action, project_id=project["id"])
                assert time.monotonic() - started < TIMEOUT_S
        wait_until(lambda: publisher.failures >= 1, 10, "the failure was not counted")
        assert publisher.sent == 0
    finally:
        publisher.close(0.1)
        if hold:
            hold.close()


# -- in Chromium, against a real server ------------------------------------------------------------------


@pytest.fixture
def server(live_server_with):
    return live_server_with(projects("52", "30"))


def text_of(page) -> str:
    return page.inner_text("body")


def open_live(chromium, server, **options):
    """/live on a phone (``new_page``'s options; closing the page closes its context), once it has drawn
    its first projection."""
    page = chromium.new_page(viewport=PHONE, **options)
    try:
        page.goto(server.url + "/live")
        page.wait_for_function(DRAWN_LIVE)
    except BaseException:
        page.close()
        raise
    return page


@pytest.mark.browser
@pytest.mark.live
def test_the_page_follows_the_signing_and_never_shows_a_figure_early(server, chromium):
    page = open_live(chromium, server, is_mobile=True, has_touch=True)
    try:
        assert page.evaluate("() => window.__kiosk?.live.transport") == "socket"
        assert page.text_content("#total-value") == "0"
        assert "52亿元" not in text_of(page) and "30亿元" not in text_of(page)
        assert "签约仪式即将开始" in page.inner_text("#now")

        first, _second = server.made_ids
        seq = server.command("announce", project_id=first).json()["seq"]
        page.wait_for_function("s => window.__kiosk?.live.version === s", arg=seq)
        now = page.inner_text("#now")
        assert "测试项目一" in now and "52亿元" in now and "签约中" in now
        assert "30亿元" not in text_of(page)
        # the live dot beats and the announced badge breathes for as long as a guest keeps the page open:
        # compositor-only loops (before: animated shadows, a fifth of a core repainting on the phone)
        looping = page.evaluate(LOOPING_ANIMATIONS)
        assert sorted(a["name"] for a in looping) == ["beat", "breathe"], looping
        assert all(set(a["properties"]) <= {"opacity", "transform"} for a in looping), looping

        answer = server.command("confirm", project_id=first).json()
        page.wait_for_function("s => window.__kiosk?.live.version === s", arg=answer["seq"])
        assert page.text_content("#total-value") == "52"
        assert page.text_content("#total-count") == "已签约 1 / 2 个项目"
        assert "已签约" in page.inner_text("#now")
        roll = page.inner_text("#roll")
        assert "测试项目一" in roll and "52亿元" in roll and "签约" in roll
        assert "30亿元" not in text_of(page)
        assert page.is_hidden("#conn")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.live
def test_connected_but_not_yet_sent_its_figures_the_page_says_it_is_connecting(server, chromium):
    """The link is up a message before the projection arrives: the page must not look current in between.
    (A parallel run once read the page's version in that window; here the first projection is held.)"""
    held: list = []
    routes: list = []

    def route(ws):
        routes.append(ws)
        upstream = ws.connect_to_server()

        def from_server(message):
            # Socket.IO's event frames on /live start "42/live,"; the rest (handshake, pings, connect) passes.
            if isinstance(message, str) and message.startswith("42/live,") and not held:
                held.append(message)
            else:
                ws.send(message)

        upstream.on_message(from_server)

    page = chromium.new_page(viewport=PHONE, is_mobile=True)
    try:
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
        page.goto(server.url + "/live")
        page.wait_for_function("() => window.__kiosk?.live && window.__kiosk?.live.status === 'live'")
        # Playwright runs the route's handlers while the test waits in it: poll through the page.
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the server's first projection never came"
        assert page.evaluate("() => window.__kiosk?.live.version") is None
        assert "is-connecting" in page.get_attribute("body", "class")
        assert page.is_visible("#conn") and "连接中" in page.text_content("#conn")

        routes[-1].send(held[0])
        page.wait_for_function(DRAWN_LIVE)
        assert page.is_hidden("#conn")
        assert "is-live" in page.get_attribute("body", "class")
        assert page.text_content("#total-value") == "0"
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.live
def test_the_page_says_it_is_not_current_while_the_server_is_away(server, chromium):
    page = open_live(chromium, server, is_mobile=True)
    try:
        server.kill()
        page.wait_for_function("() => window.__kiosk?.live.status !== 'live'", timeout=10_000)
        assert page.is_visible("#conn")
        assert "连接中断" in page.text_content("#conn")
        assert "is-stale" in page.get_attribute("body", "class")
        # the figures stay, greyed: the last known ones, not a blank page
        assert page.text_content("#total-value") == "0"

        server.start()
        first = server.made_ids[0]
        server.command("announce", project_id=first)
        answer = server.command("confirm", project_id=first).json()
        page.wait_for_function("s => window.__kiosk?.live.version === s", arg=answer["seq"], timeout=15_000)
        page.wait_for_function("() => window.__kiosk?.live.status === 'live'")
        assert page.is_hidden("#conn")
        assert "is-stale" not in page.get_attribute("body", "class")
        assert page.text_content("#total-value") == "52"
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.live
def test_a_phone_that_missed_changes_catches_up_on_reconnect(server, chromium):
    """The venue's network drops for a while: changes made meanwhile are on the page as soon as it is back."""
    page = open_live(chromium, server)
    try:
        page.context.set_offline(True)
        page.wait_for_function("() => window.__kiosk?.live.status !== 'live'", timeout=30_000)
        first, second = server.made_ids
        for pid in (first, second):
            server.command("announce", project_id=pid)
            answer = server.command("confirm", project_id=pid).json()
        page.context.set_offline(False)
        page.wait_for_function("s => window.__kiosk?.live.version === s", arg=answer["seq"], timeout=20_000)
        assert page.text_content("#total-value") == "82"
        assert page.locator("#roll li").count() == 2
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.live
def test_the_first_load_is_light(server, chromium):
    page = open_live(chromium, server)
    try:
        entries = page.evaluate(
            """() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
                .map((e) => ({name: e.name, wire: e.transferSize, body: e.encodedBodySize}))"""
        )
        files = [e for e in entries if not e["name"].split("?")[0].rstrip("/").endswith("/socket.io")]
        wire = sum(e["wire"] for e in files)
        assert len(files) >= 4  # the page, its style, Socket.IO's client, the page script and its modules
        assert all(e["wire"] > 0 for e in files), files
        assert wire <= BUDGET, (wire, files)
    finally:
        page.close()


@pytest.mark.live
def test_viewers_join_their_own_namespace_and_hear_each_change_once(server):
    """A Socket.IO client as a phone would be: the projection on connect, then one ``live`` per change a
    viewer sees, and nothing for a change it does not (a note to the MC)."""
    import socketio

    heard = []
    client = socketio.Client(reconnection=False)
    client.on("live", lambda data: heard.append(data), namespace="/live")
    client.connect(server.url, namespaces=["/live"], transports=["websocket"])
    try:
        wait_until(lambda: len(heard) == 1, message="no projection on connect")
        assert heard[0]["version"] == server.state()["seq"]
        first = server.made_ids[0]
        seq = server.command("announce", project_id=first).json()["seq"]
        wait_until(lambda: len(heard) == 2)
        assert heard[1]["version"] == seq
        server.command("note", text="请放慢")
        seq = server.command("confirm", project_id=first).json()["seq"]
        wait_until(lambda: len(heard) == 3)
        assert heard[2]["version"] == seq and heard[2]["signed"] == 1
        head = client.call("check", namespace="/live", timeout=5)
        assert head == {"version": seq, "log_id": heard[2]["log_id"]}
        assert requests.get(server.url + "/live/state.json", timeout=5).json() == heard[2]
    finally:
        client.disconnect()
