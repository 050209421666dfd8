"""Broadcast benchmark: the kiosk app against a bare Flask-SocketIO server, N websocket clients each.

    .venv/bin/python bench/load.py                 # N = 10, 100, 1000, 3000, 3 reps each; about 24 minutes
    .venv/bin/python bench/load.py --quick         # smoke run: N = 10, 100, one short run each; ~1.5 minutes
    .venv/bin/python bench/load.py --n 3000 --reps 1 --servers app

For each N and each server (``app``: ``python -m kiosk serve`` on a fresh sample data folder; ``bare``:
bench/bare_server.py, same serving stack, same payload size), it connects N Node socket.io-client websocket
clients (bench/clients.mjs; one of them is the big screen with its heartbeat), then makes a change about every
second for --duration seconds (app: confirm / undo through POST /api/v1/commands with the API token; bare:
POST /trigger). Latency of a change = the last client's receive time - the time just before the POST was
sent. It also times an operator logging in and commanding, and a fresh client getting in, while the N are
connected, and the card page's requests per second (wrk, 200 connections).

The server runs on core 0, the Node clients and this script on core 1 (taskset). Raw results go to
bench/results/<timestamp>.json (+ a Markdown summary beside it); per-client receive times to
bench/results/raw/ (git-ignored). This is a benchmark: it reports, it asserts nothing about timings.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import queue
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
PIN = "246810"
HOST = "127.0.0.1"  # loopback only, always
SERVER_CPU = "0"
CLIENT_CPU = "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
KINDS = ("app", "bare", "candidate")  # candidate: a patched copy of the app (--candidate-root)


# -- small helpers ----------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float | None:
    """Percentile with linear interpolation (numpy's default); p in 0..100."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median(values):
    xs = [v for v in values if v is not None]
    return statistics.median(xs) if xs else None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of the process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def runqueue_wait_s(pid: int) -> float | None:
    """Seconds all threads of the process sat runnable but waiting for a CPU (/proc/PID/schedstat, field 2):
    the time other work on the server's core took from it."""
    total = 0.0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None
    return total


def core_busy() -> dict[str, float]:
    """Busy seconds per core since boot (/proc/stat: everything but idle and iowait), for the noise estimate."""
    out = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3:4].isdigit():
            name, *ticks = line.split()
            t = [int(x) for x in ticks]
            out[name] = (sum(t[:8]) - t[3] - t[4]) / CLK_TCK
    return out


