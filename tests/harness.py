"""What the tests and the screenshot scripts share: ceremonies made to order, a live server in a real
process, Debian's Chromium through Playwright, and the few steps every browser test takes (log in, wait for
a page to draw a seq).

Tests import it as ``harness`` (pytest puts tests/ on the path); scripts/shoot_*.py add tests/ themselves.
"""

from __future__ import annotations

import atexit
import csv
import functools
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# The tests log in with the editor's PIN (every right) unless a test is about a lesser role.
PIN = "246810"
OPERATOR_PIN = "135790"
VIEWER_PIN = "112358"
CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
VENUE_TZ = "Asia/Shanghai"
# As root, without background networking: this machine's closed network refuses Chromium's own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = {
    "wall": {"width": 1920, "height": 1080},
    "totem": {"width": 1080, "height": 1920},
    "tablet": {"width": 1024, "height": 768},
    "tablet_portrait": {"width": 768, "height": 1024},
    "phone": {"width": 390, "height": 844},
}

# -- ceremonies made to order ---------------------------------------------------------------------------

NUMBERS = "一二三四五六七八九十"


@dataclass
class ProjectSpec:
    """One project as an organiser would type it (the import format's fields, by key)."""

    name: str
    investor: str
    amount_yi: str
    land_mu: str | None = None
    industry: str | None = None
    signatories: str | None = None
    concierge_name: str | None = None
    concierge_phone: str | None = None
    summary: str | None = None

    def cells(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def project(i: int, amount_yi: str = "10", **fields) -> ProjectSpec:
    """The ``i``-th project of a made-up ceremony (1-based), named so a test can tell them apart."""
    label = NUMBERS[i - 1] if i <= len(NUMBERS) else str(i)
    defaults = {
        "name": f"测试项目{label}",
        "investor": f"测试企业{label}有限公司",
        "land_mu": str(100 * i),
        "industry": ("新材料", "生物医药", "新能源汽车")[i % 3],
        "signatories": f"代表{label}",
        "concierge_name": f"专员{label}",
        "concierge_phone": f"0731-2880{i:04d}",
    }
    return ProjectSpec(amount_yi=amount_yi, **{**defaults, **fields})


def projects(*amounts_yi: str, **fields) -> list[ProjectSpec]:
    """Projects with these amounts (亿元, as typed), in running order."""
    return [project(i, a, **fields) for i, a in enumerate(amounts_yi, start=1)]


@dataclass
class EventSpec:
    title: str = "测试签约仪式"
    date: str = "2026-06-21"
    venue: str = "测试会场"
    host: str = "测试主办单位"
    language: str = "zh"
    extra: dict = field(default_factory=dict)


def csv_bytes(specs: list[ProjectSpec]) -> bytes:
    """The projects as the import format's CSV (Chinese headers)."""
    from kiosk.setup.importer import HEADERS

    keys = [k for k in HEADERS if k != "amount_wan"]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([HEADERS[k][0] for k in keys])
    for spec in specs:
        cells = spec.cells()
        writer.writerow([cells.get(k, "") for k in keys])
    return out.getvalue().encode("utf-8")


def fill(ceremony, specs: list[ProjectSpec] | None, event: EventSpec | None = None) -> list[str]:
    """Give a ceremony service (``kiosk.ceremony.service.Ceremony``) an event and projects; returns the
    project ids in running order."""
    from dataclasses import replace

    from kiosk.core.model import Event
    from kiosk.setup.fields import draft_from_cells

    event = event or EventSpec()
    ceremony.save_event(
        replace(
            Event(
                title=event.title,
                date=event.date,
                venue=event.venue,
                host=event.host,
                language=event.language,
            ),
            **event.extra,
        )
    )
    if specs:
        ceremony.import_projects([draft_from_cells(s.cells()) for s in specs])
    return [p.id for p in sorted(ceremony.projects, key=lambda p: p.order)]


def prepare_data(folder: Path, specs: list[ProjectSpec] | None, event: EventSpec | None = None) -> list[str]:
    """A data folder holding this ceremony, for a live server to start on (instead of the sample)."""
    from kiosk.ceremony.service import Ceremony
    from kiosk.store.sqlite import Storage

    folder.mkdir(parents=True, exist_ok=True)
    storage = Storage(folder / "kiosk.sqlite3")
    try:
        return fill(Ceremony(storage), specs, event)
    finally:
        storage.close()


def run_kiosk(
    data_dir: Path | str | None, *args: str, env: dict | None = None, text: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    """``python -m kiosk ARGS`` as an organiser runs it, on ``data_dir`` (``KIOSK_DATA_DIR``; None: what
    ``env`` or the environment says), its output captured. ``env`` adds to this process's environment; a
    variable given as None is left out."""
    full = dict(os.environ)
    if data_dir is not None:
        full["KIOSK_DATA_DIR"] = str(data_dir)
    for name, value in (env or {}).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=text,
        timeout=timeout,
    )


# -- a live server --------------------------------------------------------------------------------------


def answered(r: requests.Response) -> dict:
    """The JSON of a 2xx answer; any other fails the test, naming the request and what came back."""
    assert r.status_code < 300, (r.request.method, r.request.url, r.status_code, r.text[:500])
    return r.json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Servers are forked from a process that has done ``serve``'s imports (tests/zygote.py): the same program in
# its own process, without the 0.8 s of CPU each start spends importing. KIOSK_TEST_ZYGOTE=0 starts each one
# with ``python -m kiosk serve`` instead.
ZYGOTE_ON = os.environ.get("KIOSK_TEST_ZYGOTE", "1") != "0"


class ForkedServer:
    """A server forked by the zygote, answering what the tests ask of a ``subprocess.Popen``."""

    def __init__(self, zygote: _Zygote, pid: int):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"server {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class _Zygote:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "zygote.py")],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        # Servers may be started and polled from several threads of one test.
        self.lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        """Its input closed, the zygote ends (the servers it forked are the tests' to stop)."""
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()

    def ask(self, request: dict) -> dict:
        with self.lock:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the test zygote is gone (exit {self.proc.poll()})")
        return json.loads(line)

    def start(self, argv: list[str], env: dict, log: Path) -> ForkedServer:
        request = {"argv": argv, "env": env, "cwd": str(ROOT), "log": str(log)}
        return ForkedServer(self, self.ask({"start": request})["pid"])

    def poll(self, pid: int) -> int | None:
        return self.ask({"poll": pid})["code"]


_zygotes: dict[int, _Zygote] = {}


def _zygote() -> _Zygote:
    """This process's zygote, started at first use (a fork of pytest would not do: it holds Chromium's
    driver, threads and sockets)."""
    with _zygote_lock:
        z = _zygotes.get(os.getpid())
        if z is None or z.proc.poll() is not None:
            z = _zygotes[os.getpid()] = _Zygote()
        return z


_zygote_lock = threading.Lock()


class LiveServer:
    """``python -m kiosk serve`` in a real process, on its own port and data folder, as a user runs it."""

    def __init__(
        self, data_dir: Path, port: int | None = None, env: dict | None = None, host: str = "127.0.0.1"
    ):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.host = host
        self.url = f"http://{host}:{self.port}"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 20) -> LiveServer:
        env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "KIOSK_EDITOR_PIN": PIN,
            "KIOSK_OPERATOR_PIN": OPERATOR_PIN,
            "KIOSK_VIEWER_PIN": VIEWER_PIN,
            "KIOSK_PUBLIC_URL": self.url,
            # The pages expose what the tests read of them (window.__kiosk, docs/TEST_HOOKS.md).
            "KIOSK_TEST_HOOKS": "1",
            **self.extra_env,
        }
        env.pop("PYTHONWARNINGS", None)
        argv = ["serve", "--host", self.host, "--port", str(self.port)]
        if ZYGOTE_ON:
            self.proc = _zygote().start(argv, env, self.log)
        else:
            with open(self.log, "ab") as out:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "kiosk", *argv],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise RuntimeError("server did not come up")

    def kill(self) -> None:
        """SIGKILL: the crash a power cut or the OOM killer would cause."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def api_token(self) -> str:
        return (self.data_dir / "api_token.txt").read_text().strip()

    def state(self, operator: bool = False) -> dict:
        headers = {"Authorization": f"Bearer {self.api_token}"} if operator else {}
        return requests.get(self.url + "/api/v1/state", headers=headers, timeout=5).json()

    def ids(self) -> list[str]:
        return [p["id"] for p in self.state()["projects"]]

    def devices(self) -> list[dict]:
        r = requests.get(
            self.url + "/api/v1/devices", headers={"Authorization": f"Bearer {self.api_token}"}, timeout=10
        )
        r.raise_for_status()
        return r.json()["devices"]

    def set_layout(self, device_id: str, layout: str | None) -> None:
        """Choose a paired screen's layout, as the console does."""
        r = requests.put(
            self.url + f"/api/v1/screens/{device_id}/layout",
            json={"layout": layout},
            headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=10,
        )
        r.raise_for_status()

    def command(self, action: str, command_id: str | None = None, **fields) -> requests.Response:
        body = {"command_id": command_id or uuid.uuid4().hex, "action": action, **fields}
        return requests.post(
            self.url + "/api/v1/commands",
            json=body,
            headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=10,
        )

    def editor(self) -> requests.Session:
        """A requests session logged in with the editor's PIN, sending its CSRF token on writes."""
        web = requests.Session()
        r = web.post(self.url + "/api/v1/session", json={"pin": PIN}, timeout=5)
        r.raise_for_status()
        web.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return web

    def pairing_link(self, name: str = "主屏", web: requests.Session | None = None) -> str:
        """A one-time pairing link, as an operator makes one in the console's device list."""
        if web is None:
            with self.editor() as web:
                return self.pairing_link(name, web)
        r = web.post(self.url + "/api/v1/screens/pairing-links", json={"name": name}, timeout=5)
        r.raise_for_status()
        return r.json()["url"]

    def screen_key(self, name: str = "主屏") -> str:
        """The key a paired screen holds (its cookie), for a socket client standing in for a wall PC."""
        r = requests.get(self.pairing_link(name), allow_redirects=False, timeout=5)
        assert r.status_code == 302, r.text
        return r.cookies["kiosk_screen"]

    def screen_headers(self, name: str = "主屏") -> dict:
        return {"Cookie": "kiosk_screen=" + self.screen_key(name)}

    def unlock_edits(self) -> None:
        """Open the running order for editing after the first signing, as an editor does on the console."""
        with self.editor() as web:
            web.post(self.url + "/api/v1/show/edits", json={"unlocked": True}, timeout=5).raise_for_status()

    def name_of(self, project_id: str) -> str:
        return next(p["name"] for p in self.state()["projects"] if p["id"] == project_id)

    # -- a fresh ceremony on a running server ---------------------------------------------------------

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def fresh(self, specs: list[ProjectSpec] | None = None, event: EventSpec | None = None) -> LiveServer:
        """Give this running server a new ceremony through its API, as an organiser prepares the next one
        on the same install: a new live run (seq back to 0, every screen to its title), every device
        signed out (the organiser's session too, when done), no pads, no pictures, the event and the 签约图's settings as
        ``event`` says (the defaults otherwise), the running order replaced by ``specs`` and the agenda
        emptied, or with ``specs=None`` the sample's event, projects and agenda, as a fresh install has
        them. Sets and returns ``made_ids``, the projects' ids in running order.

        What a test can change only in the process (its environment, the login throttle, a sign-out of
        every device) is not reset: such tests start a server of their own."""
        from dataclasses import asdict, replace

        from kiosk.core.model import Event
        from kiosk.setup.fields import CERTIFICATE_KEYS, EVENT_KEYS
        from kiosk.setup.sample import sample_agenda_csv, sample_csv, sample_event

        if not self.alive():  # an earlier test broke it: the next one still gets a server
            self.start()
        web = self.editor()
        ok = answered
        try:
            ok(web.post(self.url + "/api/v1/run", json={"mode": "live", "confirm": True}, timeout=10))
            for pad in ok(web.get(self.url + "/api/v1/pads", timeout=10)):
                ok(web.delete(self.url + f"/api/v1/pads/{pad['id']}", timeout=10))
            for device in ok(web.get(self.url + "/api/v1/devices", timeout=10))["devices"]:
                # (Not the KIOSK_API_TOKEN: the tests' AV desk, which the server was started with.)
                others = not device["this_device"] and device["name"] != "KIOSK_API_TOKEN"
                if others and device["kind"] in ("session", "token", "screen"):
                    ok(web.delete(self.url + f"/api/v1/devices/{device['id']}", timeout=10))
            for path in ("event/media/logo", "event/media/background", "certificate/background"):
                ok(web.delete(self.url + "/api/v1/" + path, timeout=10))
            if specs is None:
                chosen = sample_event()
            else:
                spec = event or EventSpec()
                made = Event(
                    title=spec.title, date=spec.date, venue=spec.venue, host=spec.host, language=spec.language
                )
                chosen = replace(made, **spec.extra)
            settings = asdict(chosen)
            ok(web.put(self.url + "/api/v1/event", json={k: settings[k] for k in EVENT_KEYS}, timeout=10))
            ok(
                web.put(
                    self.url + "/api/v1/certificate",
                    json={k: settings[k] for k in CERTIFICATE_KEYS},
                    timeout=10,
                )
            )
            table = sample_csv() if specs is None else csv_bytes(specs)
            preview = ok(
                web.post(
                    self.url + "/api/v1/import/preview", files={"file": ("ceremony.csv", table)}, timeout=10
                )
            )
            assert preview["ok"], preview
            ok(
                web.post(
                    self.url + "/api/v1/import/apply",
                    json={"upload_id": preview["upload_id"], "replace": True},
                    timeout=10,
                )
            )
            if specs is None:
                agenda = {"file": ("agenda.csv", sample_agenda_csv())}
                ok(web.post(self.url + "/api/v1/agenda/import", files=agenda, timeout=10))
            else:
                ok(web.delete(self.url + "/api/v1/agenda", timeout=10))
            ok(web.delete(self.url + "/api/v1/session", timeout=10))
        finally:
            web.close()  # (its pooled connection would otherwise be left to the collector)
        state = self.state(operator=True)
        assert state["event"]["title"] == chosen.title, state["event"]
        self.made_ids = [p["id"] for p in sorted(state["projects"], key=lambda p: p["order"])]
        return self


