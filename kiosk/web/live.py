"""Socket.IO: every client gets its audience's view on connect and after every change, in its own room.

Big screens say who they are (``auth={"role": "display", "name": ...}``) and report the ``seq`` they have
drawn, so the console can show that the wall is current before the operator presses Confirm. Consoles and
admin pages (``role: "console"``) must hold an operator session at connect; they join the ``operators``
room, which gets the operator view and hears about big screens. Everyone else is in the ``public`` room and
gets the public view. Socket.IO delivers at most once, so clients that see a gap in ``seq`` ask for the
full view with ``sync``.
"""

from __future__ import annotations

import json
import logging

from engineio import packet as eio_packet
from flask import Flask, request
from flask_socketio import SocketIO
from socketio import packet as sio_packet

from ..ceremony import signals
from ..ceremony.clock import Clock
from ..ceremony.service import Ceremony
from ..store.shared import Shared
from ..words.catalogue import N_, gettext
from . import auth
from .transport import LogBudget

log = logging.getLogger("kiosk.live")

ROOMS = {"operators": "operator", "public": "public"}
UNNAMED = N_("未命名大屏")


class Displays:
    """The big screens connected now, by Socket.IO sid (the sid itself is never shown), in the shared store."""

    TABLE = "displays"

    def __init__(self, shared: Shared, clock: Clock):
        self.shared, self.clock = shared, clock

    def add(self, sid: str, name: str, addr: str | None) -> None:
        number = self.shared.incr("displays:number")
        entry = {"id": number, "name": name, "addr": addr, "seq": None, "connected_at": self.clock.now_iso()}
        self.shared.hset(self.TABLE, sid, json.dumps(entry, ensure_ascii=False))

    def seen(self, sid: str, seq: int) -> bool:
        raw = self.shared.hget(self.TABLE, sid)
        if raw is None:
            return False
        entry = json.loads(raw)
        if entry["seq"] == seq:
            return False
        entry["seq"] = seq
        self.shared.hset(self.TABLE, sid, json.dumps(entry, ensure_ascii=False))
        return True

    def remove(self, sid: str) -> bool:
        return self.shared.hdel(self.TABLE, sid)

    def list(self) -> list[dict]:
        return sorted(
            (json.loads(v) for v in self.shared.hgetall(self.TABLE).values()), key=lambda d: d["id"]
        )


def register(app: Flask, socketio: SocketIO, ceremony: Ceremony) -> None:
    displays = Displays(app.extensions["kiosk_shared"], app.extensions["kiosk_clock"])
    app.extensions["kiosk_displays"] = displays

    def tell_operators() -> None:
        socketio.emit("displays", {"displays": displays.list()}, to="operators")

    manager = socketio.server.manager
    said = LogBudget(log)
    # Clients accepted by the connect handler and not yet acknowledged: sid -> (room, audience).
    accepted: dict[str, tuple[str, str]] = {}
    library_connect = manager.connect

    def connect(sid, namespace):
        """Join the newcomer to its room and send its first ``state``, right after the acknowledgement.

        python-socketio acknowledges a connect (``40{sid}``) only after the handler returns, and a room's
        broadcasts reach a client that is still connecting: a client that drops events until it is
        connected (the Swift client does) would lose its first state. The library calls the manager's
        ``connect`` right after it has queued the acknowledgement, in the same task, so from there on
        anything sent follows it.
        """
        result = library_connect(sid, namespace)
        welcome = accepted.pop(sid, None)
        if welcome is not None and namespace == "/":
            room, audience = welcome
            socketio.server.enter_room(sid, room, namespace="/")
            socketio.server._send_eio_packet(manager.eio_sid_from_sid(sid, "/"), first_state(audience))
            if room == "operators":
                socketio.emit("displays", {"displays": displays.list()}, to=sid)
        return result

    first: dict[str, tuple[tuple, eio_packet.Packet]] = {}

    def first_state(audience: str) -> eio_packet.Packet:
        """The ``state`` packet for a newcomer, encoded once per change and shared by every newcomer.

        Each connection keeps the last packet it was sent; a 6 KB state encoded for each newcomer alone
        cost 9 KB a connection until the next broadcast, and a reconnect storm encoded it thousands of times.
        """
        view = ceremony.view(audience)
        key = (view["seq"], view["log_id"], view["lang"])
        cached = first.get(audience)
        if cached is None or cached[0] != key:
            encoded = socketio.server.packet_class(
                sio_packet.EVENT, namespace="/", data=["state", view]
            ).encode()
            cached = (key, eio_packet.Packet(eio_packet.MESSAGE, encoded))
            first[audience] = cached
        return cached[1]

    manager.connect = connect

    @socketio.on("connect")
    def on_connect(auth_data=None):
        """Any page. Consoles must be logged in; big screens are counted. The newcomer then gets ``state``."""
        data = auth_data if isinstance(auth_data, dict) else {}
        role = data.get("role")
        if role == "console":
            if not auth.is_operator():
                said.warn("console socket refused from %s: no operator session", request.remote_addr)
                return False
            accepted[request.sid] = ("operators", "operator")
            return None
        if role == "display":
            name = str(data.get("name") or gettext(UNNAMED, ceremony.lang))[:40]
            displays.add(request.sid, name, request.remote_addr)
            said.info("big screen '%s' connected from %s", name, request.remote_addr)
            tell_operators()
        accepted[request.sid] = ("public", "public")
        return None

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        """A page went away; if it was a big screen, the operators hear of it."""
        accepted.pop(request.sid, None)
        if displays.remove(request.sid):
            said.info("big screen disconnected (%s)", request.remote_addr)
            tell_operators()

    @socketio.on("seen")
    def on_seen(data=None):
        """A big screen reports the ``seq`` it has drawn; operators hear when it changes."""
        seq = data.get("seq") if isinstance(data, dict) else None
        # A screen cannot have drawn a seq the log has not reached: a fake one reporting 10**9 would show
        # as current on the console, the very light operators check before confirming.
        if type(seq) is not int or not 0 <= seq <= ceremony.view("public")["seq"]:
            return
        if displays.seen(request.sid, seq):
            tell_operators()

    def audience() -> str:
        return "operator" if auth.is_operator() and _in_room("operators") else "public"

    def _in_room(room: str) -> bool:
        return room in (socketio.server.rooms(request.sid, namespace="/") or [])

    @socketio.on("sync")
    def on_sync(*_args):
        """A client that saw a gap in ``seq`` asks for its full view; answered through the ack."""
        return ceremony.view(audience())

    @socketio.on("check")
    def on_check(*_args):
        """The clients' heartbeat (every few seconds): the head of the log, tiny, answered through the ack."""
        view = ceremony.view("public")
        return {"seq": view["seq"], "log_id": view["log_id"]}

    def broadcast(sender):
        for room, name in ROOMS.items():
            socketio.emit("state", sender.view(name), to=room)

    def drop_operators(_sender):
        # Their sessions are void: close the sockets that were opened with them, not just the HTTP side.
        pending = [sid for sid, (room, _) in list(accepted.items()) if room == "operators"]
        for sid in pending:
            accepted.pop(sid, None)
        for sid in [sid for sid, _ in socketio.server.manager.get_participants("/", "operators")] + pending:
            socketio.server.disconnect(sid, namespace="/")

    # weak=False: the closures would otherwise be collected and the broadcasts would stop silently.
    signals.state_changed.connect(broadcast, sender=ceremony, weak=False)
    signals.operators_signed_out.connect(drop_operators, sender=app, weak=False)
