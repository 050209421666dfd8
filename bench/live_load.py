"""The public live page's fan-out: N /live viewers (Node socket.io-client), one change at a time, the time
from the change to the last viewer, side by side in one run with other servers.

Servers (``--servers``, run one after the other, alternating the order between repetitions):

- ``app``: ``python -m kiosk serve``, one process, as a laptop runs it;
- ``node``: Node's socket.io 4.8 server (``bench/live/node_server.mjs``) with the same namespace, room,
  event, ping settings and the app's own projection bytes: the reference;
- ``stack``: ``scripts/stack.sh`` (two kiosk processes on PostgreSQL + Redis behind nginx), viewers
  through nginx;
- ``stack-nchan``: the same stack, viewers on its nginx's nchan stream at ``/live/sub`` (plain WebSocket,
  as ``nchan``'s), fed by the kiosk process whose change it is (``KIOSK_LIVE_PUBLISH``): the deployment's
  path for /live;
- ``nchan``: nginx's nchan alone (``bench/live/nchan.conf``), fed by this script with the app's bytes.

The server side is pinned to core 0 (the stack's processes together), the viewers and this script to
core 1. A change is a ``confirm`` or an ``undo`` through ``POST /api/v1/commands`` (Bearer token) for the
app and the stacks, ``POST /trigger`` for Node and ``POST /live/pub`` for nchan. During each fan-out the operator sends one more command
(``note``, which no viewer sees) ``--probe-ms`` after the change: its answer time is the operator's command
latency while the viewers are being served.

    .venv/bin/python bench/live_load.py --n 10000 --servers app,node [--changes 20] [--procs 1]

Needs ``cd bench/live && npm ci`` once. Results: ``bench/results/live-<timestamp>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from load import (  # noqa: E402
    CLIENT_CPU,
    HOST,
    PIN,
    PYTHON,
    ROOT,
    SERVER_CPU,
    core_busy,
    cpu_seconds,
    free_port,
    log,
    pct,
    pinned,
    raise_nofile,
    rss_mb,
    runqueue_wait_s,
    stop_process,
)

LIVE = BENCH / "live"
NODE = os.environ.get("NODE", "node")
# Every viewer comes from 127.0.0.1: lift the per-address limits a venue needs.
OPEN_LIMITS = {
    "KIOSK_SESSIONS_PER_ADDRESS": "100000",
    "KIOSK_NEW_SESSIONS_PER_MINUTE": "10000000",
    "KIOSK_CONNECTIONS_PER_ADDRESS": "100000",
}


# -- servers ----------------------------------------------------------------------------------------------


class App:
    kind = "app"

    def __init__(self, root: Path, workdir: Path):
        self.root, self.workdir = root, workdir
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.data_dir = workdir / "data"
        self.log_path = workdir / "app.log"
        self.proc = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        env.update(
            OPEN_LIMITS, KIOSK_DATA_DIR=str(self.data_dir), KIOSK_OPERATOR_PIN=PIN, KIOSK_PUBLIC_URL=self.url
        )
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = [PYTHON, "-m", "kiosk", "serve", "--host", HOST, "--port", str(self.port)]
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                pinned(SERVER_CPU, cmd), cwd=self.root, env=env, stdout=out, stderr=out
            )
        wait_healthy(self.url, self.proc, self.log_path)

    @property
    def token(self) -> str:
        return (self.data_dir / "api_token.txt").read_text().strip()

    def pids(self) -> dict[str, int]:
        return {"kiosk": self.proc.pid}

    def stop(self) -> None:
        stop_process(self.proc)


class Stack(App):
    kind = "stack"

    def stack_env(self) -> dict[str, str]:
        # A publisher port of its own: scripts/stack.sh's default (8081) may be another stack's.
        return {"KIOSK_STACK_PUBLISH_PORT": str(free_port())}

    def start(self) -> None:
        self.state_dir = self.workdir / "stack"
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        ports = f"{free_port()} {free_port()}"
        # Its own database and its own Redis: the tests' stack (and other benches) use the shared ones, and
        # a broadcast on a shared channel would reach their clients.
        admin = services()["KIOSK_TEST_DATABASE_URL"]
        self.database = f"live_bench_{os.getpid()}_{int(time.time())}"
        subprocess.run(
            ["psql", admin, "-qc", f"CREATE DATABASE {self.database}"], check=True, capture_output=True
        )
        self.admin_url = admin
        redis_port = free_port()
        self.redis = subprocess.Popen(
            pinned(
                SERVER_CPU,
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env.update(
            KIOSK_DATABASE_URL=admin.rsplit("/", 1)[0] + "/" + self.database,
            KIOSK_MESSAGE_QUEUE=f"redis://{HOST}:{redis_port}/0",
        )
        env.update(
            OPEN_LIMITS,
            KIOSK_STACK_DIR=str(self.state_dir),
            KIOSK_STACK_PORT=str(self.port),
            KIOSK_STACK_APP_PORTS=ports,
            KIOSK_DATA_DIR=str(self.data_dir),
            KIOSK_OPERATOR_PIN=PIN,
        )
        env.update(self.stack_env())
        self.env = env
        out = subprocess.run(
            pinned(SERVER_CPU, ["bash", "scripts/stack.sh", "start"]),
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        (self.workdir / "stack-start.log").write_text(out.stdout + out.stderr)
        if out.returncode != 0:
            raise RuntimeError(f"stack did not start: {out.stderr[-2000:]}")
        self.ports = ports.split()
        wait_healthy(self.url, None, self.workdir / "stack-start.log")

    @property
    def token(self) -> str:
        return (self.data_dir / "api_token.txt").read_text().strip()

    def pids(self) -> dict[str, int]:
        found = {}
        for port in self.ports:
            with contextlib.suppress(OSError, ValueError):
                found[f"kiosk:{port}"] = int((self.state_dir / f"app-{port}.pid").read_text())
        found["redis"] = self.redis.pid
        for pidfile in self.state_dir.rglob("nginx*.pid"):
            with contextlib.suppress(OSError, ValueError):
                master = int(pidfile.read_text())
                found["nginx-master"] = master
                for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
                    found[f"nginx-worker:{child}"] = int(child)
        return found

    def stop(self) -> None:
        subprocess.run(
            ["bash", "scripts/stack.sh", "stop"], cwd=self.root, env=self.env, capture_output=True, timeout=60
        )
        stop_process(self.redis)
        subprocess.run(
            ["psql", self.admin_url, "-qc", f"DROP DATABASE IF EXISTS {self.database}"],
            capture_output=True,
            timeout=60,
        )


class StackNchan(Stack):
    """The stack, its viewers on nginx's nchan stream (/live/sub), which the kiosk processes publish to."""

    kind = "stack-nchan"

    @property
    def subscribe_url(self) -> str:
        return f"ws://{HOST}:{self.port}/live/sub"


