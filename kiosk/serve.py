"""The production server: gevent's WSGI server with websockets through simple-websocket.

Measured on this kind of 2-core machine (shared/NOTES.md): gevent reaches 1000 websocket clients with a p99
of ~48 ms where Werkzeug's threading server needs ~160 ms and collapses at 3000. gevent-websocket is
unmaintained, so websockets go through simple-websocket, which the browsers would otherwise talk into
permessage-deflate: compressing every broadcast once per client doubled the latency at 3000 clients.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import resource
import signal
import socket
import sys

from .words.catalogue import N_

log = logging.getLogger("kiosk.serve")

WATCH_INTERVAL_S = 1.0


# The collector's thresholds; see serve() for why generation 2 waits 100x longer than Python's default.
GC_THRESHOLDS = (700, 10, 1000)
CONNECTIONS_PER_ADDRESS = 2000
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class NoWebSocketCompression:
    """Drop the client's permessage-deflate offer so each broadcast frame is built once, not once per client."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)


def gc_thresholds(env=os.environ) -> tuple[int, ...]:
    """The collector's thresholds; bench/ compares Python's own with ``KIOSK_GC_THRESHOLDS=700,10,10``."""
    given = env.get("KIOSK_GC_THRESHOLDS")
    return tuple(int(part) for part in given.split(",")) if given else GC_THRESHOLDS


def address_limited_server():
    """gevent's WSGI server, refusing connections past a number per client address."""
    from gevent import pywsgi

    from .logs import LogBudget

    class Server(pywsgi.WSGIServer):
        def __init__(self, *args, per_address: float, **kwargs):
            super().__init__(*args, **kwargs)
            self.per_address = per_address
            self.open: dict[str, int] = {}
            self.budget = LogBudget(log)

        def handle(self, sock, address):
            addr = address[0] if isinstance(address, tuple) else str(address)
            held = self.open.get(addr, 0)
            if held >= self.per_address:
                # A phone or a script opening thousands must not take the walls' file descriptors.
                self.budget.warn("refused a connection from %s: %d open already", addr, held)
                with contextlib.suppress(OSError):
                    sock.sendall(BUSY)
                sock.close()
                return
            self.open[addr] = held + 1
            try:
                super().handle(sock, address)
            finally:
                left = self.open[addr] - 1
                if left:
                    self.open[addr] = left
                else:
                    del self.open[addr]

    return Server


def connections_per_address(config) -> float:
    """The TCP connections one peer may hold. Behind a trusted proxy every connection comes from the proxy,
    so the cap per client is the proxy's (deploy/nginx: ``limit_conn``), unless set here explicitly."""
    if config.get("CONNECTIONS_PER_ADDRESS"):
        return config["CONNECTIONS_PER_ADDRESS"]
    return float("inf") if config.get("TRUSTED_PROXIES") else CONNECTIONS_PER_ADDRESS


def raise_open_file_limit() -> int:
    """Every viewer is a socket: the default soft limit (often 1024) would refuse the 1000th big-screen tab."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def lan_address() -> str | None:
    """This machine's address on the venue network, as phones and the wall PC would use it."""
    try:
        # A UDP "connect" only picks the outgoing interface; no packet is sent.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            addr = s.getsockname()[0]
        return None if addr.startswith("127.") else addr
    except OSError:
        return None


BANNER = N_("kiosk：%(title)s — %(count)s，seq %(seq)s")
BIG_SCREEN = N_("大屏")
CONSOLE = N_("控制台")
WALL_COMMAND = N_("大屏电脑的启动命令")
ADMIN = N_("准备与报告")
STAGE = N_("主持人提词屏")
LIVE_PAGE = N_("远程观看（手机）")
PIN_FROM_ENV = N_("%(role)s PIN 来自 %(variable)s")
PIN_KEPT = N_("%(role)s PIN %(pin)s（保存在 %(path)s）")
DATA_FOLDER = N_("数据目录 %(path)s；可打开文件数上限 %(limit)s")
LISTENING = N_("正在监听 %(host)s:%(port)s（进程 %(pid)s）；按 Ctrl-C 停止")
CANNOT_LISTEN = N_(
    "kiosk：无法监听 %(host)s:%(port)s：%(reason)s。kiosk 是否已在运行？请先停止它，或用 --port 换一个端口。"
)
STOPPED = N_("kiosk：已停止（%(signal)s），数据库已写入磁盘。")