def raise_nofile(target: int = 65536) -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for want in ((target, max(hard, target)), (min(target, hard), hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, want)
            break
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def have_taskset() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def pinned(cpu: str, cmd: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *cmd] if have_taskset() else cmd


def stop_process(proc: subprocess.Popen | None, grace: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# -- servers ----------------------------------------------------------------------------------------------


class Server:
    """One server process (app or bare) on its own port, pinned to SERVER_CPU."""

    app_root: Path = ROOT  # --app-root
    candidate_root: Path | None = None  # --candidate-root: a patched copy, run as kind "candidate"
    profile: str | None = None  # --profile-dir: py-spy record the server during the measured window

    def __init__(self, kind: str, workdir: Path, payload: Path | None = None):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.log_path = workdir / f"{kind}-server.log"
        self.payload = payload
        self.proc: subprocess.Popen | None = None

    @property
    def is_app(self) -> bool:
        return self.kind in ("app", "candidate")

    def start(self, timeout: float = 30) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        if self.is_app:
            env.update(
                KIOSK_DATA_DIR=str(self.data_dir),
                KIOSK_OPERATOR_PIN=PIN,
                KIOSK_PUBLIC_URL=self.url,  # QR/card addresses stay on loopback
                # Every load client comes from 127.0.0.1: lift the per-address limits a venue needs.
                KIOSK_SESSIONS_PER_ADDRESS="100000",
                KIOSK_NEW_SESSIONS_PER_MINUTE="10000000",
                KIOSK_CONNECTIONS_PER_ADDRESS="100000",
            )
            cmd = [PYTHON, "-m", "kiosk", "serve", "--host", HOST, "--port", str(self.port)]
        else:
            cmd = [PYTHON, str(BENCH / "bare_server.py"), "--host", HOST, "--port", str(self.port)]
            cmd += ["--payload", str(self.payload)]
        self.workdir.mkdir(parents=True, exist_ok=True)
        cwd = {"app": self.app_root, "candidate": self.candidate_root}.get(self.kind, ROOT)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                pinned(SERVER_CPU, cmd), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited: {self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not come up: {self.log_tail()}")

    @property
    def pid(self) -> int:
        return self.proc.pid  # taskset execs the server: same pid

    @property
    def api_token(self) -> str:
        return (self.data_dir / "api_token.txt").read_text().strip()

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        stop_process(self.proc)


class Changer:
    """Makes one change per call: app alternates confirm / undo of one pending project; bare POSTs /trigger."""

    def __init__(self, server: Server):
        self.server = server
        self.http = requests.Session()
        self.confirm_next = True
        self.project_id = None
        if server.is_app:
            self.http.headers["Authorization"] = f"Bearer {server.api_token}"
            state = self.http.get(server.url + "/api/v1/state", timeout=10).json()
            pending = [p for p in state["projects"] if p["status"] != "signed"]
            self.project_id = (pending or state["projects"])[0]["id"]

    def body(self) -> dict:
        body = {"command_id": f"bench-{uuid.uuid4().hex}"}
        if self.confirm_next:
            body.update(action="confirm", project_id=self.project_id)
        else:
            body.update(action="undo")
        return body

    def change(self, timeout: float = 15) -> dict:
        """Returns {seq, t_send (epoch ms), post_ms, status}."""
        url = self.server.url + ("/api/v1/commands" if self.server.is_app else "/trigger")
        body = self.body() if self.server.is_app else None
        t_send = time.time() * 1000
        t0 = time.perf_counter()
        try:
            r = self.http.post(url, json=body, timeout=timeout)
            post_ms = (time.perf_counter() - t0) * 1000
            answer = r.json()
            status = r.status_code
        except (requests.RequestException, ValueError) as err:
            return {"seq": None, "t_send": t_send, "post_ms": None, "status": None, "error": repr(err)}
        if status == 200:
            self.confirm_next = not self.confirm_next
        return {"seq": answer.get("seq"), "t_send": t_send, "post_ms": post_ms, "status": status}


# -- Node clients -----------------------------------------------------------------------------------------


class Clients:
    """bench/clients.mjs pinned to CLIENT_CPU; JSON lines both ways."""

    def __init__(
        self, url: str, n: int, workdir: Path, times_file: Path | None, heartbeat_timeout_ms: int = 2000
    ):
        cmd = ["node", str(BENCH / "clients.mjs"), "--url", url, "--n", str(n), "--wall"]
        cmd += ["--heartbeat-timeout-ms", str(heartbeat_timeout_ms)]
        if times_file:
            cmd += ["--times-file", str(times_file)]
        self.stderr = open(workdir / "clients.stderr", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            pinned(CLIENT_CPU, cmd),
            cwd=BENCH,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        self.messages: queue.Queue = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.messages.put(json.loads(line))
        self.messages.put({"type": "eof"})

    def send(self, msg: dict) -> None:
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def wait_for(self, kind: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = self.messages.get(timeout=min(left, 1))
            except queue.Empty:
                continue
            if msg.get("type") == kind:
                return msg
            if msg.get("type") == "error":
                self.errors.append(msg.get("error", "?"))
                if kind == "ready":
                    return None
            if msg.get("type") == "eof":
                return None
            if msg.get("type") == "progress":
                log(f"  … {msg['ready']} clients in")
        return None

    def clock_offset(self, rounds: int = 15) -> dict:
        """Node clock minus Python's time.time()*1000, from the round trip with the smallest RTT."""
        best = None
        for _ in range(rounds):
            t0 = time.time() * 1000
            self.send({"cmd": "clock"})
            msg = self.wait_for("clock", 5)
            t1 = time.time() * 1000
            if msg is None:
                continue
            rtt = t1 - t0
            offset = msg["t"] - (t0 + t1) / 2
            if best is None or rtt < best["rtt_ms"]:
                best = {"offset_ms": offset, "rtt_ms": rtt}
            time.sleep(0.02)
        return best or {"offset_ms": 0.0, "rtt_ms": None}

    def probe(self, timeout: float = 35) -> dict | None:
        self.send({"cmd": "probe", "role": "viewer"})
        return self.wait_for("probe", timeout)

    def report(self, expected: list[int], timeout: float = 60) -> dict | None:
        self.send({"cmd": "report", "expected": expected})
        return self.wait_for("report", timeout)

    def quit(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.send({"cmd": "quit"})
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.stderr.close()


# -- one run ----------------------------------------------------------------------------------------------


def operator_under_load(server: Server, changer: Changer) -> tuple[dict, int | None]:
    """A console logging in with the PIN on a fresh connection, then commanding with cookie + CSRF token."""
    s = requests.Session()
    out: dict = {}
    t0 = time.perf_counter()
    try:
        r = s.post(server.url + "/api/v1/session", json={"pin": PIN}, timeout=15)
        out["login_ms"] = (time.perf_counter() - t0) * 1000
        out["login_status"] = r.status_code
        csrf = r.json().get("csrf_token")
        t0 = time.perf_counter()
        r = s.get(server.url + "/control", timeout=15)
        out["console_page_ms"] = (time.perf_counter() - t0) * 1000
        out["console_page_status"] = r.status_code
        body = changer.body()
        t_send = time.time() * 1000
        t0 = time.perf_counter()
        r = s.post(server.url + "/api/v1/commands", json=body, headers={"X-CSRF-Token": csrf}, timeout=15)
        out["command_ms"] = (time.perf_counter() - t0) * 1000
        out["command_status"] = r.status_code
        out["t_send"] = t_send
        seq = r.json().get("seq") if r.status_code == 200 else None
        if r.status_code == 200:
            changer.confirm_next = not changer.confirm_next
        return out, seq
    except (requests.RequestException, ValueError) as err:
        out["error"] = repr(err)
        return out, None
    finally:
        s.close()


def run_once(kind: str, n: int, args, payload: Path, raw_dir: Path, rep: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"kiosk-bench-{kind}-{n}-"))
    result: dict = {"server": kind, "n": n, "rep": rep, "ok": False}
    if kind != "bare":
        result["app_version"] = app_version(Server.candidate_root if kind == "candidate" else Server.app_root)
    server = Server(kind, workdir, payload).start()
    clients = None
    try:
        changer = Changer(server)
        times_file = raw_dir / f"{kind}-n{n}-rep{rep}-times.json" if args.raw_times else None
        t_connect = time.monotonic()
        clients = Clients(server.url, n, workdir, times_file, args.wall_heartbeat_timeout_ms)
        ready = clients.wait_for("ready", args.connect_timeout)
        if ready is None:
            result["error"] = f"clients did not all connect: {clients.errors}"
            return result
        result["connect_seconds"] = time.monotonic() - t_connect
        time.sleep(args.settle)
        clock = clients.clock_offset()
        result["clock"] = clock
        offset = clock["offset_ms"]
        result["rss_connected_mb"] = rss_mb(server.pid)
        clients.send({"cmd": "reset-loop-delay"})

        # measured window: a change every --interval s for --duration s
        spy = None
        if args.profile_dir and shutil.which(args.py_spy):
            svg = Path(args.profile_dir) / f"{kind}-n{n}-rep{rep}.{args.profile_format}"
            spy = subprocess.Popen(
                pinned(
                    CLIENT_CPU,
                    [
                        args.py_spy,
                        "record",
                        "--pid",
                        str(server.pid),
                        "--rate",
                        "200",
                        "--duration",
                        str(int(args.duration)),
                        "--format",
                        args.profile_format,
                        "--output",
                        str(svg),
                        "--nonblocking",
                    ],
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        busy0 = core_busy()
        wait0 = runqueue_wait_s(server.pid)
        cpu0, w0 = cpu_seconds(server.pid), time.monotonic()
        count = max(1, int(args.duration / args.interval))
        changes = []
        for k in range(count):
            target = w0 + k * args.interval
            with contextlib.suppress(ValueError):
                time.sleep(max(0.0, target - time.monotonic()))
            changes.append(changer.change())
        time.sleep(args.grace + n / 1000)
        cpu1, w1 = cpu_seconds(server.pid), time.monotonic()
        busy1 = core_busy()
        wait1 = runqueue_wait_s(server.pid)
        result["window_seconds"] = w1 - w0
        if wait0 is not None and wait1 is not None:
            result["server_runqueue_wait_s"] = wait1 - wait0
        result["server_cpu_s"] = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
        # Noise: what else ran on the server's core (the machine is shared: other containers' work shows in
        # /proc/stat but not in our process list).
        core = f"cpu{SERVER_CPU}"
        if core in busy0 and result["server_cpu_s"] is not None:
            result["core0_busy_fraction"] = (busy1[core] - busy0[core]) / (w1 - w0)
            result["core0_others_fraction"] = max(0.0, busy1[core] - busy0[core] - result["server_cpu_s"]) / (
                w1 - w0
            )
        if f"cpu{CLIENT_CPU}" in busy0:
            result["core1_busy_fraction"] = (busy1[f"cpu{CLIENT_CPU}"] - busy0[f"cpu{CLIENT_CPU}"]) / (
                w1 - w0
            )
        if spy is not None:
            try:
                spy.wait(30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait(5)
        result["rss_end_mb"] = rss_mb(server.pid)

        # while all N are still connected (and no broadcast is in flight): a newcomer, then the operator
        probe = clients.probe()
        time.sleep(0.5)
        op: dict = {}
        op_seq = None
        if server.is_app:
            op, op_seq = operator_under_load(server, changer)
        else:
            t_send = time.time() * 1000
            t0 = time.perf_counter()
            c = changer.change()
            op = {"trigger_ms": (time.perf_counter() - t0) * 1000, "t_send": t_send}
            op_seq = c["seq"]
        op["newcomer_first_state_ms"] = probe.get("first_state_ms") if probe else None
        op["newcomer_open_ms"] = probe.get("open_ms") if probe else None
        op["newcomer_ok"] = bool(probe and probe.get("ok"))
        time.sleep(args.grace + n / 1000)

        expected = [c["seq"] for c in changes if c["seq"] is not None]
        report = clients.report(expected + ([op_seq] if op_seq is not None else []))
        if report is None:
            result["error"] = f"no report from the clients: {clients.errors}"
            return result
        per_seq = report.pop("per_seq")
        lat_last, lat_p50, lat_first = [], [], []
        for c in changes:
            s = per_seq.get(str(c["seq"])) if c["seq"] is not None else None
            c["received"] = s["received"] if s else 0
            if s and s["last"] is not None:
                c["last_ms"] = s["last"] - offset - c["t_send"]
                c["p50_client_ms"] = s["p50"] - offset - c["t_send"]
                c["first_ms"] = s["first"] - offset - c["t_send"]
                lat_last.append(c["last_ms"])
                lat_p50.append(c["p50_client_ms"])
                lat_first.append(c["first_ms"])
        if op_seq is not None and str(op_seq) in per_seq and per_seq[str(op_seq)]["last"] is not None:
            op["command_delivered_to_all_ms"] = per_seq[str(op_seq)]["last"] - offset - op["t_send"]
            op["command_delivered_count"] = per_seq[str(op_seq)]["received"]
        op.pop("t_send", None)
        post_ms = [c["post_ms"] for c in changes if c["post_ms"] is not None]
        result.update(
            ok=True,
            changes=len(changes),
            failed_changes=sum(1 for c in changes if c["status"] != 200),
            latency_ms={
                "p50": pct(lat_last, 50),
                "p99": pct(lat_last, 99),
                "max": max(lat_last) if lat_last else None,
                "mean": statistics.fmean(lat_last) if lat_last else None,
            },
            median_client_ms={"p50": pct(lat_p50, 50), "p99": pct(lat_p50, 99)},
            spread_ms={  # last client - first client: the fan-out itself
                "p50": pct([c["last_ms"] - c["first_ms"] for c in changes if "last_ms" in c], 50),
                "p99": pct([c["last_ms"] - c["first_ms"] for c in changes if "last_ms" in c], 99),
            },
            first_client_ms={"p50": pct(lat_first, 50), "p99": pct(lat_first, 99)},
            post_ms={"p50": pct(post_ms, 50), "p99": pct(post_ms, 99), "max": max(post_ms, default=None)},
            delivered=sum(c["received"] for c in changes),
            expected=len(changes) * n,
            operator=op,
            clients=report,
            per_change=changes,
        )
        return result
    except Exception as err:  # a benchmark keeps going and records what broke
        result["error"] = repr(err)
        return result
    finally:
        if clients is not None:
            clients.quit()
        server.stop()
        result["server_log_tail"] = server.log_tail(1500) if not result.get("ok") else None
        if args.keep_logs:
            with contextlib.suppress(OSError):
                shutil.copy(server.log_path, raw_dir / f"{kind}-n{n}-rep{rep}-server.log")
        shutil.rmtree(workdir, ignore_errors=True)


# -- card pages -------------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk if present; else try Debian's package (root only); else None (the Node fallback is used)."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk missing: apt-get install -y wrk")
        for cmd in (
            ["apt-get", "install", "-y", "wrk"],
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "wrk"],
        ):
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                subprocess.run(
                    cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False
                )
            if shutil.which("wrk"):
                break
    return shutil.which("wrk")


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]


def parse_wrk(text: str) -> dict:
    out: dict = {"tool": "wrk"}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        out["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in ([\d.]+\w+)", text):
        out["requests"] = int(m.group(1))
    for p in ("50", "99"):
        if m := re.search(rf"^\s+{p}%\s+(\S+)", text, re.M):
            out[f"p{p}_ms"] = to_ms(m.group(1))
    if m := re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", text):
        out["max_ms"] = to_ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    return out


def run_cards(args, rep: int, kind: str = "app") -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-bench-cards-"))
    server = Server(kind, workdir).start()
    result: dict = {"server": kind, "rep": rep}
    try:
        r = requests.get(
            server.url + "/api/v1/projects/p1/card",
            headers={"Authorization": f"Bearer {server.api_token}"},
            timeout=10,
        )
        path = "/c/" + r.json()["url"].rsplit("/c/", 1)[1]  # the address, always aimed at our loopback server
        url = server.url + path
        check = requests.get(url, timeout=10)
        result["page_status"] = check.status_code
        result["page_bytes"] = len(check.content)
        cpu0 = cpu_seconds(server.pid)
        wrk = ensure_wrk()
        if wrk:
            cmd = [
                wrk,
                "-t2",
                f"-c{args.card_connections}",
                f"-d{args.card_seconds}s",
                "--latency",
                "--timeout",
                "10s",
                url,
            ]
            done = subprocess.run(
                pinned(CLIENT_CPU, cmd),
                capture_output=True,
                text=True,
                timeout=args.card_seconds + 60,
                check=False,
            )
            result.update(parse_wrk(done.stdout))
            result["raw"] = done.stdout[-3000:]
        else:
            cmd = ["node", str(BENCH / "http_load.mjs"), "--url", url]
            cmd += ["--connections", str(args.card_connections), "--seconds", str(args.card_seconds)]
            done = subprocess.run(
                pinned(CLIENT_CPU, cmd),
                capture_output=True,
                text=True,
                timeout=args.card_seconds + 60,
                check=False,
            )
            result.update(json.loads(done.stdout.strip().splitlines()[-1]))
        cpu1 = cpu_seconds(server.pid)
        result["server_cpu_s"] = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
        result["rss_mb"] = rss_mb(server.pid)
    except Exception as err:
        result["error"] = repr(err)
        result["server_log_tail"] = server.log_tail(1500)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


# -- machine, payload, summary ----------------------------------------------------------------------------


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def app_version(root: Path) -> str | None:
    """The commit the app runs from, with "+dirty" when kiosk/ has uncommitted edits (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "kiosk"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+dirty" if dirty else "")) or None


def machine() -> dict:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")
    )
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        os_name = next(
            ln.split("=", 1)[1].strip('"')
            for ln in Path("/etc/os-release").read_text().splitlines()
            if ln.startswith("PRETTY_NAME")
        )

    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            return None

    sio_client = None
    with contextlib.suppress(OSError, ValueError):
        sio_client = json.loads((BENCH / "node_modules/socket.io-client/package.json").read_text())["version"]
    wrk = shutil.which("wrk")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gb": round(int(mem) / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "flask": version("flask"),
        "flask_socketio": version("flask-socketio"),
        "python_socketio": version("python-socketio"),
        "python_engineio": version("python-engineio"),
        "simple_websocket": version("simple-websocket"),
        "gevent": version("gevent"),
        "greenlet": version("greenlet"),
        "node": cmd_out(["node", "--version"]),
        "socket_io_client": sio_client,
        "wrk": (cmd_out([wrk, "--version"]) or "").splitlines()[0] if wrk else None,
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "pinning": "server on core 0, clients + orchestrator on core 1" if have_taskset() else "none",
    }


def sample_payload(path: Path) -> dict:
    """The app's own snapshot (a fresh sample app), saved for the bare server to broadcast."""
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-bench-payload-"))
    server = Server("app", workdir).start()
    try:
        r = requests.get(server.url + "/api/v1/state", timeout=10)
        state = r.json()
        path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        return {
            "bytes_http": len(r.content),
            "bytes_json_utf8": len(json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()),
        }
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _pooled(values: list[float]) -> dict:
    return {"changes": len(values), **{f"p{p}_ms": pct(values, p) for p in (50, 90, 95, 99)}}


def summarise(runs: list[dict], cards: list[dict]) -> dict:
    summary: dict = {"broadcast": {}, "cards": None}
    by = {}
    for r in runs:
        by.setdefault((r["n"], r["server"]), []).append(r)
    for (n, kind), rs in sorted(by.items()):
        ok = [r for r in rs if r.get("ok")]

        def m(get, ok=ok):
            vals = []
            for r in ok:
                with contextlib.suppress(KeyError, TypeError):
                    vals.append(get(r))
            return median(vals)

        summary["broadcast"].setdefault(str(n), {})[kind] = {
            "runs": len(rs),
            "ok_runs": len(ok),
            "p50_ms": m(lambda r: r["latency_ms"]["p50"]),
            "p99_ms": m(lambda r: r["latency_ms"]["p99"]),
            "max_ms": m(lambda r: r["latency_ms"]["max"]),
            "median_client_p50_ms": m(lambda r: r["median_client_ms"]["p50"]),
            "post_p50_ms": m(lambda r: r["post_ms"]["p50"]),
            "post_p99_ms": m(lambda r: r["post_ms"]["p99"]),
            "delivered": sum(r["delivered"] for r in ok),
            "expected": sum(r["expected"] for r in ok),
            "missed_total": sum(r["clients"]["missed_total"] for r in ok),
            "disconnects": sum(r["clients"]["disconnects"] for r in ok),
            "wall_heartbeat_timeouts": sum((r["clients"].get("wall") or {}).get("timeouts", 0) for r in ok),
            "wall_check_p99_ms": m(lambda r: r["clients"]["wall"]["rtt_p99_ms"]),
            "connect_seconds": m(lambda r: r["connect_seconds"]),
            "rss_connected_mb": m(lambda r: r["rss_connected_mb"]),
            "rss_end_mb": m(lambda r: r["rss_end_mb"]),
            "cpu_s": m(lambda r: r["server_cpu_s"]),
            "window_s": m(lambda r: r["window_seconds"]),
            "client_loop_delay_p99_ms": m(lambda r: r["clients"]["client_loop_delay_ms"]["p99"]),
            "spread_p50_ms": m(lambda r: r["spread_ms"]["p50"]),
            # every change of every run together: steadier tails than a median of per-run p99s
            "pooled": _pooled([c["last_ms"] for r in ok for c in r["per_change"] if "last_ms" in c]),
            "core0_others_fraction": m(lambda r: r["core0_others_fraction"]),
            "server_runqueue_wait_s": m(lambda r: r["server_runqueue_wait_s"]),
            "core1_busy_fraction": m(lambda r: r["core1_busy_fraction"]),
            "operator": {
                k: m(lambda r, k=k: r["operator"][k])
                for k in (
                    "login_ms",
                    "console_page_ms",
                    "command_ms",
                    "trigger_ms",
                    "command_delivered_to_all_ms",
                    "newcomer_first_state_ms",
                )
            },
            "operator_ok": all(
                r["operator"].get("newcomer_ok")
                and (
                    kind == "bare"
                    or (
                        r["operator"].get("login_status") == 200
                        and r["operator"].get("command_status") == 200
                    )
                )
                for r in ok
            )
            if ok
            else False,
            "errors": [r.get("error") for r in rs if r.get("error")],
        }

    for row in summary["broadcast"].values():
        bare = row.get("bare")
        for kind in ("app", "candidate"):
            app = row.get(kind)
            if app and bare and app["p50_ms"] and bare["p50_ms"]:
                row["ratio" if kind == "app" else "candidate_ratio"] = {
                    **{
                        f"pooled_{p}": app["pooled"][f"{p}_ms"] / bare["pooled"][f"{p}_ms"]
                        for p in ("p50", "p90", "p95", "p99")
                        if app["pooled"][f"{p}_ms"] and bare["pooled"][f"{p}_ms"]
                    },
                    "p50": app["p50_ms"] / bare["p50_ms"],
                    "p99": app["p99_ms"] / bare["p99_ms"] if app["p99_ms"] and bare["p99_ms"] else None,
                    "cpu": app["cpu_s"] / bare["cpu_s"] if app["cpu_s"] and bare["cpu_s"] else None,
                }
    summary["cards"] = {}
    for kind in KINDS:
        summary["cards"][kind] = _cards_summary([c for c in cards if c.get("server", "app") == kind])
    summary["cards"] = {k: v for k, v in summary["cards"].items() if v}
    return summary


def _cards_summary(cards: list[dict]) -> dict | None:
    good = [c for c in cards if "rps" in c]
    if cards:
        return {
            "runs": len(cards),
            "rps": median([c["rps"] for c in good]),
            "p50_ms": median([c.get("p50_ms") for c in good]),
            "p99_ms": median([c.get("p99_ms") for c in good]),
            "non2xx": sum(c.get("non2xx", 0) for c in good),
            "socket_errors": sum(c.get("socket_errors", 0) for c in good),
            "tool": good[0].get("tool") if good else None,
            "errors": [c.get("error") for c in cards if c.get("error")],
        }
    return None


def fmt(x, nd=0):
    if x is None:
        return "—"
    return f"{x:.{nd}f}"


def markdown(summary: dict, meta: dict) -> str:
    lines = [
        f"Run {meta['started']} — {meta['machine']['nproc']} cores {meta['machine']['cpu']}; "
        f"duration {meta['args']['duration']} s per run, a change every {meta['args']['interval']} s; medians over reps"
        + (f" — {meta['args']['label']}" if meta["args"].get("label") else ""),
        "",
        "| N | server | p50 ms | p99 ms | max ms | delivered / expected | disconnects | RSS connected → end MB | CPU s | POST p50 ms | others on core 0 / run-queue wait | runs |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in summary["broadcast"].items():
        for kind in KINDS:
            s = row.get(kind)
            if not s:
                continue
            lines.append(
                f"| {n} | {kind} | {fmt(s['p50_ms'])} | {fmt(s['p99_ms'])} | {fmt(s['max_ms'])} | "
                f"{s['delivered']} / {s['expected']} | {s['disconnects']} | "
                f"{fmt(s['rss_connected_mb'])} → {fmt(s['rss_end_mb'])} | {fmt(s['cpu_s'], 1)} | "
                f"{fmt(s['post_p50_ms'], 1)} | {fmt((s['core0_others_fraction'] or 0) * 100)} % / {fmt(s.get('server_runqueue_wait_s'), 2)} s | {s['ok_runs']}/{s['runs']} |"
            )
        for key, name in (("ratio", "app/bare"), ("candidate_ratio", "candidate/bare")):
            if key not in row:
                continue
            r = row[key]
            lines.append(
                f"| {n} | **{name}** | **{fmt(r['p50'], 2)}×** | **{fmt(r['p99'], 2)}×** | | | | | {fmt(r['cpu'], 2)}× | | | |"
            )
    lines += [
        "",
        "All changes of all runs pooled (latency to the last client, ms):",
        "",
        "| N | server | changes | p50 | p90 | p95 | p99 | ratio to bare p50 / p90 / p95 / p99 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, row in summary["broadcast"].items():
        for kind in KINDS:
            s = row.get(kind)
            if not s:
                continue
            pl = s["pooled"]
            r = row.get({"app": "ratio", "candidate": "candidate_ratio"}.get(kind, ""), {})
            ratios = (
                " / ".join(fmt(r.get(f"pooled_{p}"), 2) for p in ("p50", "p90", "p95", "p99")) if r else ""
            )
            lines.append(
                f"| {n} | {kind} | {pl['changes']} | {fmt(pl['p50_ms'])} | {fmt(pl['p90_ms'])} | "
                f"{fmt(pl['p95_ms'])} | {fmt(pl['p99_ms'])} | {ratios} |"
            )
    lines += [
        "",
        "| N | server | login ms | console page ms | command ms | command → all clients ms | newcomer first state ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, row in summary["broadcast"].items():
        for kind in KINDS:
            s = row.get(kind)
            if not s:
                continue
            o = s["operator"]
            cmd = o["trigger_ms"] if kind == "bare" else o["command_ms"]
            lines.append(
                f"| {n} | {kind} | {fmt(o['login_ms'], 1)} | {fmt(o['console_page_ms'], 1)} | {fmt(cmd, 1)} | "
                f"{fmt(o['command_delivered_to_all_ms'])} | {fmt(o['newcomer_first_state_ms'], 1)} |"
            )
    if summary.get("cards"):
        lines += [
            "",
            "| card page GET /c/<token> | server | rps | p50 ms | p99 ms | non-2xx | socket errors | runs |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kind, c in summary["cards"].items():
            lines.append(
                f"| {c['tool']}, {meta['args']['card_connections']} connections, {meta['args']['card_seconds']} s | {kind} | "
                f"{fmt(c['rps'])} | {fmt(c['p50_ms'], 1)} | {fmt(c['p99_ms'], 1)} | {c['non2xx']} | {c['socket_errors']} | {c['runs']} |"
            )
    return "\n".join(lines) + "\n"


# -- main -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description="kiosk broadcast benchmark (app vs bare Flask-SocketIO)")
    parser.add_argument("--n", default="10,100,1000,3000", help="client counts, comma-separated")
    parser.add_argument("--servers", default="app,bare")
    parser.add_argument("--reps", type=int, default=3, help="repetitions for N <= 1000")
    parser.add_argument("--reps-large", type=int, default=3, help="repetitions for N > 1000")
    parser.add_argument("--duration", type=float, default=45, help="measured window, s (>= 40 spans 4 pings)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between changes")
    parser.add_argument("--settle", type=float, default=2.0, help="pause after all connected, s")
    parser.add_argument("--grace", type=float, default=3.0, help="wait for the last deliveries, s (+N/1000)")
    parser.add_argument("--connect-timeout", type=float, default=240)
    parser.add_argument("--cards", type=int, default=None, help="card-page runs (default: reps)")
    parser.add_argument("--card-seconds", type=int, default=10)
    parser.add_argument("--card-connections", type=int, default=200)
    parser.add_argument(
        "--wall-heartbeat-timeout-ms",
        type=int,
        default=2000,
        help="the wall's check timeout (static/js/live.js HEARTBEAT_TIMEOUT_MS: 2000)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="copy each server's log to results/raw/")
    parser.add_argument("--raw-times", action="store_true", help="keep every client's receive times")
    parser.add_argument("--quick", action="store_true", help="smoke run: N=10,100, 1 rep, 12 s, cards 3 s")
    parser.add_argument("--out", default=str(BENCH / "results"))
    parser.add_argument(
        "--app-root", default=str(ROOT), help="the repository run as `app` (default: this one)"
    )
    parser.add_argument(
        "--candidate-root",
        default=None,
        help="a patched copy of the repository, run as server `candidate` (add it to --servers) to measure a fix",
    )
    parser.add_argument(
        "--profile-dir", default=None, help="py-spy record each server's window into this folder"
    )
    parser.add_argument("--py-spy", default="py-spy", help="py-spy executable")
    parser.add_argument("--profile-format", default="speedscope", choices=["flamegraph", "speedscope", "raw"])
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. which fix)")
    args = parser.parse_args()
    if args.quick:
        if args.n == parser.get_default("n"):
            args.n = "10,100"
        args.reps, args.reps_large, args.duration, args.card_seconds = 1, 1, 12, 3
    if args.cards is None:
        args.cards = args.reps
    ns = [int(x) for x in args.n.split(",") if x.strip()]
    Server.app_root = Path(args.app_root).resolve()
    if args.profile_dir:
        Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
    kinds = [k for k in args.servers.split(",") if k in KINDS]
    if "candidate" in kinds and not args.candidate_root:
        parser.error("--servers candidate needs --candidate-root")
    Server.candidate_root = Path(args.candidate_root).resolve() if args.candidate_root else None

    if shutil.which("node") is None or not (BENCH / "node_modules/socket.io-client").exists():
        print("needs node and `cd bench && npm ci` (socket.io-client)", file=sys.stderr)
        return 2
    nofile = raise_nofile()
    if have_taskset():
        os.sched_setaffinity(0, {int(CLIENT_CPU)})  # keep this script off the server's core
    out_dir = Path(args.out)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    raw_dir = out_dir / "raw" / stamp
    raw_dir.mkdir(parents=True, exist_ok=True)
    meta = {"started": stamp, "args": vars(args), "machine": machine()}
    log(f"open files allowed: {nofile}; {meta['machine']['pinning']}")
    payload = raw_dir / "state-payload.json"
    meta["payload"] = sample_payload(payload)
    log(f"payload: the app's snapshot, {meta['payload']['bytes_http']} bytes")

    runs: list[dict] = []
    cards: list[dict] = []
    result_path = out_dir / f"{stamp}.json"

    def save():
        summary = summarise(runs, cards)
        result_path.write_text(
            json.dumps({"meta": meta, "summary": summary, "runs": runs, "cards": cards}, indent=1)
        )
        (out_dir / f"{stamp}.md").write_text(markdown(summary, meta))
        return summary

    t_start = time.monotonic()
    for n in ns:
        reps = args.reps if n <= 1000 else args.reps_large
        for rep in range(reps):
            order = kinds if rep % 2 == 0 else list(reversed(kinds))  # alternate who goes first
            for kind in order:
                log(f"N={n} {kind} rep {rep + 1}/{reps}")
                r = run_once(kind, n, args, payload, raw_dir, rep)
                runs.append(r)
                if r.get("ok"):
                    lat = r["latency_ms"]
                    log(
                        f"  p50 {lat['p50']:.0f} ms p99 {lat['p99']:.0f} ms max {lat['max']:.0f} ms; "
                        f"delivered {r['delivered']}/{r['expected']}; disconnects {r['clients']['disconnects']}; "
                        f"RSS {r['rss_end_mb']:.0f} MB; CPU {r['server_cpu_s']:.1f} s; "
                        f"newcomer {fmt(r['operator'].get('newcomer_first_state_ms'))} ms"
                    )
                else:
                    log(f"  FAILED: {r.get('error')}")
                save()
    for rep in range(args.cards):
        for kind in [k for k in kinds if k != "bare"]:
            log(f"card pages ({kind}) rep {rep + 1}/{args.cards}")
            c = run_cards(args, rep, kind)
            cards.append(c)
            log(
                f"  {fmt(c.get('rps'))} rps, p50 {fmt(c.get('p50_ms'), 1)} ms, p99 {fmt(c.get('p99_ms'), 1)} ms, non-2xx {c.get('non2xx')}"
            )
            save()
    meta["elapsed_s"] = time.monotonic() - t_start
    summary = save()
    print()
    print(markdown(summary, meta))
    log(f"results: {result_path} (and .md); elapsed {meta['elapsed_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
