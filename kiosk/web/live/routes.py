"""The public live page at /live: remote viewers on their phones (the press, sub-venues, citizens opening a
link shared on the district's official account) follow the running total, the signing of the moment and
the roll, read-only and without a login.

Its sockets are in their own Socket.IO namespace ``/live``, apart from the room's screens (``sockets``).
Behind nginx with nchan (``KIOSK_LIVE_PUBLISH``), each changed projection is also handed to nchan
(``stream``) and the page follows that stream instead; the namespace stays on for a page loaded from a
process directly.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from ...words.catalogue import word
from ...words.live import LIVE
from ..common import ceremony, lang
from .sockets import Projection

# Where nginx serves nchan's stream to the viewers (deploy/nginx/kiosk.conf), when KIOSK_LIVE_PUBLISH is set.
STREAM = "/live/sub"

bp = Blueprint("public_live", __name__)


def live_words(lg: str) -> dict:
    return {"lang": lg, "surface": "live", "words": {key: word(entry, lg) for key, entry in LIVE.items()}}


@bp.get("/live")
def page():
    """The page itself: its words and the event's title rendered in; everything else comes live."""
    lg = lang()
    words = live_words(lg)
    return render_template(
        "live/live.html",
        event=ceremony().snapshot()["event"],
        lang=lg,
        html_lang="en" if lg == "en" else "zh-CN",
        page_words=words,
        w=words["words"],
        # Only behind nginx with nchan: a page served without it (one laptop) has no stream to open.
        stream=STREAM if current_app.config.get("LIVE_PUBLISH") else None,
    )


@bp.get("/live/state.json")
def state():
    """The projection over HTTP, for a phone whose socket cannot get through (a proxy that drops
    websockets and long polling alike)."""
    response = jsonify(_projection().current())
    response.headers["Cache-Control"] = "no-cache"
    return response


def _projection() -> Projection:
    return current_app.extensions["kiosk_live_projection"]
