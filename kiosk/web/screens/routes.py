"""The big screen at /display: opened once on the LED wall's PC in Chromium kiosk mode, then left alone."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory

from ...ceremony.credentials import SCREEN_NAME_MAX
from ...reporting import charts
from ..common import ceremony, ink_settings, page_context

bp = Blueprint("display", __name__)


@bp.get("/display")
def big_screen():
    """The audience's picture. It draws only from the ``state`` broadcasts; ``?name=`` labels it on the console."""
    name = (request.args.get("name") or "").strip()[:SCREEN_NAME_MAX]
    return render_template(
        "display/display.html", **page_context("display", screen_name=name, settings=ink_settings())
    )


@bp.get("/overlay")
def overlay():
    """The livestream's overlay: a transparent 1920x1080 page for an OBS / vMix browser source, drawn from
    the public view (a lower third for the project on the wall, a corner bug with the running total)."""
    return render_template("overlay/overlay.html", **page_context("overlay"))


@bp.get("/display/sw.js")
def service_worker():
    """The wall's service worker (static/js/display/sw.js): it keeps the wall's page and its last view, so
    a wall PC rebooted while the server is down comes back to its last picture. Served from here so its
    scope can be the wall's own address."""
    response = send_from_directory(current_app.static_folder + "/js/display", "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/display"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/charts/<kind>.svg")
def chart(kind: str):
    """Investment by industry or projects by tier, from the public view: the finale and the report show it.

    ``?style=dark`` (the wall, default) or ``light`` (the report page).
    """
    draw = {"industries": charts.industries_svg, "tiers": charts.tiers_svg}.get(kind)
    if draw is None:
        abort(404)
    style = request.args.get("style", "dark")
    svg = draw(ceremony().snapshot(), style=style if style in charts.STYLES else "dark")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
