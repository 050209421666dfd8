"""The MC's confidence monitor at /stage: a tablet or a floor monitor at the stage's edge, read from a few
metres away. It draws the stage view (``kiosk.ceremony.views.stage``) from the Socket.IO room ``stage``.

The stage view carries the figures and the script before the room hears them, so the page needs what
that room needs (``kiosk.web.sockets``): a session of any role (the viewer's PIN is the natural one) or a
paired screen's key. Anyone else gets the PIN pad at the same address, as on the console.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from ..words.format import zone_info
from . import auth
from .common import page_context
from .console import login_page

bp = Blueprint("stage", __name__)


@bp.get("/stage")
def monitor():
    """The monitor, or the PIN pad when this device may not see the stage view."""
    principal = auth.current()
    if not (principal.may("watch") and principal.via == "session") and principal.screen is None:
        return login_page(behind="stage")
    return render_template("stage/stage.html", **page_context("stage"))


@bp.get("/api/v1/time")
def server_time():
    """The venue's clock, for a page that shows or counts time by itself (the console's header, the MC's
    monitor): ``{"server_time": ISO with the venue's offset, "epoch_ms": int, "utc_offset_min": int,
    "timezone": the event's IANA name}``. The venue is the event's time zone, whatever zone the server's
    own clock is set to. Public: it is only the time. The page takes the difference to its own clock, so a
    tablet whose clock or zone is off still shows the venue's time (and says so)."""
    zone = current_app.extensions["kiosk"].zone
    now = current_app.extensions["kiosk_clock"].now()
    where = zone_info(zone)  # (None only for a name the event's field lets in no more: the server's zone)
    if where is not None:
        now = now.astimezone(where)
    offset = now.utcoffset()
    return jsonify(
        server_time=now.isoformat(timespec="milliseconds"),
        epoch_ms=round(now.timestamp() * 1000),
        utc_offset_min=round(offset.total_seconds() / 60) if offset is not None else 0,
        timezone=zone,
    )
