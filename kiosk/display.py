"""The big screen at /display: opened once on the LED wall's PC in Chromium kiosk mode, then left alone."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

bp = Blueprint("display", __name__)


@bp.get("/display")
def big_screen():
    """The audience's picture. It draws only from the ``state`` broadcasts; ``?name=`` labels it on the console."""
    snap = current_app.extensions["kiosk"].snapshot()
    name = (request.args.get("name") or "").strip()[:40]
    return render_template("display/display.html", event=snap["event"], screen_name=name)


@bp.get("/charts/<kind>.svg")
def chart(kind: str):
    """Investment by industry or projects by tier, from the public state: the finale and the report show it.

    ``?style=dark`` (the wall, default) or ``light`` (the report page).
    """
    from . import charts

    draw = {"industries": charts.industries_svg, "tiers": charts.tiers_svg}.get(kind)
    if draw is None:
        abort(404)
    snap = current_app.extensions["kiosk"].snapshot()
    style = request.args.get("style", "dark")
    svg = draw(snap, style=style if style in charts.STYLES else "dark", lang=snap["event"]["language"])
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
