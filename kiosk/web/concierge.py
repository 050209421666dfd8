"""The golden key on the web: the guest's card page, its vCard and QR codes, the operators' card API, print.

Guests reach ``/c/<token>`` from a QR code; nothing else about a card is public. The big screen gets the QR
image of a *signed* project by project id (the moment it is handed over on stage), never a token in JSON.
"""

from __future__ import annotations

import hashlib
import logging
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from ..ceremony.rules import CeremonyError
from ..ceremony.views import card as views_card
from ..reporting import qr
from ..reporting.vcard import vcard as make_vcard
from ..words.catalogue import N_, gettext
from . import auth
from .common import ceremony, page_context, public_base
from .errors import fields_refused_as

bp = Blueprint("concierge", __name__)
PDF_CACHE_S = 3600
LOOPBACK_WARNING = N_(
    "二维码指向 %(url)s，观众手机无法访问。请设置 KIOSK_PUBLIC_URL 为本机在会场网络中的地址"
    "（例如 http://192.168.1.20:5000）后重启。"
)
log = logging.getLogger("kiosk.cards")

PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "private, no-cache",
}


def public_base_warning() -> str | None:
    """A plain-language warning when QR codes would point somewhere phones cannot go."""
    host = urlsplit(public_base()).hostname or ""
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return gettext(LOOPBACK_WARNING, ceremony().lang, url=public_base())
    return None


def card_url(token: str) -> str:
    return f"{public_base()}/c/{token}"


def _project_or_404(project_id: str):
    project = ceremony().project(project_id)
    card = ceremony().card(project_id)
    if project is None or card is None:
        # JSON like every answer of the API: these are its routes (the card's address has its own page)
        raise CeremonyError("unknown_project", project_id=project_id[:40])
    return project, card


def _card_context(project, card) -> dict:
    return {**page_context("card"), **views_card.card_page(ceremony(), project, card)}


# -- the guest's side ----------------------------------------------------------------------------------


