"""What every page and endpoint of the edge shares: the ceremony service, a page's words and limits, and the
endpoint that serves a page its words in another language. Errors are answered in ``errors``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from ..ceremony.service import Ceremony
from ..certificate import ink
from ..words.catalogue import LANGUAGES, language, word
from ..words.pages import PAGES

bp = Blueprint("words", __name__)


def ceremony() -> Ceremony:
    return current_app.extensions["kiosk"]


def lang() -> str:
    return ceremony().lang


def public_base() -> str:
    """Where phones reach this server: KIOSK_PUBLIC_URL, else the LAN address found at start, else the
    address this request came in on. QR codes, card and pad links and pairing links all start with it."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def page_words(surface: str, lg: str) -> dict:
    """What a page script needs to draw its words: ``{"lang", "surface", "words": {key: text}}``."""
    return {
        "lang": lg,
        "surface": surface,
        "words": {key: word(entry, lg) for key, entry in PAGES.get(surface, {}).items()},
    }


def page_context(surface: str, **extra) -> dict:
    """The template context every page gets: its event (public view), its words, ``w`` for Jinja."""
    lg = lang()
    words = page_words(surface, lg)
    return {
        "event": ceremony().snapshot()["event"],
        "lang": lg,
        "html_lang": "en" if lg == "en" else "zh-CN",
        "page_words": words,
        "w": words["words"],
        **extra,
    }


def ink_settings() -> dict:
    """The settings (``<script id="kiosk-settings">``, as the admin's) of a page that draws or sends ink."""
    return {"ink": ink.for_pages()}


@bp.get("/words/<surface>.<lg>.json")
def words_json(surface: str, lg: str):
    """A page's words in another language, for a page that stays open while the event's language changes
    (the big screen, never reloaded during the ceremony). Public: they are the pages' own labels."""
    if surface not in PAGES or lg not in LANGUAGES:
        abort(404)
    response = jsonify(page_words(surface, language(lg)))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/healthz")
def healthz():
    """For monitoring (and the load balancer): alive, database writable, the message queue's listener
    hearing this process's own heartbeat (with several processes), paired big screens (and pages waiting
    for pairing) and sessions connected (``?deep=1`` adds an integrity check). 503 when the store or the
    queue is not working: a process whose listener died would otherwise serve screens that never change."""
    c = ceremony()
    store = c.store_ok(deep=bool(request.args.get("deep")))
    cluster = current_app.extensions.get("kiosk_cluster")
    queue = cluster.health() if cluster is not None else {"ok": True}
    ok = store and queue["ok"]
    body = {
        "status": "ok" if ok else "error",
        "store": "ok" if store else "error",
        "seq": c.snapshot()["seq"],
    }
    if "listener" in queue:
        body["queue"] = queue
    try:
        displays = current_app.extensions.get("kiosk_displays")
        # Pages that opened /display without being paired (not walls; a wall that lost its pairing is here).
        body["displays"] = len(displays.list()) if displays else 0
        body["waiting"] = len(displays.waiting()) if displays else 0
    except Exception:  # the shared store (Redis) is down: say so, not fail the check itself
        body["displays"] = body["waiting"] = None
    transport = current_app.extensions.get("kiosk_transport")
    # Socket.IO sessions open in this process: every wall, console and viewer page holds one.
    body["sessions"] = len(transport.books.sessions) if transport else 0
    return jsonify(body), (200 if ok else 503)
