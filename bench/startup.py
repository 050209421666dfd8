"""How long ``python -m kiosk serve`` takes to answer: this checkout against a reference, in the same run.

    .venv/bin/python bench/startup.py                      # 15 starts of each kind per side, ~1 min
    .venv/bin/python bench/startup.py --reference HEAD~3 --runs 30
    .venv/bin/python bench/startup.py --reference-root /tmp/kiosk-ref
    .venv/bin/python bench/startup.py --bytecode-cache     # where PYTHONDONTWRITEBYTECODE is set

A start is timed from just before the process is spawned to the first 200 from ``/healthz`` (polled every
``--poll-ms``, 5 ms by default), as the tests' live servers wait for it (tests/harness.py, ``LiveServer``,
with the same KIOSK_* settings: the PINs and the public address given, so none is made or looked up). Each
server is then stopped with SIGTERM, as a user stops it. Two kinds of start:

- ``fresh``: an empty data folder, so the server makes its database and loads the sample ceremony;
- ``existing``: one data folder per side, made by an untimed start before the first round and reused.

The reference is ``git archive <commit>`` unpacked into a temporary folder (nothing is added to the
repository), run with this checkout's virtualenv; ``--reference-root`` runs a tree you made instead. Rounds
alternate reference, this, reference, this … so a noisy neighbour hurts both alike. Then ``import
kiosk.app`` alone (after gevent's patches, as ``serve`` imports it) is timed in fresh interpreters, also
alternating. Prints medians, p90 and the ratio this / reference, and the load average before and after (the
machine is shared: compare only sides of the same run). Where PYTHONDONTWRITEBYTECODE is set (this container
sets it) every start compiles kiosk/ from source, both sides alike; ``--bytecode-cache`` measures starts as an
install that keeps its bytecode makes them. Results go to bench/results/startup-<timestamp>.json and .md. It
reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
PINS = {"KIOSK_EDITOR_PIN": "246810", "KIOSK_OPERATOR_PIN": "135790", "KIOSK_VIEWER_PIN": "975310"}
DEFAULT_REFERENCE = (
    "0354328"  # before the start-up work: CairoSVG, qrcode, vobject and Pillow imported at start
)
START_TIMEOUT_S = 30.0

IMPORT_APP = """
import time
from gevent import monkey
monkey.patch_all()
t = time.perf_counter()
import kiosk.app
print((time.perf_counter() - t) * 1000)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=1)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def base_environment(root: Path, pycache: Path | None) -> dict:
    """This process's environment without KIOSK_* settings, importing ``kiosk`` from ``root``; with
    ``pycache``, bytecode is kept there (PYTHONPYCACHEPREFIX), even under PYTHONDONTWRITEBYTECODE."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_") and k != "PYTHONWARNINGS"}
    env["PYTHONPATH"] = str(root)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def start_once(root: Path, base_env: dict, data_dir: Path, poll_s: float, log: Path) -> float:
    """Seconds from spawning ``python -m kiosk serve`` in ``root`` to its first 200 from /healthz."""
    port = free_port()
    env = {**base_env, **PINS, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_PUBLIC_URL": f"http://{HOST}:{port}"}
    cmd = [sys.executable, "-m", "kiosk", "serve", "--host", HOST, "--port", str(port)]
    with open(log, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            while True:
                if healthy(port):
                    elapsed = time.perf_counter() - t0
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"{root}: server exited; see {log}")
                if time.perf_counter() - t0 > START_TIMEOUT_S:
                    raise RuntimeError(f"{root}: no 200 from /healthz in {START_TIMEOUT_S} s; see {log}")
                time.sleep(poll_s)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return elapsed


def import_once(root: Path, base_env: dict) -> float:
    """Milliseconds to ``import kiosk.app`` in a fresh interpreter, after gevent's patches."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_APP], cwd=root, env=base_env, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def reference_tree(commit: str, into: Path) -> str:
    """Unpack ``commit`` into ``into``; returns its short hash."""
    short = subprocess.run(
        ["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    archive = subprocess.Popen(["git", "archive", short], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {commit} failed")
    return short


def this_version() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "kiosk"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return head + (" + uncommitted changes under kiosk/" if dirty else "")


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    # p90 by nearest rank: with 15 starts it is the 14th.
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
    return {"median": statistics.median(ordered), "p90": p90, "min": ordered[0], "max": ordered[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--reference", default=DEFAULT_REFERENCE, help=f"commit (default {DEFAULT_REFERENCE})"
    )
    parser.add_argument("--reference-root", type=Path, help="a checkout to use as the reference instead")
    parser.add_argument("--runs", type=int, default=15, help="timed starts of each kind per side")
    parser.add_argument("--imports", type=int, help="timed imports of kiosk.app per side (default: --runs)")
    parser.add_argument("--poll-ms", type=float, default=5.0)
    parser.add_argument(
        "--bytecode-cache",
        action="store_true",
        help="keep bytecode in a temporary PYTHONPYCACHEPREFIX, even under PYTHONDONTWRITEBYTECODE",
    )
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kiosk-startup-"))
    try:
        if args.reference_root:
            ref_root, ref_name = args.reference_root.resolve(), str(args.reference_root)
        else:
            ref_root = work / "reference"
            ref_root.mkdir()
            ref_name = reference_tree(args.reference, ref_root)
        sides = {"reference": ref_root, "this": ROOT}
        pycache = work / "pycache" if args.bytecode_cache else None
        envs = {name: base_environment(root, pycache) for name, root in sides.items()}
        poll_s = args.poll_ms / 1000
        logs = work / "logs"
        logs.mkdir()
        load_before = os.getloadavg()

        existing = {}
        for name, root in sides.items():
            existing[name] = work / f"existing-{name}"
            # Makes the folder (and with --bytecode-cache, the bytecode); not timed.
            start_once(root, envs[name], existing[name], poll_s, logs / f"{name}.log")

        starts: dict[str, dict[str, list[float]]] = {n: {"fresh": [], "existing": []} for n in sides}
        for i in range(args.runs):
            for name, root in sides.items():
                fresh = work / f"fresh-{name}-{i}"
                starts[name]["fresh"].append(
                    start_once(root, envs[name], fresh, poll_s, logs / f"{name}.log")
                )
                shutil.rmtree(fresh, ignore_errors=True)
                starts[name]["existing"].append(
                    start_once(root, envs[name], existing[name], poll_s, logs / f"{name}.log")
                )
            print(
                f"round {i + 1}/{args.runs}: "
                + ", ".join(
                    f"{n} {starts[n]['fresh'][-1]:.3f} / {starts[n]['existing'][-1]:.3f} s" for n in sides
                ),
                flush=True,
            )

        imports: dict[str, list[float]] = {n: [] for n in sides}
        for _ in range(args.imports or args.runs):
            for name, root in sides.items():
                imports[name].append(import_once(root, envs[name]))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # Every row in milliseconds: the starts were taken in seconds.
    rows = [
        (
            f"start, {kind} data folder",
            summary([s * 1000 for s in starts["reference"][kind]]),
            summary([s * 1000 for s in starts["this"][kind]]),
        )
        for kind in ("fresh", "existing")
    ]
    rows.append(("import kiosk.app", summary(imports["reference"]), summary(imports["this"])))

    stamp = time.strftime("%Y%m%d-%H%M%S")
    version = this_version()
    if args.bytecode_cache:
        bytecode = "bytecode cached (PYTHONPYCACHEPREFIX)"
    elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
        bytecode = "no bytecode cache: PYTHONDONTWRITEBYTECODE is set, every start compiles kiosk/"
    else:
        bytecode = "bytecode as Python writes it"
    title = f"Start-up, {args.runs} starts of each kind per side ({stamp})"
    lines = [
        f"# {title}",
        "",
        f"this: {version}; reference: {ref_name}; poll every {args.poll_ms:g} ms; {bytecode}; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} CPUs)"
        f"{'; ' + args.label if args.label else ''}",
        "",
        "| | reference median / p90 | this median / p90 | ratio of medians | ratio of p90 |",
        "|---|---|---|---|---|",
    ]
    for what, ref, new in rows:
        lines.append(
            f"| {what} | {ref['median']:.0f} / {ref['p90']:.0f} ms | "
            f"{new['median']:.0f} / {new['p90']:.0f} ms | "
            f"{new['median'] / ref['median']:.2f} | {new['p90'] / ref['p90']:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print()
    print(text)

    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / f"startup-{stamp}.md").write_text(text, encoding="utf-8")
    record = {
        "this": version,
        "reference": ref_name,
        "runs": args.runs,
        "poll_ms": args.poll_ms,
        "bytecode": bytecode,
        "load_average": {"before": load_before, "after": load_after},
        "label": args.label,
        "starts_s": starts,
        "import_kiosk_app_ms": imports,
    }
    (out / f"startup-{stamp}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"bench/results/startup-{stamp}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