@bp.get("/c/<token>")
def card_page(token: str):
    """A guest's phone, from the QR code: the contact, tap-to-call, save-contact and the services."""
    card = ceremony().card_by_token(token)
    if card is None:
        return _not_found()
    project = ceremony().project(card.project_id)
    context = _card_context(project, card)
    response = Response(
        render_template("cards/card.html", **context, vcard_url=url_for(".vcard", token=token))
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.get("/c/<token>/contact.vcf")
def vcard(token: str):
    """ "Save contact" on the card page: a vCard 3.0 that iOS and Android import."""
    card = ceremony().card_by_token(token)
    if card is None:
        return _not_found()
    event = ceremony().snapshot()["event"]
    body = make_vcard(card, event.get("host") or event.get("title") or "", ceremony().lang)
    response = Response(body, mimetype="text/vcard")
    response.headers["Content-Type"] = "text/vcard; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=contact.vcf"
    response.headers.update(PRIVATE_HEADERS)
    return response


def _not_found():
    response = Response(render_template("cards/not_found.html", **page_context("card")), status=404)
    response.headers.update(PRIVATE_HEADERS)
    return response


# -- the big screen ------------------------------------------------------------------------------------


@bp.get("/display/qr/<project_id>.svg")
def display_qr(project_id: str):
    """The big screen's QR code for the project it is celebrating: signed, and on the wall now.

    Anyone may open the wall, but only a paired screen (or a logged-in device) gets this image, and only
    while the room sees that project celebrated on the LED wall: before, walking p1…pN collected every
    signed card's address, and so its concierge's contacts, from outside the room. The lobby screen shows
    every signed project's code, so a screen set to the lobby layout gets each of them.
    """
    principal = auth.current()
    if principal.screen is None and not principal.may("watch"):
        abort(404)
    project, card = _project_or_404(project_id)
    c = ceremony()
    wall = c.view("public")["wall"]
    # On the wall now: the project celebrated, one of a round's, or a golden key handed over on stage.
    on_wall = wall["screen"] in ("spotlight", "keys") and project.id in wall["project_ids"]
    # Every signed project's code: for the lobby screen (an operator chose that layout for this very
    # screen on the console; ``?layout=lobby`` in an address is not enough) and for the console's thumbnails.
    every = principal.may("watch") or principal.screen.layout == "lobby"
    if project.id not in c.state.signed or not (on_wall or every):
        abort(404)
    response = Response(qr.svg(card_url(card.token)), mimetype="image/svg+xml")
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    return response


# -- the operators' side -------------------------------------------------------------------------------


def _card_json(project, card) -> dict:
    return {
        "project_id": project.id,
        "url": card_url(card.token),
        "qr_svg": url_for(".operator_qr", project_id=project.id, fmt="svg"),
        "qr_png": url_for(".operator_qr", project_id=project.id, fmt="png"),
        "print": url_for(".print_cards", project=project.id),
        "pdf": url_for(".print_pdf", project=project.id),
        "contact_name": card.contact_name,
        "contact_title": card.contact_title,
        "contact_phone": card.contact_phone,
        "contact_email": card.contact_email,
        "contact_wechat": card.contact_wechat,
        "services": list(ceremony().services_of(card)),
        "services_are_default": card.services is None,
        "notes": card.notes,
        "warning": public_base_warning(),
    }


@bp.get("/api/v1/projects/<project_id>/card")
@auth.requires("watch")
def card_api(project_id: str):
    """Console card preview and AV desks: the card's full address (CONTRACT.md) and its details."""
    project, card = _project_or_404(project_id)
    return jsonify(_card_json(project, card))


@bp.put("/api/v1/projects/<project_id>/card")
@auth.requires("prepare")
@fields_refused_as("invalid_card")
def card_edit(project_id: str):
    """An operator edits the contact, services or notes of a card. Broadcasts nothing: cards are private."""
    project, _ = _project_or_404(project_id)
    card = ceremony().update_card(project.id, request.get_json(silent=True))
    log.info("card of %s edited by %s", project.id, auth.device_name())
    return jsonify(_card_json(project, card))


@bp.post("/api/v1/projects/<project_id>/card/rotate")
@auth.requires("run")
def card_rotate(project_id: str):
    """Give a card a new address; the old one is 404 from now on. Printed copies must be reprinted."""
    project, _ = _project_or_404(project_id)
    card = ceremony().rotate_card(project.id)
    log.info("card address of %s rotated by %s", project.id, auth.device_name())  # never the token itself
    return jsonify(_card_json(project, card))


@bp.get("/api/v1/projects/<project_id>/card/qr.<fmt>")
@auth.requires("watch")
def operator_qr(project_id: str, fmt: str):
    """QR code downloads for the operators: SVG for screens, PNG for print shops."""
    _, card = _project_or_404(project_id)
    url = card_url(card.token)
    if fmt == "svg":
        response = Response(qr.svg(url), mimetype="image/svg+xml")
    elif fmt == "png":
        response = Response(qr.png(url), mimetype="image/png")
        response.headers["Content-Disposition"] = f"attachment; filename=card-{project_id}.png"
    else:
        abort(404)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- print ---------------------------------------------------------------------------------------------


def _print_pages() -> list[dict]:
    c = ceremony()
    only = request.args.get("project")
    pages = []
    for project in sorted(c.projects, key=lambda p: p.order):
        if only and project.id != only:
            continue
        card = c.card(project.id)
        context = _card_context(project, card)
        context["qr_svg"] = qr.svg(card_url(card.token))
        pages.append(context)
    if only and not pages:
        abort(404)
    return pages


@bp.get("/print/cards")
@auth.requires("watch")
def print_cards():
    """Every card (or ``?project=``) as A5 landscape pages, to print from Chromium."""
    pages = _print_pages()
    return render_template("cards/print.html", pages=pages, **page_context("card"))


@bp.get("/print/cards.pdf")
@auth.requires("watch")
def print_pdf():
    """The same pages as a PDF. WeasyPrint renders the print view with its stylesheet inlined and fetches
    nothing at all: no network on the day, and no way for page content to make the server fetch a URL."""
    pages = _print_pages()
    css = (Path(current_app.static_folder) / "css" / "print.css").read_text(encoding="utf-8")
    html = render_template("cards/print.html", pages=pages, inline_css=css, **page_context("card"))
    pdf = _pdf_for(html)
    name = f"golden-keys-{request.args['project']}.pdf" if request.args.get("project") else "golden-keys.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"},
    )


def _pdf_for(html: str) -> bytes:
    """The PDF of ``html``, from a small cache (the same cards are downloaded again and again), rendered in
    a real thread under gevent: it is a few seconds of CPU that must not freeze the big screens' updates."""
    shared = current_app.extensions["kiosk_shared"]
    key = "pdf:" + hashlib.sha256(html.encode()).hexdigest()
    cached = shared.get(key)
    if isinstance(cached, bytes):
        return cached
    # Import here, in the request's greenlet: loading Pango from inside a native thread fails under
    # gevent (library lookup goes through the patched subprocess module).
    import weasyprint  # noqa: F401

    if current_app.config["ASYNC_MODE"] == "gevent":
        import gevent

        pdf = gevent.get_hub().threadpool.apply(render_pdf, (html,))
    else:
        pdf = render_pdf(html)
    shared.set(key, pdf, ttl=PDF_CACHE_S)
    return pdf


def render_pdf(html: str) -> bytes:
    # Imported here, not at start: the server runs (and shows the ceremony) even where Pango is missing.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetchingError

    class NoFetch(URLFetcher):
        def fetch(self, url, headers=None):
            raise URLFetchingError(f"not fetched: {url}")

    return HTML(string=html, url_fetcher=NoFetch()).write_pdf()
