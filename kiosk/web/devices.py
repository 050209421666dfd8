"""Devices and their credentials: the list on the console, signing one out, API tokens, pairing screens,
and unlocking a locked show. Every right is checked by ``auth.requires`` (kiosk.ceremony.access)."""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, current_app, jsonify, redirect, request, url_for

from ..ceremony import access, signals
from ..ceremony.credentials import SCREEN_NAME_MAX, name_of
from ..ceremony.model import LAYOUTS
from ..words import format as fmt
from ..words.catalogue import gettext
from ..words.messages import PARTY_ROLE, ROLE_LABELS, SCOPE_LABELS
from . import auth
from .common import ceremony, public_base
from .errors import Refused

bp = Blueprint("devices", __name__)
log = logging.getLogger("kiosk.devices")

PAIRING_TTL_S = 15 * 60
# A screen key lives in the wall PC's browser for good: it is one cookie, cut off from the console.
SCREEN_COOKIE_DAYS = 400


def _shared():
    return current_app.extensions["kiosk_shared"]


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# -- the list ------------------------------------------------------------------------------------------


def _device_json(d: access.Device, seen: dict, online: dict, me: str | None, lang: str) -> dict:
    last = seen.get(d.id)
    return {
        "id": d.id,
        "kind": d.kind,
        "name": d.name,
        "role": d.role,
        "role_text": gettext(ROLE_LABELS[d.role], lang) if d.role else "",
        "scope": d.scope,
        "scope_text": gettext(SCOPE_LABELS[d.scope], lang) if d.scope else "",
        "addr": d.addr,
        "created_at": d.created_at,
        "created_text": fmt.moment(d.created_at, lang) if d.created_at else "",
        "last_seen": last,
        "last_seen_text": fmt.moment(last, lang) if last else "",
        "online": online.get(d.id, 0),
        "this_device": d.id == me,
    }


@bp.get("/api/v1/devices")
@auth.requires("watch")
def list_devices():
    """Who holds credentials now: each session (console, viewer, editor), token and paired screen, with
    its role, last activity and open sockets; and the screens waiting to be paired."""
    lang = ceremony().lang
    seen = auth.last_seen()
    # Sockets open now in every server process (kiosk.web.sockets.Sockets).
    online = current_app.extensions["kiosk_online"]()
    caller = auth.current()
    me = caller.device.id if caller.device else None
    devices = auth.credentials().listed(seen, current_app.permanent_session_lifetime)
    displays = current_app.extensions["kiosk_displays"]
    listed = [_device_json(d, seen, online, me, lang) for d in devices]
    listed += _pads_json(seen, online, lang)
    # This device first, then what is connected now, then the most recently active.
    listed.sort(key=lambda d: d["last_seen"] or d["created_at"] or "", reverse=True)
    listed.sort(key=lambda d: (not d["this_device"], not d["online"]))
    return jsonify(
        devices=listed,
        waiting=displays.waiting(),
    )


PAD_DEVICE = "pad:"


def _pads_json(seen: dict, online: dict, lang: str) -> list[dict]:
    """The signing pads a browser holds (a local link opened, or a remote link made), listed with the other
    devices so that one list says what may act on the ceremony; they sign only their own signature."""
    c = ceremony()
    held = c.signing.links()
    names = {p.id: p.name for p in c.projects}
    rows = []
    for pad in c.pads:
        secret = held.get(pad.id, {})
        if not (secret.get("claimed") or secret.get("remote")):
            continue
        key = PAD_DEVICE + pad.id
        last = seen.get(key)
        rows.append(
            {
                "id": key,
                "kind": "pad",
                "name": f"{pad.name} · {names.get(pad.project_id, '')}",
                "role": "party",
                "role_text": gettext(PARTY_ROLE, lang),
                "scope": None,
                "scope_text": "",
                "addr": None,
                "created_at": "",
                "created_text": "",
                "last_seen": last,
                "last_seen_text": fmt.moment(last, lang) if last else "",
                "online": online.get(key, 0),
                "this_device": False,
            }
        )
    return rows


@bp.delete("/api/v1/devices/<device_id>")
@auth.requires("run")
def sign_out_device(device_id: str):
    """Sign one device out: its session, token or screen key stops working now, its sockets close. A
    signing pad is cut off: a new local link (the tablet must open it again) and no remote link."""
    if device_id.startswith(PAD_DEVICE):
        pad_id = device_id[len(PAD_DEVICE) :]
        ceremony().signing.new_link(pad_id)
        ceremony().signing.revoke_remote(pad_id)
        current_app.extensions["kiosk_drop_pad"](pad_id)
        log.warning("pad %s cut off by %s", pad_id, auth.device_name())
        return jsonify(status="ok")
    if not auth.sign_out(device_id):
        raise Refused("unknown_device")
    signals.device_signed_out.send(current_app._get_current_object(), device_id=device_id)
    log.warning("device %s signed out by %s", device_id, auth.device_name())
    return jsonify(status="ok")


# -- tokens --------------------------------------------------------------------------------------------


