"""Builds the Flask app: settings, storage, the ceremony service, blueprints and Socket.IO."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_socketio import SocketIO

from . import admin, api, auth, concierge, control, display, realtime
from .config import data_dir, resolve
from .sample import load_sample
from .service import Ceremony
from .storage import Storage

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "ASYNC_MODE": "threading",  # the server (serve.py) switches to gevent; tests use threading
    "LOAD_SAMPLE": True,
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # An operator idle this long logs in again. Long enough that no ceremony ends halfway.
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "PING_INTERVAL": 10,
    "PING_TIMEOUT": 8,
}


def build(test_config: dict | None = None) -> Flask:
    app = Flask(
        "kiosk",
        root_path=str(ROOT / "kiosk"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(DEFAULTS)
    folder = data_dir((test_config or {}).get("DATA_DIR"))
    app.config["DATA_DIR"] = str(folder)
    app.config.update(resolve(folder))
    if test_config:
        app.config.update(test_config)

    app.json.ensure_ascii = False  # AV desks and people read this JSON; keep the Chinese legible
    logging.getLogger("kiosk").setLevel(logging.INFO)
    # WeasyPrint narrates every step of every PDF at INFO; the operators' log is for the ceremony.
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    storage = Storage(folder / "kiosk.sqlite3")
    ceremony = Ceremony(storage)
    if app.config["LOAD_SAMPLE"] and ceremony.is_empty():
        load_sample(ceremony)
        app.logger.info("empty data folder: loaded the sample ceremony")
    app.extensions["kiosk"] = ceremony

    auth.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(display.bp)
    app.register_blueprint(concierge.bp)
    app.register_blueprint(admin.bp)

    # One SocketIO per app (not a module global): tests build many apps in one process.
    socketio = SocketIO(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Only pages served by this server may open a socket; never "*".
        cors_allowed_origins=app.config.get("CORS_ORIGINS"),
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        max_http_buffer_size=64 * 1024,
    )
    realtime.register(app, socketio, ceremony)
    return app


def ceremony_of(app: Flask) -> Ceremony:
    return app.extensions["kiosk"]
