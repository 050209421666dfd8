"""A speech's lower third, frame by frame: it slides in as the title steps up to make room (no jump in
front of the room), holds, and goes when the speech ends; a calm wall only fades it."""

from __future__ import annotations

import itertools

import pytest
from harness import pair_page, wait_drawn

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Every transition of the caption and the title, paused and set to ``t`` ms: the wall as it looks then.
FRAME = """(t) => {
    const caption = document.getElementById('caption');
    const title = document.querySelector('.screen.is-active .title-wrap');
    for (const node of [caption, title]) {
        for (const a of node.getAnimations()) { a.pause(); a.currentTime = t; }
    }
    const y = new DOMMatrixReadOnly(getComputedStyle(title).transform).m42;
    const x = new DOMMatrixReadOnly(getComputedStyle(caption).transform).m41;
    return {y: Math.round(y), x: Math.round(x), opacity: Number(getComputedStyle(caption).opacity)};
}"""


def speech_of(server) -> dict:
    return next(c for c in server.state(operator=True)["run_of_show"]["cues"] if c["kind"] == "speech")


def frozen(page):
    """Every animation on the page stands still where it starts (DevTools' playback rate 0): a loaded
    machine cannot let a transition finish before its frames are read."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Animation.enable")
    cdp.send("Animation.setPlaybackRate", {"playbackRate": 0})
    return cdp


def frames(page, step: int = 50, until: int = 650) -> list[dict]:
    page.wait_for_function("() => document.getElementById('caption').getAnimations().length > 0")
    return [page.evaluate(FRAME, t) for t in range(0, until + 1, step)]


def test_the_lower_third_slides_in_as_the_title_makes_room(live_server, chromium):
    page = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        pair_page(page, live_server, "主屏")
        seq = live_server.command("go").json()["seq"]  # the opening: the title
        wait_drawn(page, seq)
        frozen(page)
        seq = live_server.command("jump", cue_id=speech_of(live_server)["id"]).json()["seq"]
        wait_drawn(page, seq)
        got = frames(page)
        ys, xs, alphas = [f["y"] for f in got], [f["x"] for f in got], [f["opacity"] for f in got]
        # From where it was to 120 px up, never back, in several steps (a slide, not a jump).
        assert ys[0] == 0 and ys[-1] == -120 and all(a >= b for a, b in itertools.pairwise(ys))
        assert len(set(ys)) > 5
        assert xs[0] == -60 and xs[-1] == 0 and all(a <= b for a, b in itertools.pairwise(xs))
        assert alphas[0] == 0 and alphas[-1] == 1 and all(a <= b for a, b in itertools.pairwise(alphas))
        assert page.locator("#caption .caption-name").inner_text() == speech_of(live_server)["person"]

        # The next cue (a signing round): the lower third goes.
        seq = live_server.command("go").json()["seq"]
        wait_drawn(page, seq)
        assert page.evaluate("() => document.getElementById('caption').classList.contains('on')") is False
    finally:
        page.context.close()


def test_a_calm_wall_fades_the_lower_third_without_sliding(live_server, chromium):
    r = live_server.editor().put(live_server.url + "/api/v1/event", json={"calm": True}, timeout=10)
    assert r.status_code == 200
    page = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        pair_page(page, live_server, "主屏")
        seq = live_server.command("go").json()["seq"]
        wait_drawn(page, seq)
        frozen(page)
        seq = live_server.command("jump", cue_id=speech_of(live_server)["id"]).json()["seq"]
        wait_drawn(page, seq)
        got = frames(page)
        assert {f["x"] for f in got} == {0} and {f["y"] for f in got} == {-120}  # nothing moves
        alphas = [f["opacity"] for f in got]
        assert alphas[0] == 0 and alphas[-1] == 1 and len(set(alphas)) > 5  # it fades
    finally:
        page.context.close()
