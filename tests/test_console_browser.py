"""The operators' console (/control) in real Chromium against a real server: what the operator sees.

Uses the shared ``live_server`` (a ``python -m kiosk serve`` process that can be stopped and started again
on the same port) and ``chromium`` fixtures from conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import requests
import socketio
from conftest import PIN, ROOT

pytestmark = pytest.mark.browser

HOLD_MS = 800
MIN_INTERVAL_MS = 1500


def wait_until(predicate, timeout: float = 10, message: str = "condition not met in time"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(message)


def log_in(page, url: str, pin: str = PIN) -> None:
    page.goto(url + "/control")
    for digit in pin:
        page.click(f'.key[data-key="{digit}"]')
    page.click('.key[data-key="ok"]')
    page.wait_for_selector("#rows .row")
    page.wait_for_function("() => window.KioskConsole && window.KioskConsole.state() !== null")


@pytest.fixture
def console(live_server, chromium):
    """A logged-in console on a 1024x768 touch tablet."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url)
    page.wait_for_selector('body[data-conn="live"]')
    yield page
    context.close()


def hold(page, selector: str, ms: int) -> None:
    """Press and hold with the mouse (pointer events, as a finger gives them), then release."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def name_of(server, project_id: str) -> str:
    return next(p["name"] for p in server.state()["projects"] if p["id"] == project_id)


def row(page, project_id: str):
    return page.locator(f'.row[data-id="{project_id}"]')


def settle(page) -> None:
    """Wait out the console's minimum interval between commands."""
    page.wait_for_timeout(MIN_INTERVAL_MS + 200)
    page.wait_for_function("() => !document.body.classList.contains('is-cooling')")


class BigScreen:
    """A big screen as the server sees one: a Socket.IO client that reports the seq it has drawn."""

    def __init__(self, url: str, name: str, report: bool = True):
        self.client = socketio.Client(reconnection=False)
        self.seq = None
        self.lock = threading.Lock()

        self.report = report

        def on_state(state):
            with self.lock:
                self.seq = state["seq"]
            # The first state comes with the connection, before the namespace counts as connected.
            if report and self.client.connected and "/" in self.client.namespaces:
                self.client.emit("seen", {"seq": state["seq"]})

        self.client.on("state", on_state)
        self.client.connect(
            url, auth={"role": "display", "name": name}, transports=["websocket"], wait_timeout=10
        )
        deadline = time.monotonic() + 10
        while self.seq is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if report:
            self.client.emit("seen", {"seq": self.seq})

    def close(self) -> None:
        self.client.disconnect()


# ---------------------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------------------


