"""The signing pads' sockets: a pad joins with its link's token (and, for a local link, the cookie of the
browser that opened it first, ``kiosk.web.pads.routes``), gets its party view in a room of its own, and
sends its signature through acknowledged events: ``attempt``, ``ink`` batch by batch, ``clear``, ``submit``.
The walls and the consoles draw the live ink from the ``ink`` room (``ink_sync`` catches them up).

Every refusal is acknowledged as ``{"ok": false, "reason", "message"}`` (``kiosk.web.errors.refusal``).
"""

from __future__ import annotations

from flask import request

from ...ceremony import signals
from ...ceremony.rules import CeremonyError
from .. import auth
from ..errors import refusal
from ..sockets import INK_ROOM, Hub
from .routes import find_pad, holds


def register(hub: Hub) -> None:
    app, socketio, ceremony, said, cluster = hub.app, hub.socketio, hub.ceremony, hub.said, hub.cluster
    # The pads' sockets in this process: sid -> (pad id, "local" or "remote").
    pad_sockets: dict[str, tuple[str, str]] = {}

    def admit(data: dict, _principal) -> bool:
        found = find_pad(str(data.get("pad") or ""))
        if found is None or (found[1] == "local" and not holds(found[0].id, found[2], request.cookies)):
            said.warn("pad socket refused from %s: unknown link or another browser", request.remote_addr)
            return False
        pad, via, _ = found
        pad_sockets[request.sid] = (pad.id, via)
        # Listed on the console's devices as online, like a paired screen.
        hub.holders[request.sid] = "pad:" + pad.id
        auth.touch("pad:" + pad.id)
        hub.accept(request.sid, f"pad:{pad.id}", f"party:{pad.id}")
        said.info("pad '%s' connected from %s (%s)", pad.name, request.remote_addr, via)
        return True

    def audience(sid: str) -> str | None:
        held = pad_sockets.get(sid)
        return f"party:{held[0]}" if held is not None else None

    hub.admissions["pad"] = admit
    hub.audiences.append(audience)
    hub.leaves.append(lambda sid: pad_sockets.pop(sid, None))

    def pad_call(work):
        """Run ``work(pad_id, via)`` for the pad behind this socket; a refusal is answered in words."""
        held = pad_sockets.get(request.sid)
        if held is None:
            return {"ok": False, **refusal("unknown_pad", lang=ceremony.lang)}
        try:
            return work(*held)
        except CeremonyError as err:
            return {"ok": False, **refusal(err.code, err.params, lang=ceremony.lang)}

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
        # Each pad of the ceremony at most once: a round may put more pads on the wall than any fixed cap.
        return ceremony.signing.ink_of(
            list(dict.fromkeys(i for i in ids if isinstance(i, str) and i in known))
        )

    def ink_added(_sender, **batch):
        socketio.emit("ink", batch, to=INK_ROOM)

    def ink_cleared(_sender, pad_id: str, signature_id: str):
        socketio.emit("ink_clear", {"pad_id": pad_id, "signature_id": signature_id}, to=INK_ROOM)

    def drop_pad_here(pad_id: str, via: str | None = None) -> None:
        for sid, (held, how) in list(pad_sockets.items()):
            if held == pad_id and (via is None or how == via):
                socketio.server.disconnect(sid, namespace="/")

    def drop_pad(pad_id: str, via: str | None = None) -> None:
        # A new link for the pad: the browser holding the old one is cut off now, in whichever process.
        cluster.tell("drop_pad", pad_id=pad_id, via=via)

    cluster.on("drop_pad", drop_pad_here)
    app.extensions["kiosk_drop_pad"] = drop_pad
    # weak=False: the closures would otherwise be collected and the ink would stop silently.
    signals.ink_added.connect(ink_added, sender=ceremony, weak=False)
    signals.ink_cleared.connect(ink_cleared, sender=ceremony, weak=False)
