"""The Socket.IO transport against broken and hostile clients, at the protocol level, on a live server.

Each fault of python-engineio / python-socketio that kiosk/web/transport.py guards against is sent here the
way a script on the venue Wi-Fi would send it (docs/UPSTREAM.md has the library-only reproductions). Against
the server before the guard, each of these tests failed: the oversized POST was never answered, the
garbage frame got "HTTP/1.1 500" inside the websocket, 200 malformed packets wrote 4,400 log lines, the
first ``state`` came before the connect acknowledgement, and the unknown namespace got a bare string.
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import websocket
from harness import PIN, LiveServer, Recorder, prepare_data, projects, wait_until
from protocol import (
    Process,
    address,
    churn_once,
    http,
    open_websocket,
    polling_session,
    post_unanswered,
    read_response,
    read_until_closed,
    socketio_connect,
)

from kiosk.app import DEFAULTS
from kiosk.serve import WATCH_INTERVAL_S

pytestmark = pytest.mark.live

POLL = "/socket.io/?EIO=4&transport=polling"
LIMIT = 64 * 1024


def start(tmp_path_factory, name: str, env: dict | None = None) -> LiveServer:
    folder = tmp_path_factory.mktemp(name) / "data"
    prepare_data(folder, projects("52", "30", "5"))
    return LiveServer(folder, env=env).start()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start(tmp_path_factory, "transport", {"KIOSK_NEW_SESSIONS_PER_MINUTE": "100000"})
    yield live
    live.stop()


def pid_of(server: LiveServer) -> Process:
    return Process(server.proc.pid)


def log_size(server: LiveServer) -> int:
    return server.log.stat().st_size


def health(server: LiveServer) -> dict:
    return requests.get(server.url + "/healthz", timeout=5).json()


def screens(h: dict) -> int:
    """Every page that said it is a big screen, paired or waiting for pairing."""
    return h["displays"] + h["waiting"]


def post(server: LiveServer, sid: str, body: bytes, headers: dict | None = None, timeout: float = 5):
    host, port = address(server.url)
    return http(host, port, "POST", f"{POLL}&sid={sid}", body, headers, timeout=timeout)


def session_alive(server: LiveServer, sid: str) -> bool:
    # A pending GET would wait for packets; a closed session is refused at once with 400.
    host, port = address(server.url)
    status, _ = http(host, port, "GET", f"{POLL}&sid={sid}", timeout=1.5)
    return status != 400


def operator_cookie(server: LiveServer) -> str:
    session = requests.Session()
    assert session.post(server.url + "/api/v1/session", json={"pin": PIN}, timeout=5).status_code == 200
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def event(name: str, *args, ack: int | None = None) -> str:
    return "42" + ("" if ack is None else str(ack)) + json.dumps([name, *args])


# -- 1. an oversized long-polling POST --------------------------------------------------------------------


def test_an_oversized_polling_post_gets_413_at_once_and_ends_its_session(server):
    sid = polling_session(server.url)
    fits = event("check", "x" * (60_000 - 20))
    status, _ = post(server, sid, fits.encode())
    assert status == 200 and session_alive(server, sid)

    # Answered at all is the point (the library never answered it: docs/UPSTREAM.md, fault 1); how fast is
    # not this test's to measure. ``post`` gives None for no answer within its timeout.
    sid = polling_session(server.url)
    status, _ = post(server, sid, b"4" + b"x" * (LIMIT + 10))
    assert status == 413
    assert not session_alive(server, sid)

    sid = polling_session(server.url)  # no Content-Length: counted while it is read
    chunks = b"".join(b"%x\r\n%s\r\n" % (8192, b"x" * 8192) for _ in range(9)) + b"0\r\n\r\n"
    status, _ = post(server, sid, chunks, {"Transfer-Encoding": "chunked"})
    assert status == 413 and not session_alive(server, sid)


@pytest.mark.serial  # it counts the process's descriptors
def test_oversized_posts_leave_no_file_descriptor_behind(server):
    proc = pid_of(server)
    baseline = proc.fds()
    host, port = address(server.url)
    held = [post_unanswered(host, port, polling_session(server.url), LIMIT + 1) for _ in range(200)]
    answers = []
    for sock in held:
        status, _ = read_response(sock)
        answers.append(status)
        sock.close()
    assert answers == [413] * 200
    assert proc.settle_fds(baseline) <= baseline + 2


# -- 2. garbage on a websocket ----------------------------------------------------------------------------


@pytest.mark.parametrize("garbage", ["abc", "", "\x00\x00\x00", "0", "2", "6"], ids=repr)
def test_garbage_on_a_websocket_gets_a_close_frame_and_drops_the_screen(server, garbage):
    ws = open_websocket(server.url)
    socketio_connect(ws, {"role": "display", "name": "垃圾帧"})
    wait_until(lambda: screens(health(server)) == 1, 5, "the screen was not listed")
    before = log_size(server)
    ws.send(garbage)
    code, texts = read_until_closed(ws)
    assert code == 1007
    assert not any("HTTP/" in t for t in texts)
    # Dropped at once, not after the ping timeout: the console stops listing it.
    wait_until(lambda: screens(health(server)) == 0, 2, "the screen stayed listed")
    assert server.log.read_bytes()[before:].count(b"\n") <= 3


def test_bytes_sent_before_the_upgrade_answer_are_not_read_as_http(server):
    """A client that pipelines frames behind its upgrade request (against RFC 6455) costs no log flood."""
    from protocol import UPGRADE, client_frame

    before, sessions = log_size(server), health(server)["sessions"]
    host, port = address(server.url)
    for _ in range(20):
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.sendall(UPGRADE.format(host=host).encode() + client_frame(b"40") + client_frame(b"4abc"))
            sock.recv(4096)
    wait_until(lambda: health(server)["sessions"] <= sessions, 5, "pipelined sessions stayed open")
    assert b"Invalid HTTP method" not in server.log.read_bytes()[before:]


# -- 3. malformed Socket.IO packets ----------------------------------------------------------------------


def test_malformed_packets_are_dropped_logged_once_and_a_flood_is_cut_off(server):
    ws = open_websocket(server.url)
    socketio_connect(ws)
    before = log_size(server)
    for bad in ("42{}", "4abc", "43[]", '42[1,"x"]'):
        ws.send(bad)
    ws.send(event("check", ack=7))
    while not (answer := ws.recv()).startswith("437"):
        pass
    assert json.loads(answer[3:])[0]["seq"] >= 1  # still served after a few bad packets

    for _ in range(5000):
        try:
            ws.send("42{}")
        except (BrokenPipeError, ConnectionResetError, websocket.WebSocketConnectionClosedException):
            break
    code, _ = read_until_closed(ws)
    assert code == 1008
    grown = server.log.read_bytes()[before:]
    assert grown.count(b"\n") <= 3 and b"Traceback" not in grown


def test_malformed_polling_packets_are_dropped_and_garbage_ends_the_session(server):
    sid = polling_session(server.url)
    status, _ = post(server, sid, b"40\x1e42{}\x1e" + event("check").encode())
    assert status == 200 and session_alive(server, sid)
    for body in (b"zzz", b"2", b"6", b"\xff\xfe", "\x1e".join(["3"] * 17).encode()):
        sid = polling_session(server.url)
        status, _ = post(server, sid, body)  # answered at all (fault 1), and the session is gone
        assert status == 400, body
        assert not session_alive(server, sid), body


# -- 4. the first state after the connect acknowledgement -----------------------------------------------


def test_the_first_state_follows_the_connect_acknowledgement_for_every_client(server):
    for auth in (None, {"role": "display", "name": "主屏"}):
        ws = open_websocket(server.url)
        got = socketio_connect(ws, auth)
        assert got[0].startswith('40{"sid"') and got[-1].startswith('42["state"'), got[:2]
        ws.close()

    ws = websocket.create_connection(
        server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        header=[f"Cookie: {operator_cookie(server)}"],
        timeout=5,
    )
    ws.recv()
    got = socketio_connect(ws, {"role": "console"})
    assert got[0].startswith('40{"sid"') and '"console"' in got[-1]
    ws.close()

    refused = open_websocket(server.url)
    refused.send('40{"role":"console"}')
    answer = refused.recv()
    assert answer.startswith("44") and json.loads(answer[2:])["message"]
    # No state for the refused one: a first state is sent in the task that answers the connect, so one for
    # it would come before anything answered to a later connect on the same socket (a plain viewer's).
    got = socketio_connect(refused)
    assert got[0].startswith('40{"sid"') and sum('"state"' in p for p in got) == 1, got
    refused.close()


# -- 6. smaller --------------------------------------------------------------------------------------------


def test_an_unknown_namespace_is_refused_with_an_object(server):
    ws = open_websocket(server.url)
    ws.send("40/admin,")
    assert json.loads(ws.recv().removeprefix("44/admin,")) == {"message": "Unknown namespace"}
    ws.send("40")  # the main namespace still works on the same connection
    assert ws.recv().startswith('40{"sid"')
    ws.close()


@pytest.mark.serial  # it times the session's end
def test_a_silent_polling_session_ends_at_its_ping_timeout(tmp_path_factory):
    interval = timeout = 1
    env = {"KIOSK_PING_INTERVAL": str(interval), "KIOSK_PING_TIMEOUT": str(timeout)}
    live = start(tmp_path_factory, "ping", env)
    try:
        sid = polling_session(live.url)
        assert post(live, sid, b'40{"role":"display","name":"Wi-Fi dead"}')[0] == 200
        wait_until(lambda: screens(health(live)) == 1, 3)
        silent_since = time.monotonic()
        # no GET ever again: the wall's Wi-Fi died mid-poll
        gone = interval + timeout + WATCH_INTERVAL_S  # its ping timeout, seen at the watcher's next round
        # The bound is a few of the watcher's rounds past that, for a loaded machine; a session kept past its
        # own settings (the default ping, 10 + 8 s) or never ended is what fails it.
        bound = gone + 3 * WATCH_INTERVAL_S
        assert bound < DEFAULTS["PING_INTERVAL"]
        wait_until(lambda: screens(health(live)) == 0, 2 * bound, "the silent screen stayed listed")
        assert time.monotonic() - silent_since <= bound
    finally:
        live.stop()


# -- per-address limits -------------------------------------------------------------------------------


def test_one_address_cannot_open_thousands(tmp_path_factory):
    env = {
        "KIOSK_SESSIONS_PER_ADDRESS": "5",
        "KIOSK_NEW_SESSIONS_PER_MINUTE": "8",
        "KIOSK_CONNECTIONS_PER_ADDRESS": "20",
    }
    live = start(tmp_path_factory, "limits", env)
    host, port = address(live.url)
    try:
        sids = [polling_session(live.url) for _ in range(5)]
        status, body = http(host, port, "GET", POLL)
        assert status == 429 and b"open sessions" in body
        assert http(host, port, "GET", POLL, source="127.0.0.2")[0] == 200  # another guest is not held back
        for sid in sids:
            assert post(live, sid, b"1")[0] == 200  # Engine.IO close
        wait_until(lambda: health(live)["sessions"] == 1, 3)
        assert [http(host, port, "GET", POLL)[0] for _ in range(3)] == [200, 200, 200]  # 8 new in a minute
        assert http(host, port, "GET", POLL)[0] == 429

        held = [socket.create_connection((host, port), timeout=3) for _ in range(20)]
        # Refused once the server has taken the 20 in (the kernel accepted them before it did).
        wait_until(lambda: http(host, port, "GET", "/healthz")[0] == 503, 5, "the 21st was not refused")
        assert http(host, port, "GET", "/healthz", source="127.0.0.2")[0] == 200
        for sock in held:
            sock.close()
        wait_until(lambda: http(host, port, "GET", "/healthz")[0] == 200, 3)
    finally:
        live.stop()


def test_three_hundred_guests_behind_one_address_get_in(server):
    """A venue's Wi-Fi NATs every phone to one address: defaults must carry them all."""
    host, port = address(server.url)
    token = {"Authorization": f"Bearer {server.api_token}"}
    pid = server.ids()[0]
    card = requests.get(f"{server.url}/api/v1/projects/{pid}/card", headers=token, timeout=5).json()
    path = card["url"].removeprefix(server.url)

    def guest(_):
        page = http(host, port, "GET", path)[0]
        session = http(host, port, "GET", POLL)[0]
        return page, session

    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(guest, range(300)))
    assert results == [(200, 200)] * 300


