"""The operators' console (/control) in real Chromium against a real server: what the operator sees.

Each test runs a server on a ceremony made for it (three projects), and the console's own time is
Playwright's clock: holds, rest periods and give-ups are stepped through with ``clock.run_for``, never
waited out.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from harness import (
    PIN,
    ProjectSpec,
    Recorder,
    commands_sent,
    console_seen,
    csv_bytes,
    hold,
    open_console,
    pair_page,
    pause_clock,
    projects,
    resize,
    run_kiosk,
    touch_hold,
    wait_until,
)

pytestmark = pytest.mark.browser


def venue_time(iso: str) -> str:
    """ "19:15": an instant the server recorded (in its own zone) on the venue's clock, the event's zone."""
    return f"{datetime.fromisoformat(iso).astimezone(ZoneInfo('Asia/Shanghai')):%H:%M}"


HOLD_MS = 800
MIN_INTERVAL_MS = 1500
SETTLE_MS = 1000


@pytest.fixture
def server(fresh_server):
    """The module's server with a fresh ceremony of three projects: 52, 30 and 5 亿元."""
    return fresh_server(projects("52", "30", "5"))


@pytest.fixture
def own_server(live_server_with):
    """The same ceremony on a server of the test's own: for the tests about the process (it goes down),
    its login throttle, or signing out every device."""
    return live_server_with(projects("52", "30", "5"))


@pytest.fixture
def console(server, chromium):
    """A logged-in console on a 1024x768 touch tablet, its clock paused."""
    page = open_console(chromium, server)
    pause_clock(page)
    yield page
    page.context.close()


def row(page, project_id: str):
    return page.locator(f'.row[data-id="{project_id}"]')


def rest(page) -> None:
    """Step over the console's rest period after a command (instead of waiting it out)."""
    page.wait_for_function("() => window.__kiosk?.console.pending() === null")
    page.clock.run_for(MIN_INTERVAL_MS + 50)
    page.wait_for_function("() => !document.body.classList.contains('is-cooling')")


def big_screen(server, name: str, report: bool = True, paired: bool = True) -> Recorder:
    """A big screen as the server sees one: a Socket.IO client that reports the seq it has drawn."""
    headers = server.screen_headers(name) if paired else {}
    return Recorder(server, {"role": "display", "name": name}, headers, seen=report)


# -- login --------------------------------------------------------------------------------------------------


def test_wrong_pin_shows_an_error_and_the_right_pin_opens_the_console(own_server, chromium):
    server = own_server
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server.url + "/control")
        assert page.locator(".login-title").inner_text() == "测试签约仪式"
        assert page.locator(".login-meta").inner_text() == "2026年6月21日 · 测试会场"
        for digit in "111111":
            page.click(f'.key[data-key="{digit}"]')
        assert page.locator(".pin-dot.is-filled").count() == 6
        page.click('.key[data-key="ok"]')
        page.locator("#login-message").filter(has_text="PIN 不正确").wait_for()
        assert page.locator(".pin-dot.is-filled").count() == 0
        assert page.url.endswith("/control") and page.locator("#rows").count() == 0

        # The keyboard works too: digits and Enter.
        page.keyboard.type(PIN)
        page.keyboard.press("Enter")
        page.wait_for_selector("#rows .row")
        assert page.locator("#rows .row").count() == 3
        assert page.locator("#event-title").inner_text() == "测试签约仪式"
        page.locator('body[data-conn="live"]').wait_for()
        assert "在线" in page.locator("#conn").inner_text()
    finally:
        context.close()


def test_throttled_login_counts_down(own_server, chromium):
    server = own_server
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        page.goto(server.url + "/control")
        # Five free tries, then the server makes this client wait 1 s, 2 s, 4 s...: a try that a loaded
        # machine sends after the first second is simply wrong again, and the next one waits longer.
        for _ in range(10):
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


# -- confirm: hold, not tap -----------------------------------------------------------------------------------


