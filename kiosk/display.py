"""The big screen at /display: opened once on the LED wall's PC in Chromium kiosk mode, then left alone."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

bp = Blueprint("display", __name__)


@bp.get("/display")
def big_screen():
    """The audience's picture. It draws only from the ``state`` broadcasts; ``?name=`` labels it on the console."""
    snap = current_app.extensions["kiosk"].snapshot()
    name = (request.args.get("name") or "").strip()[:40]
    return render_template("display/display.html", event=snap["event"], screen_name=name)