# -- all of it at once ------------------------------------------------------------------------------------


@pytest.mark.serial  # it measures the process's memory and descriptors
def test_hostile_bursts_leave_the_walls_served_and_the_server_as_it_was(tmp_path_factory, record_property):
    """1000 oversized POSTs, 5000 malformed packets, 500 garbage frames and 20,000 churned connections."""
    live = start(tmp_path_factory, "soak", {"KIOSK_NEW_SESSIONS_PER_MINUTE": "10000000"})
    host, port = address(live.url)
    proc = pid_of(live)
    try:
        with ThreadPoolExecutor(4) as pool:  # warm up: caches, greenlet pools, allocator arenas
            list(pool.map(lambda _: churn_once(host, port), range(2000)))
        wall = Recorder(live, {"role": "display", "name": "主屏"})
        console = Recorder(live, {"role": "console"}, {"Cookie": operator_cookie(live)})
        wait_until(lambda: wall.seqs and console.seqs, 5)
        # The baseline once the warm-up's sessions are gone (closed, or reaped by the once-a-second watcher).
        wait_until(lambda: health(live)["sessions"] == 2, 10, "the warm-up's sessions stayed")
        fds, rss, log_before = proc.fds(), proc.rss_mb(), log_size(live)

        timings: list[float] = []
        failures: list[str] = []
        done = threading.Event()
        made: list[int] = []

        def sample():
            with requests.Session() as s:
                while not done.is_set():
                    t = time.perf_counter()
                    try:
                        s.get(live.url + "/api/v1/state", timeout=5).raise_for_status()
                    except requests.RequestException as err:
                        failures.append(repr(err))
                    timings.append(time.perf_counter() - t)
                    time.sleep(0.02)

        def operate():
            first = live.ids()[0]
            while not done.is_set():
                for action in ("confirm", "undo"):
                    fields = {"project_id": first} if action == "confirm" else {}
                    answer = live.command(action, **fields)
                    if answer.ok:
                        made.append(answer.json()["state"]["seq"])
                    time.sleep(0.5)

        background = [threading.Thread(target=sample), threading.Thread(target=operate)]
        for t in background:
            t.start()

        def oversized(_):
            return post(live, polling_session(live.url), b"4" + b"x" * (LIMIT + 1), timeout=5)[0]

        def garbage(_):
            ws = open_websocket(live.url)
            ws.send("\x00garbage")
            return read_until_closed(ws)[0]

        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(oversized, range(1000))) == {413}
            flood = open_websocket(live.url)
            socketio_connect(flood)
            for _ in range(5000):
                try:
                    flood.send("42{}")
                except (BrokenPipeError, ConnectionResetError, websocket.WebSocketConnectionClosedException):
                    break
            assert read_until_closed(flood)[0] == 1008
            assert set(pool.map(garbage, range(500))) == {1007}
            list(
                pool.map(
                    lambda i: churn_once(
                        host, port, {"role": "display", "name": "churn"} if i % 10 == 0 else None
                    ),
                    range(20_000),
                )
            )
        done.set()
        for t in background:
            t.join(10)
        # Every hostile session ended (closed, or reaped by the once-a-second watcher): only the wall's and the
        # console's are left.
        wait_until(lambda: health(live)["sessions"] == 2, 10, "the bursts' sessions stayed")

        settled_fds = proc.settle_fds(fds, within=5)
        rss_after = proc.rss_mb()
        grown = log_size(live) - log_before
        p99 = statistics.quantiles(timings, n=100)[98] * 1000
        record_property("state_p50_ms", round(statistics.median(timings) * 1000, 2))
        record_property("state_p99_ms", round(p99, 2))
        record_property("rss_mb", f"{rss:.1f} -> {rss_after:.1f}")
        record_property("log_bytes", grown)
        print(
            f"state p50 {statistics.median(timings) * 1000:.1f} ms p99 {p99:.1f} ms over {len(timings)}; "
            f"fds {fds} -> {settled_fds}; rss {rss:.1f} -> {rss_after:.1f} MB; log +{grown} B"
        )

        # Always answered, within each request's 5 s timeout; its speed under the bursts is recorded above.
        assert not failures, failures[:3]
        assert settled_fds <= fds + 2
        assert grown < 1_000_000
        assert rss_after <= rss * 1.10
        wait_until(lambda: made and wall.seqs[-1] == console.seqs[-1] == made[-1], 5)
        assert set(made) <= set(wall.seqs) and set(made) <= set(console.seqs)  # no state missed
        assert wall.client.connected and console.client.connected
        wall.client.disconnect()
        console.client.disconnect()
    finally:
        live.stop()
