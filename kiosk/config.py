"""Configuration from ``KIOSK_*`` environment variables, and the secrets made once and kept in the data folder."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .outbound.targets import osc_prefix, osc_targets, webhook_urls


class ConfigError(ValueError):
    """A ``KIOSK_*`` variable that cannot be used: said in one line at start, not as a traceback."""


# The AV desk's targets (kiosk/outbound): variable, setting, parser. Unset, nothing is sent and nothing runs.
OUTBOUND_SETTINGS = (
    ("KIOSK_WEBHOOKS", "WEBHOOKS", webhook_urls),
    ("KIOSK_OSC", "OSC_TARGETS", osc_targets),
    ("KIOSK_OSC_PREFIX", "OSC_PREFIX", osc_prefix),
)


def data_dir(explicit: str | None = None) -> Path:
    path = Path(explicit or os.environ.get("KIOSK_DATA_DIR") or "instance").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def kept_secret(folder: Path, name: str, make) -> tuple[str, str]:
    """Read ``name`` from the data folder, or make it once and keep it there (owner-only).

    Returns (value, where it came from) so the server can say where the PIN lives without printing it twice.
    """
    path = folder / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), str(path)
    value = make()
    # O_EXCL: two processes starting at once must not each make (and print) a different secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip(), str(path)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    return value, str(path)


# One PIN per role (kiosk.core.access); the PIN typed decides the role of the session.
PIN_ROLES = ("operator", "viewer", "editor")


def make_pin(taken: set[str] = frozenset()) -> str:
    # Six digits: typed on a touch keypad under stage lights; throttling, not length, keeps guessers out.
    # Never one another role already has: the PIN alone names the role.
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if pin not in taken:
            return pin


def database_url(value: str | None) -> str | None:
    from .store import POSTGRES_SCHEMES

    if value and not value.startswith(POSTGRES_SCHEMES):
        raise ConfigError("KIOSK_DATABASE_URL: expected postgresql://user:password@host:port/database")
    return value or None


def redacted(url: str) -> str:
    """An address as it may be printed: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", "@", 1)
    return parts._replace(netloc=netloc).geturl()


