"""How long the operator's command takes when the AV desk or nchan's publisher is dead, against a server
with nothing to send to and one with a live webhook, in the same run.

    .venv/bin/python bench/outbound.py                  # 5 rounds of 110 commands per server, ~1 min
    .venv/bin/python bench/outbound.py --rounds 9 --commands 200

Four ``python -m kiosk serve`` processes (tests/harness.py's LiveServer: a fresh data folder each, two
projects), started together and kept for the run:

- ``none``: no outbound target;
- ``webhook``: one live webhook, a local HTTP receiver answering 200;
- ``dead-desk``: as tests/test_outbound.py sets it up: a black hole (accepts every connection, never answers a
  byte) and a refused port listed before the live receiver, and a live OSC desk with a dead UDP port beside
  it. Each message to the black hole takes three attempts of the webhook's 2 s timeout, so its queue fills;
- ``dead-live``: ``KIOSK_LIVE_PUBLISH`` pointing at a black hole (nchan's publisher hung).

A round sends ``--commands`` commands (``show``, alternating two screens) to each server in turn, one after
the other, as the AV desk does (``POST /api/v1/commands`` with the API token, a keep-alive session); the
servers' order is rotated each round so a noisy neighbour hurts them alike. A command is timed from just
before the request to its answer. For the two servers with a live receiver it also records how long after
the command's answer its message reached the receiver. At the end each server is stopped with SIGTERM and the
time to its exit is taken: the dead desk's stop waits at most the 2 s grace kiosk/outbound/hub.py gives what
is queued. Prints medians, p90, p99 and max, and the load average before and after (the machine is shared:
compare only servers of the same run). Results go to bench/results/outbound-<timestamp>.json and .md. It
reports; it asserts nothing (tests/test_outbound.py and tests/test_live_page.py check that no command waits
out a dead target).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from harness import LiveServer, free_port, prepare_data, projects  # noqa: E402
from netproxy import BlackHole  # noqa: E402


class Receiver:
    """A webhook receiver on loopback answering 200, noting when each message came (time.monotonic)."""

    def __init__(self):
        self.got: dict[int, float] = {}  # seq -> arrival
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got[json.loads(body)["seq"]] = time.monotonic()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class OscSink:
    """A UDP port that reads and drops what it gets (the live OSC desk)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.target = f"127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                self.sock.recv(65536)
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()


def summary(values: list[float]) -> dict:
    ordered = sorted(values)

    def rank(q: float) -> float:  # nearest rank
        return ordered[max(0, -(-len(ordered) * q // 100) - 1)]

    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p90": rank(90),
        "p99": rank(99),
        "max": ordered[-1],
    }


def this_version() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "kiosk"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return head + (" + uncommitted changes under kiosk/" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commands", type=int, default=110, help="commands per server per round")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kiosk-outbound-"))
    receivers = {"webhook": Receiver(), "dead-desk": Receiver()}
    hole, live_hole, desk = BlackHole(), BlackHole(), OscSink()
    refused = f"http://127.0.0.1:{free_port()}/hook"  # bound once, closed: nothing listens
    envs = {
        "none": {},
        "webhook": {"KIOSK_WEBHOOKS": receivers["webhook"].url},
        "dead-desk": {
            "KIOSK_WEBHOOKS": f"http://127.0.0.1:{hole.port}/hook {refused},{receivers['dead-desk'].url}",
            "KIOSK_OSC": f"{desk.target} 127.0.0.1:{free_port()}",
        },
        "dead-live": {"KIOSK_LIVE_PUBLISH": f"http://127.0.0.1:{live_hole.port}/live/pub"},
    }
    servers: dict[str, LiveServer] = {}
    times: dict[str, list[float]] = {name: [] for name in envs}
    lags: dict[str, list[float]] = {name: [] for name in receivers}
    stops: dict[str, float] = {}
    load_before = os.getloadavg()
    try:
        for name, env in envs.items():
            folder = work / name
            prepare_data(folder, projects("10", "20"))
            servers[name] = LiveServer(folder, env=env).start()
        sessions = {}
        for name, server in servers.items():
            sessions[name] = requests.Session()
            sessions[name].headers["Authorization"] = f"Bearer {server.api_token}"
        order = list(servers)
        for r in range(args.rounds):
            for name in order[r % len(order) :] + order[: r % len(order)]:
                url = servers[name].url + "/api/v1/commands"
                answered: dict[int, float] = {}
                for i in range(args.commands):
                    body = {
                        "command_id": uuid.uuid4().hex,
                        "action": "show",
                        "screen": ("roll", "title")[i % 2],
                    }
                    t = time.monotonic()
                    answer = sessions[name].post(url, json=body, timeout=30)
                    done = time.monotonic()
                    answer.raise_for_status()
                    times[name].append(done - t)
                    answered[answer.json()["seq"]] = done
                if name in receivers:
                    got = receivers[name].got
                    deadline = time.monotonic() + 30
                    while not all(seq in got for seq in answered) and time.monotonic() < deadline:
                        time.sleep(0.02)
                    lags[name] += [got[seq] - at for seq, at in answered.items() if seq in got]
            print(
                f"round {r + 1}/{args.rounds}: "
                + ", ".join(
                    f"{n} {statistics.median(times[n][-args.commands :]) * 1000:.1f} ms" for n in order
                ),
                flush=True,
            )
        for name, server in servers.items():
            t = time.monotonic()
            server.stop()
            stops[name] = time.monotonic() - t
        load_after = os.getloadavg()
    finally:
        for server in servers.values():
            server.stop()
        for receiver in receivers.values():
            receiver.close()
        hole.close()
        live_hole.close()
        desk.close()
        shutil.rmtree(work, ignore_errors=True)

    stamp = time.strftime("%Y%m%d-%H%M%S")
    version = this_version()
    ms = {name: summary([t * 1000 for t in values]) for name, values in times.items()}
    lag_ms = {name: summary([t * 1000 for t in values]) for name, values in lags.items() if values}
    lines = [
        f"# Commands beside dead outbound targets, {args.rounds} rounds of {args.commands} per server ({stamp})",
        "",
        f"this: {version}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} CPUs){'; ' + args.label if args.label else ''}",
        "",
        "| server | commands | median ms | p90 ms | p99 ms | max ms | message after the answer: median / max ms "
        "| SIGTERM to exit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in ms.items():
        lag = lag_ms.get(name)
        lines.append(
            f"| {name} | {s['n']} | {s['median']:.1f} | {s['p90']:.1f} | {s['p99']:.1f} | {s['max']:.1f} | "
            + (f"{lag['median']:.1f} / {lag['max']:.1f}" if lag else "—")
            + f" | {stops[name]:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print()
    print(text)

    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"outbound-{stamp}.md").write_text(text, encoding="utf-8")
    record = {
        "this": version,
        "rounds": args.rounds,
        "commands": args.commands,
        "load_average": {"before": load_before, "after": load_after},
        "label": args.label,
        "command_s": times,
        "message_after_answer_s": lags,
        "stop_s": stops,
    }
    (out / f"outbound-{stamp}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"bench/results/outbound-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
