"""Pairing the room's screens: a link that makes the browser it is opened on a paired screen (the wall's
PC, or the MC's monitor), approving a screen that waits with a code, and choosing a wall's layout. A paired
screen holds a key in an HttpOnly cookie (``kiosk.ceremony.credentials``); its sockets are ``sockets``'.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, current_app, jsonify, redirect, request, url_for

from ...ceremony.credentials import SCREEN_NAME_MAX, name_of, secret_hash
from ...core.model import LAYOUTS
from .. import auth
from ..common import public_base
from ..errors import Refused

bp = Blueprint("pairing", __name__)
log = logging.getLogger("kiosk.devices")

PAIRING_TTL_S = 15 * 60
# A screen key lives in the wall PC's browser for good: it is one cookie, cut off from the console.
SCREEN_COOKIE_DAYS = 400


def _shared():
    return current_app.extensions["kiosk_shared"]


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# Where a pairing link lands once it has paired its browser: the wall, or the MC's monitor.
PAIRED_PAGES = {"display": "display.big_screen", "stage": "stage.monitor"}


def _pairing_path(name: str) -> str:
    secret = secrets.token_urlsafe(24)
    _shared().set("pairing:" + secret_hash(secret), name, ttl=PAIRING_TTL_S)
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
    key = "pairing:" + secret_hash(secret)
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
