"""How long a big screen and a console take to show a change after their link failed, and two server processes
to get over a Redis restart.

    .venv/bin/python bench/recovery.py                   # 5 rounds of every scenario, ~5 min
    .venv/bin/python bench/recovery.py --rounds 9 --only wall-stall,console-stall
    .venv/bin/python bench/recovery.py --only redis-restart

The page scenarios are tests/test_recovery.py's, with the server's ping as it ships (10 s + 8 s): one
``python -m kiosk serve`` (tests/harness.py's LiveServer, SQLite, five projects) and Debian's Chromium through
Playwright; each run opens a fresh page (the big screen at /display, or the console logged in through the
API) through tests/netproxy.py's TCP proxy, makes the fault, then one command (``show``, alternating two
screens), and times until the page holds the command's seq:

- ``wall-restart``: the server is killed (SIGKILL) and started again, the page talking to it directly;
- ``wall-cut`` / ``console-cut``: every connection through the proxy is closed (a Wi-Fi blip);
- ``wall-stall`` / ``console-stall``: the connections stay open and move no byte (a half-open link); Engine.IO
  alone would notice after its ping (up to 18 s), the page's own heartbeat (static/js/common/live.js: a check
  every 2 s answered within 2 s) sooner;
- ``wall-outage``: nothing gets through, old or new, for 6 s; then the network comes back.

"From the change" is from the command's answer to the page holding its seq (tests/test_recovery.py's figure;
for the outage it holds the outage's 6 s); "from the fault" is from the kill, the cut or the stall, and for
the outage from the network's return.

``redis-restart`` is tests/test_cluster.py's: two processes on one data folder and a Redis of the bench's
own (``redis-server`` on a free port, no persistence), a Socket.IO client (the harness's Recorder) on the
second. Redis is killed, both /healthz say so, then Redis is started again on the same port: timed from that
start to both /healthz answering 200, and to a command on the first process reaching the client on the
second.

Rounds take the scenarios in turn. Prints medians, p90 and max per scenario and the load average before and
after (the machine is shared). Results go to bench/results/recovery-<timestamp>.json and .md. It reports; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from harness import (  # noqa: E402
    LiveServer,
    Recorder,
    free_port,
    launch_chromium,
    open_console,
    open_display,
    prepare_data,
    projects,
    wait_until,
)
from netproxy import Proxy  # noqa: E402

PAGE_SCENARIOS = ("wall-restart", "wall-cut", "wall-stall", "wall-outage", "console-cut", "console-stall")
SCENARIOS = (*PAGE_SCENARIOS, "redis-restart")
LIMIT_S = 60.0  # a run that takes longer is recorded as failed
OUTAGE_S = 6.0
DISPLAY_SEQ = "window.__kiosk?.display ? window.__kiosk?.display.seq : 0"
CONSOLE_SEQ = "window.__kiosk?.console.state() ? window.__kiosk?.console.state().seq : 0"


class Change:
    """One command after another on a server (``show``, alternating two screens); returns its seq."""

    def __init__(self):
        self.n = 0

    def __call__(self, server: LiveServer) -> int:
        self.n += 1
        answer = server.command("show", screen=("roll", "title")[self.n % 2])
        answer.raise_for_status()
        return answer.json()["seq"]


def page_run(browser, server: LiveServer, scenario: str, change: Change) -> dict:
    """One run of a page scenario: seconds from the change, and from the fault, to the page holding it."""
    proxy = None if scenario == "wall-restart" else Proxy(server.port).start()
    front = server if proxy is None else LiveServer(server.data_dir, port=proxy.port)
    console = scenario.startswith("console")
    page = open_console(browser, front) if console else open_display(browser, front, name="bench-wall")
    expression = CONSOLE_SEQ if console else DISPLAY_SEQ
    try:
        if not console:
            # Its socket up: the server lists the page (what the test waits for too).
            wait_until(lambda: waiting(server) == 1, message="the page's socket is not up")
        kind = scenario.split("-", 1)[1]
        fault = time.monotonic()
        if kind == "restart":
            server.kill()
            server.start()
        elif kind == "cut":
            proxy.cut()
        elif kind == "stall":
            proxy.stall()
        elif kind == "outage":
            proxy.blackhole()
        seq = change(server)
        changed = time.monotonic()
        if kind == "outage":
            time.sleep(OUTAGE_S)
            proxy.heal()
            fault = time.monotonic()  # what the page gets over is the network's return
        page.wait_for_function(f"s => ({expression}) >= s", arg=seq, timeout=LIMIT_S * 1000)
        done = time.monotonic()
        return {"from_change": done - changed, "from_fault": done - fault}
    finally:
        page.context.close()
        if proxy is not None:
            proxy.stop()
        if not console and server.alive():
            # The next run waits for its page to be listed: this one's socket must be gone first (one the
            # outage left half-open goes at the server's ping timeout, 18 s).
            with contextlib.suppress(AssertionError):
                wait_until(lambda: waiting(server) == 0, 30)


def waiting(server: LiveServer) -> int:
    """The unpaired big screens the server lists."""
    return requests.get(server.url + "/healthz", timeout=5).json()["waiting"]


class RedisProcess:
    """A Redis of the bench's own, to kill and start again on the same port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", *args, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def health(server: LiveServer) -> int:
    try:
        return requests.get(server.url + "/healthz", timeout=5).status_code
    except requests.RequestException:
        return 0