class NodeServer:
    kind = "node"

    def __init__(self, projection: Path, workdir: Path):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.projection, self.workdir = projection, workdir
        self.proc = None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            NODE,
            str(LIVE / "node_server.mjs"),
            "--port",
            str(self.port),
            "--projection",
            str(self.projection),
        ]
        log_path = self.workdir / "node.log"
        with open(log_path, "ab") as out:
            self.proc = subprocess.Popen(pinned(SERVER_CPU, cmd), cwd=LIVE, stdout=out, stderr=out)
        wait_healthy(self.url, self.proc, log_path)

    def pids(self) -> dict[str, int]:
        return {"node": self.proc.pid}

    def stop(self) -> None:
        stop_process(self.proc)


class NchanServer:
    """nginx with nchan (bench/live/nchan.conf): the fan-out in nginx, fed one POST per change."""

    kind = "nchan"

    def __init__(self, projection: Path, workdir: Path):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.projection, self.workdir = projection, workdir
        self.proc = None

    def start(self) -> None:
        prefix = self.workdir / "nginx"
        prefix.mkdir(parents=True, exist_ok=True)
        conf = (
            (LIVE / "nchan.conf")
            .read_text()
            .replace("@PREFIX@", str(prefix))
            .replace("@PORT@", str(self.port))
        )
        (prefix / "nginx.conf").write_text(conf)
        cmd = ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        log_path = self.workdir / "nchan.log"
        with open(log_path, "ab") as out:
            self.proc = subprocess.Popen(pinned(SERVER_CPU, cmd), stdout=out, stderr=out)
        wait_healthy(self.url, self.proc, log_path)
        self.data = json.loads(self.projection.read_text())
        self.publish()

    def publish(self) -> int:
        body = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode()
        requests.post(self.url + "/live/pub", data=body, timeout=30).raise_for_status()
        return self.data["version"]

    @property
    def subscribe_url(self) -> str:
        return f"ws://{HOST}:{self.port}/live/sub"

    def pids(self) -> dict[str, int]:
        found = {"nginx-master": self.proc.pid}
        with contextlib.suppress(OSError):
            for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
                found[f"nginx-worker:{child}"] = int(child)
        return found

    def stop(self) -> None:
        stop_process(self.proc)