def welcomed(sio_client, until: str = "state", timeout: float = 5.0) -> list[dict]:
    """What a Socket.IO test client got on connect, once ``until`` is among it.

    The server sends a newcomer's first ``state`` from a background task, after the connect acknowledgement
    (kiosk/web/sockets.py), so it may land a moment after ``test_client()`` returns.
    """
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while not any(m["name"] == until for m in got):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {until!r} in {timeout} s; got {[m['name'] for m in got]}")
        time.sleep(0.005)
        got += sio_client.get_received()
    return got


class Recorder:
    """A python-socketio client that records every ``state`` it is sent, standing in for a big screen, a
    console or a pad (``auth`` says which). ``seen=True`` reports each seq back as drawn, as a wall does.

    ``wait_for(predicate)`` takes the states in the order they came; ``seqs`` keeps every seq received."""

    def __init__(
        self,
        server_or_url,
        auth: dict | None = None,
        headers: dict | None = None,
        reconnect: bool = False,
        seen: bool = False,
        wait: bool = True,
    ):
        import queue

        import socketio

        url = server_or_url if isinstance(server_or_url, str) else server_or_url.url
        self.states: queue.Queue = queue.Queue()
        self.seqs: list[int] = []
        self.disconnected = False
        self.report = seen
        options = {"reconnection_delay": 0.2, "reconnection_delay_max": 1} if reconnect else {}
        self.client = socketio.Client(reconnection=reconnect, **options)
        self.client.on("state", self._state)
        self.client.on("disconnect", self._gone)
        self.client.connect(
            url,
            auth=auth or {"role": "display", "name": "测试大屏"},
            headers=headers or {},
            transports=["websocket"],
            wait_timeout=10,
        )
        if wait:
            wait_until(lambda: self.seqs, message="no state came with the connection")
            if seen:
                self.client.emit("seen", {"seq": self.seqs[-1]})

    def _state(self, state: dict) -> None:
        self.seqs.append(state.get("seq"))  # (a pad's view has none)
        self.states.put(state)
        # The first state comes with the connection, before the namespace counts as connected.
        if self.report and self.client.connected and "/" in self.client.namespaces:
            self.client.emit("seen", {"seq": state["seq"]})

    def _gone(self, *_) -> None:
        self.disconnected = True

    def wait_for(self, predicate=lambda state: True, timeout: float = 10) -> dict:
        """The next state (in the order sent) that ``predicate`` accepts."""
        import queue

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                state = self.states.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(state):
                return state
        raise AssertionError(f"no matching state arrived in {timeout} s (seqs so far {self.seqs})")

    def call(self, event: str, data: dict, timeout: float = 10):
        return self.client.call(event, data, timeout=timeout)

    def close(self) -> None:
        if not self.disconnected:
            self.client.disconnect()


