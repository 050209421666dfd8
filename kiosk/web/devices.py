"""Devices and their credentials: the list on the console, signing one out, API tokens, and unlocking a
locked show (pairing screens is ``kiosk.web.screens.pairing``). Every right is checked by
``auth.requires`` (kiosk.core.access); the decisions are ``kiosk.ceremony.credentials``'."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from ..ceremony import signals
from ..ceremony.views import organiser
from . import auth
from .common import ceremony
from .errors import Refused

bp = Blueprint("devices", __name__)
log = logging.getLogger("kiosk.devices")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# -- the list ------------------------------------------------------------------------------------------


@bp.get("/api/v1/devices")
@auth.requires("watch")
def list_devices():
    """Who holds credentials now: each session (console, viewer, editor), token and paired screen, with
    its role, last activity and open sockets; and the screens waiting to be paired."""
    seen = auth.last_seen()
    caller = auth.current()
    listed = organiser.devices(
        ceremony(),
        auth.credentials().listed(seen, current_app.permanent_session_lifetime),
        seen,
        # Sockets open now in every server process (kiosk.web.sockets.Sockets).
        current_app.extensions["kiosk_online"](),
        caller.device.id if caller.device else None,
    )
    return jsonify(devices=listed, waiting=current_app.extensions["kiosk_displays"].waiting())


@bp.delete("/api/v1/devices/<device_id>")
@auth.requires("run")
def sign_out_device(device_id: str):
    """Sign one device out: its session, token or screen key stops working now, its sockets close. A
    signing pad is cut off: a new local link (the tablet must open it again) and no remote link."""
    if device_id.startswith(organiser.PAD_DEVICE):
        pad_id = device_id[len(organiser.PAD_DEVICE) :]
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
    c = ceremony()
    return jsonify(token=secret, device=organiser.device_row(device, {}, {}, None, c.lang, c.zone)), 201


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