def test_wrong_pin_shows_an_error_and_the_right_pin_opens_the_console(live_server, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/control")
        assert "株洲高新区" in page.locator(".login-title").inner_text()
        for digit in "111111":
            page.click(f'.key[data-key="{digit}"]')
        assert page.locator(".pin-dot.is-filled").count() == 6
        page.click('.key[data-key="ok"]')
        message = page.locator("#login-message")
        message.filter(has_text="PIN 不正确").wait_for()
        assert page.locator(".pin-dot.is-filled").count() == 0
        assert page.url.endswith("/control") and page.locator("#rows").count() == 0

        # The keyboard works too: digits and Enter.
        page.keyboard.type(PIN)
        page.keyboard.press("Enter")
        page.wait_for_selector("#rows .row")
        assert page.locator("#rows .row").count() == 7
        assert "株洲高新区" in page.locator("#event-title").inner_text()
        page.locator('body[data-conn="live"]').wait_for()
        assert "在线" in page.locator("#conn").inner_text()
    finally:
        context.close()


def test_throttled_login_counts_down(live_server, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/control")
        for _ in range(6):  # five free tries, then the server makes this client wait
            page.keyboard.type("000000")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => !document.body.classList.contains('is-locked')"
                " || /秒后再试/.test(document.getElementById('login-message').textContent)"
            )
            if "秒后再试" in page.locator("#login-message").inner_text():
                break
        page.locator("#login-message").filter(has_text="秒后再试").wait_for()
        assert page.locator('.key[data-key="1"]').is_disabled()
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------------
# Confirm: hold, not tap
# ---------------------------------------------------------------------------------------------------------


def test_holding_confirm_signs_the_selected_project_and_a_short_tap_does_not(live_server, console):
    page = console
    start = live_server.state()["seq"]
    assert page.evaluate("() => window.KioskConsole.selection()") == "p1"
    assert row(page, "p1").get_attribute("class").count("is-selected") == 1

    page.click("#btn-confirm")  # a tap: too short
    page.locator("#statusline").filter(has_text="松开过早").wait_for()
    page.wait_for_timeout(500)
    state = live_server.state()
    assert state["seq"] == start and state["signed_count"] == 0
    assert row(page, "p1").locator(".chip").inner_text() == "待签约"

    hold(page, "#btn-confirm", HOLD_MS - 400)  # released halfway
    page.wait_for_timeout(600)
    assert live_server.state()["signed_count"] == 0

    hold(page, "#btn-confirm", HOLD_MS + 200)
    wait_until(lambda: live_server.state()["signed_count"] == 1, message="the hold did not sign")
    state = live_server.state()
    assert state["projects"][0]["status"] == "signed" and state["seq"] == start + 1
    row(page, "p1").locator(".chip.is-signed").wait_for()
    page.locator("#statusline").filter(has_text=f"已签约「{name_of(live_server, 'p1')}」").wait_for()
    # The selection follows the running order to the next project.
    page.wait_for_function("() => window.KioskConsole.selection() === 'p2'")


def touch_hold(page, selector: str, ms: int) -> None:
    """A finger on the glass (CDP touch events, not a mouse): touch-action and pointer capture matter here."""
    box = page.locator(selector).bounding_box()
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
        page.wait_for_timeout(ms)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def test_confirm_by_touch_needs_a_hold(live_server, console):
    page = console
    touch_hold(page, "#btn-confirm", 150)
    page.wait_for_timeout(HOLD_MS + 300)
    assert live_server.state()["signed_count"] == 0
    touch_hold(page, "#btn-confirm", HOLD_MS + 250)
    wait_until(lambda: live_server.state()["signed_count"] == 1, message="a touch hold did not sign")
    assert page.locator("#statusline").filter(has_text="已签约").count() == 1


def test_confirm_by_keyboard_needs_a_hold_too(live_server, console):
    page = console
    page.focus("#btn-confirm")
    page.keyboard.press("Enter")
    page.wait_for_timeout(HOLD_MS + 300)
    assert live_server.state()["signed_count"] == 0
    page.keyboard.down("Enter")
    page.wait_for_timeout(HOLD_MS + 200)
    page.keyboard.up("Enter")
    wait_until(lambda: live_server.state()["signed_count"] == 1)


def test_a_double_tap_fires_once(live_server, console):
    page = console
    start = live_server.state()["seq"]
    page.dblclick("#btn-announce")
    wait_until(lambda: live_server.state()["seq"] == start + 1)
    page.wait_for_timeout(MIN_INTERVAL_MS)
    state = live_server.state()
    assert state["seq"] == start + 1 and state["last"]["action"] == "announce"
    assert state["projects"][0]["status"] == "announced"

    # Two holds back to back: the second falls inside the minimum interval and does nothing.
    settle(page)
    hold(page, "#btn-confirm", HOLD_MS + 100)
    hold(page, "#btn-confirm", HOLD_MS + 100)
    page.wait_for_timeout(MIN_INTERVAL_MS + 500)
    state = live_server.state()
    assert state["signed_count"] == 1 and state["seq"] == start + 2
    assert [p["id"] for p in state["projects"] if p["status"] == "signed"] == ["p1"]

    # A double tap on a screen button switches once.
    settle(page)
    page.dblclick('.scr[data-screen="roll"]')
    wait_until(lambda: live_server.state()["screen"] == "roll")
    page.wait_for_timeout(MIN_INTERVAL_MS)
    assert live_server.state()["seq"] == start + 3
    page.locator('.scr.is-current[data-screen="roll"]').wait_for()


def test_announce_and_confirm_are_disabled_with_a_reason_for_a_signed_project(live_server, console):
    page = console
    assert live_server.command("confirm", project_id="p2").status_code == 200
    row(page, "p2").locator(".chip.is-signed").wait_for()
    row(page, "p2").click()
    assert page.evaluate("() => window.KioskConsole.selection()") == "p2"
    assert page.locator("#btn-announce").is_disabled()
    assert page.locator("#btn-confirm").is_disabled()
    assert "不能再次宣布或签约" in page.locator("#reason-text").inner_text()
    # A signed project can be brought back to the wall.
    settle(page)
    page.locator('.scr[data-screen="title"]').click()
    wait_until(lambda: live_server.state()["screen"] == "title")
    settle(page)
    page.locator("#btn-reshow").click()
    wait_until(lambda: live_server.state()["screen"] == "spotlight")
    assert live_server.state()["spotlight_id"] == "p2"


# ---------------------------------------------------------------------------------------------------------
# Undo
# ---------------------------------------------------------------------------------------------------------


def test_undo_asks_first_and_cancel_changes_nothing(live_server, console):
    page = console
    assert live_server.command("confirm", project_id="p1").status_code == 200
    r = live_server.command("confirm", project_id="p2")
    seq = r.json()["state"]["seq"]
    page.wait_for_function(f"() => window.KioskConsole.state().seq === {seq}")
    settle(page)

    page.click("#btn-undo")
    dialog = page.locator("#undo-dialog")
    dialog.wait_for(state="visible")
    # It names the project it would take back: the most recent signing.
    assert f"撤销「{name_of(live_server, 'p2')}」的签约？" in dialog.locator("#undo-question").inner_text()
    # The safe choice has the focus: Enter means "don't".
    assert page.evaluate("() => document.activeElement.id") == "undo-cancel"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(MIN_INTERVAL_MS)
    state = live_server.state()
    assert state["seq"] == seq and state["signed_count"] == 2

    page.click("#btn-undo")
    dialog.wait_for(state="visible")
    page.click("#undo-cancel")
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert live_server.state()["seq"] == seq

    page.click("#btn-undo")
    dialog.wait_for(state="visible")
    page.click("#undo-ok")
    wait_until(lambda: live_server.state()["signed_count"] == 1)
    state = live_server.state()
    assert state["projects"][1]["status"] != "signed" and state["projects"][0]["status"] == "signed"
    page.locator("#statusline").filter(has_text=f"已撤销「{name_of(live_server, 'p2')}」的签约").wait_for()


# ---------------------------------------------------------------------------------------------------------
# Flaky network, stale state
# ---------------------------------------------------------------------------------------------------------


def test_a_command_sent_while_the_server_is_down_is_pending_then_applied_once(live_server, console):
    page = console
    start = live_server.state()["seq"]
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append((json.loads(r.post_data), r.headers.get("x-kiosk-device")))
            if r.url.endswith("/api/v1/commands")
            else None
        ),
    )
    live_server.stop()
    page.locator('body[data-conn="reconnecting"]').wait_for(timeout=15000)
    assert "连接中断" in page.locator("#conn").inner_text()

    hold(page, "#btn-confirm", HOLD_MS + 200)
    status = page.locator('#statusline[data-kind="pending"]')
    status.wait_for()
    assert "发送中" in status.inner_text()
    assert "发送中" in page.locator("#btn-confirm").inner_text()
    assert "发送中" in row(page, "p1").inner_text()
    page.wait_for_timeout(2500)
    # Not acknowledged, so not shown as done.
    assert row(page, "p1").locator(".chip").inner_text() == "待签约"
    assert page.evaluate("() => window.KioskConsole.pending().phase") in ("sending", "waiting")

    live_server.start()
    page.wait_for_function("() => window.KioskConsole.pending() === null", timeout=20000)
    state = live_server.state()
    assert state["seq"] == start + 1 and state["signed_count"] == 1
    assert state["projects"][0]["status"] == "signed"
    row(page, "p1").locator(".chip.is-signed").wait_for()
    page.locator('body[data-conn="live"]').wait_for(timeout=15000)

    assert len(sent) >= 2, "the console should have retried"
    assert len({body["command_id"] for body, _ in sent}) == 1, "every retry must reuse the command_id"
    body = sent[0][0]
    assert body["action"] == "confirm" and body["project_id"] == "p1" and body["expected_seq"] == start
    assert not body["command_id"].startswith("{") and len(body["command_id"]) >= 20
    assert sent[0][1] == "%E6%8E%A7%E5%88%B6%E5%8F%B0"  # 控制台, percent-encoded (headers are Latin-1)


