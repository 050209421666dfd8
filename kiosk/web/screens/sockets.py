"""The big screens' sockets: the walls (paired screens) and the pages waiting for pairing, listed for the
operators in the shared store; a screen reports the ``seq``, the layout and the picture it has drawn, so the
console can show that the wall is current before the operator presses Confirm, and say what is on it.

A page says it is a screen with ``auth={"role": "display", "name": ...}``; it joins the ``public`` room
(``kiosk.web.sockets``) and draws the live ink of the pads (``kiosk.web.pads.sockets``).
"""

from __future__ import annotations

import json
import secrets

from flask import request

from ...ceremony import signals
from ...ceremony.credentials import SCREEN_NAME_MAX
from ...core.clock import Clock
from ...core.model import DRAWN_SCREENS, LAYOUTS, MAX_ROUND
from ...store.shared import LocalCluster, Shared
from ...words.catalogue import N_, gettext
from ..sockets import INK_ROOM, Hub, alive

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
            # What it reports drawing at ``seq`` (drawn_of), None until it says.
            "drawn": None,
            # The process holding its socket: a screen of a process that died is no longer listed.
            "host": self.cluster.host_id,
        }
        self.shared.hset(self.TABLE, sid, json.dumps(entry, ensure_ascii=False))
        return entry

    def seen(self, sid: str, seq: int, layout: str | None = None, drawn: dict | None = None) -> bool:
        """A paired screen's report: the ``seq``, the layout and the picture (``drawn``) it has drawn.
        True when that changed what the operators know."""
        raw = self.shared.hget(self.TABLE, sid)
        if raw is None:
            return False
        entry = json.loads(raw)
        layout = layout or entry.get("drawn_layout")
        if not entry["paired"] or (
            entry["seq"] == seq and entry.get("drawn_layout") == layout and entry.get("drawn") == drawn
        ):
            return False
        entry["seq"] = seq
        entry["drawn_layout"] = layout
        entry["drawn"] = drawn
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


def drawn_of(data: dict, known: set[str]) -> dict | None:
    """What a screen says it has drawn beside its seq, read as any input from the network: a picture of
    DRAWN_SCREENS, the projects on it and those whose golden-key QR code has arrived, each a project of the
    ceremony, at most MAX_ROUND of each (the rest is not read). A picture it does not name (a wall page
    from before the pictures were reported) or one unknown: None, nothing claimed."""
    screen = data.get("screen")
    if not isinstance(screen, str) or screen not in DRAWN_SCREENS:
        return None

    def projects(key: str) -> list[str]:
        given = data.get(key)
        listed = given[:MAX_ROUND] if isinstance(given, list) else []
        return list(dict.fromkeys(p for p in listed if isinstance(p, str) and p in known))

    return {"screen": screen, "project_ids": projects("project_ids"), "qr": projects("qr")}


def screen_info(entry: dict) -> dict:
    """What a big screen is told about itself: paired or its code, its name, its chosen layout."""
    return {k: entry[k] for k in ("paired", "code", "name", "layout")}


def register(hub: Hub) -> Displays:
    """The screens' part of the hub: their admission, their reports, and what the console does to them
    (pairing a waiting one, choosing a wall's layout)."""
    app, socketio, ceremony, said = hub.app, hub.socketio, hub.ceremony, hub.said
    displays = Displays(hub.shared, app.extensions["kiosk_clock"], hub.cluster)
    app.extensions["kiosk_displays"] = displays

    def screens_message() -> dict:
        walls = displays.list()
        # The console's on-air line, said from what the walls report drawing (ceremony.on_air).
        return {"displays": walls, "waiting": displays.waiting(), "on_air": ceremony.on_air(walls)}

    def tell_operators() -> None:
        socketio.emit("displays", screens_message(), to="operators")

    def admit(data: dict, principal) -> None:
        """Any page that says it is a screen: a paired one is listed as a wall, any other as waiting
        for pairing with the code it shows (after its first state)."""
        screen = principal.screen
        if screen is not None:
            entry = displays.add(request.sid, screen.name, request.remote_addr, screen.id, screen.layout)
            hub.holders[request.sid] = screen.id
        else:
            name = str(data.get("name") or gettext(UNNAMED, ceremony.lang))[:SCREEN_NAME_MAX]
            entry = displays.add(request.sid, name, request.remote_addr)
        said.info(
            "big screen '%s' connected from %s (%s)",
            entry["name"],
            request.remote_addr,
            "paired" if entry["paired"] else "waiting for pairing",
        )
        tell_operators()
        # The wall draws the pads' live ink; the page shows its pairing code (or that it is paired).
        hub.accept(request.sid, "public", "public", rooms=(INK_ROOM,), extra=[("screen", screen_info(entry))])

    def welcome(sid: str, room: str) -> None:
        if room == "operators":
            socketio.emit("displays", screens_message(), to=sid)

    def leave(sid: str) -> None:
        try:
            gone = displays.remove(sid)
        except Exception as err:  # Redis away: the entry goes with its process's heartbeat, or stays listed
            said.warn("could not unlist big screen: %s", err)
            gone = False
        if gone:
            said.info("big screen disconnected (%s)", request.remote_addr)
            tell_operators()

    hub.admissions["display"] = admit
    hub.welcomes.append(welcome)
    hub.leaves.append(leave)

    @socketio.on("seen")
    def on_seen(data=None):
        """A big screen reports the ``seq`` it has drawn, in which layout, and the picture (``screen``, its
        ``project_ids``, the ``qr`` codes that arrived); operators hear when that changes."""
        data = data if isinstance(data, dict) else {}
        seq, layout = data.get("seq"), data.get("layout")
        if not isinstance(layout, str) or layout not in LAYOUTS:
            layout = None
        view = ceremony.view("public")
        # A screen cannot have drawn a seq the log has not reached: a fake one reporting 10**9 would show
        # as current on the console, the very light operators check before confirming.
        if type(seq) is not int or not 0 <= seq <= view["seq"]:
            return
        drawn = drawn_of(data, {p["id"] for p in view["projects"]})
        if displays.seen(request.sid, seq, layout, drawn):
            tell_operators()

    def pair_waiting(_sender, sid: str, url: str):
        socketio.emit("pair", {"url": url}, to=sid)

    def relayout(device_id: str, layout: str | None) -> None:
        # The screen redraws in its new layout at once; the console hears it once the screen reports.
        for sid in displays.set_layout(device_id, layout):
            raw = displays.shared.hget(Displays.TABLE, sid)
            if raw is not None:
                socketio.emit("screen", screen_info(json.loads(raw)), to=sid)
        tell_operators()

    def changed(_sender):
        # The on-air line follows every change at once: "not confirmed" until a main wall draws it (or,
        # with none there, saying so), then what that wall reports.
        try:
            tell_operators()
        except Exception as err:  # the shared store away: the change stands, the next report tells
            said.warn("could not tell the operators what is on the wall: %s", err)

    # weak=False: a collected closure would stop the line silently. (Once per change across processes.)
    signals.state_changed.connect(changed, sender=ceremony, weak=False)
    app.extensions["kiosk_pair_waiting"] = pair_waiting
    app.extensions["kiosk_relayout"] = relayout
    app.extensions["kiosk_tell_operators"] = tell_operators
    return displays