def pause_clock(page) -> None:
    """Stop a page's clock (installed with ``page.clock.install()``) where it is: from now on its time
    moves only with ``run_for``. Playwright for Python reads a number given to ``pause_at`` as seconds."""
    from playwright.sync_api import Error as PlaywrightError

    for margin in (5, 50, 200, 500, 1000):
        try:
            page.clock.pause_at((page.evaluate("Date.now()") + margin) / 1000)
            return
        except PlaywrightError as err:
            # The page's clock ran on during the round trip (a loaded machine): take its time again.
            if "to the past" not in str(err):
                raise
    raise AssertionError("could not pause the page's clock")


def wait_until(predicate, timeout: float = 10, message: str = "condition not met in time"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(message)


# -- the browser ----------------------------------------------------------------------------------------


# The console's settings switch, as the operator leaves it, unless this device already chose (a test's own).
MONITORS_OFF = """
try {
  if (window.top === window && localStorage.getItem("kiosk.console.monitors") === null) {
    localStorage.setItem("kiosk.console.monitors", "off");
  }
} catch (e) {}
"""


def _timer_polling(original):
    @functools.wraps(original)
    def wait_for_function(self, expression, *, arg=None, timeout=None, polling=None):
        return original(
            self, expression, arg=arg, timeout=timeout, polling=WAIT_POLL_MS if polling is None else polling
        )

    return wait_for_function


# Playwright's wait_for_function checks its condition on every animation frame unless told otherwise: a page
# waited on draws 60 frames a second for nothing (on this machine 0.42 s of Chromium's CPU in 5 s of waiting,
# against 0.11 s checking on a 20 ms timer), and a run waits thousands of times. Checked on a timer instead
# (Playwright's own, which the page's installed clock does not stop); a test may still ask for "raf".
WAIT_POLL_MS = 20


def poll_on_a_timer() -> None:
    from playwright.sync_api import Frame, Page

    for cls in (Page, Frame):
        if not getattr(cls.wait_for_function, "_kiosk_timer", False):
            cls.wait_for_function = _timer_polling(cls.wait_for_function)
            cls.wait_for_function._kiosk_timer = True


def launch_chromium(playwright):
    """Debian's Chromium (Playwright's own browser downloads are not used)."""
    poll_on_a_timer()
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: the README's test command installs it")
    # The browser's own zone is the venue's (the events' default, Asia/Shanghai), as the tablets and wall PCs
    # at the venue are set: on a machine in UTC every console and /stage would otherwise say, rightly, that
    # this device's clock is not the venue's. A test about that gives its context another timezone_id.
    env = {**os.environ, "TZ": VENUE_TZ}
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)