def test_holding_confirm_signs_the_selected_project_and_a_short_tap_does_not(server, console):
    page, first = console, server.made_ids[0]
    sent = commands_sent(page)
    start = server.state()["seq"]
    assert page.evaluate("() => window.__kiosk?.console.selection()") == first
    assert "is-selected" in row(page, first).get_attribute("class")

    page.click("#btn-confirm")  # a tap: too short
    page.locator("#statusline").filter(has_text="松开过早").wait_for()
    page.clock.run_for(HOLD_MS * 2)  # and nothing fires later either
    assert sent == [] and server.state()["seq"] == start
    assert row(page, first).locator(".chip").inner_text() == "待签约"

    hold(page, "#btn-confirm", HOLD_MS - 300)  # released early
    page.clock.run_for(HOLD_MS)
    assert sent == [] and server.state()["signed_count"] == 0

    hold(page, "#btn-confirm", HOLD_MS + 10)
    row(page, first).locator(".chip.is-signed").wait_for()
    state = server.state()
    assert state["projects"][0]["status"] == "signed" and state["seq"] == start + 1
    assert [(b["action"], b["project_id"], b["expected_seq"]) for b in sent] == [("confirm", first, start)]
    page.locator("#statusline").filter(has_text="已签约「测试项目一」").wait_for()
    # The row says what the server wrote: the amount, the status and the venue's time of the signing.
    assert row(page, first).locator(".row-amount-num").inner_text() == "52"
    assert row(page, first).locator(".row-amount-unit").inner_text() == "亿元"
    assert row(page, first).locator(".row-time").inner_text() == venue_time(state["projects"][0]["signed_at"])
    # The selection follows the running order to the next project.
    page.wait_for_function("id => window.__kiosk?.console.selection() === id", arg=server.made_ids[1])


def test_confirm_by_touch_needs_a_hold(server, console):
    page = console
    sent = commands_sent(page)
    touch_hold(page, "#btn-confirm", 150)
    page.clock.run_for(HOLD_MS * 2)
    assert sent == [] and server.state()["signed_count"] == 0
    touch_hold(page, "#btn-confirm", HOLD_MS + 10)
    page.locator("#statusline").filter(has_text="已签约").wait_for()
    assert server.state()["signed_count"] == 1 and len(sent) == 1


def test_confirm_by_keyboard_needs_a_hold_too(server, console):
    page = console
    sent = commands_sent(page)
    page.focus("#btn-confirm")
    page.keyboard.press("Enter")
    page.clock.run_for(HOLD_MS * 2)
    assert sent == [] and server.state()["signed_count"] == 0
    page.keyboard.down("Enter")
    page.clock.run_for(HOLD_MS + 10)
    page.keyboard.up("Enter")
    page.locator("#statusline").filter(has_text="已签约").wait_for()
    assert server.state()["signed_count"] == 1


def test_a_double_tap_fires_once(server, console):
    page = console
    sent = commands_sent(page)
    start = server.state()["seq"]
    page.dblclick("#btn-announce")
    console_seen(page, start + 1)
    state = server.state()
    assert state["seq"] == start + 1 and state["last"]["action"] == "announce" and len(sent) == 1
    assert state["projects"][0]["status"] == "announced"

    # Two holds back to back: the second falls inside the rest period and does nothing.
    rest(page)
    hold(page, "#btn-confirm", HOLD_MS + 10)
    hold(page, "#btn-confirm", HOLD_MS + 10)
    console_seen(page, start + 2)
    page.wait_for_function("() => window.__kiosk?.console.pending() === null")
    state = server.state()
    assert state["signed_count"] == 1 and state["seq"] == start + 2 and len(sent) == 2
    assert [p["id"] for p in state["projects"] if p["status"] == "signed"] == [server.made_ids[0]]

    # A double tap on a screen button switches once.
    rest(page)
    page.dblclick('.scr[data-screen="roll"]')
    page.locator('.scr.is-current[data-screen="roll"]').wait_for()
    rest(page)
    assert server.state()["seq"] == start + 3 and len(sent) == 3


