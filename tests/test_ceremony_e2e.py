"""The whole morning, as the room sees it: the console in one Chromium window signs the seven sample projects,
and the big screen in another shows each one and ends on the finale at 206 亿元 with the article's tiers.

Both pages run on Playwright's clock: the holds, the console's rest periods and the wall's climbing total are
stepped through, not waited out (the wall is still checked at the end of every climb).
"""

from __future__ import annotations

import pytest
from harness import hold, open_console, pair_page, pause_clock

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOLD_MS = 800
REST_MS = 1600  # the console's minimum interval after a command
CLIMB_MS = 2000  # the wall's total climbs for 1.8 s


def test_seven_signings_from_the_console_reach_the_big_screen(live_server, chromium):
    wall = chromium.new_page(viewport={"width": 1920, "height": 1080})
    wall.clock.install()
    pair_page(wall, live_server, "主屏")
    wall.wait_for_function("() => window.__kiosk?.display && window.__kiosk?.display.seq > 0")

    tablet = open_console(chromium, live_server)
    # the console sees the wall, and the wall is current
    tablet.locator("text=主屏").first.wait_for()
    # the sample's stand-in names are said before they reach the wall
    assert "第 3、6 项" in tablet.locator("#data-warning").inner_text()
    pause_clock(tablet)
    pause_clock(wall)

    try:
        projects = sorted(live_server.state()["projects"], key=lambda p: p["order"])
        for count, project in enumerate(projects, start=1):
            tablet.click(f'.row[data-id="{project["id"]}"]')
            tablet.wait_for_function("id => window.__kiosk?.console.selection() === id", arg=project["id"])
            tablet.clock.run_for(REST_MS)
            tablet.wait_for_function("() => !document.body.classList.contains('is-cooling')")
            hold(tablet, "#btn-confirm", HOLD_MS + 10)
            tablet.wait_for_function(
                "id => { const s = window.__kiosk?.console.state(); return s.projects.some(p => p.id === id && "
                "p.status === 'signed'); }",
                arg=project["id"],
            )
            state = live_server.state()
            assert state["signed_count"] == count
            # the wall celebrates this project, and its total settles on the exact figure
            wall.wait_for_function("s => window.__kiosk?.display.seq >= s", arg=state["seq"])
            stage = " ".join(wall.text_content("#screens .screen.is-active").split())
            assert project["name"] in stage
            wall.clock.run_for(CLIMB_MS)
            wall.wait_for_function(
                """t => { const n = document.getElementById('total-value');
                          return n.textContent === t && !n.hasAttribute('data-animating'); }""",
                arg=state["total_yi"],
                timeout=8000,
            )

        assert live_server.state()["total_yi"] == "206"
        finale_seq = live_server.state()["seq"] + 1
        tablet.clock.run_for(REST_MS)
        tablet.wait_for_function("() => !document.body.classList.contains('is-cooling')")
        tablet.click('button.scr[data-screen="finale"]')
        tablet.click('button.scr[data-screen="finale"]')  # the finale asks for a second tap
        wall.wait_for_function("s => window.__kiosk?.display.seq >= s", arg=finale_seq, timeout=8000)
        # called live, the finale counts its total up first (tests/test_wall_moments.py): the wall's clock is
        # paused, so its time is moved on by hand
        wall.clock.run_for(3500)
        wall.wait_for_function(
            "() => !document.querySelector('#screens .screen.is-active .v[data-animating]')"
        )
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
        tablet.context.close()
        wall.close()