def log_in(
    page, url: str, path: str = "/control", pin: str = PIN, pad: bool = False, monitors: bool = False
) -> None:
    """Log ``page``'s browser in and wait for the page behind the login (the console, /stage or the admin).

    ``pad=True`` types the PIN on the login page's pad, as an operator does: the tests about the login
    itself. Otherwise the session is made through the API from the same browser context (its cookie jar and
    its User-Agent, so the server sees the same device): the same session, without the pad's ~1 s.

    A console's program and preview monitors are two more wall pages drawing in the same browser: they are
    switched off in its settings (this device's choice, kept in its storage) unless ``monitors`` or the
    test's own choice says otherwise; the tests about them, and the whole morning, keep them on."""
    if path == "/control" and not monitors:
        page.context.add_init_script(MONITORS_OFF)
    if pad:
        page.goto(url + path)
        for digit in pin:
            page.click(f'.key[data-key="{digit}"]')
        page.click('.key[data-key="ok"]')
    else:
        answer = page.context.request.post(url + "/api/v1/session", data={"pin": pin})
        assert answer.status == 200, answer.text()
        page.goto(url + path)
    if path == "/control":
        page.wait_for_function("() => window.__kiosk?.console && window.__kiosk?.console.state() !== null")
    elif path == "/stage":
        page.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
    else:
        page.wait_for_function("() => window.__kiosk?.admin && window.__kiosk?.admin.state() !== null")


