"""The whole morning, as the room sees it: the console in one Chromium window signs the seven sample projects,
and the big screen in another shows each one and ends on the finale at 206 亿元 with the article's tiers."""

from __future__ import annotations

import pytest
from conftest import PIN

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOLD_MS = 1000


def hold(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(HOLD_MS)
    page.mouse.up()


def test_seven_signings_from_the_console_reach_the_big_screen(live_server, chromium):
    wall = chromium.new_page(viewport={"width": 1920, "height": 1080})
    wall.goto(live_server.url + "/display?name=主屏")
    wall.wait_for_function("() => window.__display && window.__display.seq > 0")

    tablet_context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    tablet = tablet_context.new_page()
    tablet.goto(live_server.url + "/control")
    for digit in PIN:
        tablet.click(f'.key[data-key="{digit}"]')
    tablet.click('.key[data-key="ok"]')
    tablet.wait_for_selector('body[data-conn="live"]')
    # the console sees the wall, and the wall is current
    tablet.locator("text=主屏").first.wait_for()

    try:
        projects = sorted(live_server.state()["projects"], key=lambda p: p["order"])
        for count, project in enumerate(projects, start=1):
            tablet.click(f'.row[data-id="{project["id"]}"]')
            tablet.wait_for_function("id => window.KioskConsole.selection() === id", arg=project["id"])
            tablet.wait_for_function("() => !document.body.classList.contains('is-cooling')")
            hold(tablet, "#btn-confirm")
            tablet.wait_for_function(
                "id => { const s = window.KioskConsole.state(); return s.projects.some(p => p.id === id && "
                "p.status === 'signed'); }",
                arg=project["id"],
            )
            state = live_server.state()
            assert state["signed_count"] == count
            # the wall celebrates this project, and its total settles on the exact figure
            wall.wait_for_function("s => window.__display.seq >= s", arg=state["seq"])
            stage = " ".join(wall.text_content("#screens .screen.is-active").split())
            assert project["name"] in stage
            wall.wait_for_function(
                """t => { const n = document.getElementById('total-value');
                          return n.textContent === t && !n.hasAttribute('data-animating'); }""",
                arg=state["total_yi"],
                timeout=8000,
            )

        assert live_server.state()["total_yi"] == "206"
        finale_seq = live_server.state()["seq"] + 1
        tablet.wait_for_function("() => !document.body.classList.contains('is-cooling')")
        tablet.click('button.scr[data-screen="finale"]')
        wall.wait_for_function("s => window.__display.seq >= s", arg=finale_seq, timeout=8000)
        # what the room reads: the finale's text and the words drawn in the charts it shows
        finale = wall.evaluate(
            """async () => {
                const screen = document.querySelector('#screens .screen.is-active');
                const charts = await Promise.all([...screen.querySelectorAll('img[src$=".svg"], img[src*=".svg?"]')]
                    .map(img => fetch(img.src).then(r => r.text())));
                const drawn = charts.map(svg => new DOMParser().parseFromString(svg, 'image/svg+xml')
                    .documentElement.textContent);
                return [screen.textContent, ...drawn].join(' ');
            }"""
        )
        finale = " ".join(finale.split())
        assert "206" in finale and "4150" in finale
        for tier in ("100亿元以上", "50亿元以上", "20亿元以上", "10亿元以上"):
            assert tier in finale, finale
        state = live_server.state()
        assert state["screen"] == "finale"
        assert [t["count"] for t in state["tiers"]] == [1, 1, 1, 1]
        wall.screenshot(path=str(live_server.data_dir.parent / "finale.png"))
    finally:
        tablet_context.close()
        wall.close()
