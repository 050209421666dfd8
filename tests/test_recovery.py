"""Catching up: big screens and consoles recover by themselves, without a reload, from a server restart, a
cut connection and a stalled (half-open) one. Real Chromium, through a TCP proxy the test controls; on both
stores (the SQLite file, a fresh PostgreSQL database).

The server's own ping is put a minute out here (``PING_S``), so Engine.IO alone would notice a stalled link
only after a minute or more: a page back within ``CAUGHT_UP_S`` came back by its own heartbeat and catch-up
(static/js/common/live.js: a check every 2 s, answered within 2 s). How fast it comes back is
bench/recovery.py's to measure (docs/BENCHMARK.md, finding 12), not this test's."""

from __future__ import annotations

import time

import pytest
import requests
from harness import LiveServer, open_console, open_display, projects, wait_until
from netproxy import Proxy
from services import store_fixture  # noqa: F401 - the fixture `store`

pytestmark = [pytest.mark.browser, pytest.mark.live]

PING_S = 60
# Far under the stalled link's minute, far over the few seconds the page's own heartbeat takes.
CAUGHT_UP_S = 20


@pytest.fixture
def live_server(store, tmp_path):
    """Five projects made for these tests."""
    ping = {"KIOSK_PING_INTERVAL": str(PING_S), "KIOSK_PING_TIMEOUT": str(PING_S)}
    server = store.server(tmp_path / "live", projects("10", "20", "30", "40", "50"), env=ping)
    yield server
    server.stop()


@pytest.fixture
def proxy(live_server):
    p = Proxy(live_server.port).start()
    yield p
    p.stop()


def through(proxy: Proxy, server: LiveServer) -> LiveServer:
    """The same server as a browser behind the proxy reaches it."""
    return LiveServer(server.data_dir, port=proxy.port)


def wall(chromium, server: LiveServer):
    """The big screen, drawing, its socket up (the server lists it), marked to tell a reload."""
    page = open_display(chromium, server, name="proxy-wall")
    wait_until(lambda: requests.get(server.url + "/healthz", timeout=5).json()["waiting"] == 1)
    page.evaluate("window.__sameDocument = true")
    return page


def console(chromium, server: LiveServer):
    """The console, logged in and live (its socket up), marked to tell a reload."""
    page = open_console(chromium, server)
    page.evaluate("window.__sameDocument = true")
    return page


def caught_up(page, expression: str, seq: int) -> None:
    """Until ``expression`` (a JS expression giving the seq the page holds) reaches ``seq``, in the same
    document (no reload)."""
    page.wait_for_function(f"s => ({expression}) >= s", arg=seq, timeout=CAUGHT_UP_S * 1000)
    assert page.evaluate("window.__sameDocument") is True


DISPLAY_SEQ = "window.__kiosk?.display ? window.__kiosk?.display.seq : 0"
CONSOLE_SEQ = "window.__kiosk?.console.state() ? window.__kiosk?.console.state().seq : 0"


def recovers(page, server: LiveServer, fault, index: int) -> None:
    """``fault()`` on the page's link, then the ``index``-th project signed: the wall catches up with it in
    the same document. Closes the page."""
    try:
        fault()
        seq = server.command("confirm", project_id=server.made_ids[index]).json()["seq"]
        caught_up(page, DISPLAY_SEQ, seq)
    finally:
        page.context.close()


def test_display_recovers_from_a_server_restart(live_server, chromium):
    def restart():
        live_server.kill()
        live_server.start()

    recovers(wall(chromium, live_server), live_server, restart, 0)


def test_display_recovers_from_a_cut_connection(live_server, proxy, chromium):
    recovers(wall(chromium, through(proxy, live_server)), live_server, proxy.cut, 1)


def test_display_recovers_from_a_stalled_half_open_link(live_server, proxy, chromium):
    # The socket stays open, but nothing arrives: Engine.IO alone would wait its ping out.
    recovers(wall(chromium, through(proxy, live_server)), live_server, proxy.stall, 2)


def test_console_recovers_from_a_stalled_link_and_a_cut(live_server, proxy, chromium):
    page = console(chromium, through(proxy, live_server))
    try:
        proxy.stall()
        seq = live_server.command("confirm", project_id=live_server.made_ids[3]).json()["seq"]
        caught_up(page, CONSOLE_SEQ, seq)
        proxy.cut()
        seq = live_server.command("undo").json()["seq"]
        caught_up(page, CONSOLE_SEQ, seq)
    finally:
        page.context.close()


def test_display_recovers_after_the_network_comes_back(live_server, proxy, chromium):
    page = wall(chromium, through(proxy, live_server))
    try:
        proxy.blackhole()  # the venue router is down: nothing at all gets through
        seq = live_server.command("confirm", project_id=live_server.made_ids[4]).json()["seq"]
        # The outage: long enough for the page's heartbeat to give up on its socket and try again (2 s + 2 s).
        time.sleep(6)
        assert page.evaluate(DISPLAY_SEQ) < seq  # nothing could arrive...
        assert page.locator("text=/error|错误|失败/i").count() == 0  # ...and the audience sees no error
        proxy.heal()
        caught_up(page, DISPLAY_SEQ, seq)
    finally:
        page.context.close()
