"""The /live namespace: remote viewers' sockets in the room ``live``, each sent the small live projection
of the public view (``kiosk.ceremony.live_view``), built once per change and sent only when something a
viewer sees changed; handed to nginx's nchan too when ``KIOSK_LIVE_PUBLISH`` is set (``stream``). A viewer
sends nothing but an occasional ``check`` when its phone wakes up, and ``sync`` when that shows it is behind.
"""

from __future__ import annotations

import threading

from engineio import packet as eio_packet
from flask import Flask, request
from flask_socketio import SocketIO
from socketio import packet as sio_packet

from ...ceremony import signals
from ...ceremony.live_view import live as live_projection
from ...ceremony.service import Ceremony
from .stream import Publisher

NAMESPACE = "/live"
ROOM = "live"
EVENT = "live"


class Projection:
    """The live projection of the ceremony's public view now, made once per change and shared by every
    viewer, with its Socket.IO packet encoded once for every newcomer."""

    def __init__(self, service: Ceremony):
        self.service = service
        self._lock = threading.Lock()
        self._view: dict | None = None
        self._data: dict | None = None
        self._packet: eio_packet.Packet | None = None
        self._packet_of: dict | None = None

    def current(self) -> dict:
        view = self.service.view("public")
        with self._lock:
            if view is not self._view:
                self._data = live_projection(view, self._data)
                self._view = view
            return self._data

    def packet(self, packet_class) -> eio_packet.Packet:
        """The ``live`` event as an Engine.IO packet: every connection keeps the last packet sent to it,
        so thousands of newcomers (a reconnect storm after the venue's network came back) share one."""
        data = self.current()
        with self._lock:
            if self._packet is None or self._packet_of is not data:
                encoded = packet_class(sio_packet.EVENT, namespace=NAMESPACE, data=[EVENT, data]).encode()
                self._packet = eio_packet.Packet(eio_packet.MESSAGE, encoded)
                self._packet_of = data
            return self._packet


def register(app: Flask, socketio: SocketIO, service: Ceremony) -> None:
    projection = Projection(service)
    app.extensions["kiosk_live_projection"] = projection
    url = app.config.get("LIVE_PUBLISH")
    publisher = Publisher(url, projection.current) if url else None
    app.extensions["kiosk_live_publisher"] = publisher
    server = socketio.server
    manager = server.manager
    accepted: set[str] = set()
    # Chained, not replaced: kiosk.web.sockets wraps the same method for its own namespace.
    previous_connect = manager.connect

    def connect(sid, namespace):
        """Join the newcomer to the room and send its first projection right after the acknowledgement
        (the library calls this just after queueing it), locally: the projection is this process's own."""
        result = previous_connect(sid, namespace)
        if namespace == NAMESPACE and sid in accepted:
            accepted.discard(sid)
            server.enter_room(sid, ROOM, namespace=NAMESPACE)
            server._send_eio_packet(
                manager.eio_sid_from_sid(sid, NAMESPACE), projection.packet(server.packet_class)
            )
        return result

    manager.connect = connect

    @socketio.on("connect", namespace=NAMESPACE)
    def on_connect(_auth=None):
        # Anyone may watch: no credentials are read, none are needed.
        accepted.add(request.sid)

    @socketio.on("disconnect", namespace=NAMESPACE)
    def on_disconnect(*_args):
        accepted.discard(request.sid)

    @socketio.on("check", namespace=NAMESPACE)
    def on_check(*_args):
        """A phone that woke up asks whether it is behind: the version it should have, tiny."""
        data = projection.current()
        return {"version": data["version"], "log_id": data["log_id"]}

    @socketio.on("sync", namespace=NAMESPACE)
    def on_sync(*_args):
        return projection.current()

    sent: dict[str, object] = {"data": None}

    def broadcast(sender):
        data = projection.current()
        # A change no viewer would see (the MC's note, a pad armed) is not sent to ten thousand phones.
        if data is sent["data"]:
            return
        sent["data"] = data
        socketio.emit(EVENT, data, namespace=NAMESPACE, to=ROOM)
        # The sockets stay on as well: a console on the LAN may open /live on a process directly.
        if publisher is not None:
            publisher.put(data)

    # weak=False: the closure would otherwise be collected and the broadcasts would stop silently.
    signals.state_changed.connect(broadcast, sender=service, weak=False)
