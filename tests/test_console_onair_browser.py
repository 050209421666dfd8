"""The console's "on the wall" line says what the paired main wall reports drawing (issue 26, item 4).

Seen: after a round's confirm the console said "金钥匙二维码展示中" while the wall showed no QR code; in
English, after the golden-key button it said "The big screen is black" while the wall showed the keys. Here a
real wall page, paired, draws in Chromium, and after each step the console's line is compared with what that
page has drawn (its picture, and the golden-key QR codes that have arrived on it).
"""

from __future__ import annotations

import time

import pytest
from harness import EventSpec, console_seen, open_console, pair_page, projects, wait_drawn

from kiosk.words.catalogue import gettext
from kiosk.words.views import SCREEN_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.live]

# The QR codes the wall page has drawn: images of the golden keys that have arrived (the wall hides one
# that has not, or failed).
WALL_DRAWN = """() => {
  const stage = document.getElementById('stage');
  const active = document.querySelector('.screen.is-active');
  const codes = active ? [...active.querySelectorAll('img')]
    .filter((img) => /\\/display\\/qr\\//.test(img.src) && img.complete && img.naturalWidth > 0) : [];
  return {screen: stage.getAttribute('data-screen'), qr: codes.length};
}"""

LINE = """() => ({
  confirmed: document.getElementById('onair').getAttribute('data-confirmed'),
  label: document.getElementById('onair-screen').textContent,
  title: document.getElementById('onair-project').textContent,
  note: document.getElementById('onair-note').textContent,
})"""


def wall_at(server, name: str, chromium):
    page = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    pair_page(page, server, name)
    wait_drawn(page, server.state()["seq"])
    return page


def agrees(console, wall, lang: str, timeout: float = 10) -> dict:
    """Until the console's on-air line says, as confirmed, what the wall has drawn; the line then. The
    wall's own code draws in its own time (a QR code arrives after the picture): the line may follow it a
    moment later."""
    deadline = time.monotonic() + timeout
    while True:
        drawn, line = wall.evaluate(WALL_DRAWN), console.evaluate(LINE)
        qr_said = any(w in line["note"] for w in ("二维码", "QR"))
        black_said = any(w in line["note"] for w in ("黑屏", "black"))
        label = SCREEN_LABELS.get(drawn["screen"])
        ok = (
            line["confirmed"] == "true"
            and label is not None
            and line["label"] == gettext(label, lang)
            and qr_said == (drawn["qr"] > 0)
            and black_said == (drawn["screen"] == "blank")
        )
        if ok:
            return line
        if time.monotonic() > deadline:
            raise AssertionError(f"the console says {line} while the wall draws {drawn}")
        console.wait_for_timeout(100)


def test_a_rounds_confirm_claims_no_qr_code_the_wall_does_not_draw(fresh_server, chromium):
    server = fresh_server(projects("52", "30", "20"))
    first, second, third = server.made_ids
    wall = wall_at(server, "主屏", chromium)
    console = open_console(chromium, server)
    try:
        seq = server.command("confirm", project_ids=[first, second]).json()["state"]["seq"]
        wait_drawn(wall, seq)
        line = agrees(console, wall, "zh")
        assert wall.evaluate(WALL_DRAWN) == {"screen": "round", "qr": 0}
        assert "测试项目一" in line["title"] and "测试项目二" in line["title"]

        # One project signed alone: the wall hands it its golden key, and the line says so once it is there.
        seq = server.command("confirm", project_id=third).json()["state"]["seq"]
        wait_drawn(wall, seq)
        wall.wait_for_function(f"() => ({WALL_DRAWN})().qr === 1")
        line = agrees(console, wall, "zh")
        assert "金钥匙二维码展示中" in line["note"] and line["title"] == "测试项目三"

        # No main wall any more: the console no longer claims a picture, it says what it sent.
        wall.context.close()
        seq = server.command("show", screen="roll").json()["state"]["seq"]
        console_seen(console, seq)
        console.locator("#onair[data-confirmed='false']").wait_for()
        line = console.evaluate(LINE)
        assert line["label"] == "签约名单" and "大屏尚未确认" in line["note"], line
    finally:
        console.context.close()


def test_in_english_the_keys_on_the_wall_are_not_called_black(fresh_server, chromium):
    server = fresh_server(projects("52", "30"), EventSpec(language="en"))
    first, second = server.made_ids
    wall = wall_at(server, "Main wall", chromium)
    console = open_console(chromium, server)
    try:
        server.command("confirm", project_ids=[first, second])
        seq = server.command("show", screen="keys").json()["state"]["seq"]
        wait_drawn(wall, seq)
        wall.wait_for_function(f"() => ({WALL_DRAWN})().qr === 2")
        line = agrees(console, wall, "en")
        assert line["label"] == "Golden key" and "QR" in line["note"], line
    finally:
        console.context.close()
        wall.context.close()
