"""Catching up: big screens and consoles recover within 5 s, without a reload, from a server restart, a cut
connection and a stalled (half-open) one. Real Chromium, through a TCP proxy the test controls; on both
stores (the SQLite file, a fresh PostgreSQL database)."""

from __future__ import annotations

import time

import pytest
from harness import PIN, projects
from netproxy import Proxy
from services import store_fixture  # noqa: F401 - the fixture `store`

pytestmark = [pytest.mark.browser, pytest.mark.live]

RECOVERY_S = 5.0


@pytest.fixture
def live_server(store, tmp_path):
    """Five projects made for these tests."""
    server = store.server(tmp_path / "live", projects("10", "20", "30", "40", "50"))
    yield server
    server.stop()


@pytest.fixture
def proxy(live_server):
    p = Proxy(live_server.port).start()
    yield p
    p.stop()


def open_display(chromium, url):
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url + "/display?name=proxy-wall")
    page.wait_for_function("() => window.__display && window.__display.seq > 0")
    page.evaluate("window.__sameDocument = true")
    return page


def open_console(chromium, url):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(url + "/control")
    for digit in PIN:
        page.click(f'[data-key="{digit}"]')
    page.click('[data-key="ok"]')
    page.wait_for_function("() => window.KioskConsole && window.KioskConsole.state()")
    page.evaluate("window.__sameDocument = true")
    return page


def seconds_until(page, expression: str, seq: int, limit: float = 15.0) -> float:
    """How long until ``expression`` (a JS expression giving the seq the page holds) reaches ``seq``."""
    start = time.monotonic()
    page.wait_for_function(f"s => ({expression}) >= s", arg=seq, timeout=limit * 1000)
    assert page.evaluate("window.__sameDocument") is True  # caught up without a reload
    took = time.monotonic() - start
    print(f"recovered in {took:.2f} s")  # the figures for the record: pytest -s tests/test_recovery.py
    return took


DISPLAY_SEQ = "window.__display ? window.__display.seq : 0"
CONSOLE_SEQ = "window.KioskConsole.state() ? window.KioskConsole.state().seq : 0"


def test_display_recovers_from_a_server_restart(live_server, chromium):
    page = open_display(chromium, live_server.url)
    try:
        live_server.kill()
        live_server.start()
        seq = live_server.command("confirm", project_id=live_server.made_ids[0]).json()["seq"]
        took = seconds_until(page, DISPLAY_SEQ, seq)
        assert took < RECOVERY_S, f"took {took:.1f} s"
    finally:
        page.close()


def test_display_recovers_from_a_cut_connection(live_server, proxy, chromium):
    page = open_display(chromium, proxy.url)
    try:
        proxy.cut()
        seq = live_server.command("confirm", project_id=live_server.made_ids[1]).json()["seq"]
        took = seconds_until(page, DISPLAY_SEQ, seq)
        assert took < RECOVERY_S, f"took {took:.1f} s"
    finally:
        page.close()


def test_display_recovers_from_a_stalled_half_open_link(live_server, proxy, chromium):
    page = open_display(chromium, proxy.url)
    try:
        time.sleep(0.5)
        proxy.stall()  # the socket stays open, but nothing arrives: Engine.IO alone would wait ~18 s
        seq = live_server.command("confirm", project_id=live_server.made_ids[2]).json()["seq"]
        took = seconds_until(page, DISPLAY_SEQ, seq)
        assert took < RECOVERY_S, f"took {took:.1f} s"
    finally:
        page.close()


def test_console_recovers_from_a_stalled_link_and_a_cut(live_server, proxy, chromium):
    page = open_console(chromium, proxy.url)
    try:
        time.sleep(0.5)
        proxy.stall()
        seq = live_server.command("confirm", project_id=live_server.made_ids[3]).json()["seq"]
        took = seconds_until(page, CONSOLE_SEQ, seq)
        assert took < RECOVERY_S, f"stall: took {took:.1f} s"
        proxy.cut()
        seq = live_server.command("undo").json()["seq"]
        took = seconds_until(page, CONSOLE_SEQ, seq)
        assert took < RECOVERY_S, f"cut: took {took:.1f} s"
    finally:
        page.context.close()


def test_display_recovers_after_the_network_comes_back(live_server, proxy, chromium):
    page = open_display(chromium, proxy.url)
    try:
        proxy.blackhole()  # the venue router is down: nothing at all gets through
        seq = live_server.command("confirm", project_id=live_server.made_ids[4]).json()["seq"]
        time.sleep(6)
        assert page.evaluate(DISPLAY_SEQ) < seq  # nothing could arrive...
        assert page.locator("text=/error|错误|失败/i").count() == 0  # ...and the audience sees no error
        proxy.heal()
        took = seconds_until(page, DISPLAY_SEQ, seq)
        assert took < RECOVERY_S, f"took {took:.1f} s after the network came back"
    finally:
        page.close()
