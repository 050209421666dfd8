"""Access at the edge: PIN login with throttling, sessions, tokens and screen keys found in a request, the
one gate (``requires``), CSRF and headers. Whose secret is whose, and signing out, are decided in
``kiosk.ceremony.credentials``; which role holds which right in ``kiosk.core.access``."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from functools import wraps
from urllib.parse import unquote

from flask import Flask, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from ..ceremony.credentials import Credentials
from ..core import access
from ..core.clock import Clock
from ..logs import LogBudget
from ..store.shared import MemoryShared, Shared
from ..words.catalogue import gettext
from ..words.messages import ROLE_LABELS
from ..words.views import UNNAMED_CONSOLE
from .errors import Refused

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
    pins = {role: app.config[f"{role.upper()}_PIN"] for role in access.ROLES}
    if len(set(pins.values())) < len(pins):
        # The PIN alone names the role: two roles with one PIN would hand the lesser one the greater's rights.
        raise ValueError("KIOSK_VIEWER_PIN, KIOSK_OPERATOR_PIN and KIOSK_EDITOR_PIN must all differ")
    app.after_request(_security_headers)


def client_id() -> str:
    return request.remote_addr or "unknown"


def credentials() -> Credentials:
    return current_app.extensions["kiosk_credentials"]


def _now() -> str:
    return current_app.extensions["kiosk_clock"].now_iso()


def login(pin: object) -> dict:
    """Check a PIN; on success start a fresh session with that PIN's role and answer it. Refused with
    ``throttled`` (and when to try again) or ``wrong_pin``."""
    throttle: Throttle = current_app.extensions["kiosk_throttle"]
    who = client_id()
    wait = throttle.wait_for(who, known=is_known_device())
    if wait > 0:
        log.warning("login throttled for %s (%.0f s)", who, wait)
        raise Refused("throttled", {"seconds": int(wait) + 1}, retry_after=int(wait) + 1)
    role = credentials().role_of_pin(pin)
    if role is None:
        throttle.failed(who)
        log.warning("login failed from %s", who)
        raise Refused("wrong_pin")
    throttle.succeeded(who)
    device = credentials().begin_session(
        role, _label() or _agent_name(request.headers.get("User-Agent", "")), who
    )
    # A fresh session at login: whatever cookie the device had before is not carried into the new rights.
    session.clear()
    session.permanent = True
    session["role"] = role
    session["device"] = device.id
    session["csrf"] = secrets.token_urlsafe(24)
    session["epoch"] = session_epoch()
    log.info("%s logged in from %s", role, who)
    g.pop("kiosk_principal", None)
    return {"status": "ok", "role": role, "csrf_token": session["csrf"]}


KNOWN_COOKIE = "kiosk_known"
KNOWN_DAYS = 30
SCREEN_COOKIE = "kiosk_screen"


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
    return credentials().epoch()


# -- who is asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """The caller of this request or socket, found once from its credentials."""

    role: str | None  # None: the public (or a screen, which acts with no role)
    device: access.Device | None = None
    # Credentials were offered but are not (or no longer) good: a revoked token gets 401, not the public.
    refused: bool = False

    @property
    def via(self) -> str:
        return self.device.kind if self.device else "none"

    @property
    def screen(self) -> access.Device | None:
        return self.device if self.device and self.device.kind == "screen" else None

    def may(self, right: str) -> bool:
        return access.allows(self.role, right)


PUBLIC = Principal(None)


def _from_bearer(secret: str) -> Principal:
    role, device = credentials().bearer(secret)
    return Principal(role, device) if device is not None else Principal(None, refused=True)


def _from_session() -> Principal:
    role = session.get("role")
    device = credentials().session(role, session.get("device"), session.get("epoch"))
    return Principal(role, device) if device is not None else PUBLIC


def _from_screen_key(key: str) -> Principal:
    device = credentials().screen(key)
    return Principal(None, device) if device is not None else PUBLIC


def current() -> Principal:
    """Who is calling, once per request: a bearer token wins, then a PIN session, then a screen's key."""
    cached = g.get("kiosk_principal")
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        principal = _from_bearer(header[7:].strip())
    else:
        principal = _from_session()
        if principal.role is None and request.cookies.get(SCREEN_COOKIE):
            principal = _from_screen_key(request.cookies[SCREEN_COOKIE])
    if principal.device is not None:
        touch(principal.device.id)
        label = _label()
        if (
            principal.via == "session"
            and label
            and label != principal.device.name
            and label not in _default_console_names()
        ):
            # The console's own name for itself (its settings), so the device list says "舞台左平板".
            credentials().rename(principal.device.id, label)
    g.kiosk_principal = principal
    return principal


