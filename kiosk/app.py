"""Builds the Flask app: settings, the clock, storage, the ceremony service, shared state, the words,
blueprints and Socket.IO."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_compress import Compress
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from .ceremony import signals
from .ceremony.credentials import Credentials
from .ceremony.service import Ceremony
from .config import data_dir, redacted, resolve, share_kept_secrets
from .core import access
from .core.clock import Clock
from .outbound.hub import register as register_outbound
from .setup.sample import load_sample
from .store import open_storage
from .store.shared import LocalCluster, MemoryShared
from .web import (
    admin,
    api,
    auth,
    common,
    concierge,
    console,
    devices,
    errors,
    live,
    pads,
    screens,
    sockets,
    stage,
    typeset,
)
from .web.transport import Limits, TransportGuard
from .words.catalogue import TRANSLATIONS, gettext

ROOT = Path(__file__).resolve().parent.parent
# The largest message a client may send over Socket.IO; a console's command is under 1 KB.
MAX_SOCKET_BODY = 64 * 1024
LIMIT_SETTINGS = {
    "SESSIONS_PER_ADDRESS": "sessions_per_address",
    "NEW_SESSIONS_BURST": "new_sessions_burst",
    "NEW_SESSIONS_PER_S": "new_sessions_per_s",
}

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
    "BABEL_DEFAULT_LOCALE": "zh",
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
    resolved = resolve(folder)
    app.config.update(resolved)
    if test_config:
        app.config.update(test_config)

    app.json.ensure_ascii = False  # AV desks and people read this JSON; keep the Chinese legible
    logging.getLogger("kiosk").setLevel(logging.INFO)
    # WeasyPrint narrates every step of every PDF at INFO; the operators' log is for the ceremony.
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    clock = app.config.get("CLOCK") or Clock(app.config.get("TIMEZONE"))
    storage = open_storage(folder, clock, app.config.get("DATABASE_URL"))
    if app.config.get("DATABASE_URL"):
        share_kept_secrets(app.config, resolved, storage, redacted(app.config["DATABASE_URL"]))
    cluster = make_cluster(app, storage)
    ceremony = Ceremony(storage, clock, claim=cluster.claim)
    if app.config["LOAD_SAMPLE"] and ceremony.is_empty():
        load_sample(ceremony)
        app.logger.info("empty data folder: loaded the sample ceremony")
    app.extensions["kiosk"] = ceremony
    pins = {role: app.config[f"{role.upper()}_PIN"] for role in access.ROLES}
    for role, pin in pins.items():
        if not access.pin_pad_types(pin):
            app.logger.warning(
                "the %s PIN (%s) cannot be typed on the PIN pad (digits only, at most %d): it logs in through"
                " the API only",
                role,
                app.config.get(f"{role.upper()}_PIN_SOURCE", "config"),
                access.PIN_MAX_DIGITS,
            )
    app.extensions["kiosk_credentials"] = Credentials(storage, clock, pins, app.config["API_TOKEN"])
    app.extensions["kiosk_clock"] = clock
    app.extensions["kiosk_cluster"] = cluster
    app.extensions["kiosk_shared"] = (
        app.config.get("SHARED") or getattr(cluster, "shared", None) or MemoryShared(clock)
    )

    # Templates say _("…") with the Chinese text; the event's language picks the translation.
    Babel(
        app,
        locale_selector=lambda: ceremony.lang,
        default_translation_directories=str(TRANSLATIONS),
    )

    app.jinja_env.globals["in_language"] = gettext
    # Names and titles broken only between words: on a page (<wbr>) and in the printed PDF (word joiners).
    app.jinja_env.filters["words"] = typeset.words
    app.jinja_env.globals["typeset_rule"] = typeset.rule()
    # Text on the wire gzipped (browsers take br and zstd only over https, which a venue LAN is not); small
    # answers are left as they are: compressing them costs more than it saves.
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip", "deflate"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
    )
    Compress(app)

    @app.after_request
    def read_static_whole(response):
        # Runs before Flask-Compress (the last registered runs first). It compresses a file streamed from
        # disk without closing it (the file is left to the garbage collector); a static file is small, so
        # it is read whole here, werkzeug closes it, and it is gzipped like any other answer.
        if (
            response.is_streamed
            and response.direct_passthrough
            and response.mimetype in app.config["COMPRESS_MIMETYPES"]
        ):
            response.direct_passthrough = False
            response.make_sequence()
        return response

    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(common.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(screens.bp)
    app.register_blueprint(screens.pairing.bp)
    app.register_blueprint(concierge.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(devices.bp)
    app.register_blueprint(stage.bp)
    app.register_blueprint(pads.bp)
    app.register_blueprint(pads.pictures.bp)
    app.register_blueprint(live.bp)

    # One SocketIO per app (not a module global): tests build many apps in one process.
    socketio = SocketIO(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Only pages served by this server may open a socket; never "*".
        cors_allowed_origins=app.config.get("CORS_ORIGINS"),
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        max_http_buffer_size=MAX_SOCKET_BODY,
        # With a queue every emit goes through Redis to every process's clients.
        **({"client_manager": cluster.manager} if hasattr(cluster, "manager") else {}),
    )
    join_cluster(app, socketio, ceremony, cluster)
    hub = sockets.register(app, socketio, ceremony)
    screens.sockets.register(hub)
    pads.sockets.register(hub)
    live.register(app, socketio, ceremony)
    # The AV desk hears each fired cue and signing (webhooks, OSC); without targets nothing runs.
    register_outbound(app, ceremony)
    # In front of Flask-SocketIO's own middleware: every packet a client sends is checked here first.
    guard = TransportGuard(app.wsgi_app, socketio.server.eio, transport_limits(app.config))
    app.wsgi_app = app.extensions["kiosk_transport"] = guard
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Outermost, so the Origin check, the login throttle and the per-address limits all see the client
        # behind the proxies; without it X-Forwarded-* are ignored (anyone could send them).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    return app


def make_cluster(app: Flask, storage):
    """The other processes of this ceremony: none (LocalCluster), or those on the same Redis."""
    url = app.config.get("MESSAGE_QUEUE")
    if not url:
        return LocalCluster()
    from .store.redis_shared import RedisCluster, ceremony_id

    return RedisCluster(url, ceremony_id(storage))


def join_cluster(app: Flask, socketio: SocketIO, ceremony: Ceremony, cluster) -> None:
    """Every process's state catches up at once with a change another one committed (not at its next
    look at the store), and the listener starts now, not at the first client's connect."""
    if isinstance(cluster, LocalCluster):
        return

    def in_app(work) -> None:
        with app.app_context():
            work()

    cluster.wrap = in_app
    # The committer (or the claimer of a CLI write) broadcast the change; the others only catch up, and
    # lose the claim, so nobody broadcasts it twice.
    cluster.on("changed", ceremony.reload_if_changed_elsewhere)

    def refresh_here() -> None:
        # Broadcasts published while this process's listener was away never reached its clients: it
        # catches up with the store and sends each of its rooms the state now, to its own clients only.
        ceremony.catch_up()
        with cluster.manager.here_only():
            signals.state_changed.send(ceremony)

    cluster.on("reconnected", refresh_here)
    signals.state_changed.connect(lambda _sender: cluster.tell_others("changed"), sender=ceremony, weak=False)
    server = socketio.server
    if not server.manager_initialized:
        server.manager_initialized = True
        server.manager.initialize()


def transport_limits(config) -> Limits:
    given = {key: config[name] for name, key in LIMIT_SETTINGS.items() if config.get(name) is not None}
    return Limits(max_body=MAX_SOCKET_BODY, **given)
