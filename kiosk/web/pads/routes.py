"""The signing pads at the HTTP edge: the organiser's setup of pads and their links, and the pad's page
(``/sign/<token>``). The 签约图's files are in ``pictures``.

A pad's local link is opened once on the tablet at the signing table: the first browser to open it keeps
it (a cookie whose hash the pad row holds), like a paired screen. A remote link (云签约) is a capability
shown once and revocable: whoever holds it may sign for that pad, from any city. The strokes themselves
come over Socket.IO (``kiosk.web.pads.sockets``).
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ...ceremony.credentials import secret_hash
from ...ceremony.views import organiser
from .. import auth
from ..common import ceremony, ink_settings, page_context, public_base
from ..errors import Refused, fields_refused_as

bp = Blueprint("pads", __name__)
log = logging.getLogger("kiosk.pads")

PAD_COOKIE = "kiosk_pad_"
PAD_COOKIE_DAYS = 30


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
    secret = ceremony().signing.new_remote(pad_id, secret_hash)
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


# -- the pad's page ------------------------------------------------------------------------------------


def find_pad(token: str):
    """(pad, "local"|"remote", the local link's claim hash) for a link's token, or None."""
    return ceremony().signing.by_link(token, secret_hash)


def holds(pad_id: str, claim_hash: str | None, cookies) -> bool:
    key = cookies.get(PAD_COOKIE + pad_id)
    return bool(key) and claim_hash is not None and secrets.compare_digest(secret_hash(key), claim_hash)


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
        if not ceremony().signing.claim(pad.id, secret_hash(key)):
            return render_template("sign/notice.html", **page_context("sign", notice="claimed")), 409, headers
        cookie = key
        log.warning("pad '%s' opened from %s", pad.name, auth.client_id())
    response = Response(
        render_template("sign/pad.html", **page_context("sign", pad_token=token, settings=ink_settings()))
    )
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
