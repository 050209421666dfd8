"""The 签约图 at the HTTP edge: its look and the signing rules the organiser chooses, the signed picture
rendered by the server from the stored strokes (SVG, PNG, PDF; the blank one the wall draws live ink
over), and the press folder with every signed picture in it."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, jsonify, request

from ...ceremony.views import shown
from ...certificate import render
from ...certificate.layout import TEMPLATE_LABELS, TEMPLATES
from ...certificate.layout import layout as certificate_layout
from ...setup.event import MAX_IMAGE_BYTES
from ...setup.fields import FieldError
from ...words.catalogue import word
from .. import auth
from ..admin import media_dir
from ..common import ceremony, lang
from ..errors import Refused, fields_refused_as, one_field

bp = Blueprint("pictures", __name__)

# Rendered pictures, by the hash of their SVG: a PNG takes ~0.15 s and the card page may be opened often.
_RENDERED: dict[tuple[str, str], bytes] = {}
RENDER_CACHE = 64


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# -- the 签约图's look and the signing rules ----------------------------------------------------------------


def _settings() -> dict:
    e = ceremony().event
    return {
        "template": e.certificate_template,
        "ink": e.ink_color,
        "signatures_required": e.signatures_required,
        "sign_on_submit": e.sign_on_submit,
        "background": f"/media/{e.certificate_background}" if e.certificate_background else None,
        "templates": [{"id": t, "label": word(TEMPLATE_LABELS[t], lang())} for t in TEMPLATES],
    }


@bp.get("/api/v1/certificate")
@auth.requires("prepare")
def get_certificate_settings():
    return jsonify(_settings())


@bp.put("/api/v1/certificate")
@auth.requires("prepare")
@fields_refused_as("invalid_fields")
def put_certificate_settings():
    ceremony().signing.update_settings(_body())
    return jsonify(_settings())


@bp.post("/api/v1/certificate/background")
@auth.requires("prepare")
@fields_refused_as("invalid_image")
def upload_background():
    upload = request.files.get("file")
    if upload is None:
        raise Refused("missing_file", {"variant": "image"})
    try:
        ceremony().set_media("certificate_background", upload.read(MAX_IMAGE_BYTES + 1), media_dir())
    except FieldError as err:
        raise one_field("background", err) from err
    return jsonify(_settings())


@bp.delete("/api/v1/certificate/background")
@auth.requires("prepare")
def delete_background():
    ceremony().set_media("certificate_background", None, media_dir())
    return jsonify(_settings())


# -- the signed picture ------------------------------------------------------------------------------------

FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def certificate_svg(project_id: str, blank: bool = False) -> str | None:
    """The project's 签约图 as SVG: its pads' standing signatures drawn from the stored strokes."""
    c = ceremony()
    # Named as the screens name them: in English where the event is English and a form is given.
    now = shown(c.current())
    project = next((p for p in now.projects if p.id == project_id), None)
    if project is None:
        return None
    pads = [d for d in now.pads if d.project_id == project_id]
    cert = certificate_layout(now.event, project, pads, c.lang)
    name = c.event.certificate_background
    path = media_dir() / name if name else None
    # Embedded: a browser never loads a linked file from inside an SVG shown as an <img> (the wall's).
    background = render.data_uri(path) if path is not None and path.exists() else None
    ink = {} if blank else c.signing.signed_ink(project_id)
    return render.svg(cert, ink, c.event.ink_color, background=background, blank=blank)


def rendered(project_id: str, fmt: str, blank: bool = False) -> bytes | None:
    text = certificate_svg(project_id, blank=blank)
    if text is None:
        return None
    if fmt == "svg":
        return text.encode()
    key = (fmt, hashlib.sha256(text.encode()).hexdigest())
    if key not in _RENDERED:
        if len(_RENDERED) >= RENDER_CACHE:
            _RENDERED.pop(next(iter(_RENDERED)))
        _RENDERED[key] = render.png(text) if fmt == "png" else render.pdf(text)
    return _RENDERED[key]


@bp.get("/api/v1/projects/<project_id>/certificate.<fmt>")
def certificate(project_id: str, fmt: str):
    """The 签约图 (CONTRACT.md): for an operator, or the company holding the project's card token
    (``?card=``); ``?blank=1`` is the picture without ink, which the wall draws live ink over."""
    if fmt not in FORMATS:
        abort(404)
    blank = request.args.get("blank") == "1"
    watches = auth.current().may("watch")
    if not ceremony().signing.picture_open_to(project_id, watches, request.args.get("card", ""), blank):
        raise Refused("unauthorized")
    body = rendered(project_id, fmt, blank=blank)
    if body is None:
        raise Refused("unknown_project", {"project_id": project_id})
    response = Response(body, mimetype=FORMATS[fmt])
    if fmt != "svg":
        project = ceremony().project(project_id)
        filename = f"certificate-{project.order:02d}.{fmt}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    # A wall that redraws asks again: the same picture (its background embedded) costs a 304.
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


@bp.get("/api/v1/press.zip")
@auth.requires("watch")
def press_folder():
    """The press folder: the press release in Chinese and English, the report's workbook, and each
    signed project's 签约图 (PNG and PDF, drawn from the strokes), ready for the district's publicity
    office the moment the ceremony ends."""
    import io
    import zipfile

    from ...reporting import report

    data = report.of(ceremony())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as folder:
        folder.writestr("press-release-zh.txt", data["press_summary"]["zh"] + "\n")
        folder.writestr("press-release-en.txt", data["press_summary"]["en"] + "\n")
        folder.writestr("report.xlsx", report.to_xlsx(data))
        for row in data["signatures"]:
            if row["signed"] and row["certificate"]:
                for fmt in ("png", "pdf"):
                    body = rendered(row["project_id"], fmt)
                    if body is not None:
                        folder.writestr(f"certificates/{row['order']:02d}.{fmt}", body)
    stamp = (data["event"].get("date") or "press").replace("/", "-")
    return Response(
        out.getvalue(),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename=press-{stamp}.zip",
            "Cache-Control": "no-store",
        },
    )