def from_socket_auth(data: dict) -> Principal:
    """A socket's caller: a ``token`` in its auth data (an AV desk's script), else the request's own."""
    token = data.get("token")
    if isinstance(token, str) and token:
        return _from_bearer(token)
    return current()


SEEN_TABLE = "devices:seen"
_untouched = LogBudget(log, lines=3, window_s=60)


def touch(device_id: str) -> None:
    """Note a device's last activity (in the shared store: it changes on every request)."""
    try:
        current_app.extensions["kiosk_shared"].hset(SEEN_TABLE, device_id, _now())
    except Exception as err:  # whatever the shared store's client raises
        # Redis restarting (several processes): only a "last seen" time is lost, while the operator's
        # command itself must go through.
        _untouched.warn("could not note device %s as seen: %s", device_id, err)


def last_seen() -> dict[str, str]:
    raw = current_app.extensions["kiosk_shared"].hgetall(SEEN_TABLE)
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in raw.items()}


def sign_out_everyone() -> list[str]:
    """Every PIN session and every token (kiosk.ceremony.credentials), logged with who asked."""
    ids = credentials().sign_out_everyone()
    log.warning("every session and token signed out, from %s", client_id())
    return ids


def sign_out(device_id: str) -> bool:
    done = credentials().sign_out(device_id)
    if done:
        log.warning("device %s signed out, from %s", device_id, client_id())
    return done


def csrf_ok() -> bool:
    token = request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(token.encode(), str(session.get("csrf", "")).encode()):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def check(principal: Principal, right: str) -> None:
    """Refuses (``unauthorized``, ``csrf``, ``forbidden``) unless ``principal`` may use ``right`` now."""
    if principal.role is None:
        raise Refused("unauthorized")
    if principal.via == "session" and request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok():
        raise Refused("csrf")
    if not principal.may(right):
        lang = current_app.extensions["kiosk"].lang
        needed = access.RIGHTS[right]
        raise Refused(
            "forbidden",
            {
                "role": gettext(ROLE_LABELS[principal.role], lang),
                "needs": gettext(ROLE_LABELS[needed], lang),
            },
            role=principal.role,
            needs=needed,
        )


def requires(right: str):
    """The one gate of the HTTP edge: a session (with its CSRF token on writes) or a token whose role
    holds ``right`` (kiosk.core.access). 401 without credentials, 403 ``forbidden`` with too few."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            check(current(), right)
            return view(*args, **kwargs)

        return wrapper

    return decorate


AGENT_PLATFORMS = (
    ("iPad", "iPad"),
    ("iPhone", "iPhone"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
AGENT_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))


def _default_console_names() -> set[str]:
    from ..words.catalogue import LANGUAGES
    from ..words.pages import CONSOLE

    return {gettext(CONSOLE["device_default"], lang) for lang in LANGUAGES}


def _agent_name(agent: str) -> str:
    """A device's name until the console gives it one: "iPad · Safari", from its User-Agent (a hint for
    the device list, never a credential)."""
    platform = next((name for key, name in AGENT_PLATFORMS if key in agent), "")
    browser = next((name for key, name in AGENT_BROWSERS if key in agent), "")
    return " · ".join(part for part in (platform, browser) if part) or "browser"


def _label() -> str:
    # Browsers cannot put Chinese in a header, so the console percent-encodes its name.
    return unquote(request.headers.get("X-Kiosk-Device") or "").strip()[:40]


def device_name() -> str:
    """How the audit log names the device behind this request."""
    principal = current()
    if principal.via == "token":
        return f"{principal.device.name} {client_id()}"
    return f"{_label() or UNNAMED_CONSOLE} {client_id()}"


def _security_headers(response):
    # The wall's page may be framed by this server's own pages (the console's program and preview
    # monitors): it has nothing to click. Every other page is framed by no one.
    ancestors = "'self'" if request.path == "/display" else "'none'"
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        f"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}; "
        "form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # Pages carry a session's CSRF token or a card's contacts; answers carry views: none may be kept.
    if request.path.startswith("/api/") or response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
