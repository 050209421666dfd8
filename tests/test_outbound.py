"""Outbound cues against a real server process: a local HTTP receiver and a local OSC (UDP) desk hear
every fired cue and signing in order, a dead desk never slows a command, and a flaky one gets retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from harness import ROOT, free_port, projects, wait_until
from pythonosc.osc_packet import OscPacket

pytestmark = pytest.mark.live

SECRET = "desk-secret"
# The command's round trip on loopback: far under the webhook's 2 s timeout, whatever a target does.
MAX_COMMAND_S = 0.3


class HookReceiver:
    """A webhook receiver on loopback. ``/ok`` answers 200; ``/flaky`` 500 to a delivery's first two
    attempts, then 200; ``/reject`` 400."""

    def __init__(self):
        self.got: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hit = {"path": self.path, "headers": dict(self.headers), "body": body, "t": time.monotonic()}
                with receiver.lock:
                    receiver.got.append(hit)
                    seen = sum(
                        1
                        for h in receiver.got
                        if h["headers"]["X-Kiosk-Delivery"] == hit["headers"]["X-Kiosk-Delivery"]
                        and h["path"] == self.path
                    )
                status = {"/reject": 400, "/flaky": 500 if seen < 3 else 200}.get(self.path, 200)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def at(self, path: str) -> list[dict]:
        with self.lock:
            return [h for h in self.got if h["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class BlackHole:
    """A TCP port that accepts every connection and never answers a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.held: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class OscDesk:
    """A UDP port decoding every OSC packet it gets, as a sound desk would."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.target = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.got: list[tuple[str, list]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            for timed in OscPacket(data).messages:
                self.got.append((timed.message.address, list(timed.message.params)))

    def close(self):
        self.sock.close()


@pytest.fixture
def receiver():
    r = HookReceiver()
    yield r
    r.close()


@pytest.fixture
def desk():
    d = OscDesk()
    yield d
    d.close()


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_every_cue_and_signing_reaches_the_webhook_and_the_osc_desk_in_order(
    live_server_with, receiver, desk
):
    server = live_server_with(
        projects("52", "30", "5", "12"),
        env={
            "KIOSK_WEBHOOKS": receiver.base + "/ok",
            "KIOSK_OSC": desk.target,
            "KIOSK_WEBHOOK_SECRET": SECRET,
        },
    )
    p1, p2, p3, _p4 = server.made_ids
    sent: list[tuple[str, dict]] = []  # (event, the command's answer) for what the desk must hear

    def do(event: str | None, action: str, **fields) -> dict:
        answer = ok(server.command(action, **fields))
        if event:
            sent.append((event, answer))
        return answer

    do("cue.go", "go")  # the opening
    do(None, "standby", cue_id="auto-p1")
    do("cue.go", "go")  # the first round: p1 on the spotlight
    do("sign", "confirm", project_id=p1)
    do(None, "note", text="请嘉宾就座")
    do("announce", "announce", project_id=p2)
    do("sign", "confirm", project_ids=[p3, p2])  # a round of two, named out of order
    round_seq = sent[-1][1]["seq"]
    do("undo", "undo")
    do("show", "show", screen="roll")
    do("cue.jump", "jump", cue_id="auto-closing")
    do("cue.back", "back")
    do("panic", "panic")
    do("unpanic", "unpanic")
    do(None, "note", text="")

    wait_until(lambda: len(receiver.at("/ok")) >= len(sent), message=f"webhook got {len(receiver.got)}")
    time.sleep(0.3)  # nothing more may come: standby and note are not the desk's business
    hits = receiver.at("/ok")
    docs = [json.loads(h["body"]) for h in hits]
    assert [d["event"] for d in docs] == [event for event, _ in sent]
    state = server.state(operator=True)
    for hit, doc, (_event, answer) in zip(hits, docs, sent, strict=True):
        view = answer["state"]
        assert doc["v"] == 1 and doc["seq"] == answer["seq"]
        assert doc["run"] == {"id": state["log_id"], "mode": state["mode"]}
        assert doc["total_wan"] == view["total_wan"] and type(doc["total_wan"]) is int
        assert doc["total_text"] == view["total"]["text"]
        assert doc["signed_count"] == view["signed_count"] and doc["project_count"] == 4
        assert doc["screen"] == view["screen"] and doc["panic"] == view["wall"]["panic"]
        assert all(type(p["amount_wan"]) is int for p in doc["projects"])
        headers = hit["headers"]
        assert headers["X-Kiosk-Event"] == doc["event"]
        assert headers["X-Kiosk-Delivery"] == doc["id"]
        assert headers["X-Kiosk-Attempt"] == "1"
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        expected = "sha256=" + hmac.new(SECRET.encode(), hit["body"], hashlib.sha256).hexdigest()
        assert headers["X-Kiosk-Signature"] == expected
    assert len({d["id"] for d in docs}) == len(docs)

    opening, first, signed, announced, round_, undone, shown, jumped, back, panic, unpanic = docs
    assert opening["cue"] | {"id": None} == {
        "id": None,
        "order": 1,
        "kind": "opening",
        "title": "开场",
        "person": "",
        "role": "",
    }
    assert opening["projects"] == [] and opening["screen"] == "title"
    assert first["cue"]["id"] == "auto-p1" and first["cue"]["title"] == "测试项目一"
    assert first["screen"] == "spotlight"
    assert first["projects"] == [
        {
            "id": p1,
            "order": 1,
            "name": "测试项目一",
            "investor": "测试企业一有限公司",
            "amount_wan": 520_000,
            "signed": False,
        }
    ]
    assert signed["projects"][0]["signed"] is True
    assert (signed["round_wan"], signed["total_wan"], signed["signed_count"]) == (520_000, 520_000, 1)
    assert announced["cue"]["id"] == "auto-p2" and [p["id"] for p in announced["projects"]] == [p2]
    assert [p["order"] for p in round_["projects"]] == [2, 3]
    assert (round_["round_wan"], round_["total_wan"], round_["signed_count"]) == (350_000, 870_000, 3)
    assert undone["undoes"] == round_seq and [p["order"] for p in undone["projects"]] == [2, 3]
    assert (undone["round_wan"], undone["total_wan"], undone["signed_count"]) == (350_000, 520_000, 1)
    assert not any(p["signed"] for p in undone["projects"])
    assert shown["screen"] == "roll" and shown["projects"] == []
    assert jumped["cue"]["kind"] == "closing" and jumped["screen"] == "finale"
    assert back["cue"]["id"] == "auto-p4" and back["screen"] == "spotlight"
    assert panic["panic"] is True and unpanic["panic"] is False

    expected_osc = [
        ("/kiosk/cue/go", [1, "opening", "开场"]),
        ("/kiosk/cue/opening", [1, "opening", "开场"]),
        ("/kiosk/cue/go", [2, "signing", "测试项目一"]),
        ("/kiosk/cue/signing", [2, "signing", "测试项目一"]),
        ("/kiosk/sign", [1, 520_000, 520_000, 1, 1]),
        ("/kiosk/total", [520_000, 1]),
        ("/kiosk/announce", [1, 2]),
        ("/kiosk/sign", [2, 350_000, 870_000, 3, 2, 3]),
        ("/kiosk/total", [870_000, 3]),
        ("/kiosk/undo", [2, 350_000, 520_000, 1, 2, 3]),
        ("/kiosk/total", [520_000, 1]),
        ("/kiosk/show", ["roll"]),
        ("/kiosk/cue/jump", [6, "closing", "结束"]),
        ("/kiosk/cue/closing", [6, "closing", "结束"]),
        ("/kiosk/cue/back", [5, "signing", "测试项目四"]),
        ("/kiosk/cue/signing", [5, "signing", "测试项目四"]),
        ("/kiosk/panic", []),
        ("/kiosk/unpanic", []),
    ]
    wait_until(lambda: len(desk.got) >= len(expected_osc), message=f"osc got {desk.got}")
    time.sleep(0.2)
    assert desk.got == expected_osc


def _round_trips(server, n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        ok(server.command("show", screen=("roll", "title")[i % 2]))
        times.append(time.perf_counter() - started)
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"p50 {ordered[len(ordered) // 2] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def test_a_dead_desk_never_delays_a_command_nor_the_other_desks(live_server_with, receiver, desk, capsys):
    """110 commands with only a live receiver, then with a black hole (accepts, never answers) and a
    refused port beside it: every round trip stays far under the 2 s timeout, the live receiver hears
    every message at once, and the dead targets' queues drop their oldest rather than grow."""
    hole = BlackHole()
    refused = f"http://127.0.0.1:{free_port()}/hook"  # bound once, closed: nothing listens
    n = 110
    try:
        plain = live_server_with(projects("10", "20"), env={"KIOSK_WEBHOOKS": receiver.base + "/ok"})
        without = _round_trips(plain, n)
        wait_until(lambda: len(receiver.at("/ok")) == n, message="the plain server's messages")
        plain.stop()

        dead = live_server_with(
            projects("10", "20"),
            env={
                # The dead ones first: a live target listed after them must not wait for them.
                "KIOSK_WEBHOOKS": f"{hole.url} {refused},{receiver.base}/live",
                "KIOSK_OSC": f"{desk.target} 127.0.0.1:{free_port()}",
                "KIOSK_OSC_PREFIX": "/hall1/",
            },
        )
        with_dead = _round_trips(dead, n)
        done = time.monotonic()
        wait_until(lambda: len(receiver.at("/live")) == n, timeout=5, message="the live receiver fell behind")
        assert receiver.at("/live")[-1]["t"] - done < 1.0
        assert len(desk.got) == n and all(a.startswith("/hall1/show") for a, _ in desk.got)
        assert hole.held, "the black hole was never tried"
        with capsys.disabled():
            print(f"\n  {n} commands, one live webhook: {_summary(without)}")
            print(f"  {n} commands, plus a black hole and a refused port: {_summary(with_dead)}")
        assert max(without) < MAX_COMMAND_S and max(with_dead) < MAX_COMMAND_S, (
            _summary(without),
            _summary(with_dead),
        )
        log = wait_until(lambda: (t := dead.log.read_text()) and "queue full" in t and t, timeout=5)
        assert (
            "webhook 1 (http://127.0.0.1:" in log and "/hook" not in log
        )  # a URL's path never reaches the log
        started = time.monotonic()
        dead.stop()
        # The shutdown gives what is queued a 2 s grace, then goes: no waiting out a dead desk's queue.
        assert time.monotonic() - started < 6
    finally:
        hole.close()


