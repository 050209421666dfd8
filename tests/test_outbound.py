"""Outbound cues against a real server process: a local HTTP receiver and a local OSC (UDP) desk hear
every fired cue and signing in order, a dead desk never slows a command, and a flaky one gets retries.

How fast a command comes back with a dead desk beside a live one is bench/outbound.py's to measure
(docs/BENCHMARK.md, finding 12); here a command that waited on a dead target would take that target's
timeout (``TIMEOUT_S``), and that is the bound."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from harness import free_port, projects, run_kiosk, wait_until
from netproxy import BlackHole
from pythonosc.osc_packet import OscPacket

from kiosk.outbound.webhook import BACKOFF_S, TIMEOUT_S

pytestmark = pytest.mark.live

SECRET = "desk-secret"


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
    # Cleared before the jump: firing a cue takes the MC's line down itself (and then there is none to clear).
    do(None, "note", text="")
    do("cue.jump", "jump", cue_id="auto-closing")
    do("cue.back", "back")
    do("panic", "panic")
    do("unpanic", "unpanic")
    # Standby and note are not the desk's business: nothing may come for them. One worker per target sends
    # in order, so once this later change has reached the receiver and the desk, anything sent for the
    # commands before it has too.
    marker = ok(server.command("show", screen="title"))["seq"]

    def seqs_heard() -> list[int]:
        return [json.loads(h["body"])["seq"] for h in receiver.at("/ok")]

    wait_until(lambda: marker in seqs_heard(), message=f"webhook got {len(receiver.got)}")
    hits = receiver.at("/ok")
    docs = [json.loads(h["body"]) for h in hits]
    assert [d["event"] for d in docs] == [event for event, _ in sent] + ["show"]
    hits, docs = hits[:-1], docs[:-1]
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
    wait_until(lambda: ("/kiosk/show", ["title"]) in desk.got, message=f"osc got {desk.got}")
    assert desk.got == [*expected_osc, ("/kiosk/show", ["title"])]  # the marker last, nothing between


def _round_trips(server, n: int) -> tuple[list[float], list[float]]:
    """``n`` commands one after the other: each one's round trip, and when its answer came (monotonic)."""
    times, answered = [], []
    for i in range(n):
        started = time.monotonic()
        ok(server.command("show", screen=("roll", "title")[i % 2]))
        answered.append(time.monotonic())
        times.append(answered[-1] - started)
    return times, answered


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"p50 {ordered[len(ordered) // 2] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


@pytest.mark.serial  # it compares round trips with the webhook's timeout
def test_a_dead_desk_never_delays_a_command_nor_the_other_desks(live_server_with, receiver, desk, capsys):
    """110 commands with only a live receiver, then with a black hole (accepts, never answers) and a
    refused port beside it: no round trip and no message to the live receiver waits out the black hole's
    timeout, the dead targets' queues drop their oldest rather than grow, and the shutdown does not wait
    them out either."""
    hole = BlackHole()
    refused = f"http://127.0.0.1:{free_port()}/hook"  # bound once, closed: nothing listens
    n = 110
    try:
        plain = live_server_with(projects("10", "20"), env={"KIOSK_WEBHOOKS": receiver.base + "/ok"})
        without, _ = _round_trips(plain, n)
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
        with_dead, answered = _round_trips(dead, n)
        wait_until(lambda: len(receiver.at("/live")) == n, message="the live receiver fell behind")
        assert len(desk.got) == n and all(a.startswith("/hall1/show") for a, _ in desk.got)
        assert hole.held, "the black hole was never tried"
        with capsys.disabled():
            print(f"\n  {n} commands, one live webhook: {_summary(without)}")
            print(f"  {n} commands, plus a black hole and a refused port: {_summary(with_dead)}")
        # The black hole never answers: a command, or a message to the live receiver listed after it, that
        # waited for it would come at least its TIMEOUT_S late. Anything less is the machine's load.
        assert max(without) < TIMEOUT_S and max(with_dead) < TIMEOUT_S, (
            _summary(without),
            _summary(with_dead),
        )
        late = [hit["t"] - at for hit, at in zip(receiver.at("/live"), answered, strict=True)]
        assert max(late) < TIMEOUT_S, (
            f"a message reached the live receiver {max(late):.2f} s after its command"
        )
        log = wait_until(lambda: (t := dead.log.read_text()) and "queue full" in t and t, timeout=5)
        assert (
            "webhook 1 (http://127.0.0.1:" in log and "/hook" not in log
        )  # a URL's path never reaches the log
        dead.stop()
        # The shutdown gives what is queued a 2 s grace (STOP_GRACE_S), then goes, saying what it left: the
        # black hole's queue (up to 100 messages, each three attempts of TIMEOUT_S) is not waited out, or the
        # harness would have had to kill the process after its own 10 s.
        assert dead.proc.returncode == 0, dead.log.read_text()[-2000:]
        assert "messages unsent" in dead.log.read_text()
    finally:
        hole.close()


@pytest.mark.serial  # it measures the waits between attempts
def test_a_flaky_target_gets_the_same_delivery_three_times_and_a_refusing_one_once(
    live_server_with, receiver
):
    server = live_server_with(
        projects("10"), env={"KIOSK_WEBHOOKS": f"{receiver.base}/flaky {receiver.base}/reject"}
    )
    seq = ok(server.command("show", screen="roll"))["seq"]
    # The command did not wait for the retries: the third attempt comes BACKOFF_S (2.5 s) after the first.
    assert len(receiver.at("/flaky")) < 3
    wait_until(lambda: len(receiver.at("/flaky")) == 3, timeout=8, message="three attempts")
    tries = receiver.at("/flaky")
    delivery = json.loads(tries[0]["body"])["id"]
    assert {h["headers"]["X-Kiosk-Delivery"] for h in tries} == {delivery}
    assert [h["headers"]["X-Kiosk-Attempt"] for h in tries] == ["1", "2", "3"]
    assert len({h["body"] for h in tries}) == 1
    # The short wait first, then the long one. The upper bounds only catch a wrong schedule (a wait at
    # least doubled), not a slow machine.
    first_gap, second_gap = tries[1]["t"] - tries[0]["t"], tries[2]["t"] - tries[1]["t"]
    short, long = BACKOFF_S
    assert short - 0.1 < first_gap < long and long - 0.2 < second_gap < 2 * long, (first_gap, second_gap)

    # No fourth attempt, and no second one to the refusing target: each target's worker sends in order, so
    # once a later command's message has reached it, every attempt of the first has too.
    later = ok(server.command("show", screen="title"))["seq"]
    for path in ("/flaky", "/reject"):
        wait_until(
            lambda path=path: any(json.loads(h["body"])["seq"] == later for h in receiver.at(path)),
            message=f"the later message did not reach {path}",
        )
    assert [h["headers"]["X-Kiosk-Delivery"] for h in receiver.at("/flaky")].count(delivery) == 3
    # A 400 is the receiver's answer, not a hiccup: asking again would only get it again.
    assert [json.loads(h["body"])["seq"] for h in receiver.at("/reject")] == [seq, later]
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
    done = run_kiosk(
        tmp_path / "data", "serve", "--host", "127.0.0.1", "--port", str(free_port()), env={variable: value}
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("kiosk: " + said)