@bp.post("/api/v1/tokens")
@auth.requires("prepare")
def create_token():
    """A named token with a scope (``read`` or ``control``) for an AV desk or a script. The token itself
    is in this answer only: the server keeps its hash."""
    body = _body()
    secret, device = auth.credentials().new_token(body.get("name"), body.get("scope"), auth.client_id())
    log.warning("token '%s' (%s) made by %s", device.name, device.scope, auth.device_name())
    lang = ceremony().lang
    return jsonify(token=secret, device=_device_json(device, {}, {}, None, lang)), 201


# -- pairing screens -----------------------------------------------------------------------------------


# Where a pairing link lands once it has paired its browser: the wall, or the MC's monitor.
PAIRED_PAGES = {"display": "display.big_screen", "stage": "stage.monitor"}


def _pairing_path(name: str) -> str:
    secret = secrets.token_urlsafe(24)
    _shared().set("pairing:" + auth.secret_hash(secret), name, ttl=PAIRING_TTL_S)
    return f"/display/pair/{secret}"


def _pairing_link(name: str) -> str:
    return public_base() + _pairing_path(name)


@bp.post("/api/v1/screens/pairing-links")
@auth.requires("run")
def pairing_link():
    """A link that pairs the screen it is opened on, once, within 15 minutes: ``{"name"}`` names the
    screen on the console."""
    body = _body()
    name = name_of(body.get("name"), SCREEN_NAME_MAX)
    if name is None:
        raise Refused("invalid_token_name", {"max": SCREEN_NAME_MAX})
    # ``"page": "stage"``: the link is for the MC's monitor (a floor monitor's PC): it lands there, paired.
    page = body.get("page") or "display"
    landing = PAIRED_PAGES.get(page) if isinstance(page, str) else None
    if landing is None:
        raise Refused("invalid_request", {"variant": "not_object"})
    url = _pairing_link(name) + ("?to=stage" if landing == "stage.monitor" else "")
    return jsonify(url=url, expires_in=PAIRING_TTL_S), 201


@bp.post("/api/v1/screens/pair")
@auth.requires("run")
def pair_waiting():
    """Approve a screen waiting for pairing by the code it shows (``{"code", "name"?}``): it is sent a
    pairing link through its socket, opens it, and comes back as a wall."""
    body = _body()
    displays = current_app.extensions["kiosk_displays"]
    code = body.get("code")
    found = displays.waiting_with_code(code) if isinstance(code, str) else None
    if found is None:
        raise Refused("unknown_device")
    sid, entry = found
    name = name_of(body.get("name"), SCREEN_NAME_MAX) or entry["name"]
    # A path, not an address: the key must land on the host name the wall itself opened.
    current_app.extensions["kiosk_pair_waiting"](None, sid=sid, url=_pairing_path(name))
    log.warning("screen '%s' (%s) approved by %s", name, entry["addr"], auth.device_name())
    return jsonify(status="ok", name=name)


@bp.put("/api/v1/screens/<device_id>/layout")
@auth.requires("run")
def set_screen_layout(device_id: str):
    """Choose what a paired screen draws: ``{"layout": "main" | "totem" | "side" | "lobby" | null}``
    (null: the layout its shape calls for). The screen redraws at once, without a reload."""
    layout = _body().get("layout")
    auth.credentials().set_layout(device_id, layout, LAYOUTS)
    current_app.extensions["kiosk_relayout"](device_id, layout)
    log.warning("screen %s set to layout %s by %s", device_id, layout or "auto", auth.device_name())
    return jsonify(status="ok", layout=layout)


@bp.get("/display/pair/<secret>")
def open_pairing(secret: str):
    """Opened on the wall PC: makes this browser a paired screen (a key in an HttpOnly cookie) and goes
    to the wall. Each link works once."""
    key = "pairing:" + auth.secret_hash(secret)
    name = _shared().get(key)
    if name is None or not _shared().add(key + ":used", "1", ttl=PAIRING_TTL_S):
        raise Refused("pairing_expired")
    _shared().delete(key)
    name = name.decode() if isinstance(name, bytes) else name
    screen_key = auth.credentials().pair_screen(name, auth.client_id())
    log.warning("screen '%s' paired from %s", name, auth.client_id())
    response = redirect(url_for(PAIRED_PAGES.get(request.args.get("to", ""), "display.big_screen")))
    response.set_cookie(
        auth.SCREEN_COOKIE,
        screen_key,
        max_age=SCREEN_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- the locked show -----------------------------------------------------------------------------------


@bp.post("/api/v1/show/edits")
@auth.requires("prepare")
def unlock_edits():
    """``{"unlocked": true}`` opens a live run's locked running order for editing, ``false`` locks it
    again; either is a line in the audit with the device."""
    unlocked = _body().get("unlocked")
    if not isinstance(unlocked, bool):
        raise Refused("invalid_request")
    ceremony().set_edits_unlocked(unlocked, device=auth.device_name())
    log.warning("running order %s by %s", "unlocked" if unlocked else "locked", auth.device_name())
    return jsonify(status="ok", edits=ceremony().view("operator")["edits"])