def test_announce_and_confirm_are_disabled_with_a_reason_for_a_signed_project(server, console):
    page, second = console, server.made_ids[1]
    assert server.command("confirm", project_id=second).status_code == 200
    row(page, second).locator(".chip.is-signed").wait_for()
    page.clock.run_for(SETTLE_MS + 50)  # the target moved under the finger: the buttons rest a moment
    row(page, second).click()
    assert page.evaluate("() => window.__kiosk?.console.selection()") == second
    assert page.locator("#btn-announce").is_disabled()
    assert page.locator("#btn-confirm").is_disabled()
    signed_at = venue_time(server.state()["projects"][1]["signed_at"])
    assert (
        page.locator("#reason-text").inner_text()
        == f"「测试项目二」已于 {signed_at} 签约，不能再次宣布或签约"
    )
    # A signed project can be brought back to the wall.
    page.locator('.scr[data-screen="title"]').click()
    page.locator('.scr.is-current[data-screen="title"]').wait_for()
    rest(page)
    page.locator("#btn-reshow").click()
    wait_until(lambda: server.state()["screen"] == "spotlight")
    assert server.state()["spotlight_id"] == second


# -- undo ---------------------------------------------------------------------------------------------------


def test_undo_asks_first_and_cancel_changes_nothing(server, console):
    page = console
    first, second = server.made_ids[:2]
    sent = commands_sent(page)
    assert server.command("confirm", project_id=first).status_code == 200
    seq = server.command("confirm", project_id=second).json()["state"]["seq"]
    console_seen(page, seq)
    page.clock.run_for(SETTLE_MS + 50)

    page.click("#btn-undo")
    dialog = page.locator("#undo-dialog")
    dialog.wait_for(state="visible")
    # It names the project it would take back (the most recent signing) and what the total becomes.
    assert dialog.locator("#undo-question").inner_text() == "撤销「测试项目二」的签约？"
    assert dialog.locator("#undo-question strong").inner_text() == "测试项目二"
    signed_at = venue_time(server.state()["projects"][1]["signed_at"])
    facts = f"{signed_at} 签约 · 30亿元。撤销后累计：82亿元 → 52亿元（1个项目）"
    assert dialog.locator("#undo-facts").inner_text() == facts
    # The safe choice has the focus: Enter means "don't".
    assert page.evaluate("() => document.activeElement.id") == "undo-cancel"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    page.clock.run_for(MIN_INTERVAL_MS)
    assert sent == [] and server.state()["seq"] == seq

    page.click("#btn-undo")
    dialog.wait_for(state="visible")
    page.click("#undo-cancel")
    dialog.wait_for(state="hidden")
    assert sent == [] and server.state()["seq"] == seq

    page.click("#btn-undo")
    dialog.wait_for(state="visible")
    page.click("#undo-ok")
    page.locator("#statusline").filter(has_text="已撤销「测试项目二」的签约").wait_for()
    state = server.state()
    assert state["signed_count"] == 1
    assert state["projects"][1]["status"] != "signed" and state["projects"][0]["status"] == "signed"
    assert [(b["action"], b["expected_seq"]) for b in sent] == [("undo", seq)]


# -- flaky network, stale state ---------------------------------------------------------------------------


def test_a_command_sent_while_the_server_is_down_is_pending_then_applied_once(own_server, chromium):
    server = own_server
    page = open_console(chromium, server)  # the clock runs: reconnecting is real time here
    try:
        first = server.made_ids[0]
        start = server.state()["seq"]
        sent = []
        page.on(
            "request",
            lambda r: (
                sent.append((json.loads(r.post_data), r.headers.get("x-kiosk-device")))
                if r.url.endswith("/api/v1/commands")
                else None
            ),
        )
        server.stop()
        page.locator('body[data-conn="reconnecting"]').wait_for(timeout=15000)
        assert "连接中断" in page.locator("#conn").inner_text()
        pause_clock(page)

        hold(page, "#btn-confirm", HOLD_MS + 10)
        status = page.locator('#statusline[data-kind="pending"]')
        status.wait_for()
        assert "发送中" in status.inner_text()
        assert "发送中" in page.locator("#btn-confirm").inner_text()
        assert "发送中" in row(page, first).inner_text()
        # Through three attempts (each cut short, then the back-off), all with the same id ...
        for _ in range(3):
            page.clock.run_for(4000 + 800)
        wait_until(lambda: len(sent) >= 2, message="the console should have retried")
        # ... and not acknowledged, so not shown as done.
        assert row(page, first).locator(".chip").inner_text() == "待签约"
        assert page.evaluate("() => window.__kiosk?.console.pending().phase") in ("sending", "waiting")

        server.start()
        page.clock.resume()
        page.wait_for_function("() => window.__kiosk?.console.pending() === null", timeout=20000)
        state = server.state()
        assert state["seq"] == start + 1 and state["signed_count"] == 1
        assert state["projects"][0]["status"] == "signed"
        row(page, first).locator(".chip.is-signed").wait_for()
        page.locator('body[data-conn="live"]').wait_for(timeout=15000)

        assert len({body["command_id"] for body, _ in sent}) == 1, "every retry must reuse the command_id"
        body = sent[0][0]
        assert body["action"] == "confirm" and body["project_id"] == first and body["expected_seq"] == start
        assert not body["command_id"].startswith("{") and len(body["command_id"]) >= 20
        assert sent[0][1] == "%E6%8E%A7%E5%88%B6%E5%8F%B0"  # the device's name, percent-encoded (Latin-1)
    finally:
        page.context.close()