def open_console(
    browser,
    server: LiveServer,
    pin: str = PIN,
    size: str = "tablet",
    monitors: bool = False,
    **context_options,
):
    """A logged-in console (/control) on a touch tablet, live (its socket up), Playwright's clock installed
    (``pause_clock`` stops it; holds and rests are then stepped through, not waited out). ``monitors``: see
    ``log_in``."""
    options = {"viewport": SIZES[size], "has_touch": True, **context_options}
    page = browser.new_context(**options).new_page()
    page.clock.install()
    log_in(page, server.url, pin=pin, monitors=monitors)
    page.wait_for_selector('body[data-conn="live"]')
    return page


def open_display(browser, server: LiveServer, size: str = "wall", name: str = "test-wall", **context_options):
    """The big screen (/display, not paired) drawing the server's current view."""
    page = browser.new_context(viewport=SIZES[size], **context_options).new_page()
    page.goto(server.url + "/display?name=" + name)
    wait_drawn(page, server.state(operator=True)["seq"])
    return page


def resize(page, width: int, height: int) -> None:
    """Turn or resize the window, and wait until the page has drawn two frames at its new size: the console
    sizes its monitors from a ResizeObserver, whose answer lands a frame after the resize (a check on a 20 ms
    timer could read the layout between the two and find the target's hint cut, as nobody sees it)."""
    page.evaluate("() => { window.__kioskFrames = 0; }")
    page.set_viewport_size({"width": width, "height": height})
    # (on Playwright's own animation frames, which run while the page's installed clock is paused)
    page.wait_for_function("w => innerWidth === w && ++window.__kioskFrames > 2", arg=width, polling="raf")


