"""The guard in front of Engine.IO: what a broken or hostile client sends never reaches the library's weak paths.

python-engineio 4.15.1 and python-socketio 5.18.1 trust their clients more than a venue's Wi-Fi allows
(``docs/UPSTREAM.md`` has each fault with a reproduction):

- a long-polling POST over ``max_http_buffer_size`` (or any POST the library refuses) to a session with no
  GET pending is never answered: the error path waits on a queue only a GET drains, and the socket stays in
  CLOSE_WAIT; a few hundred of them exhaust the server's file descriptors;
- a websocket frame that is not an Engine.IO packet (``abc``, an empty frame, NUL bytes) escapes the handler,
  and gevent writes "HTTP/1.1 500" into the upgraded stream; the session lingers until its ping timeout;
- each malformed Socket.IO packet (``42{}``) logs a 22-line traceback and the connection stays open;
- a connect to an unknown namespace is refused with a bare string instead of ``{"message": ...}``.

This layer reads every packet a client sends before the library does: a polling body is bounded (413 from
``Content-Length`` or while reading a chunked body) and decoded here; a websocket frame is checked as it is
received. Undecodable input ends that session at once, without blocking (a 400, or a websocket close frame);
malformed Socket.IO packets are dropped, logged as one line per connection, and a connection that keeps
sending them is closed. It also bounds what one address may open: Engine.IO sessions at once and new
sessions per minute, generous enough for a venue's guests behind one NAT address.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

import greenlet
from engineio import packet as eio_packet
from engineio import payload as eio_payload
from simple_websocket.ws import CloseReason
from socketio import packet as sio_packet

from ..logs import LogBudget

log = logging.getLogger("kiosk.transport")

PATH = "/socket.io"
# Engine.IO packet types a client may send (EIO 4): close, pong, message, upgrade, noop. "2probe" (a ping)
# only during the websocket upgrade, which the library reads itself.
# python-engineio raises on any other type, and over polling that error path blocks (see above).
CLIENT_EIO_TYPES = {eio_packet.CLOSE, eio_packet.PONG, eio_packet.MESSAGE, eio_packet.UPGRADE}
PROBE = "2probe"
NAMESPACE = "/"
# The namespaces this server has: the room's pages, and the public live page's viewers (kiosk.web.live).
NAMESPACES = frozenset({NAMESPACE, "/live"})


@dataclass(frozen=True)
class Limits:
    """What one client address may hold; one browser page holds one Engine.IO session."""

    max_body: int = 64 * 1024
    # Closing after a few malformed packets: a real client never sends one, a buggy one gets a second chance.
    malformed_before_close: int = 10
    sessions_per_address: int = 600
    # A token bucket: a venue's whole audience may reconnect at once after the router comes back.
    new_sessions_burst: int = 600
    new_sessions_per_s: float = 10.0


class Verdict:
    OK = "ok"
    UNDECODABLE = "undecodable"  # not Engine.IO: the session ends
    MALFORMED = "malformed"  # Engine.IO, but not a Socket.IO packet this server accepts: dropped, counted
    FOREIGN = "foreign"  # a connect to a namespace this server does not have: refused properly


def inspect(data, websocket: bool = False) -> tuple[str, str]:
    """Classify one Engine.IO packet as a client sent it: (verdict, reason or namespace)."""
    if websocket and data == PROBE:
        return Verdict.OK, ""
    if isinstance(data, bytes | bytearray):
        # No page here sends binary; python-socketio would try to decode it as a text packet and raise.
        return Verdict.MALFORMED, "binary frame"
    if not isinstance(data, str) or not data:
        return Verdict.UNDECODABLE, "empty packet"
    if data[0] not in "0123456789" or int(data[0]) not in CLIENT_EIO_TYPES:
        return Verdict.UNDECODABLE, f"engine.io type {data[0]!r}"
    if int(data[0]) != eio_packet.MESSAGE:
        return Verdict.OK, ""
    return inspect_socketio(data[1:])


def inspect_socketio(text: str) -> tuple[str, str]:
    # A leading ASCII digit also keeps python-engineio from parsing the message as JSON on its own.
    if not text or text[0] not in "0123456":
        return Verdict.MALFORMED, "not a socket.io packet"
    try:
        pkt = sio_packet.Packet(encoded_packet=text)
    except (ValueError, TypeError, IndexError, RecursionError) as err:
        return Verdict.MALFORMED, f"socket.io packet: {type(err).__name__}"
    kind, data = pkt.packet_type, pkt.data
    if pkt.attachment_count:
        return Verdict.MALFORMED, "binary attachments"
    namespace = pkt.namespace or NAMESPACE
    if kind == sio_packet.CONNECT:
        if namespace not in NAMESPACES:
            return Verdict.FOREIGN, namespace
        if data is not None and not isinstance(data, dict):
            return Verdict.MALFORMED, "connect with non-object auth"
        return Verdict.OK, ""
    if namespace not in NAMESPACES:
        return Verdict.MALFORMED, "unknown namespace"
    if kind == sio_packet.DISCONNECT:
        return Verdict.OK, ""
    if kind == sio_packet.EVENT:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return Verdict.MALFORMED, "event without a name"
        return Verdict.OK, ""
    # ACK: this server never asks a client for one; CONNECT_ERROR and binary kinds are the server's to send.
    return Verdict.MALFORMED, f"socket.io type {kind}"


def refusal(namespace: str) -> str:
    """The CONNECT_ERROR python-socketio should send for an unknown namespace: an object, as clients expect."""
    return sio_packet.Packet(
        sio_packet.CONNECT_ERROR, data={"message": "Unknown namespace"}, namespace=namespace
    ).encode()


@dataclass
class Session:
    addr: str
    malformed: int = 0


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class Books:
    """Engine.IO sessions per client address, in this process (sessions live in one process)."""

    limits: Limits
    sessions: dict[str, Session] = field(default_factory=dict)
    per_address: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    buckets: dict[str, Bucket] = field(default_factory=dict)

    def admit(self, addr: str) -> str | None:
        """Why a new session from ``addr`` is refused now, or None."""
        if self.per_address.get(addr, 0) >= self.limits.sessions_per_address:
            return "too many open sessions"
        now = time.monotonic()
        bucket = self.buckets.get(addr) or Bucket(float(self.limits.new_sessions_burst), now)
        bucket.tokens = min(
            float(self.limits.new_sessions_burst),
            bucket.tokens + (now - bucket.at) * self.limits.new_sessions_per_s,
        )
        bucket.at = now
        self.buckets[addr] = bucket
        if bucket.tokens < 1:
            return "too many new sessions"
        bucket.tokens -= 1
        if len(self.buckets) > 10_000:
            self._forget_full(now)
        return None

    def _forget_full(self, now: float) -> None:
        # A full bucket says nothing the default would not: drop it, so the table cannot only grow.
        refill = self.limits.new_sessions_burst / self.limits.new_sessions_per_s
        for addr in [a for a, b in self.buckets.items() if now - b.at >= refill]:
            del self.buckets[addr]

    def opened(self, sid: str, addr: str) -> None:
        self.sessions[sid] = Session(addr)
        self.per_address[addr] += 1

    def closed(self, sid: str) -> None:
        session = self.sessions.pop(sid, None)
        if session is None:
            return
        left = self.per_address[session.addr] - 1
        if left > 0:
            self.per_address[session.addr] = left
        else:
            self.per_address.pop(session.addr, None)


def stop(task) -> None:
    """End a sleeping gevent task (threads, in the test server's threading mode, end by themselves)."""
    if task is not None and hasattr(task, "kill") and task is not greenlet.getcurrent():
        task.kill(block=False)


def client_address(environ) -> str:
    return environ.get("REMOTE_ADDR") or "?"


class TransportGuard:
    """WSGI middleware in front of Flask-SocketIO's; ``eio`` is the python-engineio server it protects."""

    def __init__(self, app, eio, limits: Limits | None = None):
        self.app, self.eio = app, eio
        self.limits = limits or Limits(max_body=eio.max_http_buffer_size)
        self.books = Books(self.limits)
        self.budget = LogBudget(log)
        self.pings: dict[str, object] = {}
        self._install()

    # -- wiring into the library ------------------------------------------------------------------------

    def _install(self) -> None:
        inner_connect, inner_disconnect = self.eio.handlers["connect"], self.eio.handlers["disconnect"]
        books = self.books

        def on_connect(sid, environ):
            result = inner_connect(sid, environ)
            if result is None or result is True:
                books.opened(sid, client_address(environ))
            return result

        pings = self.pings

        def on_disconnect(sid, reason=None):
            books.closed(sid)
            stop(pings.pop(sid, None))
            return inner_disconnect(sid, reason)

        self.eio.handlers["connect"], self.eio.handlers["disconnect"] = on_connect, on_disconnect
        start_task = self.eio.start_background_task

        def start_background_task(target, *args, **kwargs):
            # Each session's ping task sleeps a whole ping interval holding its session: under churn the
            # closed sessions of the last 10 s (thousands) stayed in memory. Kept here to end it on close.
            task = start_task(target, *args, **kwargs)
            owner = getattr(target, "__self__", None)
            if getattr(target, "__name__", "") == "_send_ping" and owner is not None:
                if owner.closed or owner.closing:
                    stop(task)
                else:
                    pings[owner.sid] = task
            return task

        self.eio.start_background_task = start_background_task
        websocket = self.eio._async.get("websocket")
        if websocket is not None:
            # The library builds one of these per websocket; ours checks each frame before the library reads it.
            self.eio._async = dict(self.eio._async, websocket=guarded_websocket(websocket, self))

    def end(self, sid: str) -> None:
        """End an Engine.IO session now, without waiting for a GET to drain its queue."""
        sock = self.eio.sockets.get(sid)
        if sock is not None:
            sock.close(wait=False, abort=True, reason=self.eio.reason.TRANSPORT_ERROR)
            self.eio.sockets.pop(sid, None)
        self.books.closed(sid)

    def malformed(self, sid: str, reason: str) -> bool:
        """Count one malformed packet; True when the connection has sent too many and must close."""
        session = self.books.sessions.get(sid)
        addr = session.addr if session else "?"
        count = 1
        if session is not None:
            session.malformed += 1
            count = session.malformed
        if count == 1:
            self.budget.warn(
                "dropped a malformed packet from %s (%s); further ones are counted", addr, reason
            )
        if count >= self.limits.malformed_before_close:
            self.budget.warn("closing the connection from %s after %d malformed packets", addr, count)
            return True
        return False

    def reap(self) -> int:
        """End sessions whose client stopped answering pings; returns how many.

        The library checks one session every ``ping_timeout / sessions`` seconds, so with few sessions a
        silent one (a wall whose Wi-Fi died mid-poll) stayed listed several seconds past its timeout.
        Called once a second by the server.
        """
        ended = 0
        for sid, sock in list(self.eio.sockets.items()):
            if not sock.closed and not sock.closing:
                sock.check_ping_timeout()
            if sock.closed:
                self.eio.sockets.pop(sid, None)
                self.books.closed(sid)
                ended += 1
        return ended

    # -- HTTP ---------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or ""
        if not (path == PATH or path.startswith(PATH + "/")):
            return self.app(environ, start_response)
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        sid = (query.get("sid") or [None])[0]
        method = environ.get("REQUEST_METHOD")
        if method == "GET" and sid is None:
            refused = self.books.admit(client_address(environ))
            if refused:
                self.budget.warn("refused a new session from %s: %s", client_address(environ), refused)
                return respond(start_response, "429 Too Many Requests", refused, [("Retry-After", "5")])
        elif method == "POST" and sid is not None and sid in self.eio.sockets:
            return self._post(environ, start_response, sid)
        if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
            return self.app(environ, start_response)
        answered = []

        def start(status, headers, exc_info=None):
            answered.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        except Exception:
            # Never let the server write an HTTP 500 into a stream that is already a websocket.
            self.budget.warn("websocket from %s ended by an error", client_address(environ))
            log.debug("websocket error", exc_info=True)
            return []
        finally:
            if not answered:
                end_stream(environ)

    def _post(self, environ, start_response, sid: str):
        body = read_bounded(environ, self.limits.max_body)
        if body is None:
            self.budget.warn("refused an oversized polling body from %s", client_address(environ))
            self.end(sid)
            return respond(
                start_response, "413 Payload Too Large", "payload too large", [("Connection", "close")]
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._refuse_post(start_response, sid, environ, "not UTF-8")
        if text.startswith("d="):
            return self._refuse_post(start_response, sid, environ, "JSONP is not served")
        parts = text.split("\x1e") if text else []
        if len(parts) > eio_payload.Payload.max_decode_packets:
            # The library would raise on these, log a traceback and answer 200.
            return self._refuse_post(start_response, sid, environ, "too many packets in one body")
        kept = []
        for part in parts:
            verdict, detail = inspect(part)
            if verdict == Verdict.UNDECODABLE:
                return self._refuse_post(start_response, sid, environ, detail)
            if verdict == Verdict.FOREIGN:
                self.eio.send(sid, refusal(detail))
                continue
            if verdict == Verdict.MALFORMED:
                if self.malformed(sid, detail):
                    return self._refuse_post(start_response, sid, environ, "too many malformed packets")
                continue
            kept.append(part)
        cleaned = "\x1e".join(kept).encode("utf-8")
        environ = dict(environ, CONTENT_LENGTH=str(len(cleaned)))
        environ["wsgi.input"] = io.BytesIO(cleaned)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _refuse_post(self, start_response, sid: str, environ, why: str):
        self.budget.warn("ended the polling session from %s: %s", client_address(environ), why)
        self.end(sid)
        return respond(start_response, "400 Bad Request", why)


def respond(start_response, status: str, text: str, headers: list | None = None):
    body = text.encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *(headers or [])],
    )
    return [body]