def test_a_flaky_target_gets_the_same_delivery_three_times_and_a_refusing_one_once(
    live_server_with, receiver
):
    server = live_server_with(
        projects("10"), env={"KIOSK_WEBHOOKS": f"{receiver.base}/flaky {receiver.base}/reject"}
    )
    started = time.perf_counter()
    seq = ok(server.command("show", screen="roll"))["seq"]
    assert time.perf_counter() - started < MAX_COMMAND_S
    wait_until(lambda: len(receiver.at("/flaky")) == 3, timeout=8, message="three attempts")
    tries = receiver.at("/flaky")
    assert {h["headers"]["X-Kiosk-Delivery"] for h in tries} == {json.loads(tries[0]["body"])["id"]}
    assert [h["headers"]["X-Kiosk-Attempt"] for h in tries] == ["1", "2", "3"]
    assert len({h["body"] for h in tries}) == 1
    first_gap, second_gap = tries[1]["t"] - tries[0]["t"], tries[2]["t"] - tries[1]["t"]
    assert 0.4 < first_gap < 1.5 and 1.8 < second_gap < 3.5, (first_gap, second_gap)
    time.sleep(0.5)
    assert len(receiver.at("/flaky")) == 3
    # A 400 is the receiver's answer, not a hiccup: asking again would only get it again.
    assert len(receiver.at("/reject")) == 1
    assert f"show of seq {seq} dropped: refused (HTTP 400)" in server.log.read_text()


