"""How long a pad's ink takes to be pixels on the wall (签名上墙), beside a state change's time to the same wall.

    .venv/bin/python bench/ink.py                  # 40 rounds, ~1 min
    .venv/bin/python bench/ink.py --rounds 200

One ``python -m kiosk serve`` (tests/harness.py's LiveServer, SQLite, the sample ceremony, pads made from its
signatories), a paired wall in Debian's Chromium (1920x1080, through Playwright) on the signing screen of the
first project, and its host's pad as a Socket.IO client (its local link opened first, as the tablet does).
Each round, in turn:

- ``ink``: an attempt on the pad, then one batch of one stroke (重签 clears it after); timed from just before the batch is sent
  to the first frame in which the pad's canvas on the wall holds an inked pixel (tests/
  test_wall_signing_browser.py's measure, whose assert only catches ink that waited for the wall's 2 s
  catch-up);
- ``state`` (the reference): a note to the MC from the AV desk's API, a new state for every screen; timed
  from just before the command is sent to the first frame in which the wall holds its seq.

Both are read by the page at its animation frames (``Date.now()``) against the bench's own wall clock, on
one machine. Prints medians, p90 and max per kind and the load average before and after (the machine is
shared). Results go to bench/results/ink-<timestamp>.json and .md. It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from harness import LiveServer, launch_chromium, pair_page  # noqa: E402

WATCH_INK = """(id) => new Promise((resolve) => {
    const look = () => {
        const c = document.querySelector('.screen.is-active canvas.cert-ink[data-pad="' + id + '"]');
        if (c && c.width) {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) { window.__seen = Date.now(); return; }
        }
        requestAnimationFrame(look);
    };
    window.__seen = null;
    requestAnimationFrame(look);
    resolve();
})"""
BLANK = """(id) => {
    const c = document.querySelector('.screen.is-active canvas.cert-ink[data-pad="' + id + '"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return false;
    return true;
}"""
WATCH_SEQ = """(seq) => {
    window.__seen = null;
    const look = () => {
        if (window.__kiosk?.display && window.__kiosk?.display.seq >= seq) { window.__seen = Date.now(); return; }
        requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
}"""


def stroke(n: int = 24) -> list:
    return [[0, round(100 + 250 * i / (n - 1), 1), 200 + (i % 5) * 8, 0.5, 10 * i] for i in range(n)]


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    import socketio
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-ink-")) / "data"
    server = LiveServer(folder).start()
    times: dict[str, list[float]] = {"ink": [], "state": []}
    try:
        with server.editor() as web:
            made = web.post(
                server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10
            )
            made.raise_for_status()
            pads = web.get(server.url + "/api/v1/pads", timeout=10).json()
        first = min(server.state(operator=True)["projects"], key=lambda p: p["order"])["id"]
        host = next(p for p in pads if p["project_id"] == first and p["party"] == "host")
        token = host["url"].rsplit("/", 1)[1]
        with requests.Session() as tablet:
            assert tablet.get(server.url + "/sign/" + token, timeout=10).status_code == 200
            cookie = "; ".join(f"{k}={v}" for k, v in tablet.cookies.items())
        pad = socketio.Client(reconnection=False)
        pad.connect(
            server.url,
            auth={"role": "pad", "pad": token},
            headers={"Cookie": cookie},
            transports=["websocket"],
            wait_timeout=10,
        )
        assert server.command("announce", project_id=first).status_code == 200  # its pads armed
        with sync_playwright() as p:
            browser = launch_chromium(p)
            wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            pair_page(wall, server, "主屏")
            wall.wait_for_function(
                "() => window.__kiosk?.display && window.__kiosk?.display.screen === 'signing' && "
                "document.querySelectorAll('.screen.is-active .cert:not(.is-pending)').length > 0"
            )
            wall.wait_for_timeout(1500)  # the certificate's entrance over before the first round
            for _ in range(args.rounds):
                # ink: an attempt and one batch on an empty place (重签 cleared the last round's)
                sig = "sig" + uuid.uuid4().hex[:16]
                begun = pad.call("attempt", {"signature_id": sig, "width": 800, "height": 320}, timeout=10)
                assert begun["ok"], begun
                wall.evaluate(WATCH_INK, host["id"])
                sent = time.time() * 1000
                inked = pad.call("ink", {"signature_id": sig, "batch": 1, "points": stroke()}, timeout=10)
                assert inked["ok"], inked
                wall.wait_for_function("() => window.__seen !== null", timeout=10_000)
                times["ink"].append(wall.evaluate("window.__seen") - sent)
                assert pad.call("clear", {"signature_id": sig}, timeout=10)["ok"]
                wall.wait_for_function(BLANK, arg=host["id"], timeout=10_000)
                # state: the reference, a note to the MC
                seq = server.state()["seq"] + 1
                wall.evaluate(WATCH_SEQ, seq)
                sent = time.time() * 1000
                assert server.command("note", text="请放慢").status_code == 200
                wall.wait_for_function("() => window.__seen !== null", timeout=10_000)
                times["state"].append(wall.evaluate("window.__seen") - sent)
            browser.close()
        pad.disconnect()
    finally:
        server.stop()

    result = {
        "bench": "ink",
        "rounds": args.rounds,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "kinds": {kind: summary(values) for kind, values in times.items()},
    }
    result["ratio_p50"] = round(result["kinds"]["ink"]["p50_ms"] / result["kinds"]["state"]["p50_ms"], 2)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = BENCH / "results" / f"ink-{stamp}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"# ink {stamp}: {args.rounds} rounds, load {result['load_before']} -> {result['load_after']}",
        "",
        "| kind | n | p50 ms | p90 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for kind, s in result["kinds"].items():
        lines.append(f"| {kind} | {s['n']} | {s['p50_ms']} | {s['p90_ms']} | {s['max_ms']} |")
    lines += ["", f"ink / state at p50: {result['ratio_p50']}"]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