def serve(host: str, port: int) -> int:
    from . import create_app
    from .words.catalogue import gettext
    from .words.format import count
    from .words.messages import ROLE_LABELS

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    limit = raise_open_file_limit()
    app = create_app({"ASYNC_MODE": "gevent"})
    # With thousands of sockets a full collection walks ~530,000 objects and stops every broadcast for
    # 230-280 ms, about every 20 s, freeing nothing. Making full collections 100x rarer halved the p99 at
    # 3000 clients (406 -> 203 ms, memory unchanged; docs/BENCHMARK.md, finding 2).
    # Memory under connection churn climbed with this setting, but not because of it: every closed session
    # stayed alive in its ping task for a ping interval; kiosk/web/transport.py ends that task on close,
    # and memory then stays flat with either setting (bench/churn.py; docs/BENCHMARK.md, finding 5).
    gc.set_threshold(*gc_thresholds())
    ceremony = app.extensions["kiosk"]
    socketio = app.extensions["socketio"]
    transport = app.extensions["kiosk_transport"]

    def watch():
        # `python -m kiosk import` writes from another process; pick its change up and broadcast it (with
        # several server processes, the first to claim it broadcasts it: kiosk.store.redis_shared).
        while True:
            socketio.sleep(WATCH_INTERVAL_S)
            try:
                if ceremony.reload_if_changed_elsewhere():
                    log.info("data changed by another process: reloaded and broadcast")
            except Exception:
                log.exception("watching the database failed")
            try:
                transport.reap()
            except Exception:
                log.exception("watching the connections failed")

    socketio.start_background_task(watch)

    if not app.config["PUBLIC_URL"]:
        # QR codes must carry an address phones can reach: the LAN address, found once at start.
        app.config["PUBLIC_URL"] = f"http://{lan_address() or '127.0.0.1'}:{port}"
    base = app.config["PUBLIC_URL"]
    view = ceremony.snapshot()
    lang = ceremony.lang

    def say(msgid: str, **params) -> None:
        print(gettext(msgid, lang, **params), flush=True)

    say(
        BANNER,
        title=view["event"]["title"],
        count=count(view["project_count"], "project", lang),
        seq=view["seq"],
    )
    print(f"  {gettext(BIG_SCREEN, lang)}  {base}/display", flush=True)
    # Chromium offers the wall's service worker (its last picture through a reboot with the server down)
    # only on a secure origin; a venue LAN is plain http, so the wall PC names this one as secure.
    print(
        "  "
        + gettext(WALL_COMMAND, lang)
        + "  chromium --kiosk --noerrdialogs --disable-session-crashed-bubble "
        f"--unsafely-treat-insecure-origin-as-secure={base} {base}/display",
        flush=True,
    )
    print(f"  {gettext(CONSOLE, lang)}  {base}/control", flush=True)
    print(f"  {gettext(ADMIN, lang)}  {base}/admin", flush=True)
    print(f"  {gettext(STAGE, lang)}  {base}/stage", flush=True)
    print(f"  {gettext(LIVE_PAGE, lang)}  {base}/live", flush=True)
    for role in ("operator", "viewer", "editor"):
        key = role.upper() + "_PIN"
        source, label = app.config[key + "_SOURCE"], gettext(ROLE_LABELS[role], lang)
        if source.startswith("KIOSK_"):
            print("  " + gettext(PIN_FROM_ENV, lang, role=label, variable=source), flush=True)
        else:
            print("  " + gettext(PIN_KEPT, lang, role=label, pin=app.config[key], path=source), flush=True)
    print("  " + gettext(DATA_FOLDER, lang, path=app.config["DATA_DIR"], limit=limit), flush=True)

    server = address_limited_server()(
        (host, port),
        NoWebSocketCompression(app),
        # No per-request access log: thousands of polling viewers would drown the lines an operator reads.
        log=None,
        error_log=logging.getLogger("kiosk.http"),
        per_address=connections_per_address(app.config),
    )
    try:
        server.init_socket()
    except OSError as err:
        # The usual cause on the day: the server is already running in another window.
        print(
            gettext(CANNOT_LISTEN, lang, host=host, port=port, reason=err.strerror),
            file=sys.stderr,
            flush=True,
        )
        return 1
    # Nagle off: pywsgi writes a response's headers and body in two send() calls, and the second then waits
    # for the client's delayed ACK (~40 ms) on every keep-alive request after the first. Measured in bench/:
    # the console's page 51 -> 6 ms, a command 48 -> 5 ms. Accepted sockets inherit it on Linux.
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    stopped_by: list[str] = []

    def stop(signum: int) -> None:
        # Runs in the hub, not inside a request: stop accepting, let requests in flight finish (2 s).
        if not stopped_by:
            stopped_by.append(signal.Signals(signum).name)
            gevent.spawn(server.stop, timeout=2)

    import gevent

    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, stop, signum)
    print("  " + gettext(LISTENING, lang, host=host, port=port, pid=os.getpid()), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    # The heartbeat stops first: the other processes drop this one's sockets and screens from their lists
    # once its last beat runs out (HOST_TTL_S).
    app.extensions["kiosk_cluster"].close()
    if "kiosk_outbound" in app.extensions:
        # The last cue before the stop (the closing's lights) still leaves, within a short grace.
        app.extensions["kiosk_outbound"].stop()
    # Everything acknowledged is already on disk (synchronous=FULL); folding the WAL back into the main file
    # leaves one self-contained database to copy away after the ceremony.
    ceremony.storage.checkpoint()
    ceremony.storage.close()
    print(gettext(STOPPED, lang, signal=stopped_by[0] if stopped_by else "SIGINT"), flush=True)
    return 0
