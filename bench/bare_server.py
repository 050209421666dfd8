"""The floor the app is compared with: a minimal Flask-SocketIO server in the app's own serving mode.

Same stack and settings as ``python -m kiosk serve`` (kiosk/serve.py, kiosk/app.py): gevent monkey-patched
first, ``async_mode="gevent"``, gevent's pywsgi server with websockets through simple-websocket, the app's
permessage-deflate-stripping middleware (imported from kiosk.serve, so it is the very same code), ping every
10 s with an 8 s timeout, the same max_http_buffer_size and Flask's JSON with ``ensure_ascii=False``.

What it does not do is the app: no database, no service, no auth. ``POST /trigger`` bumps ``seq`` and
broadcasts ``state`` to every client with the app's own snapshot (read from --payload, a saved
``GET /api/v1/state`` of a sample app) so each frame is the same size as the app's. Newcomers get the state on
connect; ``check``, ``sync`` and ``seen`` answer as the app does, so the wall's heartbeat runs here too.

    python bench/bare_server.py --port 5050 --payload state.json
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, jsonify  # noqa: E402
from flask_socketio import SocketIO, emit  # noqa: E402
from gevent import pywsgi  # noqa: E402

from kiosk.serve import NoWebSocketCompression, raise_open_file_limit  # noqa: E402

# kiosk/app.py DEFAULTS
PING_INTERVAL = 10
PING_TIMEOUT = 8


def build(payload: dict) -> tuple[Flask, SocketIO]:
    app = Flask("bare")
    app.json.ensure_ascii = False  # as kiosk/app.py: the same bytes on the wire
    socketio = SocketIO(
        app,
        async_mode="gevent",
        cors_allowed_origins=None,
        ping_interval=PING_INTERVAL,
        ping_timeout=PING_TIMEOUT,
        max_http_buffer_size=64 * 1024,
    )
    state = {"snap": dict(payload)}

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", seq=state["snap"]["seq"])

    @app.get("/api/v1/state")
    def read_state():
        return jsonify(state["snap"])

    @app.post("/trigger")
    def trigger():
        snap = dict(state["snap"])
        snap["seq"] += 1
        state["snap"] = snap
        socketio.emit("state", snap)
        return jsonify(status="ok", seq=snap["seq"])

    @socketio.on("connect")
    def on_connect(auth_data=None):
        emit("state", state["snap"])

    @socketio.on("check")
    def on_check(*_args):
        return {"seq": state["snap"]["seq"], "log_id": state["snap"].get("log_id")}

    @socketio.on("sync")
    def on_sync(*_args):
        return state["snap"]

    @socketio.on("seen")
    def on_seen(*_args):
        return None

    return app, socketio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--payload", required=True, help="a saved GET /api/v1/state of the app")
    args = parser.parse_args()
    payload = json.loads(Path(args.payload).read_text(encoding="utf-8"))
    limit = raise_open_file_limit()
    app, _socketio = build(payload)
    server = pywsgi.WSGIServer((args.host, args.port), NoWebSocketCompression(app), log=None)
    print(
        f"bare server on {args.host}:{args.port} (pid {os.getpid()}), open files allowed: {limit}", flush=True
    )
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
