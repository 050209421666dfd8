"""The HTTP API under /api/v1 (CONTRACT.md). Thin: parse, call the service, put its answer into words."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

from flask import Blueprint, Response, current_app, jsonify, request, session

from ..ceremony import signals
from ..ceremony.views import organiser
from . import auth
from .common import ceremony
from .errors import Refused

bp = Blueprint("api", __name__)
log = logging.getLogger("kiosk.api")


@bp.post("/api/v1/session")
def create_session():
    """Operator login with ``{"pin": ...}`` from the console's PIN pad or a script. Sets the session cookie."""
    body = request.get_json(silent=True) or {}
    response = jsonify(auth.login(body.get("pin") if isinstance(body, dict) else None))
    response.set_cookie(
        auth.KNOWN_COOKIE,
        auth.known_device_token(),
        max_age=auth.KNOWN_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


@bp.get("/api/v1/session")
def read_session():
    """This browser's session: its role and CSRF token (the console and admin ask on load)."""
    principal = auth.current()
    if principal.via != "session":
        return jsonify(operator=False, role=None)
    return jsonify(
        operator=True, role=principal.role, device_id=principal.device.id, csrf_token=session.get("csrf")
    )


@bp.delete("/api/v1/session")
def delete_session():
    """Log out this device. Like every write, it needs the session's CSRF token: another site must not be
    able to sign the console out in the middle of the ceremony."""
    if session.get("csrf") and not auth.csrf_ok():
        raise Refused("csrf")
    principal = auth.current()
    if principal.via == "session":
        auth.sign_out(principal.device.id)
        signals.device_signed_out.send(current_app._get_current_object(), device_id=principal.device.id)
    session.clear()
    return jsonify(status="ok")


@bp.post("/api/v1/session/sign-out-all")
@auth.requires("run")
def sign_out_all():
    """Sign out every session and token (a tablet went missing, a PIN leaked). Their sockets are closed too."""
    auth.sign_out_everyone()
    session.clear()
    signals.operators_signed_out.send(current_app._get_current_object())
    return jsonify(status="ok")


@bp.post("/api/v1/run")
@auth.requires("run")
def start_run():
    """Rehearsal and going live, from the console: ``{"mode": "rehearsal"|"live", "confirm": bool}``.

    Starts a clean log (every screen resets to the title); the old log is archived. Leaving a live run that
    has commands needs ``confirm: true`` (409 ``confirm_required`` otherwise). Broadcasts ``state``.
    """
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        body = {}
    run = ceremony().start_run(body.get("mode"), confirmed=body.get("confirm") is True)
    log.warning("new %s run started by %s", run.mode, auth.device_name())
    return jsonify(
        status="ok",
        run=organiser.run(run, ceremony().lang, ceremony().zone),
        state=ceremony().view("operator"),
    )


@bp.get("/api/v1/runs")
@auth.requires("watch")
def runs():
    """Every run so far (rehearsals and live), oldest first: the archive, nothing is ever deleted."""
    return jsonify(organiser.runs(ceremony()))


@bp.get("/api/v1/state")
def state():
    """The view the caller may see: the public one for anyone (big screens catching up, monitoring
    scripts); the operator's for any role's session or token; ``?view=stage`` the MC's monitor's, for
    those and paired screens. A token that was revoked gets 401."""
    principal = auth.current()
    if principal.refused:
        raise Refused("unauthorized")
    if request.args.get("view") == "stage" and (principal.may("watch") or principal.screen):
        return jsonify(ceremony().view("stage"))
    return jsonify(ceremony().view("operator" if principal.may("watch") else "public"))


@bp.post("/api/v1/commands")
@auth.requires("run")
def commands():
    """Announce, confirm, undo or show, from the console or an AV desk. Broadcasts ``state`` when applied."""
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and "command_id" not in payload and auth.current().via == "token":
        payload = {**payload, "command_id": _press_id(payload)}
    status, answer = ceremony().execute(payload, device=auth.device_name())
    log.info(
        "command %s %s %s -> %s",
        payload.get("action"),
        payload.get("project_id") or payload.get("screen") or "",
        auth.device_name(),
        answer.get("reason", "ok"),
    )
    return jsonify(answer), status


@bp.post("/api/v1/preview")
@auth.requires("watch")
def preview():
    """``{"action", "project_id"?, "screen"?}`` as for a command: the public view the room would see after
    it, for the console's preview monitor. Runs nothing, stores nothing."""
    status, answer = ceremony().preview(request.get_json(silent=True))
    return jsonify(answer), status


@bp.get("/api/v1/report.<fmt>")
@auth.requires("watch")
def report_download(fmt: str):
    """The report as CSV, XLSX or JSON, for the console's download buttons (same as ``python -m kiosk export``)."""
    from ..reporting import report

    if fmt not in report.FORMATS:
        raise Refused("unknown_format")
    write, mimetype = report.FORMATS[fmt]
    data = report.of(ceremony())
    stamp = (data["event"].get("date") or "report").replace("/", "-")
    return Response(
        write(data),
        mimetype=mimetype.split(";")[0],
        headers={
            "Content-Type": mimetype,
            "Content-Disposition": f"attachment; filename=ceremony-{stamp}.{fmt}",
            "Cache-Control": "no-store",
        },
    )


DOUBLE_PRESS_S = 2.0


def _press_id(payload: dict) -> str:
    """An id for a button press from an AV desk that sends none (a Stream Deck sends the same body each time).

    The same body again within DOUBLE_PRESS_S is the same press (a bounce or a double tap): it gets the same
    id, so the first answer comes back and nothing happens twice. Later, it is a new press. Remembered in
    the shared store, so a bounce that reaches another server process is still the same press.
    """
    shared = current_app.extensions["kiosk_shared"]
    key = (
        "press:"
        + hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    )
    fresh = "deck-" + uuid.uuid4().hex
    if shared.add(key, fresh, ttl=DOUBLE_PRESS_S):
        return fresh
    known = shared.get(key)
    return known.decode() if isinstance(known, bytes) else (known or fresh)
