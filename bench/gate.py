"""What the access gate costs a request: this checkout against a reference checkout, in the same run.

Each side runs in its own process with Flask's test client (no network, so the gate and the view are what
is measured): an operator reads ``GET /api/v1/state`` and sends commands, a guest reads the public view.
Rounds alternate between the sides so a noisy neighbour hurts both alike. Reports medians per request
and the ratio to the reference.

    git worktree add /tmp/kiosk-ref <commit>
    .venv/bin/python bench/gate.py --reference-root /tmp/kiosk-ref [--rounds 7] [--requests 500]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SIDE = r"""
import json, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from kiosk import create_app
n = int(sys.argv[2])
app = create_app({"DATA_DIR": tempfile.mkdtemp(), "OPERATOR_PIN": "135790", "TESTING": True})
op = app.test_client()
csrf = op.post("/api/v1/session", json={"pin": "135790"}).get_json()["csrf_token"]
op.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
guest = app.test_client()
out = {}
def timed(name, call):
    call(0)
    t = time.perf_counter()
    for i in range(n):
        call(i)
    out[name] = (time.perf_counter() - t) / n * 1e6
timed("operator_state_us", lambda i: op.get("/api/v1/state"))
timed("public_state_us", lambda i: guest.get("/api/v1/state"))
screens = ("title", "roll")
timed("command_us", lambda i: op.post("/api/v1/commands", json={
    "command_id": f"b{i}-{time.monotonic_ns()}", "action": "show", "screen": screens[i % 2]}))
print(json.dumps(out))
"""


def run(root: Path, n: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SIDE, str(root), str(n)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference-root", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    sides = {"reference": args.reference_root.resolve(), "this": ROOT}
    results: dict[str, list[dict]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, root in sides.items():
            results[name].append(run(root, args.requests))
    keys = list(results["this"][0])
    print(f"{'median per request':<22}{'reference':>12}{'this':>12}{'ratio':>8}")
    for key in keys:
        ref = statistics.median(r[key] for r in results["reference"])
        new = statistics.median(r[key] for r in results["this"])
        print(f"{key:<22}{ref:>10.0f}µs{new:>10.0f}µs{new / ref:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
