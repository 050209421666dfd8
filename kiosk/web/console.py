"""The operators' console at /control (tablet, touch first), and its PIN pad."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, session, url_for

from ..ceremony.credentials import SCREEN_NAME_MAX
from ..core.access import PIN_MAX_DIGITS
from ..core.model import MAX_NOTE
from ..words.catalogue import word
from ..words.messages import ROLE_LABELS
from . import auth
from .common import ceremony, page_context

bp = Blueprint("console", __name__)


def login_page(needs: str | None = None, behind: str = "console"):
    """The PIN pad, for the console, the admin pages and the MC's monitor alike, in the event's language.
    ``needs`` names the role this page wants when the device is logged in with a lesser one (a viewer's
    tablet on /admin); ``behind`` names the page the PIN opens (``console`` or ``stage``), for its words."""
    settings = {"pin_max_digits": PIN_MAX_DIGITS}
    return render_template(
        "console/login.html", **page_context("login", needs=needs, behind=behind, settings=settings)
    )


@bp.get("/")
def index():
    """Whoever opens the bare address lands on the console (the big screen's PC is given /display)."""
    return redirect(url_for("console.console"))


@bp.get("/control")
def console():
    """The console, or its PIN pad when this device is not logged in. Commands go through /api/v1/commands."""
    principal = auth.current()
    if principal.via != "session" or not principal.may("watch"):
        return login_page()
    page = render_template(
        "console/console.html",
        **page_context(
            "console",
            csrf_token=session.get("csrf"),
            role=principal.role,
            role_label=word(ROLE_LABELS[principal.role], ceremony().lang),
            can_run=principal.may("run"),
            can_prepare=principal.may("prepare"),
            screens=ceremony().view("operator")["screens"],
            device_name_max=auth.DEVICE_NAME_MAX,
            note_max=MAX_NOTE,
            screen_name_max=SCREEN_NAME_MAX,
        ),
    )
    # The console's service worker keeps this page (and never the PIN pad) by this mark.
    return page, 200, {"X-Kiosk-Page": "console"}


@bp.get("/control/sw.js")
def service_worker():
    """The console's service worker (static/js/console/sw.js): a tablet reloaded while the server is down
    comes back to the console it last saw, read-only, and reloads by itself when the server is back."""
    response = send_from_directory(current_app.static_folder + "/js/console", "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/control"
    response.headers["Cache-Control"] = "no-cache"
    return response