def end_stream(environ) -> None:
    """After a websocket, close the connection: the server would read the rest of the stream as HTTP.

    simple-websocket talks over a duplicate of gevent's socket, so gevent's handler never learns that the
    connection was upgraded; it went on to parse the client's close frame as the next request and answered
    it with "400 Bad Request" inside the websocket stream. Bytes a client sent right behind its upgrade
    request (before the 101, against RFC 6455) sit in gevent's read buffer, where simple-websocket never
    sees them: they are drained too, or they would be parsed as HTTP and logged with a traceback each.
    """
    stream = environ.get("wsgi.input")
    if stream is not None and not hasattr(stream, "raw"):
        stream = getattr(stream, "rfile", None)
    sock = getattr(getattr(stream, "raw", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            stream.read()


def read_bounded(environ, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` (from its length, or while reading it)."""
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length:
        try:
            size = int(length)
        except ValueError:
            return None
        if size > limit:
            return None
        return stream.read(size)
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return b""
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(16384, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None


def guarded_websocket(base, guard: TransportGuard):
    """A subclass of the library's websocket adapter whose ``wait`` checks each frame first."""

    class GuardedWebSocket(base):
        def __init__(self, handler, server):
            super().__init__(handler, server)
            self.kiosk_sid = getattr(getattr(handler, "__self__", None), "sid", None)
            # simple-websocket then closes with 1009 itself instead of assembling an endless message.
            if hasattr(self, "server_args"):
                self.server_args = dict(self.server_args, max_message_size=guard.limits.max_body)

        def wait(self):
            while True:
                data = super().wait()
                if data is None:
                    return None
                verdict, detail = inspect(data, websocket=True)
                if verdict == Verdict.OK:
                    return data
                if verdict == Verdict.FOREIGN:
                    # Through the session's queue, so the library's writer task stays the only one writing.
                    guard.eio.send(self.kiosk_sid, refusal(detail))
                    continue
                if verdict == Verdict.MALFORMED and not guard.malformed(self.kiosk_sid, detail):
                    continue
                if verdict == Verdict.UNDECODABLE:
                    addr = guard.books.sessions.get(self.kiosk_sid)
                    guard.budget.warn("closed a websocket from %s: %s", addr.addr if addr else "?", detail)
                return self._close_for(verdict)

        def _close_for(self, verdict: str):
            reason = (
                CloseReason.INVALID_FRAME_PAYLOAD_DATA
                if verdict == Verdict.UNDECODABLE
                else CloseReason.POLICY_VIOLATION
            )
            ws = getattr(self, "ws", None)
            if ws is not None and ws.connected:
                # The peer may be gone already; the session ends either way.
                with contextlib.suppress(Exception):
                    ws.close(reason=reason, message="invalid packet")
            return None

    GuardedWebSocket.__name__ = "GuardedWebSocket"
    return GuardedWebSocket