def test_after_giving_up_retry_sends_the_same_command_once(server, console):
    page = console
    start = server.state()["seq"]
    ids = []

    def black_hole(route):
        ids.append(json.loads(route.request.post_data)["command_id"])
        route.abort("connectionreset")

    page.route("**/api/v1/commands", black_hole)
    page.click('.scr[data-screen="blank"]')
    page.click('.scr[data-screen="blank"]')  # 黑屏 asks for a second tap
    # Thirty seconds of the console's time: every try fails at once, the back-off grows, then it asks.
    for _ in range(12):
        page.clock.run_for(3000)
    failed = page.locator('#statusline[data-kind="failed"]')
    failed.wait_for()
    assert "未收到服务器确认" in failed.inner_text() and "黑屏" in failed.inner_text()
    assert page.locator("#btn-retry").is_visible() and page.locator("#btn-abandon").is_visible()
    assert server.state()["seq"] == start and len(ids) > 3 and len(set(ids)) == 1
    # Other commands wait for the operator's decision.
    page.click('.scr[data-screen="roll"]')
    page.clock.run_for(500)
    assert len(set(ids)) == 1

    page.unroute("**/api/v1/commands")
    seen = commands_sent(page)
    page.click("#btn-retry")
    page.locator('.scr.is-current[data-screen="blank"]').wait_for()
    page.wait_for_function("() => window.__kiosk?.console.pending() === null")
    assert [b["command_id"] for b in seen] == [ids[0]]
    assert server.state()["seq"] == start + 1 and server.state()["screen"] == "blank"


def test_a_stale_view_is_refused_with_a_clear_message(server, console):
    page, first = console, server.made_ids[0]
    start = server.state()["seq"]

    # Another desk signs project 1 just as this operator taps Announce on it (the console still shows the old seq).
    def race(route):
        server.command("confirm", project_id=first)
        route.continue_()

    page.route("**/api/v1/commands", race)
    page.click("#btn-announce")
    page.locator("#statusline").filter(has_text="大屏状态已更新，请核对后再操作").wait_for()
    state = server.state()
    assert state["seq"] == start + 1 and state["last"]["action"] == "confirm"
    row(page, first).locator(".chip.is-signed").wait_for()


def test_a_rejected_command_shows_the_server_message(server, console):
    page = console
    start = server.state()["seq"]
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
    assert server.state()["seq"] == start


# -- big screens ------------------------------------------------------------------------------------------


def test_the_big_screen_panel_shows_a_connected_display_as_current(server, console):
    page = console
    walls = page.locator("#walls")
    walls.filter(has_text="大屏未连接").wait_for()
    assert walls.get_attribute("data-worst") == "none"

    screen = big_screen(server, "测试大屏")
    try:
        synced = page.locator(".wall.is-synced").filter(has_text="测试大屏")
        synced.wait_for()
        assert "已同步" in synced.inner_text()

        seq = server.command("announce", project_id=server.made_ids[0]).json()["state"]["seq"]
        console_seen(page, seq)
        synced.wait_for()
        assert "已同步" in page.locator(".wall").filter(has_text="测试大屏").inner_text()
    finally:
        screen.close()
    walls.filter(has_text="大屏未连接").wait_for()