def hold(page, selector: str, ms: int) -> None:
    """Press and hold with the mouse (pointer events, as a finger gives them) for ``ms`` of the page's
    time (its clock installed and paused)."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.clock.run_for(ms)
    page.mouse.up()


def touch_hold(page, selector: str, ms: int) -> None:
    """A finger on the glass (CDP touch events, not a mouse): touch-action and pointer capture matter here."""
    box = page.locator(selector).bounding_box()
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
        page.clock.run_for(ms)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def pair_page(page, server: LiveServer, name: str = "主屏", web=None) -> None:
    """Open a pairing link on ``page``, as the wall PC does once: it lands on /display, paired."""
    link = server.pairing_link(name, web)
    # The link carries KIOSK_PUBLIC_URL (a screenshot's server may name an address it does not listen on).
    page.goto(server.url + "/display/pair/" + link.rsplit("/", 1)[1])
    page.wait_for_url("**/display")


def walls_in_layouts(browser, server: LiveServer, walls, **context_options) -> dict:
    """One paired wall per ``(name, layout, (width, height))``, each set to its layout from the console's
    side and drawing it: ``{name: page}``."""
    pages = {}
    for name, _layout, (w, h) in walls:
        page = browser.new_context(viewport={"width": w, "height": h}, **context_options).new_page()
        pair_page(page, server, "屏 " + name)
        pages[name] = page
    ids = {d["name"]: d["id"] for d in server.devices() if d["kind"] == "screen"}
    for name, layout, _size in walls:
        server.set_layout(ids["屏 " + name], layout)
        pages[name].wait_for_function(
            "l => window.__kiosk?.display && window.__kiosk?.display.layout === l", arg=layout
        )
    return pages


def console_seen(page, seq: int) -> None:
    """Until the console holds the view with this seq, or a later one (static/js/console's test hook)."""
    page.wait_for_function(
        "s => window.__kiosk?.console.state() && window.__kiosk?.console.state().seq >= s", arg=seq
    )


def commands_sent(page) -> list[dict]:
    """Every command body the page sends from now on (a list that fills as it happens)."""
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/api/v1/commands") else None,
    )
    return sent


# A page's animations that never end, and the properties each animates: a loop should move only what the
# compositor moves without a repaint (opacity, transform).
LOOPING_ANIMATIONS = """() => document.getAnimations()
    .filter((a) => a.playState === 'running' && a.effect.getTiming().iterations === Infinity)
    .map((a) => ({name: a.animationName, target: a.effect.target.className + (a.effect.pseudoElement || ''),
                  properties: [...new Set(a.effect.getKeyframes().flatMap((k) => Object.keys(k)))]
                      .filter((p) => !['offset', 'computedOffset', 'easing', 'composite'].includes(p))}))"""


def wait_drawn(page, seq: int, timeout: float = 10_000) -> None:
    """Until the big screen has drawn the view with this seq (it records it on window.__kiosk.display)."""
    page.wait_for_function(
        "s => window.__kiosk?.display && window.__kiosk?.display.seq >= s", arg=seq, timeout=timeout
    )