class Publish:
    def __init__(self, server: NchanServer):
        self.server = server

    def change(self) -> tuple[float, int]:
        self.server.data = {**self.server.data, "version": self.server.data["version"] + 1}
        started = time.perf_counter()
        version = self.server.publish()
        return (time.perf_counter() - started) * 1000, version

    def probe(self) -> float | None:
        return None


def services() -> dict[str, str]:
    """The test services' addresses (scripts/services.sh starts them if needed and prints export lines)."""
    out = subprocess.run(
        ["bash", "scripts/services.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    found = {}
    for line in out.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[7:].split("=", 1)
            found[key] = value.strip("'\"")
    return found


def wait_healthy(url: str, proc, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url} exited: {log_path.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


# -- changes ----------------------------------------------------------------------------------------------


class Commands:
    """The operator: confirm and undo of one project in turn (each moves the viewers' total and roll)."""

    def __init__(self, server):
        self.server = server
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {server.token}"
        self.confirm_next = True
        self.project_id = None

    def post(self, action: str, **fields) -> tuple[float, dict]:
        body = {"command_id": uuid.uuid4().hex, "action": action, **fields}
        started = time.perf_counter()
        r = self.http.post(self.server.url + "/api/v1/commands", json=body, timeout=30)
        took = (time.perf_counter() - started) * 1000
        r.raise_for_status()
        return took, r.json()

    def prepare(self, signed: int = 3) -> None:
        """Mid-ceremony: a few projects signed, so each frame is the size a viewer gets then."""
        state = self.http.get(self.server.url + "/api/v1/state", timeout=10).json()
        pending = [p["id"] for p in state["projects"] if p["status"] != "signed"]
        for pid in pending[:signed]:
            self.post("confirm", project_id=pid)
        self.project_id = pending[signed]

    def change(self) -> tuple[float, int]:
        if self.confirm_next:
            took, answer = self.post("confirm", project_id=self.project_id)
        else:
            took, answer = self.post("undo")
        self.confirm_next = not self.confirm_next
        return took, answer["seq"]

    def probe(self) -> float:
        return self.post("note", text=f"bench {uuid.uuid4().hex[:6]}")[0]


class Trigger:
    def __init__(self, server: NodeServer):
        self.server = server
        self.http = requests.Session()

    def change(self) -> tuple[float, int]:
        started = time.perf_counter()
        r = self.http.post(self.server.url + "/trigger", timeout=30)
        took = (time.perf_counter() - started) * 1000
        return took, r.json()["version"]

    def probe(self) -> float | None:
        return None


# -- viewers ----------------------------------------------------------------------------------------------


class Viewers:
    """One Node process holding ``n`` viewers, spoken to over stdin/stdout."""

    def __init__(self, url: str, n: int, log_path: Path, local: str | None = None, mode: str | None = None):
        cmd = [NODE, "--max-old-space-size=4096", str(LIVE / "viewers.mjs"), "--url", url, "--n", str(n)]
        if local:
            cmd += ["--local", local]
        if mode:
            cmd += ["--mode", mode]
        # Open as long as the process runs; closed in quit().
        self.err = open(log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            pinned(CLIENT_CPU, cmd),
            cwd=LIVE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.err,
            text=True,
        )
        self.lock = threading.Lock()

    def read(self, timeout: float) -> dict:
        result = {}

        def reader():
            line = self.proc.stdout.readline()
            if line:
                result["v"] = json.loads(line)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(timeout)
        if "v" not in result:
            raise RuntimeError("viewers did not answer")
        return result["v"]

    def ask(self, cmd: str, timeout: float = 60) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def clock_offset(self) -> float:
        """Node's clock minus this one, from the round trip with the smallest delay."""
        best = None
        for _ in range(10):
            sent = time.time() * 1000
            theirs = self.ask("clock")["clock"]
            back = time.time() * 1000
            if best is None or back - sent < best[0]:
                best = (back - sent, theirs - (sent + back) / 2)
        return best[1]

    def quit(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.err.close()


# -- one run ----------------------------------------------------------------------------------------------


def process_stats(pids: dict[str, int]) -> dict:
    return {
        name: {"cpu_s": cpu_seconds(pid), "rss_mb": rss_mb(pid), "wait_s": runqueue_wait_s(pid)}
        for name, pid in pids.items()
    }


def run_once(kind: str, args, workdir: Path, projection: Path) -> dict:
    if kind == "node":
        server = NodeServer(projection, workdir)
    elif kind == "nchan":
        server = NchanServer(projection, workdir)
    elif kind == "stack":
        server = Stack(args.root, workdir)
    elif kind == "stack-nchan":
        server = StackNchan(args.root, workdir)
    else:
        server = App(args.root, workdir)
    log(f"{kind}: starting")
    server.start()
    viewers: list[Viewers] = []
    try:
        if kind == "node":
            changer = Trigger(server)
        elif kind == "nchan":
            changer = Publish(server)
        else:
            changer = Commands(server)
            changer.prepare()
            if not projection.exists():
                projection.write_text(requests.get(server.url + "/live/state.json", timeout=10).text)
        frame = len(projection.read_bytes())
        per = [args.n // args.procs + (1 if i < args.n % args.procs else 0) for i in range(args.procs)]
        started = time.monotonic()
        viewers = [
            Viewers(
                getattr(server, "subscribe_url", server.url),
                k,
                workdir / f"viewers-{i}.log",
                args.local if kind in ("stack", "stack-nchan") else None,
                "nchan" if kind in ("nchan", "stack-nchan") else None,
            )
            for i, k in enumerate(per)
        ]
        ready = [v.read(timeout=600) for v in viewers]
        connect_s = time.monotonic() - started
        held = sum(r["ready"] for r in ready)
        log(f"{kind}: {held}/{args.n} viewers connected in {connect_s:.1f} s ({ready})")
        pids = server.pids()
        offsets = [v.clock_offset() for v in viewers]
        after_connect = process_stats(pids)
        time.sleep(args.settle)
        for v in viewers:
            v.ask("reset")
        busy0, stats0 = core_busy(), process_stats(pids)
        t_window = time.monotonic()
        changes, probes = [], []
        for _ in range(args.changes):
            t0 = time.time() * 1000
            took, version = changer.change()
            probe_took = None
            if args.probe_ms >= 0:
                time.sleep(args.probe_ms / 1000)
                probe_took = changer.probe()
                if probe_took is not None:
                    probes.append(probe_took)
            changes.append({"t0": t0, "version": version, "command_ms": took})
            time.sleep(max(0.0, args.interval - (time.time() * 1000 - t0) / 1000))
        # Until every viewer has the last change (or --tail seconds more): a late delivery is not a lost one.
        deadline = time.monotonic() + args.tail
        while True:
            reports = [v.ask("report", timeout=120) for v in viewers]
            got = sum(r["versions"].get(str(changes[-1]["version"]), {}).get("count", 0) for r in reports)
            if got >= held or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        window_s = time.monotonic() - t_window
        busy1, stats1 = core_busy(), process_stats(pids)
        reports = [v.ask("report", timeout=120) for v in viewers]
        return summarise_run(
            kind,
            args,
            server,
            changes,
            probes,
            reports,
            offsets,
            ready,
            connect_s,
            frame,
            after_connect,
            stats0,
            stats1,
            busy0,
            busy1,
            window_s,
        )
    finally:
        for v in viewers:
            v.quit()
        server.stop()
        log(f"{kind}: stopped")
        if args.keep_logs:
            keep = args.keep_logs / f"{args.started}-{workdir.name}"
            keep.mkdir(parents=True, exist_ok=True)
            for path in workdir.rglob("*.log"):
                shutil.copy(path, keep / path.name)


def summarise_run(
    kind,
    args,
    server,
    changes,
    probes,
    reports,
    offsets,
    ready,
    connect_s,
    frame,
    after_connect,
    stats0,
    stats1,
    busy0,
    busy1,
    window_s,
) -> dict:
    per_change = []
    delivered = 0
    for c in changes:
        count, first, last = 0, None, None
        for report, offset in zip(reports, offsets, strict=True):
            got = report["versions"].get(str(c["version"]))
            if not got:
                continue
            count += got["count"]
            f, la = got["first"] - offset, got["last"] - offset
            first = f if first is None else min(first, f)
            last = la if last is None else max(last, la)
        delivered += count
        per_change.append(
            {
                **c,
                "received": count,
                "first_ms": None if first is None else first - c["t0"],
                "last_ms": None if last is None else last - c["t0"],
            }
        )
    lasts = [c["last_ms"] for c in per_change if c["last_ms"] is not None]
    commands = [c["command_ms"] for c in per_change]
    procs = {}
    for name in stats1:
        a, b = stats0.get(name, {}), stats1[name]
        cpu = None if a.get("cpu_s") is None or b.get("cpu_s") is None else b["cpu_s"] - a["cpu_s"]
        wait = None if a.get("wait_s") is None or b.get("wait_s") is None else b["wait_s"] - a["wait_s"]
        procs[name] = {
            "rss_connected_mb": after_connect.get(name, {}).get("rss_mb"),
            "rss_end_mb": b.get("rss_mb"),
            "cpu_s": cpu,
            "cpu_share": None if cpu is None else cpu / window_s,
            "runqueue_wait_s": wait,
        }
    own_cpu = sum(p["cpu_s"] or 0 for p in procs.values())
    core0 = busy1.get("cpu" + SERVER_CPU, 0) - busy0.get("cpu" + SERVER_CPU, 0)
    core1 = busy1.get("cpu" + CLIENT_CPU, 0) - busy0.get("cpu" + CLIENT_CPU, 0)
    return {
        "kind": kind,
        "n": args.n,
        "frame_bytes": frame,
        "connect_s": connect_s,
        "ready": ready,
        "changes": per_change,
        "expected": args.n * len(changes),
        "delivered": delivered,
        "last_p50_ms": pct(lasts, 50),
        "last_p99_ms": pct(lasts, 99),
        "last_max_ms": max(lasts) if lasts else None,
        "first_p50_ms": pct([c["first_ms"] for c in per_change if c["first_ms"] is not None], 50),
        "command_p50_ms": pct(commands, 50),
        "command_p99_ms": pct(commands, 99),
        "probe_p50_ms": pct(probes, 50),
        "probe_p99_ms": pct(probes, 99),
        "probe_max_ms": max(probes) if probes else None,
        "processes": procs,
        "server_cpu_s": own_cpu,
        "cpu_us_per_delivery": own_cpu * 1e6 / delivered if delivered else None,
        "window_s": window_s,
        "others_on_core0": max(0.0, (core0 - own_cpu) / window_s),
        "core1_busy": core1 / window_s,
        "viewers": [
            {
                k: r[k]
                for k in (
                    "connected",
                    "disconnects",
                    "duplicates",
                    "refused",
                    "lag_p50",
                    "lag_p99",
                    "lag_max",
                )
            }
            for r in reports
        ],
        "clock_offsets_ms": offsets,
    }


# -- the report -------------------------------------------------------------------------------------------


def f(x, nd=0):
    return "—" if x is None else f"{x:,.{nd}f}"


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        f"# /live fan-out, {meta['started']}",
        "",
        f"N = {meta['n']} viewers, {meta['changes']} changes {meta['interval']} s apart, probe {meta['probe_ms']} ms after each;"
        f" app at {meta['app_version']}; frame {runs[0]['frame_bytes'] if runs else '—'} bytes.",
        "",
        "| server | last viewer p50 / p99 / max ms | first viewer p50 ms | delivered / expected | disconnects |"
        " command p50 / p99 ms | operator's note during fan-out p50 / p99 / max ms | server CPU s (µs per delivery) |"
        " RSS connected → end MB | others on core 0 | viewers' loop lag p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        rss = " + ".join(
            f"{f(p['rss_connected_mb'])}→{f(p['rss_end_mb'])}"
            for p in r["processes"].values()
            if p["rss_end_mb"]
        )
        disc = sum(sum(v["disconnects"].values()) for v in r["viewers"])
        lag = max((v["lag_p99"] or 0) for v in r["viewers"])
        lines.append(
            f"| {r['kind']} | {f(r['last_p50_ms'])} / {f(r['last_p99_ms'])} / {f(r['last_max_ms'])} | {f(r['first_p50_ms'])}"
            f" | {r['delivered']:,} / {r['expected']:,} | {disc} | {f(r['command_p50_ms'], 1)} / {f(r['command_p99_ms'], 1)}"
            f" | {f(r['probe_p50_ms'], 1)} / {f(r['probe_p99_ms'], 1)} / {f(r['probe_max_ms'], 1)}"
            f" | {f(r['server_cpu_s'], 1)} ({f(r['cpu_us_per_delivery'], 1)}) | {rss} | {r['others_on_core0']:.0%} | {f(lag)} |"
        )
    lines.append("")
    for r in runs:
        per = ", ".join(f"{name} {f(p['cpu_s'], 1)} s" for name, p in r["processes"].items())
        lines.append(f"- {r['kind']}: per process CPU {per}; connect {r['connect_s']:.0f} s.")
    return "\n".join(lines) + "\n"


def app_version(root: Path) -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        return head + ("+uncommitted" if dirty else "") + ("" if root == ROOT else f" (run from {root})")
    return None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--servers", default="app,node")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between changes")
    parser.add_argument(
        "--probe-ms", type=float, default=50.0, help="the operator's note this long after a change (-1: none)"
    )
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument(
        "--tail", type=float, default=20.0, help="at most this long for the last change to reach everyone"
    )
    parser.add_argument("--procs", type=int, default=1, help="Node viewer processes")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout the app and the stack run from")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--local",
        default="127.0.0.10-41",
        help="the stack's viewers' source addresses (nginx hashes on them)",
    )
    parser.add_argument(
        "--keep-logs", type=Path, default=None, help="copy the servers' and viewers' logs here"
    )
    args = parser.parse_args()
    args.root = args.root.resolve()
    nofile = raise_nofile(65536)
    started = args.started = time.strftime("%Y%m%d-%H%M%S")
    kinds = args.servers.split(",")
    meta = {
        "started": started,
        "n": args.n,
        "changes": args.changes,
        "interval": args.interval,
        "probe_ms": args.probe_ms,
        "procs": args.procs,
        "nofile": nofile,
        "app_version": app_version(args.root),
        "label": args.label,
        "node": subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip(),
    }
    runs = []
    with tempfile.TemporaryDirectory(prefix="live-bench-") as tmp:
        projection = Path(tmp) / "projection.json"
        if not {"app", "stack", "stack-nchan"} & set(kinds):
            raise SystemExit("node and nchan need the app's projection: include app, stack or stack-nchan")
        # The app (or the stack) first in the first repetition: it makes the projection Node re-sends.
        order = sorted(kinds, key=lambda k: k in ("node", "nchan"))
        for rep in range(args.reps):
            for kind in order if rep % 2 == 0 else list(reversed(order)) if projection.exists() else order:
                runs.append({**run_once(kind, args, Path(tmp) / f"{kind}-{rep}", projection), "rep": rep})
                time.sleep(3)
        meta["projection"] = json.loads(projection.read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"live-{started}"
    base.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "runs": runs}, ensure_ascii=False, indent=1)
    )
    text = markdown(runs, meta)
    base.with_suffix(".md").write_text(text)
    print(text)
    print(f"results: {base}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