def test_a_big_screen_that_falls_behind_is_shown_in_amber(server, console):
    page = console
    screen = big_screen(server, "侧屏", report=False)
    try:
        page.locator(".wall.is-behind").filter(has_text="侧屏").wait_for()
        assert page.locator("#walls").get_attribute("data-worst") == "behind"
    finally:
        screen.close()


# -- data is text -----------------------------------------------------------------------------------------


def test_project_names_are_drawn_as_text(server, console, tmp_path):
    page = console
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = "<img src=x onerror=alert(1)>"
    file = tmp_path / "evil.csv"
    file.write_bytes(csv_bytes([ProjectSpec(name=evil, investor="<b>公司</b>", amount_yi="1")]))
    done = run_kiosk(server.data_dir, "import", str(file))
    assert done.returncode == 0, done.stderr
    evil_row = page.locator(".row").filter(has_text=evil)
    evil_row.wait_for(timeout=15000)
    assert evil_row.locator(".row-name").inner_text() == evil
    assert evil_row.locator(".row-investor").inner_text() == "<b>公司</b>"
    assert page.locator("#rows img").count() == 0 and evil_row.locator(".row-investor b").count() == 0
    page.clock.run_for(SETTLE_MS + 50)
    evil_row.click()
    assert page.locator("#target-name").inner_text() == evil
    assert dialogs == []


def test_the_console_fits_the_tablet_without_scrolling(server, chromium):
    page = open_console(chromium, server, monitors=True)  # the monitors on: the fullest side
    pause_clock(page)
    for width, height in ((1024, 768), (1366, 768), (1280, 800)):
        resize(page, width, height)
        over = page.evaluate(
            "() => [document.documentElement.scrollWidth - innerWidth,"
            " document.documentElement.scrollHeight - innerHeight]"
        )
        assert over[0] <= 0 and over[1] <= 0, (width, height, over)
        for selector in ("#btn-announce", "#btn-confirm", "#btn-undo", ".scr", ".row-btn", "#logout-btn"):
            box = page.locator(selector).first.bounding_box()
            assert box["height"] >= 48, (selector, box)
    page.context.close()


def test_a_lost_session_goes_back_to_the_pin_pad(server, console):
    page = console
    start = server.state()["seq"]
    page.context.clear_cookies()
    page.click("#btn-announce")
    # (a POST that met a keep-alive connection the server had just closed is retried after a backoff: the
    # page's clock moves on in small steps until the answer is there, never far enough to reload the page)
    said = page.locator("#statusline").filter(has_text="登录已失效")
    for _ in range(20):
        if said.count():
            break
        page.wait_for_timeout(200)
        page.clock.run_for(400)
    said.wait_for()
    page.clock.run_for(1300)
    page.wait_for_selector("#pinpad", timeout=10000)
    assert server.state()["seq"] == start


def test_logout_asks_and_returns_to_the_pin_pad(server, console):
    page = console
    page.click("#logout-btn")
    page.locator("#logout-dialog").wait_for(state="visible")
    page.keyboard.press("Enter")  # the safe default: stay
    page.locator("#logout-dialog").wait_for(state="hidden")
    assert page.locator("#rows").count() == 1
    page.click("#logout-btn")
    page.click('#logout-dialog button[value="logout"]')
    page.wait_for_selector("#pinpad")
    r = requests.get(server.url + "/api/v1/session", cookies=cookies_of(page), timeout=5)
    assert r.json()["operator"] is False


def test_sign_out_every_device_asks_and_signs_out_the_others_too(own_server, chromium):
    server = own_server
    page = open_console(chromium, server)
    pause_clock(page)
    other = open_console(chromium, server)
    try:
        page.click("#device-btn")
        page.locator("#settings-dialog").wait_for(state="visible")
        page.click("#signout-all-btn")
        confirm = page.locator("#signout-confirm")
        confirm.wait_for(state="visible")
        assert "需要重新输入 PIN" in confirm.inner_text()
        page.click("#signout-cancel")  # the safe answer changes nothing
        confirm.wait_for(state="hidden")
        assert requests.get(server.url + "/api/v1/session", cookies=cookies_of(other), timeout=5).json()[
            "operator"
        ]

        page.click("#signout-all-btn")
        page.click("#signout-ok")
        page.wait_for_selector("#pinpad")
        for p in (page, other):
            r = requests.get(server.url + "/api/v1/session", cookies=cookies_of(p), timeout=5)
            assert r.json()["operator"] is False
        # The other tablet finds out by itself and goes back to its PIN pad.
        other.wait_for_selector("#pinpad", timeout=15000)
    finally:
        other.context.close()
        page.context.close()


