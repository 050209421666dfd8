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
import secrets

from engineio import packet as eio_packet
from flask import Flask, request
from flask_socketio import SocketIO
from socketio import packet as sio_packet

from ..ceremony import signals
from ..ceremony.clock import Clock
from ..ceremony.model import LAYOUTS
from ..ceremony.rules import CeremonyError
from ..ceremony.service import Ceremony
from ..logs import LogBudget
from ..store.shared import LocalCluster, Shared
from ..words.catalogue import N_, gettext
from . import auth
from .pads import routes as pads

log = logging.getLogger("kiosk.live")

ROOMS = {"operators": "operator", "public": "public", "stage": "stage"}
UNNAMED = N_("未命名大屏")


class Displays:
    """The big screens connected now, by Socket.IO sid (the sid itself is never shown), in the shared store.

    A paired screen (it holds a screen key, ``kiosk.web.devices``) is a wall: listed, counted toward
    "synced", allowed to report ``seq``. Any other page that says it is a screen waits for pairing: it is
    listed apart with the code it shows, so an operator can approve the one on the real wall.
    """

    TABLE = "displays"
    MAX_WAITING = 8

    def __init__(self, shared: Shared, clock: Clock, cluster=None):
        self.shared, self.clock = shared, clock
        self.cluster = cluster or LocalCluster()

    def add(
        self, sid: str, name: str, addr: str | None, device_id: str | None = None, layout: str | None = None
    ) -> dict:
        present = self._all()
        if device_id is not None:
            # A paired screen that reconnects replaces its old entry at once: the old socket may linger
            # until its ping times out, and one wall must not be listed twice.
            stale = [key for key, old in present if old["device_id"] == device_id]
        else:
            # A phone in the audience opening /display must not push the real wall out of the list for
            # long: only the newest few waiting screens are kept, this one among them.
            waiting = [key for key, old in present if not old["paired"]]
            stale = waiting[: max(0, len(waiting) + 1 - self.MAX_WAITING)]
        for key in stale:
            self.shared.hdel(self.TABLE, key)
        number = self.shared.incr("displays:number")
        entry = {
            "id": number,
            "name": name,
            "addr": addr,
            "seq": None,
            "connected_at": self.clock.now_iso(),
            "device_id": device_id,
            "paired": device_id is not None,
            "code": None if device_id else f"{secrets.randbelow(10**4):04d}",
            # Chosen on the console (None: by the screen's shape), and the one the screen says it draws.
            "layout": layout,
            "drawn_layout": None,
            # The process holding its socket: a screen of a process that died is no longer listed.
            "host": self.cluster.host_id,
        }
        self.shared.hset(self.TABLE, sid, json.dumps(entry, ensure_ascii=False))
        return entry

    def seen(self, sid: str, seq: int, drawn: str | None = None) -> bool:
        raw = self.shared.hget(self.TABLE, sid)
        if raw is None:
            return False
        entry = json.loads(raw)
        drawn = drawn or entry.get("drawn_layout")
        if not entry["paired"] or (entry["seq"] == seq and entry.get("drawn_layout") == drawn):
            return False
        entry["seq"] = seq
        entry["drawn_layout"] = drawn
        self.shared.hset(self.TABLE, sid, json.dumps(entry, ensure_ascii=False))
        return True

    def set_layout(self, device_id: str, layout: str | None) -> list[str]:
        """A paired screen's new layout; returns the sids that hold it (to be told)."""
        sids = []
        for key, entry in self._all():
            if entry["device_id"] == device_id:
                entry["layout"] = layout
                self.shared.hset(self.TABLE, key, json.dumps(entry, ensure_ascii=False))
                sids.append(key)
        return sids

    def remove(self, sid: str) -> bool:
        return self.shared.hdel(self.TABLE, sid)

    def _all(self) -> list[tuple[str, dict]]:
        items = [(k, json.loads(v)) for k, v in self.shared.hgetall(self.TABLE).items()]
        return sorted(alive(self.shared, self.cluster, self.TABLE, items), key=lambda kv: kv[1]["id"])

    def list(self) -> list[dict]:
        """The paired screens: the walls."""
        return [e for _, e in self._all() if e["paired"]]

    def waiting(self) -> list[dict]:
        return [e for _, e in self._all() if not e["paired"]]

    def waiting_with_code(self, code: str) -> tuple[str, dict] | None:
        """The waiting screen showing ``code``: its sid and its entry."""
        return next(((k, e) for k, e in self._all() if not e["paired"] and e["code"] == code), None)


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


