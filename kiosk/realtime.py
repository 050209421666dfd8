"""Socket.IO: every client gets the full state on connect and after every change.

Big screens say who they are (``auth={"role": "display", "name": ...}``) and report the ``seq`` they have
drawn, so the console can show that the wall is current before the operator presses Confirm. Consoles
(``role: "console"``) must hold an operator session at connect; they join the ``operators`` room, which
hears about big screens. Socket.IO delivers at most once, so clients that see a gap in ``seq`` ask for the
full state with ``sync``.
"""

from __future__ import annotations

import itertools
import logging
import threading
from datetime import datetime

from flask import Flask, request
from flask_socketio import SocketIO, emit, join_room

from . import auth, signals
from .service import Ceremony

log = logging.getLogger("kiosk.realtime")


class Displays:
    """The big screens connected now, by Socket.IO sid (the sid itself is never shown)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_sid: dict[str, dict] = {}
        self._numbers = itertools.count(1)

    def add(self, sid: str, name: str, addr: str | None) -> None:
        with self._lock:
            self._by_sid[sid] = {
                "id": next(self._numbers),
                "name": name,
                "addr": addr,
                "seq": None,
                "connected_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            }

    def seen(self, sid: str, seq: int) -> bool:
        with self._lock:
            if sid not in self._by_sid or self._by_sid[sid]["seq"] == seq:
                return False
            self._by_sid[sid]["seq"] = seq
            return True

    def remove(self, sid: str) -> bool:
        with self._lock:
            return self._by_sid.pop(sid, None) is not None

    def list(self) -> list[dict]:
        with self._lock:
            return sorted((dict(d) for d in self._by_sid.values()), key=lambda d: d["id"])


def register(app: Flask, socketio: SocketIO, ceremony: Ceremony) -> None:
    displays = Displays()
    app.extensions["kiosk_displays"] = displays

    def tell_operators() -> None:
        socketio.emit("displays", {"displays": displays.list()}, to="operators")

    @socketio.on("connect")
    def on_connect(auth_data=None):
        """Any page. Consoles must be logged in; big screens are counted. Emits ``state`` to the newcomer."""
        data = auth_data if isinstance(auth_data, dict) else {}
        role = data.get("role")
        if role == "console":
            if not auth.is_operator():
                log.warning("console socket refused from %s: no operator session", request.remote_addr)
                return False
            join_room("operators")
        elif role == "display":
            name = str(data.get("name") or "大屏")[:40]
            displays.add(request.sid, name, request.remote_addr)
            log.info("big screen '%s' connected from %s", name, request.remote_addr)
        emit("state", ceremony.snapshot())
        if role == "console":
            emit("displays", {"displays": displays.list()})
        elif role == "display":
            tell_operators()

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        """A page went away; if it was a big screen, the operators hear of it."""
        if displays.remove(request.sid):
            log.info("big screen disconnected (%s)", request.remote_addr)
            tell_operators()

    @socketio.on("seen")
    def on_seen(data=None):
        """A big screen reports the ``seq`` it has drawn; operators hear when it changes."""
        seq = data.get("seq") if isinstance(data, dict) else None
        if isinstance(seq, int) and displays.seen(request.sid, seq):
            tell_operators()

    @socketio.on("sync")
    def on_sync(*_args):
        """A client that saw a gap in ``seq`` asks for the full state; answered through the ack."""
        return ceremony.snapshot()

    @socketio.on("check")
    def on_check(*_args):
        """The clients' heartbeat (every few seconds): the head of the log, tiny, answered through the ack."""
        snap = ceremony.snapshot()
        return {"seq": snap["seq"], "log_id": snap["log_id"]}

    def broadcast(_sender, snapshot):
        socketio.emit("state", snapshot)

    def drop_operators(_sender):
        # Their sessions are void: close the sockets that were opened with them, not just the HTTP side.
        for sid, _ in list(socketio.server.manager.get_participants("/", "operators")):
            socketio.server.disconnect(sid, namespace="/")

    # weak=False: the closures would otherwise be collected and the broadcasts would stop silently.
    signals.state_changed.connect(broadcast, sender=ceremony, weak=False)
    signals.operators_signed_out.connect(drop_operators, sender=app, weak=False)
