"""Roles, devices and pairing as people use them, in real Chromium against a live server: the wall PC
waiting with its code, the operator approving it, the stage manager's read-only tablet, and a lost tablet
signed out from another one."""

from __future__ import annotations

import pytest
from harness import OPERATOR_PIN, VIEWER_PIN, log_in, projects, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def server(fresh_server):
    return fresh_server(projects("10", "20", "30"))


def tablet(chromium, server, pin):
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    log_in(page, server.url, "/control", pin=pin)
    page.wait_for_selector('body[data-conn="live"]')
    return context, page


def test_an_operator_pairs_the_wall_by_the_code_it_shows(server, chromium):
    wall_context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    wall = wall_context.new_page()
    console_context, console = tablet(chromium, server, OPERATOR_PIN)
    try:
        wall.goto(server.url + "/display?name=主屏")
        badge = wall.locator("#pair-badge")
        badge.wait_for()
        code = wall.locator("#pair-code").inner_text()
        assert len(code) == 4 and code.isdigit()
        # not a wall yet: the console's header does not count it
        assert console.locator(".wall").filter(has_text="主屏").count() == 0

        console.click("#devices-btn")
        waiting = console.locator(f'#dev-waiting .dev-row[data-code="{code}"]')
        waiting.wait_for()
        assert "主屏" in waiting.inner_text()
        waiting.locator(".dev-pair").click()

        # the wall opens its one-time link by itself, comes back paired, and the code is gone
        wall.wait_for_url("**/display")
        wall.wait_for_function("() => window.__kiosk?.display && window.__kiosk?.display.seq >= 0")
        wall.locator("#pair-badge[hidden]").wait_for(state="attached")
        assert "kiosk_screen" in {c["name"] for c in wall_context.cookies()}
        console.locator(".wall.is-synced").filter(has_text="主屏").wait_for()
        console.locator('#dev-list .dev-row[data-kind="screen"]').filter(has_text="主屏").wait_for()
        assert console.locator("#dev-waiting-box").is_hidden()
    finally:
        console_context.close()
        wall_context.close()


def test_the_stage_managers_tablet_sees_everything_and_presses_nothing(server, chromium):
    context, page = tablet(chromium, server, VIEWER_PIN)
    try:
        assert page.locator("#role-band").inner_text() == "只读 · 查看者：可以看到一切，不能操作"
        for hidden in ("#btn-announce", "#btn-confirm", "#btn-undo", ".scr[data-screen='blank']"):
            assert page.locator(hidden).is_hidden(), hidden
        assert page.locator("#admin-link").count() == 0
        # the running order with its figures, as the operator sees it
        assert "10亿元" in page.locator("#rows").inner_text().replace("\n", "")
        # a keyboard or a stray script still cannot act: the server refuses a viewer's command
        answer = page.evaluate(
            """() => fetch('/api/v1/commands', {method: 'POST', headers: {'Content-Type': 'application/json',
                 'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
                 body: JSON.stringify({command_id: 'viewer-1', action: 'show', screen: 'blank'})})
               .then(r => r.json())"""
        )
        assert answer["reason"] == "forbidden" and "操作员" in answer["message"]
        assert server.state()["screen"] == "title"
        page.click("#devices-btn")
        page.locator("#dev-list .dev-row").first.wait_for()
        assert page.locator("#dev-list .dev-out").count() == 0
    finally:
        context.close()


def test_a_lost_tablet_is_signed_out_from_another(server, chromium):
    lost_context, lost = tablet(chromium, server, OPERATOR_PIN)
    mine_context, mine = tablet(chromium, server, OPERATOR_PIN)
    try:
        mine.click("#devices-btn")
        rows = mine.locator("#dev-list .dev-row[data-kind='session']")
        wait_until(lambda: rows.count() >= 2, message="both tablets listed")
        other = mine.locator("#dev-list .dev-row[data-kind='session']:not(.is-me)").first
        button = other.locator(".dev-out")
        button.click()
        assert button.inner_text() == "再点一次确认"
        button.click()
        # the lost tablet is back at the PIN pad; this one carries on
        lost.locator("#pinpad").wait_for(timeout=15_000)
        assert mine.locator("body[data-conn='live']").count() == 1
        assert "退出" in mine.locator(".toast").last.inner_text()
    finally:
        lost_context.close()
        mine_context.close()
