"""The operators' console at /control (tablet, touch first)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session, url_for

from . import auth

bp = Blueprint("control", __name__)


@bp.get("/")
def index():
    """Whoever opens the bare address lands on the console (the big screen's PC is given /display)."""
    return redirect(url_for("control.console"))


@bp.get("/control")
def console():
    """The console, or its PIN pad when this device is not logged in. Commands go through /api/v1/commands."""
    snap = current_app.extensions["kiosk"].snapshot()
    if not auth.is_operator():
        return render_template("control/login.html", event=snap["event"])
    return render_template(
        "control/console.html",
        event=snap["event"],
        csrf_token=session.get("csrf"),
        api_token=current_app.config["API_TOKEN"],
    )
