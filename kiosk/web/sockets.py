"""Socket.IO, the default namespace: every client gets its audience's view on connect and after every
change, in its audience's room. This module admits a socket, keeps the rooms and broadcasts; each audience's
own handlers are beside its pages: the big screens' in ``kiosk.web.screens.sockets``, the signing pads' in
``kiosk.web.pads.sockets``.

Consoles and admin pages (``role: "console"``) must hold credentials that may watch at connect; they join the
``operators`` room, which gets the operator view and hears about big screens. The MC's monitor (``role:
"stage"``) joins ``stage``. Everyone else is in the ``public`` room and gets the public view. Socket.IO
delivers at most once, so clients that see a gap in ``seq`` ask for the full view with ``sync``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from engineio import packet as eio_packet
from flask import Flask, request
from flask_socketio import SocketIO
from socketio import packet as sio_packet

from ..ceremony import signals
from ..ceremony.service import Ceremony
from ..logs import LogBudget
from ..store.shared import LocalCluster, Shared
from . import auth

log = logging.getLogger("kiosk.live")

ROOMS = {"operators": "operator", "public": "public", "stage": "stage"}
# The pads' live ink: the walls draw it, the consoles see who is signing.
INK_ROOM = "ink"


def alive(shared: Shared, cluster, table: str, items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """The entries of ``table`` whose process is still there; the others (a process killed) are dropped."""
    hosts = cluster.hosts_alive()
    if hosts is None:
        return items
    kept = []
    for key, entry in items:
        if entry.get("host", cluster.host_id) in hosts:
            kept.append((key, entry))
        else:
            shared.hdel(table, key)
    return kept


class Sockets:
    """The sockets held by a device or in a room of their own (consoles, pads, the MC's monitor, paired
    screens), across every process: how many each device has open (the devices list), and which rooms have
    someone in them (a broadcast skips the view nobody would see). Public pages are not listed."""

    TABLE = "sockets"

    def __init__(self, shared: Shared, cluster, local_rooms):
        self.shared, self.cluster = shared, cluster
        self.local_rooms = local_rooms
        self.said = LogBudget(log, lines=3, window_s=60)

    def add(self, sid: str, room: str, device: str | None) -> None:
        entry = {"room": room, "device": device, "host": self.cluster.host_id}
        try:
            self.shared.hset(self.TABLE, sid, json.dumps(entry))
        except Exception as err:  # the shared store (Redis) away: the socket itself is served all the same
            self.said.warn("could not list socket %s: %s", sid, err)

    def remove(self, sid: str) -> None:
        try:
            self.shared.hdel(self.TABLE, sid)
        except Exception as err:  # left behind; dropped once its process stops beating, or at the next remove
            self.said.warn("could not unlist socket %s: %s", sid, err)

    def _all(self) -> list[dict]:
        items = [(k, json.loads(v)) for k, v in self.shared.hgetall(self.TABLE).items()]
        return [e for _, e in alive(self.shared, self.cluster, self.TABLE, items)]

    def online(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self._all():
            if entry["device"]:
                counts[entry["device"]] = counts.get(entry["device"], 0) + 1
        return counts

    def rooms(self) -> set[str]:
        try:
            return {entry["room"] for entry in self._all()}
        except Exception as err:  # a broadcast must still reach this process's own clients
            self.said.warn("broadcasting to this process's rooms only: %s", err)
            return self.local_rooms()


class Hub:
    """This process's sockets of the default namespace, and what each audience's module adds to them.

    ``admissions`` maps a page's ``role`` to its admission (which calls ``accept`` or refuses); ``welcomes``
    run after a newcomer's first state, ``leaves`` when a socket goes, ``audiences`` say which view a socket
    of theirs syncs to. ``holders`` (sid -> device id) lets signing a device out close its sockets."""

    def __init__(self, app: Flask, socketio: SocketIO, ceremony: Ceremony):
        self.app, self.socketio, self.ceremony = app, socketio, ceremony
        self.cluster = app.extensions.get("kiosk_cluster") or LocalCluster()
        self.shared = app.extensions["kiosk_shared"]
        self.sockets = Sockets(
            self.shared,
            self.cluster,
            lambda: {
                r
                for r, held in socketio.server.manager.rooms.get("/", {}).items()
                if isinstance(r, str) and held
            },
        )
        self.said = LogBudget(log)
        self.holders: dict[str, str] = {}
        self.listed: set[str] = set()
        # Clients accepted by the connect handler and not yet acknowledged: sid -> (room, audience, extra
        # rooms to join and events to send after the first state).
        self.accepted: dict[str, tuple[str, str, tuple, list]] = {}
        self.admissions: dict[str, Callable[[dict, auth.Principal], bool]] = {}
        self.welcomes: list[Callable[[str, str], None]] = []
        self.leaves: list[Callable[[str], None]] = []
        self.audiences: list[Callable[[str], str | None]] = []
        self._first: dict[str, tuple[tuple, eio_packet.Packet]] = {}

    def accept(
        self, sid: str, room: str, audience: str, rooms: tuple = (), extra: list | None = None
    ) -> None:
        """Admit ``sid`` to ``room``: it gets ``audience``'s view first, then joins ``rooms`` and is sent
        ``extra`` events (``(event, data)`` pairs), right after the acknowledgement of its connect."""
        self.accepted[sid] = (room, audience, rooms, extra or [])

    def welcome(self, sid: str) -> None:
        """Join the newcomer to its room and send its first ``state``, right after the acknowledgement.

        python-socketio acknowledges a connect (``40{sid}``) only after the handler returns, and a room's
        broadcasts reach a client that is still connecting: a client that drops events until it is
        connected (the Swift client does) would lose its first state. The library calls the manager's
        ``connect`` right after it has queued the acknowledgement, in the same task, so from there on
        anything sent follows it.
        """
        room, audience, rooms, extra = self.accepted.pop(sid)
        server = self.socketio.server
        server.enter_room(sid, room, namespace="/")
        if room != "public" or sid in self.holders:
            self.listed.add(sid)
            self.sockets.add(sid, room, self.holders.get(sid))
        server._send_eio_packet(server.manager.eio_sid_from_sid(sid, "/"), self.first_state(audience))
        for hook in self.welcomes:
            hook(sid, room)
        for other in rooms:
            server.enter_room(sid, other, namespace="/")
        for event, data in extra:
            self.socketio.emit(event, data, to=sid)

    def first_state(self, audience: str) -> eio_packet.Packet:
        """The ``state`` packet for a newcomer, encoded once per change and shared by every newcomer.

        Each connection keeps the last packet it was sent; a 6 KB state encoded for each newcomer alone
        cost 9 KB a connection until the next broadcast, and a reconnect storm encoded it thousands of times.
        """
        view = self.ceremony.view(audience)
        key = (view["seq"], view["log_id"], view["lang"])
        cached = self._first.get(audience)
        if cached is None or cached[0] != key:
            encoded = self.socketio.server.packet_class(
                sio_packet.EVENT, namespace="/", data=["state", view]
            ).encode()
            cached = (key, eio_packet.Packet(eio_packet.MESSAGE, encoded))
            self._first[audience] = cached
        return cached[1]

    def audience_of(self, sid: str) -> str:
        for ask in self.audiences:
            found = ask(sid)
            if found is not None:
                return found
        rooms = self.socketio.server.rooms(sid, namespace="/") or []
        return next((name for room, name in ROOMS.items() if room != "public" and room in rooms), "public")

    def leave(self, sid: str) -> None:
        self.accepted.pop(sid, None)
        self.holders.pop(sid, None)
        if sid in self.listed:
            self.listed.discard(sid)
            self.sockets.remove(sid)
        for hook in self.leaves:
            hook(sid)


def register(app: Flask, socketio: SocketIO, ceremony: Ceremony) -> Hub:
    """The default namespace's admission, rooms, broadcast and the cluster's events about credentials.
    The audiences with handlers of their own register on the hub this returns."""
    hub = Hub(app, socketio, ceremony)
    app.extensions["kiosk_online"] = hub.sockets.online
    manager = socketio.server.manager
    library_connect = manager.connect

    def connect(sid, namespace):
        result = library_connect(sid, namespace)
        if namespace == "/" and sid in hub.accepted:
            hub.welcome(sid)
        return result

    manager.connect = connect
    said = hub.said

    @socketio.on("connect")
    def on_connect(auth_data=None):
        """Any page. Consoles (and scripts with a token) must hold credentials that may watch: they get the
        operator view. Pads and screens are admitted by their own modules; the rest is the public."""
        data = auth_data if isinstance(auth_data, dict) else {}
        role = data.get("role")
        principal = auth.from_socket_auth(data)
        if role == "console" or data.get("token"):
            if not principal.may("watch"):
                said.warn("console socket refused from %s: no session or token", request.remote_addr)
                return False
            hub.holders[request.sid] = principal.device.id
            hub.accept(request.sid, "operators", "operator", rooms=(INK_ROOM,))
            return None
        if role == "stage":
            # The MC's monitor: a logged-in device or a paired screen at the stage's edge.
            if not (principal.may("watch") or principal.screen):
                said.warn("stage socket refused from %s: no session or paired screen", request.remote_addr)
                return False
            hub.holders[request.sid] = principal.device.id
            hub.accept(request.sid, "stage", "stage")
            return None
        admit = hub.admissions.get(role) if isinstance(role, str) else None
        if admit is not None:
            return None if admit(data, principal) is not False else False
        hub.accept(request.sid, "public", "public")
        return None

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        """A page went away; its audience's module hears of it (the operators hear of a big screen)."""
        hub.leave(request.sid)

    @socketio.on("sync")
    def on_sync(*_args):
        """A client that saw a gap in ``seq`` asks for its full view; answered through the ack."""
        return ceremony.view(hub.audience_of(request.sid))

    @socketio.on("check")
    def on_check(*_args):
        """The clients' heartbeat (every few seconds): the head of the log, tiny, answered through the ack."""
        view = ceremony.view("public")
        return {"seq": view["seq"], "log_id": view["log_id"]}

    def broadcast(sender):
        # The rooms with someone in them in any process: the MC's monitor may be held by another one.
        rooms = hub.sockets.rooms()
        for room, name in ROOMS.items():
            # The stage view is built only while a monitor is there to see it.
            if room == "stage" and "stage" not in rooms:
                continue
            socketio.emit("state", sender.view(name), to=room)
        for room in sorted(r for r in rooms if r.startswith("pad:")):
            view = sender.view("party:" + room[4:])
            if view is not None:
                socketio.emit("state", view, to=room)

    cluster = hub.cluster

    def drop_operators(_sender):
        # Their sessions are void: close the sockets opened with them in every process (the library's
        # pub/sub manager lists only this process's participants of a room).
        cluster.tell("drop_operators")

    def drop_operators_here():
        pending = [sid for sid, (room, *_) in list(hub.accepted.items()) if room == "operators"]
        for sid in pending:
            hub.accepted.pop(sid, None)
        for sid in [sid for sid, _ in socketio.server.manager.get_participants("/", "operators")] + pending:
            socketio.server.disconnect(sid, namespace="/")

    def drop_device(_sender, device_id: str):
        # One device signed out: its sockets close now, in every process (a revoked token's script, a
        # stolen tablet, an unpaired screen, which then comes back as a screen waiting for pairing).
        cluster.tell("drop_device", device_id=device_id)

    def drop_device_here(device_id: str):
        for sid in [sid for sid, held in list(hub.holders.items()) if held == device_id]:
            hub.accepted.pop(sid, None)
            socketio.server.disconnect(sid, namespace="/")

    cluster.on("drop_operators", drop_operators_here)
    cluster.on("drop_device", drop_device_here)
    # weak=False: the closures would otherwise be collected and the broadcasts would stop silently.
    signals.state_changed.connect(broadcast, sender=ceremony, weak=False)
    signals.operators_signed_out.connect(drop_operators, sender=app, weak=False)
    signals.device_signed_out.connect(drop_device, sender=app, weak=False)
    return hub