def test_targets_are_read_as_an_installer_writes_them():
    from kiosk.outbound.targets import osc_prefix, osc_targets, webhook_urls

    hooks = webhook_urls(" http://desk.local:8000/kiosk?key=s3cret,https://hooks.example.com/x  ")
    assert [(h.scheme, h.host, h.port, h.path) for h in hooks] == [
        ("http", "desk.local", 8000, "/kiosk?key=s3cret"),
        ("https", "hooks.example.com", 443, "/x"),
    ]
    assert [h.label for h in hooks] == ["http://desk.local:8000", "https://hooks.example.com:443"]
    targets = osc_targets("192.168.1.30:53000, [fe80::1]:8000 qlab.local:53000")
    assert [(t.host, t.port) for t in targets] == [
        ("192.168.1.30", 53000),
        ("fe80::1", 8000),
        ("qlab.local", 53000),
    ]
    assert webhook_urls("") == () and osc_targets(None) == ()
    assert (osc_prefix(None), osc_prefix("/venue/hall1/"), osc_prefix("/")) == ("/kiosk", "/venue/hall1", "")
    for bad in ("http://user:pw@desk/", "http://desk:99999/", "desk.local/hook"):
        with pytest.raises(ValueError):
            webhook_urls(bad)
    for bad in ("desk", "desk:", "desk:0", "desk:70000", "fe80::1:8000"):
        with pytest.raises(ValueError):
            osc_targets(bad)
    for bad in ("kiosk", "/a b", "/k*", "//k"):
        with pytest.raises(ValueError):
            osc_prefix(bad)


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("KIOSK_OSC", "desk.local", "KIOSK_OSC: 'desk.local' is not host:port"),
        (
            "KIOSK_WEBHOOKS",
            "ftp://desk/hook",
            "KIOSK_WEBHOOKS: 'ftp://desk/hook' is not an http:// or https://",
        ),
        ("KIOSK_OSC_PREFIX", "kiosk", "KIOSK_OSC_PREFIX: 'kiosk' is not an OSC address prefix"),
    ],
)
def test_a_malformed_target_stops_the_server_with_one_line(tmp_path, variable, value, said):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"), variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("kiosk: " + said)