def redis_run(pair: list[LiveServer], redis: RedisProcess, change: Change) -> dict:
    """One Redis restart: seconds from its start to both /healthz 200, and to A's change reaching B's client."""
    a, b = pair
    wait_until(lambda: health(a) == health(b) == 200, LIMIT_S, "not healthy before the restart")
    on_b = Recorder(b)
    try:
        redis.kill()
        wait_until(lambda: health(a) == health(b) == 503, LIMIT_S, "healthz did not report Redis")
        started = time.monotonic()
        redis.start()
        wait_until(lambda: health(a) == health(b) == 200, LIMIT_S, "healthz not ok after the restart")
        healthy = time.monotonic()
        seq = change(a)
        on_b.wait_for(lambda s: s["seq"] == seq, timeout=LIMIT_S)
        done = time.monotonic()
        return {"healthz": healthy - started, "broadcast": done - started}
    finally:
        on_b.close()


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]  # nearest rank
    return {"n": len(ordered), "median": statistics.median(ordered), "p90": p90, "max": ordered[-1]}


def this_version() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "kiosk", "static"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return head + (" + uncommitted changes under kiosk/ or static/" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if s in args.only.split(",")]
    pages = [s for s in chosen if s in PAGE_SCENARIOS]

    from playwright.sync_api import sync_playwright

    # The proxy's stop cancels the connections it still pipes; asyncio would print each one.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    work = Path(tempfile.mkdtemp(prefix="kiosk-recovery-"))
    results: dict[str, list[dict]] = {s: [] for s in chosen}
    failures: dict[str, list[str]] = {s: [] for s in chosen}
    change = Change()
    started: list[LiveServer] = []
    redis = None
    load_before = os.getloadavg()
    try:
        if pages:
            prepare_data(work / "page", projects("10", "20", "30", "40", "50"))
            server = LiveServer(work / "page").start()
            started.append(server)
        if "redis-restart" in chosen:
            redis = RedisProcess(work)
            redis.start()
            prepare_data(work / "pair", projects("52", "30"))
            env = {"KIOSK_MESSAGE_QUEUE": redis.url}
            pair = [LiveServer(work / "pair", env=env).start(), LiveServer(work / "pair", env=env).start()]
            started += pair
        with sync_playwright() as p:
            browser = launch_chromium(p) if pages else None
            for r in range(args.rounds):
                for scenario in chosen:
                    try:
                        if scenario == "redis-restart":
                            results[scenario].append(redis_run(pair, redis, change))
                        else:
                            results[scenario].append(page_run(browser, server, scenario, change))
                    except Exception as err:  # a run that failed is counted, not the end of the bench
                        failures[scenario].append(f"round {r + 1}: {type(err).__name__}: {err}"[:300])
                        if pages and not server.alive():
                            server.start()
                print(
                    f"round {r + 1}/{args.rounds}: "
                    + ", ".join(
                        f"{s} {next(iter(results[s][-1].values())):.2f} s" if results[s] else f"{s} failed"
                        for s in chosen
                    ),
                    flush=True,
                )
            if browser is not None:
                browser.close()
        load_after = os.getloadavg()
    finally:
        for server in started:
            server.stop()
        if redis is not None:
            redis.kill()
        shutil.rmtree(work, ignore_errors=True)

    stamp = time.strftime("%Y%m%d-%H%M%S")
    version = this_version()
    lines = [
        f"# Recovery, {args.rounds} rounds ({stamp})",
        "",
        f"this: {version}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} CPUs){'; ' + args.label if args.label else ''}",
        "",
        "| scenario | figure | runs | median s | p90 s | max s | failed |",
        "|---|---|---|---|---|---|---|",
    ]
    for scenario in chosen:
        figures = results[scenario][0].keys() if results[scenario] else ["—"]
        for figure in figures:
            values = [run[figure] for run in results[scenario] if figure in run]
            s = summary(values) if values else None
            lines.append(
                f"| {scenario} | {figure.replace('_', ' ')} | {len(values)} | "
                + (f"{s['median']:.2f} | {s['p90']:.2f} | {s['max']:.2f}" if s else "— | — | —")
                + f" | {len(failures[scenario])} |"
            )
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    for scenario, said in failures.items():
        for line in said:
            print(f"{scenario}: {line}")

    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"recovery-{stamp}.md").write_text(text, encoding="utf-8")
    record = {
        "this": version,
        "rounds": args.rounds,
        "load_average": {"before": load_before, "after": load_after},
        "label": args.label,
        "runs_s": results,
        "failures": failures,
    }
    (out / f"recovery-{stamp}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"bench/results/recovery-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