def test_after_giving_up_retry_sends_the_same_command_once(live_server, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    # The console gives up after 30 s on a real stage; here after 2.
    context.add_init_script("window.KioskConsoleTuning = {giveUpMs: 2000, attemptTimeoutMs: 1000};")
    try:
        page = context.new_page()
        log_in(page, live_server.url)
        start = live_server.state()["seq"]
        ids = []

        def black_hole(route):
            ids.append(json.loads(route.request.post_data)["command_id"])
            route.abort("connectionreset")

        page.route("**/api/v1/commands", black_hole)
        page.click('.scr[data-screen="blank"]')
        failed = page.locator('#statusline[data-kind="failed"]')
        failed.wait_for(timeout=10000)
        assert "未收到服务器确认" in failed.inner_text() and "黑屏" in failed.inner_text()
        assert page.locator("#btn-retry").is_visible() and page.locator("#btn-abandon").is_visible()
        assert live_server.state()["seq"] == start
        # Other commands wait for the operator's decision.
        page.click('.scr[data-screen="roll"]')
        page.wait_for_timeout(300)
        assert len(set(ids)) == 1

        page.unroute("**/api/v1/commands")
        seen = []
        page.on(
            "request",
            lambda r: (
                seen.append(json.loads(r.post_data)["command_id"]) if r.url.endswith("/commands") else None
            ),
        )
        page.click("#btn-retry")
        wait_until(lambda: live_server.state()["screen"] == "blank")
        page.wait_for_function("() => window.KioskConsole.pending() === null")
        assert seen == [ids[0]]
        assert live_server.state()["seq"] == start + 1
        page.locator('.scr.is-current[data-screen="blank"]').wait_for()
    finally:
        context.close()


def test_a_stale_view_is_refused_with_a_clear_message(live_server, console):
    page = console
    start = live_server.state()["seq"]

    # Another desk signs project 1 just as this operator taps 宣布 on it (the console still shows the old seq).
    def race(route):
        live_server.command("confirm", project_id="p1")
        route.continue_()

    page.route("**/api/v1/commands", race)
    page.click("#btn-announce")
    page.locator("#statusline").filter(has_text="大屏状态已更新，请核对后再操作").wait_for()
    state = live_server.state()
    assert state["seq"] == start + 1 and state["last"]["action"] == "confirm"
    row(page, "p1").locator(".chip.is-signed").wait_for()


def test_a_rejected_command_shows_the_server_message(live_server, console):
    page = console
    start = live_server.state()["seq"]
    page.route(
        "**/api/v1/commands",
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body=json.dumps({"status": "error", "reason": "already_signed", "message": "「测试」已签约"}),
        ),
    )
    page.click("#btn-announce")
    page.locator('#statusline[data-kind="error"]').filter(has_text="「测试」已签约").wait_for()
    assert live_server.state()["seq"] == start


