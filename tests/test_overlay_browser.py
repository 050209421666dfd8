"""The livestream overlay (/overlay) in real Chromium: transparent but for its lower third and its corner
bug, following the public view (The moment on the wall, "a livestream output")."""

from __future__ import annotations

import io

import pytest
from harness import projects, wait_until
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def server(fresh_server):
    return fresh_server(projects("52", "30"))


def alpha_at(png: bytes, x: int, y: int) -> int:
    return Image.open(io.BytesIO(png)).convert("RGBA").getpixel((x, y))[3]


def test_the_overlay_is_transparent_and_follows_the_signing(server, chromium):
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(server.url + "/overlay")
        page.wait_for_function("() => window.__kiosk?.overlay && window.__kiosk?.overlay.seq >= 0")
        shot = page.screenshot(omit_background=True)
        # nothing but the bug at the start: the programme shows through everywhere else
        assert alpha_at(shot, 960, 540) == 0 and alpha_at(shot, 20, 1060) == 0
        assert page.locator("#lower-third").evaluate("n => getComputedStyle(n).opacity") == "0"
        assert page.text_content("#bug-number") == "0"

        first = server.made_ids[0]
        seq = server.command("announce", project_id=first).json()["seq"]
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=seq)
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('lower-third')).opacity === '1'"
        )
        assert page.text_content("#lt-name") == "测试项目一"
        assert page.text_content("#lt-sub") == "测试企业一有限公司 · 52亿元"
        assert page.text_content("#lt-kicker") == "第 1 个签约项目 · 共 2 个"
        box = page.locator("#lower-third").bounding_box()
        shot = page.screenshot(omit_background=True)
        assert alpha_at(shot, int(box["x"] + 40), int(box["y"] + box["height"] / 2)) > 200
        assert alpha_at(shot, 960, 300) == 0

        answer = server.command("confirm", project_id=first).json()
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=answer["seq"])
        assert "is-signed" in page.get_attribute("#overlay", "class")
        assert page.text_content("#bug-number") == answer["state"]["total"]["value"]
        assert page.text_content("#bug-count") == "已签约 1 / 2 个项目"

        seq = server.command("show", screen="blank").json()["seq"]
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=seq)
        wait_until(lambda: page.locator("#bug").evaluate("n => getComputedStyle(n).opacity") == "0")
    finally:
        page.close()


def test_a_speech_and_a_round_reach_the_livestream(live_server, chromium):
    """The sample's agenda: a speech's GO names the speaker in the lower third, a round names its projects
    together with their total, and the safe look takes the name away."""
    server = live_server
    cues = server.state(operator=True)["run_of_show"]["cues"]
    speech = next(c for c in cues if c["kind"] == "speech")
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(server.url + "/overlay")
        page.wait_for_function("() => window.__kiosk?.overlay && window.__kiosk?.overlay.seq >= 0")
        seq = server.command("jump", cue_id=speech["id"]).json()["seq"]
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=seq)
        assert page.text_content("#lt-name") == speech["person"]
        assert page.text_content("#lt-sub") == speech["role"]
        assert page.text_content("#lt-kicker") == "致辞"
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('lower-third')).opacity === '1'"
        )

        seq = server.command("panic").json()["seq"]
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=seq)
        assert page.evaluate("() => window.__kiosk?.overlay.caption") is None
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('lower-third')).opacity === '0'"
        )

        round_ = next(c for c in cues if c["kind"] == "signing" and len(c["project_ids"]) == 3)
        seq = server.command("jump", cue_id=round_["id"]).json()["seq"]
        page.wait_for_function("s => window.__kiosk?.overlay.seq === s", arg=seq)
        names = {p["id"]: p["name"] for p in server.state()["projects"]}
        assert page.text_content("#lt-name") == "、".join(names[i] for i in round_["project_ids"])
        assert page.text_content("#lt-kicker") == "集中签约 · 3个项目"
        assert page.text_content("#lt-sub") == round_["amount"]["text"]
    finally:
        page.close()