def cookies_of(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_the_admin_pages_are_a_tap_away(server, console):
    link = console.locator("#admin-link")
    assert link.inner_text() == "准备与报告"
    assert link.get_attribute("href") == "/admin"
    assert link.get_attribute("target") == "_blank"  # the console stays open underneath
    assert link.bounding_box()["height"] >= 48


def test_a_wall_back_from_a_wifi_blip_is_green_again_without_a_command(server, console, chromium):
    """Before: after a screen reconnected, the console showed it "等待回报" until the next command (40 s and
    more), although it was current: the same-seq view it got on reconnecting was dropped unreported."""
    context = chromium.new_context(viewport={"width": 960, "height": 540})
    wall = context.new_page()
    try:
        pair_page(wall, server, "主屏")
        synced = console.locator(".wall.is-synced").filter(has_text="主屏")
        synced.wait_for()
        first = synced.get_attribute("data-id")
        context.set_offline(True)
        wall.wait_for_function("() => document.getElementById('conn-dot').classList.contains('on')")
        context.set_offline(False)
        # the wall's new connection replaces its old entry, and is green as soon as it has reported
        back = console.locator(f".wall:not([data-id='{first}'])").filter(has_text="主屏")
        back.wait_for()
        console.locator(f".wall.is-synced:not([data-id='{first}'])").filter(has_text="主屏").wait_for(
            timeout=5_000
        )
        assert console.locator(".wall").filter(has_text="主屏").count() == 1
        assert server.state()["seq"] == console.evaluate("window.__kiosk?.console.state().seq")
    finally:
        context.close()


def test_every_paired_wall_gets_its_own_light(server, console):
    """Before: only two walls had a status; a third collapsed into a grey "另 1 块", even when it lagged."""
    screens = [big_screen(server, name) for name in ("主屏", "左侧屏", "右侧屏")]
    screens.append(big_screen(server, "大厅屏", report=False))
    try:
        for name in ("主屏", "左侧屏", "右侧屏"):
            console.locator(".wall.is-synced").filter(has_text=name).wait_for()
        console.locator(".wall.is-behind").filter(has_text="大厅屏").wait_for()
        assert console.locator("#walls .wall").count() == 4
        assert console.locator("#walls").get_attribute("data-worst") == "behind"
        box = console.locator("#walls").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 110
    finally:
        for screen in screens:
            screen.close()


def test_one_tap_does_not_black_out_the_wall(server, console):
    """Before: 黑屏 sat beside 总结 and one tap blacked out the wall in front of the guests."""
    page = console
    start = server.state()["seq"]
    blank = page.locator('.scr[data-screen="blank"]')
    blank.click()
    assert blank.inner_text() == "再点一次：黑屏" and "is-armed" in blank.get_attribute("class")
    page.clock.run_for(4100)  # the question lapses by itself
    assert blank.inner_text() == "黑屏" and server.state()["seq"] == start
    finale = page.locator('.scr[data-screen="finale"]')
    finale.click()
    blank.click()  # another guarded button: asks again, nothing sent
    assert finale.inner_text() == "总结" and blank.inner_text() == "再点一次：黑屏"
    assert server.state()["seq"] == start
    blank.click()
    page.locator('.scr.is-current[data-screen="blank"]').wait_for()
    assert server.state()["screen"] == "blank" and server.state()["seq"] == start + 1
    # the way back is one tap, as always
    rest(page)
    page.click('.scr[data-screen="title"]')
    page.locator('.scr.is-current[data-screen="title"]').wait_for()


def test_confirm_says_when_no_wall_would_show_the_signing(server, console):
    """Before: Confirm stayed fully armed, saying nothing, while the console said "大屏未连接"."""
    sub = console.locator("#btn-confirm .cmd-sub")
    assert sub.inner_text() == "⚠ 大屏未就绪 · 签约仍会记录"
    assert "is-unseen" in console.locator("#btn-confirm").get_attribute("class")
    assert console.locator("#btn-confirm").is_enabled()  # the record matters more than the picture
    screen = big_screen(server, "主屏")
    try:
        console.locator(".wall.is-synced").filter(has_text="主屏").wait_for()
        console.locator("#btn-confirm:not(.is-unseen)").wait_for()
        assert sub.inner_text() == "按住 0.8 秒"
    finally:
        screen.close()
    console.locator("#btn-confirm.is-unseen").wait_for()


def test_every_console_shows_the_latest_change_whoever_made_it(server, console):
    """Before: a console's status line went on showing its own last command after another console (or the
    AV desk) had made a later one."""
    page = console
    page.click("#btn-announce")
    page.locator("#statusline").filter(has_text="已宣布「测试项目一」").wait_for()
    assert server.command("confirm", project_id=server.made_ids[0]).status_code == 200
    line = page.locator("#statusline")
    line.filter(has_text="已签约「测试项目一」（KIOSK_API_TOKEN 127.0.0.1）").wait_for()
    assert line.get_attribute("data-kind") == "info"
    # its own next command is what it says again
    rest(page)
    page.click('.scr[data-screen="roll"]')
    line.filter(has_text="大屏已切换到「签约名单」").wait_for()
    assert "KIOSK_API_TOKEN" not in line.inner_text()


def test_a_toast_never_covers_a_warning(fresh_server, chromium):
    """Before: a toast came down over the warning banners under the header."""
    page = open_console(chromium, fresh_server())  # the sample: a QR warning and a stand-in warning
    try:
        page.locator("#data-warning:not([hidden])").wait_for()
        page.locator("#qr-warning:not([hidden])").wait_for()
        page.click("#btn-announce")
        toast = page.locator(".toast").first
        toast.wait_for()
        box = toast.bounding_box()
        for banner in ("#qr-warning", "#data-warning"):
            b = page.locator(banner).bounding_box()
            assert box["y"] >= b["y"] + b["height"], (banner, box, b)
    finally:
        page.context.close()


FIT_SIZES = [(1024, 768), (768, 1024), (1366, 768)]

CLIPPED = """(rows) => {
    const out = [];
    const inside = (r, c) => r.top >= c.top - 1 && r.bottom <= c.bottom + 1 && r.left >= c.left - 1 && r.right <= c.right + 1;
    for (const sel of ['#target-reason', '#reason-text', '.cmd-label', '.cmd-sub', '#onair-screen', '#onair-note',
                       '#standby-name', '.monitor-label', '.monitor-frame', '#target-name', '#btn-card']) {
        for (const node of document.querySelectorAll('.side ' + sel)) {
            if (!node.getClientRects().length) continue;
            const card = node.closest('.card, .cmd');
            if (card && card !== node && !inside(node.getBoundingClientRect(), card.getBoundingClientRect())) out.push(sel);
        }
    }
    const side = document.querySelector('.side').getBoundingClientRect();
    for (const card of document.querySelectorAll('.side > .card, .side > .cmd')) {
        if (!card.getClientRects().length) continue;  // (the standby line gives way to GO with an agenda)
        if (!inside(card.getBoundingClientRect(), side)) out.push(card.id || card.className);
    }
    // With an agenda, GO (its line names the standby) and the running cue are whole; the running order
    // scrolls below them.
    for (const sel of ['#gocard', '.cue[data-place="current"]']) {
        const node = document.querySelector(sel);
        if (!node || !node.getClientRects().length) continue;
        const box = node.closest('.cues') || document.querySelector('.left');
        if (!inside(node.getBoundingClientRect(), box.getBoundingClientRect())) out.push(sel);
    }
    if (rows && innerWidth > 900 && !document.body.classList.contains('has-cues')) {
        const list = document.getElementById('rows').getBoundingClientRect();
        document.querySelectorAll('#rows .row').forEach((row, i) => {
            if (!inside(row.getBoundingClientRect(), list)) out.push('row ' + (i + 1));
        });
    }
    return out;
}"""


@pytest.mark.parametrize("venue", ["lan", "localhost"])
def test_no_row_or_hint_is_cut_off_on_a_tablet_or_a_laptop(live_server_with, fresh_server, chromium, venue):
    """Before: at 1024x768 the running order's 7th row was half cut off and the rehearsal hint was
    clipped under the target card's edge. The sample (7 projects, with its stand-in warning), in a live
    run and in a rehearsal, announced so the hint is at its longest. On a LAN address every row is whole
    (landscape; upright the list scrolls under the controls); with the QR codes on localhost a second
    warning takes a row's height, and then the controls still are whole while the list scrolls."""
    if venue == "lan":  # the environment names the address: a server of its own
        server = live_server_with(env={"KIOSK_PUBLIC_URL": "http://192.168.1.20:5000"})
    else:
        server = fresh_server()
    page = open_console(chromium, server, monitors=True)  # the monitors on: the fullest side
    try:
        page.locator("#data-warning:not([hidden])").wait_for()
        first = min(server.state()["projects"], key=lambda p: p["order"])["id"]
        for mode in ("live", "rehearsal"):
            if mode == "rehearsal":
                r = requests.post(
                    server.url + "/api/v1/run",
                    json={"mode": "rehearsal", "confirm": True},
                    headers={"Authorization": f"Bearer {server.api_token}"},
                    timeout=10,
                )
                assert r.status_code == 200, r.text
                page.locator("#rehearsal-band:not([hidden])").wait_for()
            seq = server.command("announce", project_id=first).json()["seq"]
            console_seen(page, seq)
            for width, height in FIT_SIZES:
                resize(page, width, height)
                assert page.evaluate(CLIPPED, venue == "lan") == [], (mode, width, height)
    finally:
        page.context.close()


def test_a_refusal_goes_once_the_state_that_caused_it_has_changed(server, console):
    """With every pad submitted the console still said "未执行：还有签约代表未提交签名（…）": a refusal is
    about the ceremony as it stood when the server refused, so the status line stops saying it once the
    ceremony has moved on, and says what moved it instead."""
    import uuid

    page, first = console, server.made_ids[0]
    web = server.editor()
    made = web.post(server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10)
    assert made.status_code == 200, made.text
    rules = {"signatures_required": True, "sign_on_submit": False}
    assert web.put(server.url + "/api/v1/certificate", json=rules, timeout=10).status_code == 200
    ours = [p for p in web.get(server.url + "/api/v1/pads", timeout=10).json() if p["project_id"] == first]
    assert len(ours) == 2
    pads = []
    for p in ours:
        cookies = dict(requests.get(p["url"], timeout=10).cookies)
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        pads.append(Recorder(server, {"role": "pad", "pad": p["url"].rsplit("/", 1)[1]}, {"Cookie": cookie}))
    try:
        console_seen(page, server.command("announce", project_id=first).json()["seq"])
        page.clock.run_for(MIN_INTERVAL_MS + 100)
        hold(page, "#btn-confirm", HOLD_MS + 10)
        status = page.locator("#statusline")
        status.filter(has_text="未执行：还有签约代表未提交签名").wait_for()
        for n, pad in enumerate(pads):
            sig = "sig" + uuid.uuid4().hex[:16]
            assert pad.call("attempt", {"signature_id": sig, "width": 800, "height": 320}) == {"ok": True}
            for b in (1, 2, 3):
                points = [[b - 1, 200 + 40 * i, 120 + 30 * (i % 3), 0.5, 20 * i] for i in range(12)]
                assert pad.call("ink", {"signature_id": sig, "batch": b, "points": points})["ok"]
            done = pad.call("submit", {"signature_id": sig, "batches": 3, "command_id": f"submit-{n}"})
            assert done.get("ok"), done
        console_seen(page, server.state(operator=True)["seq"])
        status.filter(has_text="已提交签名").wait_for()
        assert "未执行" not in status.inner_text()
        assert server.state()["signed_count"] == 0  # nothing was signed behind the operator's back
    finally:
        for pad in pads:
            pad.close()
