"""Reproduce, on a bare python-socketio server (no kiosk code), each transport fault docs/UPSTREAM.md lists.

    .venv/bin/python scripts/upstream_repro.py            # prints one line per fault: REPRODUCED or fixed

Run it after upgrading python-engineio, python-socketio, simple-websocket or gevent: a fault that no longer
reproduces is one whose guard in kiosk/web/transport.py may go. The server is the library's own minimal
setup, served as kiosk serves it (gevent's pywsgi, websockets through simple-websocket), on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from protocol import (  # noqa: E402
    UPGRADE,
    client_frame,
    http,
    open_websocket,
    polling_session,
    post_unanswered,
    read_response,
    read_until_closed,
    socketio_connect,
)

SERVER = """
from gevent import monkey; monkey.patch_all()
import logging, sys, socketio
from gevent import pywsgi
logging.basicConfig(level=logging.WARNING)
sio = socketio.Server(async_mode="gevent", max_http_buffer_size=65536, ping_interval=10, ping_timeout=8)

@sio.event
def connect(sid, environ, auth=None):
    sio.emit("state", {"seq": 1}, to=sid)

@sio.on("check")
def check(sid, *args):
    return {"seq": 1}

app = socketio.WSGIApp(sio)
pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, log=None).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="kiosk-upstream-"))
    (folder / "bare.py").write_text(SERVER)
    log_path = folder / "server.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(folder / "bare.py"), str(port)], stdout=out, stderr=out)
    try:
        for _ in range(100):
            try:
                polling_session(base)
                break
            except OSError:
                time.sleep(0.1)
        results = []

        def report(name: str, reproduced: bool, detail: str) -> None:
            results.append(reproduced)
            print(f"{'REPRODUCED' if reproduced else 'fixed     '}  {name}: {detail}", flush=True)

        # 1. An oversized polling POST with no GET pending is never answered.
        sock = post_unanswered("127.0.0.1", port, polling_session(base), 65537)
        sock.settimeout(3)
        status, _ = read_response(sock)
        sock.close()
        report("oversized polling POST", status is None, f"answer within 3 s: {status}")

        # 1b. Any packet type the library refuses on a POST ("6", a noop from the client) blocks the same way.
        sid = polling_session(base)
        status, _ = http(
            "127.0.0.1", port, "POST", f"/socket.io/?EIO=4&transport=polling&sid={sid}", b"6", timeout=3
        )
        report("unknown packet type on a POST", status is None, f"answer within 3 s: {status}")

        # 2. A websocket frame that is not Engine.IO: an HTTP 500 written into the websocket stream.
        ws = open_websocket(base)
        before = log_path.stat().st_size
        ws.send("abc")
        code, _ = read_until_closed(ws, timeout=3)
        time.sleep(0.3)
        lines = log_path.read_bytes()[before:].count(b"\n")
        report("garbage websocket frame", code != 1007, f"close code {code}, {lines} log lines")

        # 3. Malformed Socket.IO packets: a traceback each, and the connection stays open.
        ws = open_websocket(base)
        socketio_connect(ws)
        before = log_path.stat().st_size
        for _ in range(100):
            ws.send("42{}")
        time.sleep(1)
        lines = log_path.read_bytes()[before:].count(b"\n")
        report("malformed Socket.IO packets", lines > 100, f"100 packets, {lines} log lines")
        ws.close()

        # 4. The connect handler's emit arrives before the connect acknowledgement.
        ws = open_websocket(base)
        got = socketio_connect(ws)
        report("state before the connect ack", not got[0].startswith("40"), f"first packet {got[0][:12]!r}")
        ws.close()

        # 5. An unknown namespace is refused with a bare string.
        ws = open_websocket(base)
        ws.send("40/nope,")
        answer = ws.recv()
        data = json.loads(answer.split(",", 1)[1])
        report("unknown namespace refusal", not isinstance(data, dict), answer)
        ws.close()

        # 6. After a websocket ends, gevent parses the rest of the stream as HTTP: here a frame the client
        #    sent right behind its upgrade request, which sat in gevent's read buffer.
        before = log_path.stat().st_size
        with socket.create_connection(("127.0.0.1", port), timeout=3) as raw:
            raw.sendall(UPGRADE.format(host="127.0.0.1").encode() + client_frame(b"40"))
            time.sleep(0.3)
        time.sleep(0.5)
        grown = log_path.read_bytes()[before:]
        lines = grown.count(b"\n")
        report("websocket stream read as HTTP", b"Invalid HTTP method" in grown, f"{lines} log lines")

        return 0 if not any(results) else 1
    finally:
        proc.terminate()
        proc.wait(5)
        if not os.environ.get("KEEP"):
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