def register(app: Flask, socketio: SocketIO, ceremony: Ceremony) -> None:
    cluster = app.extensions.get("kiosk_cluster") or LocalCluster()
    shared = app.extensions["kiosk_shared"]
    displays = Displays(shared, app.extensions["kiosk_clock"], cluster)
    sockets = Sockets(
        shared,
        cluster,
        lambda: {
            r for r, held in socketio.server.manager.rooms.get("/", {}).items() if isinstance(r, str) and held
        },
    )
    app.extensions["kiosk_online"] = sockets.online
    app.extensions["kiosk_displays"] = displays

    def screens_message() -> dict:
        return {"displays": displays.list(), "waiting": displays.waiting()}

    def screen_info(entry: dict) -> dict:
        """What a big screen is told about itself: paired or its code, its name, its chosen layout."""
        return {k: entry[k] for k in ("paired", "code", "name", "layout")}

    def tell_operators() -> None:
        socketio.emit("displays", screens_message(), to="operators")

    # Which sockets of this process each device holds (sid -> device id), so signing a device out closes
    # its sockets; ``sockets`` lists them for every process.
    holders: dict[str, str] = {}
    listed: set[str] = set()
    # The signing pads' sockets: sid -> (pad id, "local" or "remote"); and the walls that draw their ink.
    pad_sockets: dict[str, tuple[str, str]] = {}
    ink_watchers: dict[str, bool] = {}

    manager = socketio.server.manager
    said = LogBudget(log)
    # Clients accepted by the connect handler and not yet acknowledged: sid -> (room, audience, extra
    # events to send after the first state).
    accepted: dict[str, tuple[str, str, list]] = {}
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
            room, audience, extra = welcome
            socketio.server.enter_room(sid, room, namespace="/")
            if room != "public" or sid in holders:
                listed.add(sid)
                sockets.add(sid, room, holders.get(sid))
            socketio.server._send_eio_packet(manager.eio_sid_from_sid(sid, "/"), first_state(audience))
            if room == "operators":
                socketio.emit("displays", screens_message(), to=sid)
            if room == "operators" or ink_watchers.pop(sid, False):
                # The live ink of the pads: the walls draw it, the consoles see who is signing.
                socketio.server.enter_room(sid, "ink", namespace="/")
            for event, data in extra:
                socketio.emit(event, data, to=sid)
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
        """Any page. Consoles (and scripts with a token) must hold credentials that may watch: they get the
        operator view. Big screens are listed: paired ones as walls, others as waiting for pairing."""
        data = auth_data if isinstance(auth_data, dict) else {}
        role = data.get("role")
        principal = auth.from_socket_auth(data)
        if role == "console" or data.get("token"):
            if not principal.may("watch"):
                said.warn("console socket refused from %s: no session or token", request.remote_addr)
                return False
            holders[request.sid] = principal.device.id
            accepted[request.sid] = ("operators", "operator", [])
            return None
        if role == "pad":
            # A signatory's pad: its link's token, and for a local link the cookie of the browser that
            # opened it first (kiosk.web.pads).
            found = pads.find_pad(str(data.get("pad") or ""))
            if found is None or (
                found[1] == "local" and not pads.holds(found[0].id, found[2], request.cookies)
            ):
                said.warn("pad socket refused from %s: unknown link or another browser", request.remote_addr)
                return False
            pad, via, _ = found
            pad_sockets[request.sid] = (pad.id, via)
            # Listed on the console's devices as online, like a paired screen.
            holders[request.sid] = "pad:" + pad.id
            auth.touch("pad:" + pad.id)
            accepted[request.sid] = (f"pad:{pad.id}", f"party:{pad.id}", [])
            said.info("pad '%s' connected from %s (%s)", pad.name, request.remote_addr, via)
            return None
        if role == "stage":
            # The MC's monitor: a logged-in device or a paired screen at the stage's edge.
            if not (principal.may("watch") or principal.screen):
                said.warn("stage socket refused from %s: no session or paired screen", request.remote_addr)
                return False
            holders[request.sid] = principal.device.id
            accepted[request.sid] = ("stage", "stage", [])
            return None
        extra = []
        if role == "display":
            screen = principal.screen
            if screen is not None:
                entry = displays.add(request.sid, screen.name, request.remote_addr, screen.id, screen.layout)
                holders[request.sid] = screen.id
            else:
                name = str(data.get("name") or gettext(UNNAMED, ceremony.lang))[:40]
                entry = displays.add(request.sid, name, request.remote_addr)
            # The page shows its pairing code (or that it is paired) after its first state.
            extra.append(("screen", screen_info(entry)))
            ink_watchers[request.sid] = True
            said.info(
                "big screen '%s' connected from %s (%s)",
                entry["name"],
                request.remote_addr,
                "paired" if entry["paired"] else "waiting for pairing",
            )
            tell_operators()
        accepted[request.sid] = ("public", "public", extra)
        return None

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        """A page went away; if it was a big screen, the operators hear of it."""
        accepted.pop(request.sid, None)
        holders.pop(request.sid, None)
        if request.sid in listed:
            listed.discard(request.sid)
            sockets.remove(request.sid)
        pad_sockets.pop(request.sid, None)
        ink_watchers.pop(request.sid, None)
        try:
            gone = displays.remove(request.sid)
        except Exception as err:  # Redis away: the entry goes with its process's heartbeat, or stays listed
            said.warn("could not unlist big screen: %s", err)
            gone = False
        if gone:
            said.info("big screen disconnected (%s)", request.remote_addr)
            tell_operators()

    @socketio.on("seen")
    def on_seen(data=None):
        """A big screen reports the ``seq`` it has drawn; operators hear when it changes."""
        seq = data.get("seq") if isinstance(data, dict) else None
        drawn = data.get("layout") if isinstance(data, dict) else None
        if drawn not in LAYOUTS:
            drawn = None
        # A screen cannot have drawn a seq the log has not reached: a fake one reporting 10**9 would show
        # as current on the console, the very light operators check before confirming.
        if type(seq) is not int or not 0 <= seq <= ceremony.view("public")["seq"]:
            return
        if displays.seen(request.sid, seq, drawn):
            tell_operators()

    def audience() -> str:
        held = pad_sockets.get(request.sid)
        if held is not None:
            return f"party:{held[0]}"
        return next((name for room, name in ROOMS.items() if room != "public" and _in_room(room)), "public")

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
        # The rooms with someone in them in any process: the MC's monitor may be held by another one.
        rooms = sockets.rooms()
        for room, name in ROOMS.items():
            # The stage view is built only while a monitor is there to see it.
            if room == "stage" and "stage" not in rooms:
                continue
            socketio.emit("state", sender.view(name), to=room)
        for room in sorted(r for r in rooms if r.startswith("pad:")):
            view = sender.view("party:" + room[4:])
            if view is not None:
                socketio.emit("state", view, to=room)

    # -- the signing pads ---------------------------------------------------------------------------

    def answer_error(err: CeremonyError) -> dict:
        return {"ok": False, "reason": err.code, "message": ceremony.message(err.code, err.params)}

    def pad_call(work):
        """Run ``work(pad_id, via)`` for the pad behind this socket; a refusal is answered in words."""
        held = pad_sockets.get(request.sid)
        if held is None:
            return {"ok": False, "reason": "unknown_pad", "message": ceremony.message("unknown_pad")}
        try:
            return work(*held)
        except CeremonyError as err:
            return answer_error(err)

    @socketio.on("attempt")
    def on_attempt(data=None):
        d = data if isinstance(data, dict) else {}
        device = f"{request.remote_addr} {str(request.headers.get('User-Agent', ''))[:60]}"

        def work(pad_id, via):
            ceremony.signing.begin(
                pad_id, d.get("signature_id"), d.get("width"), d.get("height"), via, device
            )
            return {"ok": True}

        return pad_call(work)

    @socketio.on("ink")
    def on_ink(data=None):
        d = data if isinstance(data, dict) else {}

        def work(pad_id, _via):
            ceremony.signing.add_ink(pad_id, d.get("signature_id"), d.get("batch"), d.get("points"))
            return {"ok": True, "batch": d.get("batch")}

        return pad_call(work)

    @socketio.on("clear")
    def on_clear(data=None):
        d = data if isinstance(data, dict) else {}

        def work(pad_id, _via):
            ceremony.signing.clear(pad_id, d.get("signature_id"))
            return {"ok": True}

        return pad_call(work)

    @socketio.on("submit")
    def on_submit(data=None):
        d = data if isinstance(data, dict) else {}

        def work(pad_id, via):
            pad = ceremony.signing.pad(pad_id)
            device = f"{pad.name if pad else pad_id} ({via})"
            status, answer = ceremony.signing.submit(
                pad_id, d.get("signature_id"), d.get("batches"), d.get("command_id"), device
            )
            if status != 200:
                return {"ok": False, "reason": answer.get("reason"), "message": answer.get("message")}
            signed = pad is not None and pad.project_id in ceremony.state.signed
            return {"ok": True, "signed": signed}

        return pad_call(work)

    @socketio.on("ink_sync")
    def on_ink_sync(data=None):
        """A wall (or console) asks for the ink it should be showing: each pad's whole attempt. A pad
        may ask only for its own (its signature as submitted, drawn again after a reload)."""
        held = pad_sockets.get(request.sid)
        if held is not None:
            return ceremony.signing.ink_of([held[0]])
        ids = data.get("pad_ids") if isinstance(data, dict) else None
        if not isinstance(ids, list):
            return {}
        known = {d.id for d in ceremony.pads}
        return ceremony.signing.ink_of([i for i in ids[:50] if isinstance(i, str) and i in known])

    def ink_added(_sender, **batch):
        socketio.emit("ink", batch, to="ink")

    def ink_cleared(_sender, pad_id: str, signature_id: str):
        socketio.emit("ink_clear", {"pad_id": pad_id, "signature_id": signature_id}, to="ink")

    def drop_pad_here(pad_id: str, via: str | None = None) -> None:
        for sid, (held, how) in list(pad_sockets.items()):
            if held == pad_id and (via is None or how == via):
                socketio.server.disconnect(sid, namespace="/")

    def drop_pad(pad_id: str, via: str | None = None) -> None:
        # A new link for the pad: the browser holding the old one is cut off now, in whichever process.
        cluster.tell("drop_pad", pad_id=pad_id, via=via)

    cluster.on("drop_pad", drop_pad_here)
    app.extensions["kiosk_drop_pad"] = drop_pad
    signals.ink_added.connect(ink_added, sender=ceremony, weak=False)
    signals.ink_cleared.connect(ink_cleared, sender=ceremony, weak=False)

    def drop_operators(_sender):
        # Their sessions are void: close the sockets opened with them in every process (the library's
        # pub/sub manager lists only this process's participants of a room).
        cluster.tell("drop_operators")

    def drop_operators_here():
        pending = [sid for sid, (room, _, _) in list(accepted.items()) if room == "operators"]
        for sid in pending:
            accepted.pop(sid, None)
        for sid in [sid for sid, _ in socketio.server.manager.get_participants("/", "operators")] + pending:
            socketio.server.disconnect(sid, namespace="/")

    def drop_device(_sender, device_id: str):
        # One device signed out: its sockets close now, in every process (a revoked token's script, a
        # stolen tablet, an unpaired screen, which then comes back as a screen waiting for pairing).
        cluster.tell("drop_device", device_id=device_id)

    def drop_device_here(device_id: str):
        for sid in [sid for sid, held in list(holders.items()) if held == device_id]:
            accepted.pop(sid, None)
            socketio.server.disconnect(sid, namespace="/")

    def pair_waiting(_sender, sid: str, url: str):
        socketio.emit("pair", {"url": url}, to=sid)

    def relayout(device_id: str, layout: str | None) -> None:
        # The screen redraws in its new layout at once; the console hears it once the screen reports.
        for sid in displays.set_layout(device_id, layout):
            raw = displays.shared.hget(Displays.TABLE, sid)
            if raw is not None:
                socketio.emit("screen", screen_info(json.loads(raw)), to=sid)
        tell_operators()

    app.extensions["kiosk_pair_waiting"] = pair_waiting
    app.extensions["kiosk_relayout"] = relayout
    app.extensions["kiosk_tell_operators"] = tell_operators

    cluster.on("drop_operators", drop_operators_here)
    cluster.on("drop_device", drop_device_here)
    # weak=False: the closures would otherwise be collected and the broadcasts would stop silently.
    signals.state_changed.connect(broadcast, sender=ceremony, weak=False)
    signals.operators_signed_out.connect(drop_operators, sender=app, weak=False)
    signals.device_signed_out.connect(drop_device, sender=app, weak=False)
