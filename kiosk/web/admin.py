"""Preparing the event in the browser: the admin pages and their API (operator login).

Event settings and pictures, projects one by one, and importing a file with a preview first. Every change
goes through the service, so the big screen redraws at once when an edit touches what it shows.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
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

from ..ceremony.credentials import TOKEN_NAME_MAX
from ..ceremony.views import organiser
from ..core.model import CUE_KINDS
from ..setup import fields, template
from ..setup.agenda import AGENDA_HEADERS, parse_agenda, parse_rows, read_workbook
from ..setup.cards import DEFAULT_SERVICES
from ..setup.event import MAX_IMAGE_BYTES, MAX_IMAGE_MB, MEDIA_KINDS, THEME_COLORS
from ..setup.fields import FieldError, FieldErrors, Problem
from ..setup.importer import HEADERS, MAX_BYTES, ImportFailed, header
from ..words.catalogue import word
from ..words.format import MAX_DECIMALS
from ..words.show import CUE_KIND_LABELS
from ..words.views import KNOWN_INDUSTRIES
from . import auth
from .common import ceremony, page_context
from .console import login_page
from .errors import Refused, fields_refused_as, one_field

bp = Blueprint("admin", __name__)

UPLOAD_TTL_S = 30 * 60


def media_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "media"


def settings() -> dict:
    """What the admin pages need to know of the rules (limits, choices, defaults), from the one place each
    lives, so the pages never carry a copy."""
    lang = ceremony().lang
    keys = (
        *fields.PROJECT_KEYS,
        *fields.CARD_KEYS,
        *fields.EVENT_KEYS,
        *fields.CERTIFICATE_KEYS,
        *fields.PAD_KEYS,
    )
    return {
        "limits": fields.limits(*dict.fromkeys(keys)),
        "labels": {key: word(fields.FIELDS[key].label, lang) for key in dict.fromkeys(keys)},
        "industries": [word(name, lang) for name in KNOWN_INDUSTRIES],
        "default_services": [word(s, lang) for s in DEFAULT_SERVICES],
        "theme_colors": THEME_COLORS,
        "max_image_bytes": MAX_IMAGE_BYTES,
        "max_image_mb": MAX_IMAGE_MB,
        "max_import_bytes": MAX_BYTES,
        "token_name_max": TOKEN_NAME_MAX,
        "max_money_decimals": MAX_DECIMALS,
        "common_timezones": list(fields.COMMON_TIMEZONES),
        "import_headers": {key: header(key, lang) for key in HEADERS},
        "import_keys": list(fields.PROJECT_KEYS),
        # The agenda's format, shown on its page: the headers and 环节 words its import takes.
        "agenda_headers": {key: header(key, lang, AGENDA_HEADERS) for key in AGENDA_HEADERS},
        "agenda_kinds": list(CUE_KINDS)
        if lang == "en"
        else [word(CUE_KIND_LABELS[kind], lang) for kind in CUE_KINDS],
    }


# -- pages ---------------------------------------------------------------------------------------------


@bp.get("/admin")
def admin_page():
    """The organisers' preparation pages (event, projects, import, rehearsal, report). Login as the console."""
    principal = auth.current()
    if not principal.may("prepare"):
        return login_page(needs="editor" if principal.role else None)
    return render_template(
        "admin/admin.html", **page_context("admin", csrf_token=session.get("csrf"), settings=settings())
    )