def live_publish(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    # Plain http only: the publisher location is on the servers' own network, and nchan takes no TLS there.
    if parts.scheme != "http" or not parts.hostname or not parts.path.startswith("/"):
        raise ConfigError(
            "KIOSK_LIVE_PUBLISH: an http:// address of nchan's publisher, e.g. http://127.0.0.1:8081/live/pub"
        )
    return value


# The secrets kept in the data folder when no KIOSK_* variable gives them (resolve() records where each came
# from as ``<KEY>_SOURCE``).
KEPT_SECRETS = ("OPERATOR_PIN", "VIEWER_PIN", "EDITOR_PIN", "SECRET_KEY", "API_TOKEN")


def share_kept_secrets(cfg: dict, resolved: dict, store, where: str) -> None:
    """On a database server, every process (and every server) of the ceremony must hold the same PINs,
    session key and API token, or a session made on one would be refused by the next: the first process to
    start puts the ones it made in the database, and each later one takes them from there (its own file is
    rewritten to match, so the PIN an organiser reads there is the one that works). Secrets given in
    ``KIOSK_*`` variables, or set by the caller (tests), are left as they are."""
    for key in KEPT_SECRETS:
        source = resolved.get(f"{key}_SOURCE", "")
        if source.startswith("KIOSK_") or cfg.get(key) != resolved.get(key):
            continue
        name = f"secret:{key.lower()}"
        with store.transaction():  # the write lock: two processes starting at once agree on one value
            kept = store.get_meta(name)
            if kept is None:
                store.set_meta(name, cfg[key])
                kept = cfg[key]
        if kept != cfg[key]:
            Path(source).write_text(kept + "\n", encoding="utf-8")
        cfg[key], cfg[f"{key}_SOURCE"] = kept, where


def resolve(folder: Path, env=os.environ) -> dict:
    """The settings the app needs, with where each secret came from."""
    cfg: dict = {}
    for role in PIN_ROLES:
        variable = f"KIOSK_{role.upper()}_PIN"
        key = f"{role.upper()}_PIN"
        if env.get(variable):
            cfg[key], cfg[f"{key}_SOURCE"] = env[variable], variable
        else:
            taken = {cfg[f"{r.upper()}_PIN"] for r in PIN_ROLES if f"{r.upper()}_PIN" in cfg}
            cfg[key], cfg[f"{key}_SOURCE"] = kept_secret(
                folder, f"{role}_pin.txt", lambda taken=taken: make_pin(taken)
            )
    if env.get("KIOSK_SECRET_KEY"):
        cfg["SECRET_KEY"] = env["KIOSK_SECRET_KEY"]
    else:
        cfg["SECRET_KEY"], cfg["SECRET_KEY_SOURCE"] = kept_secret(
            folder, "secret_key.txt", lambda: secrets.token_hex(32)
        )
    if env.get("KIOSK_API_TOKEN"):
        cfg["API_TOKEN"], cfg["API_TOKEN_SOURCE"] = env["KIOSK_API_TOKEN"], "KIOSK_API_TOKEN"
    else:
        cfg["API_TOKEN"], cfg["API_TOKEN_SOURCE"] = kept_secret(
            folder, "api_token.txt", lambda: secrets.token_urlsafe(24)
        )
    cfg["PUBLIC_URL"] = (env.get("KIOSK_PUBLIC_URL") or "").rstrip("/") or None
    # The store (kiosk.store.open_storage): PostgreSQL at this address; unset, the SQLite file in the folder.
    cfg["DATABASE_URL"] = database_url(env.get("KIOSK_DATABASE_URL"))
    # Behind HTTPS the session cookie must never travel in clear.
    cfg["SESSION_COOKIE_SECURE"] = bool(cfg["PUBLIC_URL"] and cfg["PUBLIC_URL"].startswith("https://"))
    # The offset instants are recorded with (kiosk.core.clock); what is shown follows the event's zone.
    cfg["TIMEZONE"] = env.get("KIOSK_TIMEZONE") or None
    if env.get("KIOSK_SESSION_IDLE_HOURS"):
        cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(env["KIOSK_SESSION_IDLE_HOURS"]))
    # What one client address may open (kiosk/web/transport.py, kiosk/serve.py); a venue's guests may all
    # share one NAT address, so these are generous.
    if env.get("KIOSK_SESSIONS_PER_ADDRESS"):
        cfg["SESSIONS_PER_ADDRESS"] = int(env["KIOSK_SESSIONS_PER_ADDRESS"])
    if env.get("KIOSK_NEW_SESSIONS_PER_MINUTE"):
        per_minute = int(env["KIOSK_NEW_SESSIONS_PER_MINUTE"])
        cfg["NEW_SESSIONS_BURST"], cfg["NEW_SESSIONS_PER_S"] = per_minute, per_minute / 60
    if env.get("KIOSK_TRUSTED_PROXIES"):
        cfg["TRUSTED_PROXIES"] = int(env["KIOSK_TRUSTED_PROXIES"])
    # Engine.IO's heartbeat: a wall whose link died is noticed within interval + timeout seconds.
    if env.get("KIOSK_PING_INTERVAL"):
        cfg["PING_INTERVAL"] = float(env["KIOSK_PING_INTERVAL"])
    if env.get("KIOSK_PING_TIMEOUT"):
        cfg["PING_TIMEOUT"] = float(env["KIOSK_PING_TIMEOUT"])
    if env.get("KIOSK_CONNECTIONS_PER_ADDRESS"):
        cfg["CONNECTIONS_PER_ADDRESS"] = int(env["KIOSK_CONNECTIONS_PER_ADDRESS"])
    for variable, key, parse in OUTBOUND_SETTINGS:
        try:
            cfg[key] = parse(env.get(variable))
        except ValueError as err:
            raise ConfigError(f"{variable}: {err}") from None
    # Several processes as one ceremony: broadcasts and shared state through Redis (kiosk.store.redis_shared).
    queue = (env.get("KIOSK_MESSAGE_QUEUE") or "").strip() or None
    if queue and queue.split("://", 1)[0] not in ("redis", "rediss", "unix"):
        raise ConfigError("KIOSK_MESSAGE_QUEUE: a redis://, rediss:// or unix:// address")
    cfg["MESSAGE_QUEUE"] = queue
    # /live's fan-out in nginx (nchan) instead of the processes' own sockets (kiosk/web/live/stream.py).
    cfg["LIVE_PUBLISH"] = live_publish(env.get("KIOSK_LIVE_PUBLISH"))
    # Signs each webhook's body (X-Kiosk-Signature), so a receiver can tell the server from anyone on the LAN.
    cfg["WEBHOOK_SECRET"] = env.get("KIOSK_WEBHOOK_SECRET") or None
    # The pages expose what the tests read (window.__kiosk) only when this is set (docs/TEST_HOOKS.md).
    cfg["TEST_HOOKS"] = env.get("KIOSK_TEST_HOOKS") == "1"
    return cfg