# ---------------------------------------------------------------------------------------------------------
# Big screens
# ---------------------------------------------------------------------------------------------------------


def test_the_big_screen_panel_shows_a_connected_display_as_current(live_server, console):
    page = console
    walls = page.locator("#walls")
    walls.filter(has_text="大屏未连接").wait_for()
    assert walls.get_attribute("data-worst") == "none"

    screen = BigScreen(live_server.url, "测试大屏")
    try:
        synced = page.locator(".wall.is-synced").filter(has_text="测试大屏")
        synced.wait_for()
        assert "已同步" in synced.inner_text()

        seq = live_server.command("announce", project_id="p1").json()["state"]["seq"]
        page.wait_for_function(f"() => window.KioskConsole.state().seq === {seq}")
        synced.wait_for()
        assert "已同步" in page.locator(".wall").filter(has_text="测试大屏").inner_text()
    finally:
        screen.close()
    walls.filter(has_text="大屏未连接").wait_for()


def test_a_big_screen_that_falls_behind_is_shown_in_amber(live_server, console):
    page = console
    screen = BigScreen(live_server.url, "侧屏", report=False)
    try:
        page.locator(".wall.is-behind").filter(has_text="侧屏").wait_for()
        assert page.locator("#walls").get_attribute("data-worst") == "behind"
    finally:
        screen.close()


# ---------------------------------------------------------------------------------------------------------
# Data is text
# ---------------------------------------------------------------------------------------------------------


