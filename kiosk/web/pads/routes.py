"""The signing pads at the HTTP edge: the organiser's setup of pads and of the 签约图, the pad's page
(``/sign/<token>``), and the signed picture rendered by the server from the stored strokes.

A pad's local link is opened once on the tablet at the signing table: the first browser to open it keeps
it (a cookie whose hash the pad row holds), like a paired screen. A remote link (云签约) is a capability
shown once and revocable: whoever holds it may sign for that pad, from any city. The strokes themselves
come over Socket.IO (``kiosk.web.sockets``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from ...ceremony.views import organiser
from ...certificate import render
from ...certificate.layout import TEMPLATE_LABELS, TEMPLATES
from ...certificate.layout import layout as certificate_layout
from ...setup.event import MAX_IMAGE_BYTES
from ...setup.fields import FieldError
from ...words.catalogue import word
from .. import auth
from ..admin import media_dir
from ..common import ceremony, lang, page_context, public_base
from ..errors import Refused, fields_refused_as, one_field

bp = Blueprint("pads", __name__)
log = logging.getLogger("kiosk.pads")

PAD_COOKIE = "kiosk_pad_"
PAD_COOKIE_DAYS = 30
# Rendered pictures, by the hash of their SVG: a PNG takes ~0.15 s and the card page may be opened often.
_RENDERED: dict[tuple[str, str], bytes] = {}
RENDER_CACHE = 64


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _pads_json(pads) -> list[dict]:
    return organiser.pads(ceremony(), pads, public_base())


# -- the organiser's pads ------------------------------------------------------------------------------


@bp.get("/api/v1/pads")
@auth.requires("watch")
def list_pads():
    """Every pad with its link, its party, its state (CONTRACT.md)."""
    return jsonify(_pads_json(ceremony().pads))


@bp.post("/api/v1/pads")
@auth.requires("prepare")
@fields_refused_as("invalid_pad")
def add_pad():
    pad = ceremony().signing.add_pad(_body())
    log.warning("pad '%s' made by %s", pad.name, auth.device_name())
    return jsonify(_pads_json([pad])[0]), 201


@bp.post("/api/v1/pads/from-signatories")
@auth.requires("prepare")
@fields_refused_as("invalid_pad")
def pads_from_signatories():
    """Pads from each project's 签约代表 (the company's), and with ``{"host_name"}`` the district's
    signatory for every project."""
    made = ceremony().signing.from_signatories(_body().get("host_name"))
    return jsonify(created=len(made), pads=_pads_json(ceremony().pads))


@bp.put("/api/v1/pads/<pad_id>")
@auth.requires("prepare")
@fields_refused_as("invalid_pad")
def update_pad(pad_id: str):
    pad = ceremony().signing.update_pad(pad_id, _body())
    return jsonify(_pads_json([pad])[0])


@bp.delete("/api/v1/pads/<pad_id>")
@auth.requires("prepare")
def delete_pad(pad_id: str):
    ceremony().signing.delete_pad(pad_id)
    return jsonify(status="ok")


@bp.post("/api/v1/pads/<pad_id>/link")
@auth.requires("run")
def new_link(pad_id: str):
    """A new local link: the tablet that holds the old one is cut off (a tablet swapped on the day)."""
    token = ceremony().signing.new_link(pad_id)
    current_app.extensions["kiosk_drop_pad"](pad_id)
    log.warning("pad %s given a new link by %s", pad_id, auth.device_name())
    return jsonify(url=f"{public_base()}/sign/{token}")


@bp.get("/api/v1/pads/<pad_id>/qr.svg")
@auth.requires("run")
def pad_qr(pad_id: str):
    """The local link as a QR code: the tablet at the signing table scans it with its camera."""
    from ...reporting import qr

    token = ceremony().signing.local_link(pad_id)
    response = Response(qr.svg(f"{public_base()}/sign/{token}"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/pads/<pad_id>/remote")
@auth.requires("prepare")
def new_remote(pad_id: str):
    """The remote link (云签约), in this answer only: the server keeps its hash."""
    secret = ceremony().signing.new_remote(pad_id, auth.secret_hash)
    current_app.extensions["kiosk_drop_pad"](pad_id, via="remote")
    log.warning("pad %s given a remote link by %s", pad_id, auth.device_name())
    return jsonify(remote_url=f"{public_base()}/sign/{secret}"), 201


@bp.delete("/api/v1/pads/<pad_id>/remote")
@auth.requires("prepare")
def revoke_remote(pad_id: str):
    ceremony().signing.revoke_remote(pad_id)
    current_app.extensions["kiosk_drop_pad"](pad_id, via="remote")
    log.warning("pad %s remote link revoked by %s", pad_id, auth.device_name())
    return jsonify(status="ok")


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
    project = c.project(project_id)
    if project is None:
        return None
    pads = [d for d in c.pads if d.project_id == project_id]
    cert = certificate_layout(c.event, project, pads, c.lang)
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

    data = ceremony().report()
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


# -- the pad's page ------------------------------------------------------------------------------------


def find_pad(token: str):
    """(pad, "local"|"remote", the local link's claim hash) for a link's token, or None."""
    return ceremony().signing.by_link(token, auth.secret_hash)


def holds(pad_id: str, claim_hash: str | None, cookies) -> bool:
    key = cookies.get(PAD_COOKIE + pad_id)
    return bool(key) and claim_hash is not None and secrets.compare_digest(auth.secret_hash(key), claim_hash)


@bp.get("/sign/<token>")
def pad_page(token: str):
    """The signatory's pad. A local link is kept by the first browser that opens it."""
    found = find_pad(token)
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
    if found is None:
        return render_template("sign/notice.html", **page_context("sign", notice="not_found")), 404, headers
    pad, via, claim = found
    cookie = None
    if via == "local" and not holds(pad.id, claim, request.cookies):
        key = secrets.token_urlsafe(32)
        if not ceremony().signing.claim(pad.id, auth.secret_hash(key)):
            return render_template("sign/notice.html", **page_context("sign", notice="claimed")), 409, headers
        cookie = key
        log.warning("pad '%s' opened from %s", pad.name, auth.client_id())
    response = Response(render_template("sign/pad.html", **page_context("sign", pad_token=token)))
    response.headers.update(headers)
    if cookie is not None:
        response.set_cookie(
            PAD_COOKIE + pad.id,
            cookie,
            max_age=PAD_COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            path="/",
        )
    return response


@bp.get("/api/v1/sign/<token>/state")
def pad_state(token: str):
    """The party view of this pad (the page's first draw before its socket is up)."""
    found = find_pad(token)
    if found is None or (found[1] == "local" and not holds(found[0].id, found[2], request.cookies)):
        raise Refused("unknown_pad")
    return jsonify(ceremony().view("party:" + found[0].id))