@bp.get("/media/<path:name>")
def media(name: str):
    """The event's logo and background (content-hashed names, so they can be cached for good)."""
    response = send_from_directory(media_dir(), name, max_age=365 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- event ---------------------------------------------------------------------------------------------


@bp.get("/api/v1/event")
@auth.requires("watch")
def get_event():
    """The event settings as stored (the admin page's form)."""
    return jsonify(ceremony().view("operator")["event"])


@bp.put("/api/v1/event")
@auth.requires("prepare")
@fields_refused_as("invalid_event")
def put_event():
    """Edit title, subtitle, date, venue, host, language, theme and colours. Broadcasts ``state``."""
    ceremony().update_event(request.get_json(silent=True))
    return jsonify(ceremony().view("operator")["event"])


@bp.post("/api/v1/event/media/<kind>")
@auth.requires("prepare")
@fields_refused_as("invalid_image")
def upload_media(kind: str):
    """Upload the logo or the background picture (multipart field ``file``); re-encoded before it is kept."""
    if kind not in MEDIA_KINDS:
        abort(404)
    upload = request.files.get("file")
    if upload is None:
        raise Refused("missing_file", {"variant": "image"})
    data = upload.read(MAX_IMAGE_BYTES + 1)
    try:
        ceremony().set_media(kind, data, media_dir())
    except FieldError as err:
        raise one_field(kind, err) from err
    return jsonify(ceremony().view("operator")["event"])


@bp.delete("/api/v1/event/media/<kind>")
@auth.requires("prepare")
def delete_media(kind: str):
    """Remove the logo or the background (the file stays on disk; the event no longer shows it)."""
    if kind not in MEDIA_KINDS:
        abort(404)
    ceremony().set_media(kind, None, media_dir())
    return jsonify(ceremony().view("operator")["event"])


# -- projects ------------------------------------------------------------------------------------------


def _cells(body: object) -> dict:
    if not isinstance(body, dict):
        raise FieldErrors([Problem("body", "invalid_request", {"variant": "not_object"})])
    return {k: body.get(k) for k in fields.PROJECT_KEYS if k != "order"}


@bp.get("/api/v1/projects")
@auth.requires("watch")
def list_projects():
    """The running order with what only organisers see (the concierge's name and phone), for the editor."""
    return jsonify(projects=organiser.projects(ceremony()))


@bp.post("/api/v1/projects")
@auth.requires("prepare")
@fields_refused_as("invalid_project")
def add_project():
    """Add one project at the end of the running order, validated exactly like an import row."""
    new_id = ceremony().add_project(_cells(request.get_json(silent=True)))
    return jsonify(status="ok", id=new_id, state=ceremony().view("operator")), 201


@bp.put("/api/v1/projects/<project_id>")
@auth.requires("prepare")
@fields_refused_as("invalid_project")
def edit_project(project_id: str):
    """Replace one project's fields. Its id and card address stay; the screens redraw if it is shown."""
    ceremony().update_project(project_id, _cells(request.get_json(silent=True)))
    return jsonify(status="ok", state=ceremony().view("operator"))


@bp.delete("/api/v1/projects/<project_id>")
@auth.requires("prepare")
def delete_project(project_id: str):
    """Remove a project that is not signed (its card address dies with it)."""
    ceremony().delete_project(project_id)
    return jsonify(status="ok", state=ceremony().view("operator"))


@bp.put("/api/v1/projects/order")
@auth.requires("prepare")
def reorder():
    """The running order as a list of every project id: ``{"ids": [...]}`` (drag and drop, or up/down)."""
    body = request.get_json(silent=True) or {}
    ceremony().reorder_projects(body.get("ids") if isinstance(body, dict) else None)
    return jsonify(status="ok", state=ceremony().view("operator"))


# -- import in the browser -----------------------------------------------------------------------------


class Uploads:
    """Files waiting between preview and apply, for half an hour, in the shared store (a preview is never
    applied from anything but the exact bytes that were previewed)."""

    def __init__(self, shared):
        self.shared = shared

    def put(self, name: str, data: bytes) -> str:
        key = secrets.token_urlsafe(16)
        self.shared.set(f"upload:{key}:name", name, ttl=UPLOAD_TTL_S)
        self.shared.set(f"upload:{key}:data", data, ttl=UPLOAD_TTL_S)
        return key

    def get(self, key: str) -> tuple[str, bytes] | None:
        name, data = self.shared.get(f"upload:{key}:name"), self.shared.get(f"upload:{key}:data")
        if name is None or not isinstance(data, bytes):
            return None
        return (name.decode() if isinstance(name, bytes) else name), data

    def drop(self, key: str) -> None:
        self.shared.delete(f"upload:{key}:name")
        self.shared.delete(f"upload:{key}:data")


def uploads() -> Uploads:
    return Uploads(current_app.extensions["kiosk_shared"])


def _existing_names(replacing: bool) -> list[str]:
    return [] if replacing else [p.name for p in ceremony().projects]


@bp.post("/api/v1/import/preview")
@auth.requires("prepare")
def import_preview():
    """Read an uploaded CSV/XLSX (field ``file``) as ``python -m kiosk import`` does, its 流程 sheet too, and
    show every row with its problems and the agenda as each way of importing leaves it; nothing is stored.

    Rows named like a project already in the running order are listed in ``clashes``: they can be
    imported only by replacing the running order (``"replace": true`` on apply). ``agenda``: ``append``
    and ``replace``, the agenda cue by cue after importing that way (a 流程 sheet's numbers name the
    running order as the import leaves it, so the two differ).
    """
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Refused("missing_file", {"variant": "table"})
    data = upload.read(MAX_BYTES + 1)
    c = ceremony()
    count = len(c.projects)
    replacing = read_workbook(data, upload.filename, [], count, replace_all=True)
    appending = read_workbook(data, upload.filename, _existing_names(False), count)
    preview = replacing.projects
    agenda_ok = replacing.ok or not (appending.has_agenda and appending.agenda is None)
    key = uploads().put(upload.filename, data) if preview.ok and agenda_ok else None
    view = organiser.import_preview(c, preview, appending.projects if preview.ok else preview, header)
    view["agenda"] = {
        "append": organiser.import_agenda(c, appending, replacing=False),
        "replace": organiser.import_agenda(c, replacing, replacing=True),
    }
    return jsonify(upload_id=key, filename=upload.filename, **view)


@bp.post("/api/v1/import/apply")
@auth.requires("prepare")
@fields_refused_as("invalid_file")
def import_apply():
    """Import a previewed file: ``{"upload_id", "replace": bool}``. All or nothing, both sheets, as the
    command line: its projects and, from a workbook's 流程 sheet, the agenda, in one transaction."""
    body = request.get_json(silent=True) or {}
    found = uploads().get(str(body.get("upload_id", ""))) if isinstance(body, dict) else None
    if found is None:
        raise Refused("upload_expired")
    name, data = found
    replacing = body.get("replace") is True
    read = read_workbook(data, name, _existing_names(replacing), len(ceremony().projects), replacing)
    if not read.ok:
        raise ImportFailed(read.problems())
    drafts = read.projects.drafts()
    ceremony().import_projects(drafts, replace_all=replacing, allow_same_name=False, agenda=read.agenda)
    uploads().drop(str(body["upload_id"]))
    return jsonify(
        status="ok",
        imported=len(drafts),
        agenda_imported=None if read.agenda is None else len(read.agenda),
        state=ceremony().view("operator"),
    )


@bp.delete("/api/v1/import/<upload_id>")
@auth.requires("prepare")
def import_cancel(upload_id: str):
    """Forget a previewed file without importing it."""
    uploads().drop(upload_id)
    return jsonify(status="ok")


# -- the agenda (流程) ---------------------------------------------------------------------------------


def _store_agenda(drafts) -> object:
    count = ceremony().import_agenda(drafts)
    return jsonify(status="ok", imported=count, state=ceremony().view("operator"))


@bp.post("/api/v1/agenda/import")
@auth.requires("prepare")
@fields_refused_as("invalid_file")
def agenda_import():
    """Replace the agenda with an uploaded CSV/XLSX (field ``file``; an XLSX's 流程/agenda sheet, else its
    first), its 项目 numbers read against the running order: all or nothing, as the command line."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Refused("missing_file", {"variant": "table"})
    orders = [p.order for p in ceremony().projects]
    drafts = parse_agenda(upload.read(MAX_BYTES + 1), upload.filename, orders)
    return _store_agenda(drafts)


@bp.put("/api/v1/agenda")
@auth.requires("prepare")
@fields_refused_as("invalid_file")
def agenda_edit():
    """Replace the agenda with the admin editor's rows: ``{"cues": [{"kind", "title", "person", "role",
    "projects", "time", "minutes", "script", "title_en", "person_en", "role_en", "script_en"}]}`` (the
    import's columns), under the same rules."""
    body = request.get_json(silent=True)
    rows = body.get("cues") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise Refused("invalid_request", {"variant": "not_object"})
    orders = [p.order for p in ceremony().projects]
    cells = [{f"cue_{key}": row.get(key) for key in EDITOR_KEYS} for row in rows]
    drafts = parse_rows(cells, orders)
    # A row the editor loaded from a cue names it: that cue stays itself (the running one stays running).
    drafts = [
        replace(d, keep=row["id"]) if isinstance(row.get("id"), str) and len(row["id"]) <= 40 else d
        for d, row in zip(drafts, rows, strict=True)
    ]
    return _store_agenda(drafts)


@bp.delete("/api/v1/agenda")
@auth.requires("prepare")
@fields_refused_as("invalid_file")
def agenda_clear():
    """Drop the organiser's agenda: the run of show is made from the running order again, as for a ceremony
    that never had one (an empty file or editor is refused instead, as more likely a mistake)."""
    return _store_agenda([])


# The editor's names for the agenda's fields (kiosk.setup.fields' cue_* keys, the English forms too).
EDITOR_KEYS = tuple(key.removeprefix("cue_") for key in fields.CUE_KEYS)


@bp.get("/api/v1/import/template.xlsx")
@auth.requires("watch")
def import_template():
    """An XLSX to fill in: the import format's headers (in the event's language) and one example row."""
    return Response(
        template.xlsx(ceremony().lang),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=kiosk-projects-template.xlsx"},
    )
