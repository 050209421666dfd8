"""The wall frame by frame, on the Playwright clock: what the room sees between two states, not only
after them (The moment on the wall). A frame every 50 ms through each signing's climb."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest
from harness import pair_page, wait_drawn

pytestmark = [pytest.mark.browser, pytest.mark.live]

FRAME_MS = 50


def number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.\-]", "", text) or "0")


RECORD = """(ms) => {
    // A frame every ms of the page's (fake) clock, taken in the page: one call records a whole climb.
    // Layout boxes, not transformed ones: the stage is scaled to the panel as a whole.
    const left = (el) => { let x = 0; for (; el; el = el.offsetParent) x += el.offsetLeft; return x; };
    window.__frames = [];
    const run = (window.__recording || 0) + 1;
    window.__recording = run;
    let next = performance.now();
    const take = (now) => {
        if (window.__recording !== run) return;  // a newer recording took over
        if (now >= next) {
            const n = document.getElementById('total-value');
            window.__frames.push({text: n.textContent, right: left(n) + n.offsetWidth,
                                  label: left(document.getElementById('band-label'))});
            next += ms;
        }
        requestAnimationFrame(take);
    };
    requestAnimationFrame(take);
}"""


SAMPLE = """({until, step}) => {
    // Every CSS transition and animation now running on the wall, paused and stepped by hand: a frame
    // every ``step`` ms of the animation clock. Counts the layouts visible in each frame, and every
    // visible project name with its box.
    const running = document.getAnimations();
    running.forEach((a) => a.pause());
    const frames = [];
    for (let t = 0; t <= until; t += step) {
        running.forEach((a) => { a.currentTime = t; });
        const visible = [...document.querySelectorAll('#screens .screen')]
            .filter((s) => parseFloat(getComputedStyle(s).opacity) > 0.02);
        const names = visible.flatMap((s) => [...s.querySelectorAll('.spot-name')]).map((n) => {
            const r = n.getBoundingClientRect();
            return {text: n.textContent, x: r.x, y: r.y, w: r.width, h: r.height,
                    size: getComputedStyle(n).fontSize};
        });
        frames.push({t, layouts: visible.length, names});
    }
    running.forEach((a) => a.play());
    return frames;
}"""


def one_layout_at_a_time(frames: list[dict], what: str) -> None:
    for f in frames:
        assert f["layouts"] <= 1, (what, f["t"], f["layouts"], [n["text"] for n in f["names"]])
        assert len({n["text"] for n in f["names"]}) == len(f["names"]), (what, f["t"], f["names"])
    # the name's size is settled before it appears: it never changes while it is on the wall
    sizes: dict[str, set] = {}
    for f in frames:
        for n in f["names"]:
            sizes.setdefault(n["text"], set()).add(n["size"])
    assert all(len(s) == 1 for s in sizes.values()), (what, sizes)


def frames_of_the_total(page, until_ms: int = 2600) -> list[dict]:
    page.evaluate(RECORD, FRAME_MS)
    page.clock.run_for(until_ms)
    return page.evaluate("window.__frames")


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_each_signing_frame_by_frame(live_server, chromium, size):
    """Each of the seven sample signings, announce and confirm, frame by frame. Before: about 0.5 s after
    confirm the spotlight and the signed layout were both on the wall (the name doubled at two sizes);
    the first frame of a climb showed a figure below the previous total ("-12 亿元" was painted), and the
    total line slid sideways by 23–41 px whenever a digit was added."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.clock.install()
        pair_page(page, live_server, "主屏")
        wait_drawn(page, live_server.state()["seq"])
        order = sorted(live_server.state(operator=True)["projects"], key=lambda p: p["order"])
        before = Decimal(0)
        for p in order:
            announced = live_server.command("announce", project_id=p["id"]).json()
            page.wait_for_function(
                "s => window.__kiosk?.display && window.__kiosk?.display.seq === s", arg=announced["seq"]
            )
            one_layout_at_a_time(
                page.evaluate(SAMPLE, {"until": 1600, "step": FRAME_MS}), f"announce {p['name']}"
            )
            page.clock.run_for(1000)
            answer = live_server.command("confirm", project_id=p["id"]).json()
            target = Decimal(answer["state"]["total_yi"])
            page.wait_for_function(
                "s => window.__kiosk?.display && window.__kiosk?.display.seq === s", arg=answer["seq"]
            )
            one_layout_at_a_time(
                page.evaluate(SAMPLE, {"until": 1600, "step": FRAME_MS}), f"confirm {p['name']}"
            )
            shots = frames_of_the_total(page)
            values = [number(s["text"]) for s in shots]
            assert values[0] >= before, (p["name"], values[:3])
            assert all(b >= a for a, b in itertools.pairwise(values)), (p["name"], values)
            assert values[-1] == target and shots[-1]["text"] == answer["state"]["total"]["value"]
            # The figure's right edge never moves, nor the line once the climb has begun (1 px: the layout
            # rounds a centred line of fractional width; the fault was 23–41 px).
            rights = [s["right"] for s in shots]
            assert max(rights) - min(rights) <= 1, (p["name"], sorted(set(rights)))
            labels = [s["label"] for s in shots[1:]]
            assert max(labels) - min(labels) <= 1, (p["name"], sorted(set(labels)))
            before = target
    finally:
        context.close()
