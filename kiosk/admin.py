"""Preparing the event in the browser: the admin pages and their API (operator login).

Event settings and pictures, projects one by one, and importing a file with a preview first. Every change
goes through the service, so the big screen redraws at once when an edit touches what it shows.
"""

from __future__ import annotations

import io
import secrets
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    session,
)
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from . import auth
from .domain import CeremonyError
from .eventinfo import MAX_IMAGE_BYTES, MEDIA_KINDS, EventInvalid
from .fields import FIELD_KEYS, FIELD_LABELS, FieldErrors
from .importer import MAX_BYTES, ImportFailed, parse_projects, preview_projects
from .service import Ceremony

bp = Blueprint("admin", __name__)

UPLOAD_TTL_S = 30 * 60
MAX_PENDING_UPLOADS = 20


def ceremony() -> Ceremony:
    return current_app.extensions["kiosk"]


def media_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "media"


def _error(status: int, reason: str, message: str, **extra):
    return jsonify(status="error", reason=reason, message=message, **extra), status


def _field_errors(err: FieldErrors):
    errors = [{"field": k, "label": FIELD_LABELS.get(k, k), "reason": r} for k, r in err.errors]
    message = "；".join(f"{e['label']}：{e['reason']}" for e in errors)
    return _error(400, "invalid_project", message, errors=errors)


# -- pages ---------------------------------------------------------------------------------------------


@bp.get("/admin")
def admin_page():
    """The organisers' preparation pages (event, projects, import, rehearsal, report). Login as the console."""
    snap = ceremony().snapshot()
    if not auth.is_operator():
        return render_template("control/login.html", event=snap["event"])
    return render_template("admin/admin.html", event=snap["event"], csrf_token=session.get("csrf"))


