"""The several-process stack as an IT department runs it, on this machine: `scripts/stack.sh` starts two
`python -m kiosk serve` processes on one PostgreSQL database and one Redis, behind a private nginx rendered
from deploy/nginx/. Everything here goes through that nginx (and, to tell the processes apart, to each
process directly): broadcasts across processes, one signing when two processes are asked at once, a process
killed mid-ceremony, a Redis restart.

One stack for the module (starting it takes a few seconds); each test signs projects of its own. The Redis
is the module's own, on a free port, because one test restarts it. ``KIOSK_STACK_STORE=sqlite`` runs the
same tests on one shared SQLite file instead of PostgreSQL.

nginx keeps a client on one process by its address. All test clients are on 127.0.0.1, so the stack's nginx
(only there, see scripts/stack.sh) takes the address from X-Forwarded-For and names the process that served
each answer (X-Kiosk-Upstream): a test picks addresses that land on the process it wants.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
import socketio
from harness import (
    OPERATOR_PIN,
    PIN,
    ROOT,
    SIZES,
    VIEWER_PIN,
    LiveServer,
    free_port,
    pair_page,
    projects,
    wait_drawn,
    wait_until,
)
from services import Store, fresh_database, postgres_url

from kiosk.store.redis_shared import BEAT_S, RETRY_CAP_S, STALL_S

pytestmark = pytest.mark.live

API_TOKEN = "stack-test-token-" + "x" * 16
STORE = os.environ.get("KIOSK_STACK_STORE", "postgres")
PROJECTS = 14
# How often a screen asks for the head of the log (static/js/common/live.js checks every 2 s).
CHECK_S = 1.0
# A Redis restart is got over within the listener's own timers (a stall, a retry, a beat) and the screens'
# check: twice that is the bound, which only a real fault exceeds (python-socketio's own backoff, up to 60 s,
# or a screen left stale). How long it takes is bench/recovery.py's to measure.
OVER_REDIS_S = 2 * (STALL_S + RETRY_CAP_S + BEAT_S + CHECK_S)


class RedisServer:
    """A Redis of the module's own, to stop and start again on the same port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        wait_until(lambda: _pings(client), 10, "Redis did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


