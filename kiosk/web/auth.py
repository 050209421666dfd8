"""Operator access: PIN login with throttling, the session, the AV desk's bearer token, CSRF and headers."""

from __future__ import annotations

import hmac
import logging
import secrets
from functools import wraps
from urllib.parse import unquote

from flask import Flask, current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from ..ceremony.clock import Clock
from ..store.shared import MemoryShared, Shared
from .common import error

log = logging.getLogger("kiosk.auth")

CSRF_HEADER = "X-CSRF-Token"
# A console's name as the operator types it (the audit log records it); the header may carry a little more.
DEVICE_NAME_MAX = 20

# Throttling. Per client: 5 free tries, then a wait that doubles with each further failure (capped), so a
# guest guessing from one phone is slowed to a crawl. Overall: a cap on failures per minute across every
# client, so many devices together still cannot guess quickly; past it even a new address waits (before, each
# new address got a free first try). A device that has logged in before (a signed cookie, void after "sign
# out every device") is never held back by the others, so a guest cannot lock the operators out.
FREE_TRIES = 5
MAX_WAIT_S = 300
GLOBAL_FAILURES_PER_MIN = 30


class Throttle:
    """Kept in the shared store (``kiosk.store.shared``), so every server process counts the same tries,
    and every entry expires by itself: an address that failed once is forgotten an hour later."""

    WINDOW_S = 60
    BUCKET_S = 10
    FORGET_S = 3600

    def __init__(self, shared: Shared | None = None, clock: Clock | None = None):
        self.clock = clock or Clock()
        self.shared = shared or MemoryShared(self.clock)

    def _bucket(self, now: float) -> int:
        return int(now // self.BUCKET_S)

    def wait_for(self, client: str, known: bool = False) -> float:
        """Seconds ``client`` must wait before it may try again (0: go ahead). A ``known`` device (one that
        logged in before) waits only for its own failures: the operators' tablet must get in while someone
        hammers the login from the audience."""
        own = self.shared.ttl(f"throttle:blocked:{client}") or 0.0
        if known:
            return own
        now = self.clock.monotonic()
        current = self._bucket(now)
        buckets = range(current - self.WINDOW_S // self.BUCKET_S + 1, current + 1)
        counts = [(b, int(self.shared.get(f"throttle:recent:{b}") or 0)) for b in buckets]
        overall = 0.0
        if sum(n for _, n in counts) >= GLOBAL_FAILURES_PER_MIN:
            oldest = next(b for b, n in counts if n)
            overall = max(0.0, (oldest + self.WINDOW_S // self.BUCKET_S) * self.BUCKET_S - now)
        return max(own, overall)

    def failed(self, client: str) -> None:
        now = self.clock.monotonic()
        self.shared.incr(f"throttle:recent:{self._bucket(now)}", ttl=self.WINDOW_S + self.BUCKET_S)
        failures = self.shared.incr(f"throttle:failures:{client}", ttl=self.FORGET_S)
        extra = failures - FREE_TRIES
        if extra >= 0:
            self.shared.set(f"throttle:blocked:{client}", "1", ttl=min(MAX_WAIT_S, 2**extra))

    def succeeded(self, client: str) -> None:
        self.shared.delete(f"throttle:failures:{client}")
        self.shared.delete(f"throttle:blocked:{client}")


def init_app(app: Flask) -> None:
    app.extensions["kiosk_throttle"] = Throttle(app.extensions["kiosk_shared"], app.extensions["kiosk_clock"])
    app.after_request(_security_headers)


def client_id() -> str:
    return request.remote_addr or "unknown"


def login(pin: object) -> tuple[int, dict]:
    """Check a PIN; on success start a fresh operator session. Returns (http status, body)."""
    throttle: Throttle = current_app.extensions["kiosk_throttle"]
    who = client_id()
    wait = throttle.wait_for(who, known=is_known_device())
    if wait > 0:
        log.warning("login throttled for %s (%.0f s)", who, wait)
        return 429, {
            "reason": "throttled",
            "params": {"seconds": int(wait) + 1},
            "retry_after": int(wait) + 1,
        }
    expected = current_app.config["OPERATOR_PIN"]
    if not isinstance(pin, str) or not hmac.compare_digest(pin.encode(), expected.encode()):
        throttle.failed(who)
        log.warning("login failed from %s", who)
        return 401, {"reason": "wrong_pin"}
    throttle.succeeded(who)
    # A fresh session at login: whatever cookie the device had before is not carried into operator rights.
    session.clear()
    session.permanent = True
    session["operator"] = True
    session["csrf"] = secrets.token_urlsafe(24)
    session["epoch"] = session_epoch()
    session["nonce"] = secrets.token_hex(8)
    log.info("operator logged in from %s", who)
    return 200, {"status": "ok", "csrf_token": session["csrf"]}


KNOWN_COOKIE = "kiosk_known"
KNOWN_DAYS = 30


def _known_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kiosk-known-device")


def known_device_token() -> str:
    """The cookie a device gets at a successful login: it names the session epoch it was made in."""
    return _known_signer().dumps(session_epoch())


def is_known_device() -> bool:
    raw = request.cookies.get(KNOWN_COOKIE)
    if not raw:
        return False
    try:
        return _known_signer().loads(raw) == session_epoch()
    except BadSignature:
        return False


def session_epoch() -> str:
    """Sessions carry the epoch they were made in; "sign out every device" starts a new one."""
    return current_app.extensions["kiosk"].storage.get_meta("session_epoch") or "0"


def sign_out_everyone() -> None:
    current_app.extensions["kiosk"].storage.set_meta("session_epoch", secrets.token_hex(8))
    log.warning("every operator session signed out, from %s", client_id())


def is_operator() -> bool:
    return bool(session.get("operator")) and session.get("epoch") == session_epoch()


def bearer_ok() -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), current_app.config["API_TOKEN"].encode())


def csrf_ok() -> bool:
    token = request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(token.encode(), str(session.get("csrf", "")).encode()):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def operator_required(view):
    """Operator session (with its CSRF token on writes) or the API bearer token. 401 otherwise."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if bearer_ok():
            return view(*args, **kwargs)
        if not is_operator():
            return error(401, "unauthorized")
        if request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok():
            return error(403, "csrf")
        return view(*args, **kwargs)

    return wrapper


def device_name() -> str:
    if bearer_ok():
        return f"api {client_id()}"
    # Browsers cannot put Chinese in a header, so the console percent-encodes its name.
    label = unquote(request.headers.get("X-Kiosk-Device") or "").strip()[:40]
    return f"{label or 'console'} {client_id()}"


def _security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
