"""The HTTP API under /api/v1 (CONTRACT.md). Thin: parse, call the service, translate its answer."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid

from flask import Blueprint, Response, current_app, jsonify, request, session

from . import auth, signals
from .domain import CeremonyError
from .service import Ceremony, CommandRejected

bp = Blueprint("api", __name__)
log = logging.getLogger("kiosk.api")


def ceremony() -> Ceremony:
    return current_app.extensions["kiosk"]


@bp.post("/api/v1/session")
def create_session():
    """Operator login with ``{"pin": ...}`` from the console's PIN pad or a script. Sets the session cookie."""
    body = request.get_json(silent=True) or {}
    status, answer = auth.login(body.get("pin") if isinstance(body, dict) else None)
    response = jsonify(answer)
    if status == 429:
        response.headers["Retry-After"] = str(answer["retry_after"])
    return response, status


@bp.get("/api/v1/session")
def read_session():
    """Whether this browser holds an operator session, and its CSRF token (the console asks on load)."""
    if not auth.is_operator():
        return jsonify(operator=False)
    return jsonify(operator=True, csrf_token=session.get("csrf"))


@bp.delete("/api/v1/session")
def delete_session():
    """Log out this device."""
    session.clear()
    return jsonify(status="ok")


@bp.post("/api/v1/session/sign-out-all")
@auth.operator_required
def sign_out_all():
    """Sign out every operator device (a tablet went missing, the PIN leaked). Their sockets are closed too."""
    auth.sign_out_everyone()
    session.clear()
    signals.operators_signed_out.send(current_app._get_current_object())
    return jsonify(status="ok")


@bp.post("/api/v1/run")
@auth.operator_required
def start_run():
    """Rehearsal and going live, from the console: ``{"mode": "rehearsal"|"live", "confirm": bool}``.

    Starts a clean log (every screen resets to the title); the old log is archived. Leaving a live run that
    has commands needs ``confirm: true`` (409 ``confirm_required`` otherwise). Broadcasts ``state``.
    """
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        body = {}
    try:
        run = ceremony().start_run(body.get("mode"), confirmed=body.get("confirm") is True)
    except CeremonyError as err:
        status = 409 if err.code == "confirm_required" else 400
        return jsonify(status="error", reason=err.code, message=err.message), status
    log.warning("new %s run started by %s", run["mode"], auth.device_name())
    return jsonify(status="ok", run=run, state=ceremony().snapshot())


@bp.get("/api/v1/runs")
@auth.operator_required
def runs():
    """Every run so far (rehearsals and live), oldest first: the archive, nothing is ever deleted."""
    return jsonify(runs=ceremony().storage.runs(), current=ceremony().run["id"])


@bp.get("/api/v1/state")
def state():
    """The public snapshot, for anyone: big screens catching up, monitoring scripts, the AV desk."""
    return jsonify(ceremony().snapshot())


@bp.post("/api/v1/commands")
@auth.operator_required
def commands():
    """Announce, confirm, undo or show, from the console or an AV desk. Broadcasts ``state`` when applied."""
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and "command_id" not in payload and auth.bearer_ok():
        payload = {**payload, "command_id": _press_id(payload)}
    try:
        status, answer = ceremony().execute(payload, device=auth.device_name())
    except CommandRejected as err:
        return jsonify(status="error", reason=err.code, message=err.message), 400
    log.info(
        "command %s %s %s -> %s",
        payload.get("action"),
        payload.get("project_id") or payload.get("screen") or "",
        auth.device_name(),
        answer.get("reason", "ok"),
    )
    return jsonify(answer), status


@bp.get("/api/v1/report.<fmt>")
@auth.operator_required
def report_download(fmt: str):
    """The report as CSV, XLSX or JSON, for the console's download buttons (same as ``python -m kiosk export``)."""
    from . import report

    if fmt not in report.FORMATS:
        return jsonify(status="error", reason="unknown_format", message="格式只能是 csv、xlsx 或 json"), 404
    write, mimetype = report.FORMATS[fmt]
    data = ceremony().report()
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
_presses: dict[str, tuple[float, str]] = {}
_presses_lock = threading.Lock()


def _press_id(payload: dict) -> str:
    """An id for a button press from an AV desk that sends none (a Stream Deck sends the same body each time).

    The same body again within DOUBLE_PRESS_S is the same press (a bounce or a double tap): it gets the same
    id, so the first answer comes back and nothing happens twice. Later, it is a new press.
    """
    key = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    now = time.monotonic()
    with _presses_lock:
        for stale in [k for k, (t, _) in _presses.items() if now - t > DOUBLE_PRESS_S]:
            del _presses[stale]
        if key in _presses:
            return _presses[key][1]
        _presses[key] = (now, "deck-" + uuid.uuid4().hex)
        return _presses[key][1]


@bp.get("/healthz")
def healthz():
    """For monitoring: alive, database writable, big screens connected (``?deep=1`` adds an integrity check)."""
    c = ceremony()
    ok = c.storage.writable()
    if ok and request.args.get("deep"):
        ok = c.storage.integrity_check() == "ok"
    displays = current_app.extensions.get("kiosk_displays")
    return jsonify(
        status="ok" if ok else "error",
        seq=c.snapshot()["seq"],
        displays=len(displays.list()) if displays else 0,
    ), (200 if ok else 503)


@bp.errorhandler(413)
def too_large(_err):
    return jsonify(status="error", reason="too_large", message="请求过大"), 413