@bp.get("/media/<path:name>")
def media(name: str):
    """The event's logo and background (content-hashed names, so they can be cached for good)."""
    response = send_from_directory(media_dir(), name, max_age=365 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- event ---------------------------------------------------------------------------------------------


@bp.get("/api/v1/event")
@auth.operator_required
def get_event():
    """The event settings as stored (the admin page's form)."""
    return jsonify(ceremony().snapshot()["event"])


@bp.put("/api/v1/event")
@auth.operator_required
def put_event():
    """Edit title, subtitle, date, venue, host, language, theme and colours. Broadcasts ``state``."""
    try:
        ceremony().update_event(request.get_json(silent=True))
    except EventInvalid as err:
        return _error(
            400,
            "invalid_event",
            "；".join(r for _, r in err.errors),
            errors=[{"field": k, "reason": r} for k, r in err.errors],
        )
    return jsonify(ceremony().snapshot()["event"])


@bp.post("/api/v1/event/media/<kind>")
@auth.operator_required
def upload_media(kind: str):
    """Upload the logo or the background picture (multipart field ``file``); re-encoded before it is kept."""
    if kind not in MEDIA_KINDS:
        abort(404)
    upload = request.files.get("file")
    if upload is None:
        return _error(400, "missing_file", "请选择图片文件")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    try:
        ceremony().set_media(kind, data, media_dir())
    except EventInvalid as err:
        return _error(400, "invalid_image", "；".join(r for _, r in err.errors))
    return jsonify(ceremony().snapshot()["event"])


@bp.delete("/api/v1/event/media/<kind>")
@auth.operator_required
def delete_media(kind: str):
    """Remove the logo or the background (the file stays on disk; the event no longer shows it)."""
    if kind not in MEDIA_KINDS:
        abort(404)
    ceremony().set_media(kind, None, media_dir())
    return jsonify(ceremony().snapshot()["event"])


# -- projects ------------------------------------------------------------------------------------------


def _cells(body: object) -> dict:
    if not isinstance(body, dict):
        raise FieldErrors([("name", "请求体必须是 JSON 对象")])
    cells = {k: body.get(k) for k in FIELD_KEYS if k != "order"}
    if isinstance(cells.get("signatories"), list):
        cells["signatories"] = "、".join(str(s) for s in cells["signatories"])
    return cells


@bp.get("/api/v1/projects")
@auth.operator_required
def list_projects():
    """The running order with what only organisers see (the concierge's name and phone), for the editor."""
    c = ceremony()
    cards = c.storage.load_cards()
    rows = []
    for p in c.snapshot()["projects"]:
        card = cards.get(p["id"])
        rows.append(
            p
            | {
                "concierge_name": card.contact_name if card else None,
                "concierge_phone": card.contact_phone if card else None,
            }
        )
    return jsonify(projects=rows)


@bp.post("/api/v1/projects")
@auth.operator_required
def add_project():
    """Add one project at the end of the running order, validated exactly like an import row."""
    try:
        new_id = ceremony().add_project(_cells(request.get_json(silent=True)))
    except FieldErrors as err:
        return _field_errors(err)
    return jsonify(status="ok", id=new_id, state=ceremony().snapshot()), 201


@bp.put("/api/v1/projects/<project_id>")
@auth.operator_required
def edit_project(project_id: str):
    """Replace one project's fields. Its id and card address stay; the screens redraw if it is shown."""
    try:
        ceremony().update_project(project_id, _cells(request.get_json(silent=True)))
    except FieldErrors as err:
        return _field_errors(err)
    except CeremonyError as err:
        return _error(404 if err.code == "unknown_project" else 400, err.code, err.message)
    return jsonify(status="ok", state=ceremony().snapshot())


@bp.delete("/api/v1/projects/<project_id>")
@auth.operator_required
def delete_project(project_id: str):
    """Remove a project that is not signed (its card address dies with it)."""
    try:
        ceremony().delete_project(project_id)
    except CeremonyError as err:
        return _error(404 if err.code == "unknown_project" else 400, err.code, err.message)
    return jsonify(status="ok", state=ceremony().snapshot())


@bp.put("/api/v1/projects/order")
@auth.operator_required
def reorder():
    """The running order as a list of every project id: ``{"ids": [...]}`` (drag and drop, or up/down)."""
    body = request.get_json(silent=True) or {}
    try:
        ceremony().reorder_projects(body.get("ids") if isinstance(body, dict) else None)
    except CeremonyError as err:
        return _error(400, err.code, err.message)
    return jsonify(status="ok", state=ceremony().snapshot())


# -- import in the browser -----------------------------------------------------------------------------


class Uploads:
    """Files waiting between preview and apply, in memory for half an hour (a preview is never applied
    from anything but the exact bytes that were previewed)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._files: dict[str, tuple[float, str, bytes]] = {}

    def put(self, name: str, data: bytes) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._expire()
            if len(self._files) >= MAX_PENDING_UPLOADS:
                self._files.pop(next(iter(self._files)))
            self._files[key] = (time.monotonic(), name, data)
        return key

    def get(self, key: str) -> tuple[str, bytes] | None:
        with self._lock:
            self._expire()
            found = self._files.get(key)
        return None if found is None else found[1:]

    def drop(self, key: str) -> None:
        with self._lock:
            self._files.pop(key, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, (t, _, _) in self._files.items() if now - t > UPLOAD_TTL_S]:
            del self._files[key]


def uploads() -> Uploads:
    return current_app.extensions.setdefault("kiosk_uploads", Uploads())


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float | Decimal):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@bp.post("/api/v1/import/preview")
@auth.operator_required
def import_preview():
    """Read an uploaded CSV/XLSX (field ``file``) and show every row with its problems; nothing is stored."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _error(400, "missing_file", "请选择 CSV 或 XLSX 文件")
    data = upload.read(MAX_BYTES + 1)
    preview = preview_projects(data, upload.filename)
    key = uploads().put(upload.filename, data) if preview.ok else None
    return jsonify(
        ok=preview.ok,
        upload_id=key,
        filename=upload.filename,
        columns=preview.columns,
        ignored_columns=preview.ignored_columns,
        problems=[str(p) for p in preview.problems],
        rows=[
            {
                "row": r.row,
                "cells": {k: _plain(v) for k, v in r.cells.items()},
                "amount_wan": r.draft.amount_wan if r.draft else None,
                "problems": [{"column": p.column, "reason": p.reason, "text": str(p)} for p in r.problems],
            }
            for r in preview.rows
        ],
        count=len(preview.drafts()) if preview.ok else 0,
        signed=ceremony().snapshot()["signed_count"],
    )


@bp.post("/api/v1/import/apply")
@auth.operator_required
def import_apply():
    """Import a previewed file: ``{"upload_id", "replace": bool}``. All or nothing, as the command line."""
    body = request.get_json(silent=True) or {}
    found = uploads().get(str(body.get("upload_id", ""))) if isinstance(body, dict) else None
    if found is None:
        return _error(400, "upload_expired", "预览已过期，请重新选择文件")
    name, data = found
    try:
        drafts = parse_projects(data, name)
        ceremony().import_projects(drafts, replace_all=body.get("replace") is True)
    except ImportFailed as failed:
        return _error(
            400, "invalid_file", "文件有错误，未导入任何内容", problems=[str(p) for p in failed.problems]
        )
    except CeremonyError as err:
        return _error(400, err.code, err.message)
    uploads().drop(str(body["upload_id"]))
    return jsonify(status="ok", imported=len(drafts), state=ceremony().snapshot())


@bp.delete("/api/v1/import/<upload_id>")
@auth.operator_required
def import_cancel(upload_id: str):
    """Forget a previewed file without importing it."""
    uploads().drop(upload_id)
    return jsonify(status="ok")


@bp.get("/api/v1/import/template.xlsx")
@auth.operator_required
def import_template():
    """An XLSX to fill in: the import format's Chinese headers and one example row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "签约项目"
    headers = [FIELD_LABELS[k] for k in FIELD_KEYS if k != "amount_wan"]
    ws.append(headers)
    ws.append(
        [
            1,
            "示例：智能制造产业园项目",
            "示例科技有限公司",
            12.5,
            300,
            "先进制造",
            "张三、李四",
            "王五",
            "0731-28800000",
            "一句话介绍项目（可选，最多 500 字）",
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8ECD0")
    for col, width in zip("ABCDEFGHIJ", (6, 34, 28, 14, 10, 12, 16, 10, 16, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=kiosk-projects-template.xlsx"},
    )
