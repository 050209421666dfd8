"""Memory under connection churn: this checkout against a reference checkout, side by side in one run.

    git worktree add /tmp/kiosk-ref b4ef70f                      # the version before the transport guard
    .venv/bin/python bench/churn.py --reference-root /tmp/kiosk-ref   # 20,000 connections per run, ~4 min
    .venv/bin/python bench/churn.py --total 5000 --runs kiosk,default-gc

For each run it starts ``python -m kiosk serve`` on a fresh sample data folder (server on core 0, this
client on core 1), warms it up with a burst of 5,000 connections and lets it settle, reads the server's
resident memory from /proc as the baseline, then opens and closes ``--total`` websocket connections (one in
ten a big screen that connects to Socket.IO and waits for its ``state``, the rest Engine.IO only), reading
RSS after every fifth of them, and once more after it has settled again. Runs:

- ``reference``: the server of ``--reference-root`` as it is (its own garbage-collector settings);
- ``default-gc``: this checkout with Python's own collector thresholds (``KIOSK_GC_THRESHOLDS=700,10,10``);
- ``kiosk``: this checkout as it serves.

"Settled" means a ping interval and two seconds after the last connection: before the guard,
python-engineio kept every closed session alive in its ping task for up to ``ping_interval`` (10 s here),
so during a churn of ~700 connections a second some 7,000 closed sessions were still in memory
(docs/UPSTREAM.md). The broadcast tail latency at 3,000 clients comes from bench/load.py.
Results go to bench/results/churn-<timestamp>.json and .md. It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
from protocol import Process, churn_once  # noqa: E402

HOST = "127.0.0.1"
RUNS = {"reference": {}, "default-gc": {"KIOSK_GC_THRESHOLDS": "700,10,10"}, "kiosk": {}}
WARM_UP = 5000
SETTLE_S = 10 + 2  # the server's ping interval, plus its once-a-second watcher
STEPS = 5


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pinned(cpu: str, cmd: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *cmd] if shutil.which("taskset") and (os.cpu_count() or 1) >= 2 else cmd


def start(setting: str, folder: Path, root: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(folder),
        "KIOSK_OPERATOR_PIN": "246810",
        "KIOSK_NEW_SESSIONS_PER_MINUTE": "10000000",
        **RUNS[setting],
    }
    proc = subprocess.Popen(
        pinned("0", [sys.executable, "-m", "kiosk", "serve", "--host", HOST, "--port", str(port)]),
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://{HOST}:{port}/healthz", timeout=1).ok:
                return proc, port
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def churn(port: int, count: int, workers: int = 4) -> None:
    def one(i: int) -> None:
        churn_once(HOST, port, {"role": "display", "name": "churn"} if i % 10 == 0 else None)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(count)))


def run(setting: str, total: int, root: Path) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"kiosk-churn-{setting}-"))
    proc, port = start(setting, folder, root)
    server = Process(proc.pid)
    try:
        churn(port, WARM_UP)
        time.sleep(SETTLE_S)
        baseline = server.rss_mb()
        points, started = [], time.monotonic()
        for step in range(1, STEPS + 1):
            churn(port, total // STEPS)
            points.append({"connections": step * total // STEPS, "rss_mb": round(server.rss_mb(), 1)})
        time.sleep(SETTLE_S)
        settled = server.rss_mb()
        return {
            "setting": setting,
            "root": str(root),
            "env": RUNS[setting],
            "baseline_mb": round(baseline, 1),
            "points": points,
            "settled_mb": round(settled, 1),
            "growth_pct": round((settled - baseline) / baseline * 100, 1),
            "ms_per_connection": round((time.monotonic() - started) * 1000 / total, 2),
        }
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--total", type=int, default=20000)
    parser.add_argument("--runs", default="reference,default-gc,kiosk")
    parser.add_argument("--reference-root", type=Path, help="a checkout of the version to compare with")
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1}) if (os.cpu_count() or 1) >= 2 else None
    names = args.runs.split(",")
    if "reference" in names and not args.reference_root:
        parser.error("the reference run needs --reference-root (or leave it out of --runs)")
    results = []
    for rep in range(args.reps):
        for setting in names:
            root = args.reference_root.resolve() if setting == "reference" else ROOT
            result = run(setting, args.total, root)
            result["rep"] = rep
            results.append(result)
            print(json.dumps(result), flush=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = BENCH / "results" / f"churn-{stamp}"
    out.with_suffix(".json").write_text(json.dumps(results, indent=2))
    lines = [
        f"# Churn, {args.total} connections per run ({stamp})",
        "",
        "| setting | baseline MB | "
        + " | ".join(f"{p['connections']}" for p in results[0]["points"])
        + " | settled | growth |",
        "|---|---|" + "---|" * (STEPS + 2),
    ]
    for setting in names:
        runs = [r for r in results if r["setting"] == setting]
        for r in runs:
            lines.append(
                f"| {setting} | {r['baseline_mb']} | "
                + " | ".join(str(p["rss_mb"]) for p in r["points"])
                + f" | {r['settled_mb']} | {r['growth_pct']} % |"
            )
        if len(runs) > 1:
            lines.append(
                f"| {setting} median growth | | {statistics.median(r['growth_pct'] for r in runs)} % |"
            )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