class Stack:
    """The started stack: nginx's address, each process's, and the operator's calls."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env = folder, env
        self.url = f"http://127.0.0.1:{env['KIOSK_STACK_PORT']}"
        self.ports = [int(p) for p in env["KIOSK_STACK_APP_PORTS"].split()]
        self.apps = [f"http://127.0.0.1:{p}" for p in self.ports]
        self.addresses: dict[int, list[str]] = {}
        self.screens: list[Screen] = []
        self.redis: RedisServer | None = None

    def screen(self, *args, **kwargs) -> Screen:
        """A screen connected now, closed when the module's stack stops."""
        self.screens.append(Screen(*args, **kwargs))
        return self.screens[-1]

    def script(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(ROOT / "scripts" / "stack.sh"), command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def pid(self, port: int) -> int:
        return int((self.folder / f"app-{port}.pid").read_text())

    def address_on(self, port: int, n: int = 1) -> list[str]:
        """``n`` client addresses that nginx sends to the process on ``port``."""
        if not self.addresses:
            for i in range(1, 64):
                address = f"10.20.{i}.7"
                r = requests.get(self.url + "/healthz", headers={"X-Forwarded-For": address}, timeout=5)
                served = int(r.headers["X-Kiosk-Upstream"].rsplit(":", 1)[1])
                self.addresses.setdefault(served, []).append(address)
        assert len(self.addresses.get(port, [])) >= n, f"nginx sent too few addresses to {port}"
        return self.addresses[port][:n]

    def command(self, base: str, action: str, address: str | None = None, **fields) -> requests.Response:
        headers = {"Authorization": f"Bearer {API_TOKEN}"}
        if address:
            headers["X-Forwarded-For"] = address
        body = {"command_id": fields.pop("command_id", None) or uuid.uuid4().hex, "action": action, **fields}
        return requests.post(base + "/api/v1/commands", json=body, headers=headers, timeout=10)

    def state(self, base: str | None = None) -> dict:
        r = requests.get((base or self.url) + "/api/v1/state", timeout=10)
        r.raise_for_status()
        return r.json()

    def pending(self, n: int) -> list[str]:
        ids = [p["id"] for p in self.state()["projects"] if p["status"] == "pending"]
        assert len(ids) >= n, "the module's ceremony ran out of projects"
        return ids[:n]


class Screen:
    """A Socket.IO client standing in for a screen: it records each ``state`` pushed to it, and does what
    static/js/common/live.js does besides: reconnect by itself, ask for the head of the log every second
    (``check``) and for its whole view (``sync``) when the head is not what it shows."""

    def __init__(self, url: str, address: str | None = None, transport: str = "websocket", **auth):
        self.url, self.address = url, address
        self.pushed: list[int] = []
        self.seq = -1
        self.sids: list[str] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        # python-engineio sends connect()'s headers with the handshake only; a session's headers go with every
        # long-polling request too, as a browser's address does.
        http = requests.Session()
        if address:
            http.headers["X-Forwarded-For"] = address
        self.client = socketio.Client(
            reconnection=True,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            randomization_factor=0,
            http_session=http,
        )
        self.client.on("state", self._pushed)
        self.client.on("connect", lambda: self.sids.append(self.client.get_sid()))
        headers = {"X-Forwarded-For": address} if address else {}
        self.client.connect(
            url,
            headers=headers,
            auth=auth or {"role": "display", "name": "测试大屏"},
            transports=[transport],
            wait_timeout=10,
        )
        self.checker = threading.Thread(target=self._check, daemon=True)
        self.checker.start()

    def _take(self, view: dict) -> None:
        with self.lock:
            self.seq = max(self.seq, view["seq"])

    def _pushed(self, view: dict) -> None:
        self.pushed.append(view["seq"])
        self._take(view)

    def _check(self) -> None:
        while not self.stopped.wait(CHECK_S):
            if not self.client.connected:
                continue
            with contextlib.suppress(Exception):
                head = self.client.call("check", timeout=2)
                if head and head["seq"] != self.seq:
                    self._take(self.client.call("sync", timeout=2))

    def close(self) -> None:
        self.stopped.set()
        with contextlib.suppress(Exception):
            self.client.disconnect()


class Stream:
    """/live/sub as a browser's EventSource reads it through the stack's nginx (nchan): each message's
    ``data:`` a projection; nchan's pings (event ``ping``) are counted apart."""

    def __init__(self, url: str):
        self.messages: list[dict] = []
        self.pings = 0
        self.response = requests.get(
            url, headers={"Accept": "text/event-stream"}, stream=True, timeout=(5, 30)
        )
        assert self.response.status_code == 200, self.response.text
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "", []
        with contextlib.suppress(Exception):
            # One byte at a time: a bigger chunk waits for that many bytes, and a projection may be smaller.
            for line in self.response.iter_lines(chunk_size=1, decode_unicode=True):
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif not line:
                    if event == "ping":
                        self.pings += 1
                    elif data:
                        self.messages.append(json.loads("\n".join(data)))
                    event, data = "", []

    @property
    def versions(self) -> list[int]:
        return [m["version"] for m in self.messages]

    def close(self) -> None:
        # Shut down under the reading thread first: closing alone waits for the read it is blocked in.
        with contextlib.suppress(Exception):
            fd = self.response.raw._fp.fp.fileno()  # http.client keeps the socket only as this file
            with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as same:
                same.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            self.response.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    if STORE == "postgres":
        postgres_url()  # skips, or fails under KIOSK_REQUIRE_SERVICES=1, without the test services
    redis = RedisServer(folder)
    redis.start()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(redis.kill)
        yield from _started(folder, redis)


def _started(folder: Path, redis: RedisServer):
    with fresh_database() if STORE == "postgres" else contextlib.nullcontext() as url:
        store = Store(STORE, url)
        data = folder / "data"
        store.prepare(data, projects(*[str(10 + i) for i in range(PROJECTS)]))
        env = {
            **os.environ,
            "KIOSK_STACK_DIR": str(folder / "stack"),
            "KIOSK_STACK_PORT": str(free_port()),
            "KIOSK_STACK_APP_PORTS": f"{free_port()} {free_port()}",
            "KIOSK_STACK_PUBLISH_PORT": str(free_port()),
            "KIOSK_STACK_STORE": STORE,
            "KIOSK_STACK_QUEUE": "redis",
            "KIOSK_MESSAGE_QUEUE": redis.url,
            "KIOSK_DATA_DIR": str(data),
            "KIOSK_PYTHON": sys.executable,
            "KIOSK_API_TOKEN": API_TOKEN,
            "KIOSK_EDITOR_PIN": PIN,
            "KIOSK_OPERATOR_PIN": OPERATOR_PIN,
            "KIOSK_VIEWER_PIN": VIEWER_PIN,
            "KIOSK_TEST_HOOKS": "1",
            **store.env,
        }
        for inherited in ("PYTHONWARNINGS", "KIOSK_PUBLIC_URL", "KIOSK_STACK_HOST", "KIOSK_LIVE_PUBLISH"):
            env.pop(inherited, None)
        stack = Stack(folder / "stack", env)
        stack.data = data
        stack.redis = redis
        started = stack.script("start")
        try:
            assert started.returncode == 0, started.stderr
            yield stack
        finally:
            # At once: a long-polling client's disconnect waits for its pending request.
            closing = [threading.Thread(target=screen.close) for screen in stack.screens]
            for t in closing:
                t.start()
            for t in closing:
                t.join(10)
            stack.script("stop")


def test_the_stack_starts_and_reports_itself(stack):
    status = stack.script("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count('"status":"ok"') == 3  # two processes and nginx in front of them
    for port in stack.ports:
        assert len(stack.address_on(port, 2)) == 2  # the stickiness by address spreads clients
    # nginx serves the pages' files itself, and passes everything else through.
    js = requests.get(stack.url + "/static/vendor/socket.io/socket.io.min.js", timeout=5)
    assert js.status_code == 200 and "X-Kiosk-Upstream" not in js.headers
    page = requests.get(stack.url + "/display", timeout=5)
    assert page.status_code == 200 and page.headers["X-Kiosk-Upstream"]


def test_a_command_through_one_process_reaches_the_clients_of_the_other(stack):
    one, two = stack.ports
    screens = [
        stack.screen(stack.apps[1]),  # directly on process two
        stack.screen(stack.url, stack.address_on(two)[0]),  # through nginx, onto process two
        # Long-polling through nginx: each request of the session must reach the process that opened it.
        stack.screen(stack.url, stack.address_on(two, 2)[1], transport="polling"),
        stack.screen(stack.url, stack.address_on(one)[0], role="console", token=API_TOKEN),
    ]
    wait_until(lambda: all(s.seq >= 0 for s in screens), 10, "a screen got no state on connect")
    # Through the message queue (not the 1 s watcher of a shared database): each process hears it.
    for base in stack.apps:
        assert requests.get(base + "/healthz", timeout=5).json()["queue"]["listener"] == "ok"
    for base, address in ((stack.apps[0], None), (stack.url, stack.address_on(one)[0])):
        (project,) = stack.pending(1)
        r = stack.command(base, "confirm", address, project_id=project)
        assert r.status_code == 200, r.text
        seq = r.json()["state"]["seq"]
        wait_until(lambda seq=seq: all(seq in s.pushed for s in screens), 5, "a broadcast did not arrive")
    # Broadcast once for the cluster, not once by each process.
    for s in screens:
        assert not [seq for seq, n in Counter(s.pushed).items() if n > 1], s.pushed


def test_the_same_project_confirmed_through_both_processes_at_once_gives_one_200(stack):
    one, two = stack.ports
    routes = [
        (stack.apps[0], None),
        (stack.apps[1], None),
        (stack.url, stack.address_on(one)[0]),
        (stack.url, stack.address_on(two)[0]),
    ]
    for project in stack.pending(3):
        before = stack.state()["signed_count"]
        barrier = threading.Barrier(len(routes))
        answers: queue.Queue = queue.Queue()

        def press(base, address, project=project, barrier=barrier, answers=answers):
            barrier.wait()
            answers.put(stack.command(base, "confirm", address, project_id=project))

        threads = [threading.Thread(target=press, args=route) for route in routes]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        got = [answers.get_nowait() for _ in routes]
        assert sorted(r.status_code for r in got) == [200, 400, 400, 400], [r.text for r in got]
        assert {r.json()["reason"] for r in got if r.status_code == 400} == {"already_signed"}
        (won,) = [r.json()["state"] for r in got if r.status_code == 200]
        for base in (*stack.apps, stack.url):
            state = stack.state(base)
            assert state["signed_count"] == before + 1
            assert state["seq"] == won["seq"]


@pytest.mark.browser
def test_a_real_wall_through_nginx_draws_a_change_made_on_the_other_process(stack, chromium):
    # Chromium's own Origin, websocket upgrade and pairing cookie, all through nginx.
    front = LiveServer(stack.data, port=int(stack.env["KIOSK_STACK_PORT"]))
    page = chromium.new_context(viewport=SIZES["wall"]).new_page()
    try:
        pair_page(page, front, "大屏 nginx")
        wait_drawn(page, stack.state()["seq"])
        served = requests.get(stack.url + "/healthz", timeout=5).headers["X-Kiosk-Upstream"]
        other = next(a for a, p in zip(stack.apps, stack.ports, strict=True) if not served.endswith(f":{p}"))
        (project,) = stack.pending(1)
        r = stack.command(other, "confirm", project_id=project)
        assert r.status_code == 200, r.text
        wait_drawn(page, r.json()["state"]["seq"], timeout=5_000)
        # Drawn from the broadcast (through Redis from the other process), not from a catch-up.
        assert page.evaluate("() => window.__kiosk?.display.live") is True
    finally:
        page.context.close()


def test_viewers_on_nginx_stream_get_the_projection_at_once_then_each_change_once(stack):
    publisher = f"http://127.0.0.1:{stack.env['KIOSK_STACK_PUBLISH_PORT']}/live/pub"
    # The processes fill nchan's channel as soon as they see it empty (nginx starts after them).
    wait_until(
        lambda: requests.get(publisher, headers={"Accept": "text/json"}, timeout=5).status_code == 200,
        10,
        "no process published to the stack's nchan",
    )
    # The public server has no publisher: only the servers' own address may write the figures.
    assert requests.post(stack.url + "/live/pub", data="{}", timeout=5).status_code >= 400
    current = requests.get(stack.apps[0] + "/live/state.json", timeout=5).json()
    streams = [Stream(stack.url + "/live/sub") for _ in range(3)]
    try:
        wait_until(lambda: all(s.messages for s in streams), 2, "no projection on connect")
        for s in streams:
            assert s.messages[0]["version"] == current["version"]
            assert s.messages[0]["log_id"] == current["log_id"]
            assert s.messages[0]["total"] == current["total"]
        seqs = []
        for base in stack.apps:  # a change through each process
            (project,) = stack.pending(1)
            r = stack.command(base, "confirm", project_id=project)
            assert r.status_code == 200, r.text
            seq = r.json()["state"]["seq"]
            seqs.append(seq)
            wait_until(
                lambda seq=seq: all(seq in s.versions for s in streams), 5, "a change was not streamed"
            )
            state = requests.get(base + "/live/state.json", timeout=5).json()
            for s in streams:
                assert s.messages[-1] == state
        # Published once for the cluster, not once by each process. Each process has caught up (a state
        # asked of it catches up, and announces what it may claim, before it answers); then a later change
        # through each, one after the other: a process publishes in order, so once its later change is
        # streamed, anything it published before is too.
        for base in stack.apps:
            stack.state(base)
        for base, project in zip(stack.apps, stack.pending(2), strict=True):
            r = stack.command(base, "announce", project_id=project)
            assert r.status_code == 200, r.text
            seq = r.json()["state"]["seq"]
            seqs.append(seq)
            wait_until(
                lambda seq=seq: all(seq in s.versions for s in streams), 5, "a marker was not streamed"
            )
        for s in streams:
            assert s.versions == [current["version"], *seqs], s.versions
    finally:
        for s in streams:
            s.close()


@pytest.mark.browser
def test_a_real_phone_on_live_through_nginx_follows_the_stream(stack, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page.goto(stack.url + "/live")
        page.wait_for_function(
            "() => window.__kiosk?.live && window.__kiosk?.live.status === 'live' && window.__kiosk?.live.total"
        )
        assert page.evaluate("() => window.__kiosk?.live.transport") == "stream"
        (project,) = stack.pending(1)
        r = stack.command(stack.apps[1], "confirm", project_id=project)
        assert r.status_code == 200, r.text
        seq = r.json()["state"]["seq"]
        total = requests.get(stack.apps[1] + "/live/state.json", timeout=5).json()["total"]
        page.wait_for_function("s => window.__kiosk?.live.version === s", arg=seq, timeout=5_000)
        assert page.evaluate("() => window.__kiosk?.live.total") == total["text"]
        assert page.text_content("#total-value") == total["value"]
        assert page.evaluate("() => window.__kiosk?.live.transport") == "stream"
        assert page.is_hidden("#conn")

        # The same page from a process directly (the console on the LAN): no nchan there, its socket then.
        page.goto(stack.apps[0] + "/live")
        # "live" is the link's state, set on connect; the projection comes in the next message: wait until
        # the page has drawn one (a loaded parallel run read the version between the two).
        page.wait_for_function(
            "() => window.__kiosk?.live && window.__kiosk?.live.status === 'live' && window.__kiosk?.live.transport === 'socket'"
            " && typeof window.__kiosk?.live.version === 'number'"
        )
        assert page.evaluate("() => window.__kiosk?.live.version") == seq
        assert page.evaluate("() => window.__kiosk?.live.total") == total["text"]
        assert page.is_hidden("#conn")
    finally:
        page.close()


@pytest.mark.serial  # it times the recovery
def test_a_redis_restart_mid_ceremony_ends_with_every_screen_current(stack):
    one, two = stack.ports
    screens = [
        stack.screen(stack.apps[0]),
        stack.screen(stack.apps[1]),
        stack.screen(stack.url, stack.address_on(one)[0]),
        stack.screen(stack.url, stack.address_on(two)[0], transport="polling"),
        stack.screen(stack.url, stack.address_on(two, 2)[1], role="console", token=API_TOKEN),
    ]
    wait_until(lambda: all(s.seq >= 0 for s in screens), 10, "a screen got no state on connect")
    stack.redis.kill()
    # Monitoring must hear of it: broadcasts between the processes have stopped.
    for base in stack.apps:
        wait_until(
            lambda base=base: requests.get(base + "/healthz", timeout=5).status_code != 200,
            OVER_REDIS_S,
            f"{base}/healthz still says ok with Redis down",
        )
    # The show goes on while Redis is away: the database decides, and a screen asks for what it missed.
    (project,) = stack.pending(1)
    r = stack.command(stack.apps[0], "confirm", project_id=project)
    assert r.status_code == 200, r.text
    stack.redis.start()
    restarted = time.monotonic()
    r = stack.command(stack.apps[1], "show", screen="roll")
    assert r.status_code == 200, r.text
    seq = r.json()["state"]["seq"]
    wait_until(lambda: all(s.seq >= seq for s in screens), OVER_REDIS_S, "a screen is not current")
    assert time.monotonic() - restarted < OVER_REDIS_S
    for base in stack.apps:
        wait_until(
            lambda base=base: requests.get(base + "/healthz", timeout=5).status_code == 200,
            OVER_REDIS_S,
            f"{base}/healthz does not recover after the Redis restart",
        )
    # Broadcasts flow between the processes again, not only the screens' own catch-up.
    r = stack.command(stack.apps[0], "show", screen="title")
    assert r.status_code == 200, r.text
    seq = r.json()["state"]["seq"]
    wait_until(
        lambda: all(seq in s.pushed for s in screens),
        OVER_REDIS_S,
        "a broadcast did not arrive after the restart",
    )


def test_killing_a_process_mid_ceremony_loses_nothing_and_its_clients_move_to_the_other(stack):
    victim, survivor = stack.ports
    on_victim = stack.address_on(victim, 3)
    moving = [
        stack.screen(stack.url, on_victim[0]),
        stack.screen(stack.url, on_victim[1], transport="polling"),
        stack.screen(stack.url, on_victim[2], role="console", token=API_TOKEN),
    ]
    staying = [stack.screen(stack.url, stack.address_on(survivor)[0])]
    wait_until(lambda: all(s.seq >= 0 for s in moving + staying), 10, "a screen got no state on connect")
    before = stack.state()["signed_count"]
    todo = stack.pending(4)
    confirmed: list[tuple[str, int]] = []
    failures: list[str] = []

    def av_desk():
        # An AV desk through nginx, on the victim's side: it repeats a press that got no answer with the
        # same command_id, which the log turns into the first answer, never into a second signing.
        for project in todo:
            command_id = uuid.uuid4().hex
            deadline = time.monotonic() + 20
            while True:
                try:
                    r = stack.command(
                        stack.url, "confirm", on_victim[0], command_id=command_id, project_id=project
                    )
                    if r.status_code == 200:
                        confirmed.append((project, r.json()["state"]["seq"]))
                        break
                    if r.status_code < 500:
                        failures.append(f"{project}: {r.status_code} {r.text}")
                        return
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    failures.append(f"{project}: no answer in 20 s")
                    return
                time.sleep(0.2)
            time.sleep(0.3)

    desk = threading.Thread(target=av_desk)
    desk.start()
    wait_until(lambda: len(confirmed) >= 2, 20, "the AV desk's first presses were not answered")
    os.kill(stack.pid(victim), signal.SIGKILL)
    desk.join(60)
    assert not failures, failures
    assert [p for p, _ in confirmed] == todo

    state = stack.state()
    signed = {p["id"] for p in state["projects"] if p["status"] == "signed"}
    assert set(todo) <= signed
    assert state["signed_count"] == before + len(todo)
    assert state["seq"] == confirmed[-1][1]  # nothing written twice, nothing after the last answer
    # The victim's screens are on the survivor now, through nginx, and current.
    wait_until(
        lambda: all(len(s.sids) >= 2 and s.client.connected for s in moving), 10, "a screen did not move"
    )
    wait_until(
        lambda: all(s.seq == state["seq"] for s in moving + staying), 5, "a moved screen is not current"
    )
    r = stack.command(stack.url, "show", on_victim[0], screen="roll")
    assert r.status_code == 200, r.text
    assert r.headers["X-Kiosk-Upstream"].endswith(f":{survivor}")
    seq = r.json()["state"]["seq"]
    wait_until(lambda: all(seq in s.pushed for s in moving + staying), 5, "a broadcast missed a moved screen")

    assert stack.script("status").returncode == 3  # the monitoring's view: one process is down
    # `start` again brings back only what is missing, on the same database and queue.
    restarted = stack.script("start")
    assert restarted.returncode == 0, restarted.stderr
    assert "runs already" in restarted.stderr
    assert stack.state(stack.apps[0])["seq"] == seq
    assert stack.script("status").returncode == 0