def test_project_names_are_drawn_as_text(live_server, console, tmp_path):
    page = console
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = "<img src=x onerror=alert(1)>"
    header = (ROOT / "kiosk" / "data" / "sample_ceremony.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = header.split(",")
    values = {"序号": "8", "项目名称": evil, "签约企业": "<b>公司</b>", "投资额（亿元）": "1"}
    csv = tmp_path / "evil.csv"
    csv.write_text(header + "\n" + ",".join(values.get(c, "") for c in columns) + "\n", encoding="utf-8")
    env = {**os.environ, "KIOSK_DATA_DIR": str(live_server.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "import", str(csv)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    evil_row = page.locator(".row").filter(has_text=evil)
    evil_row.wait_for(timeout=15000)
    assert evil_row.locator(".row-name").inner_text() == evil
    assert evil_row.locator(".row-investor").inner_text() == "<b>公司</b>"
    assert page.locator("#rows img").count() == 0 and evil_row.locator(".row-investor b").count() == 0
    evil_row.click()
    assert page.locator("#target-name").inner_text() == evil
    page.wait_for_timeout(300)
    assert dialogs == []


def test_the_console_fits_the_tablet_without_scrolling(live_server, console):
    page = console
    for width, height in ((1024, 768), (1366, 768), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        over = page.evaluate(
            "() => [document.documentElement.scrollWidth - innerWidth,"
            " document.documentElement.scrollHeight - innerHeight]"
        )
        assert over[0] <= 0 and over[1] <= 0, (width, height, over)
        for selector in ("#btn-announce", "#btn-confirm", "#btn-undo", ".scr", ".row-btn", "#logout-btn"):
            box = page.locator(selector).first.bounding_box()
            assert box["height"] >= 48, (selector, box)


def test_a_lost_session_goes_back_to_the_pin_pad(live_server, console):
    page = console
    start = live_server.state()["seq"]
    page.context.clear_cookies()
    page.click("#btn-announce")
    page.wait_for_selector("#pinpad", timeout=10000)
    assert live_server.state()["seq"] == start


def test_logout_asks_and_returns_to_the_pin_pad(live_server, console):
    page = console
    page.click("#logout-btn")
    page.locator("#logout-dialog").wait_for(state="visible")
    page.keyboard.press("Enter")  # the safe default: stay
    page.locator("#logout-dialog").wait_for(state="hidden")
    assert page.locator("#rows").count() == 1
    page.click("#logout-btn")
    page.click('#logout-dialog button[value="logout"]')
    page.wait_for_selector("#pinpad")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    r = requests.get(live_server.url + "/api/v1/session", cookies=cookies, timeout=5)
    assert r.json()["operator"] is False


def test_sign_out_every_device_asks_and_signs_out_the_others_too(live_server, console, chromium):
    page = console
    other_context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        other = other_context.new_page()
        log_in(other, live_server.url)
        page.click("#device-btn")
        page.locator("#settings-dialog").wait_for(state="visible")
        page.click("#signout-all-btn")
        confirm = page.locator("#signout-confirm")
        confirm.wait_for(state="visible")
        assert "需要重新输入 PIN" in confirm.inner_text()
        page.click("#signout-cancel")  # the safe answer changes nothing
        confirm.wait_for(state="hidden")
        assert requests.get(live_server.url + "/api/v1/session", cookies=cookies_of(other), timeout=5).json()[
            "operator"
        ]

        page.click("#signout-all-btn")
        page.click("#signout-ok")
        page.wait_for_selector("#pinpad")
        for p in (page, other):
            r = requests.get(live_server.url + "/api/v1/session", cookies=cookies_of(p), timeout=5)
            assert r.json()["operator"] is False
        # The other tablet finds out by itself and goes back to its PIN pad.
        other.wait_for_selector("#pinpad", timeout=15000)
    finally:
        other_context.close()


def cookies_of(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_the_admin_pages_are_a_tap_away(live_server, console):
    page = console
    link = page.locator("#admin-link")
    assert link.inner_text() == "准备与报告"
    assert link.get_attribute("href") == "/admin"
    assert link.get_attribute("target") == "_blank"  # the console stays open underneath
    box = link.bounding_box()
    assert box["height"] >= 48
