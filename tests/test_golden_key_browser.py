"""The golden key (项目专属服务金钥匙) in real Chromium against a real server.

On the big screen: a signed project's celebration carries its concierge card with a QR code that the
company's representatives scan from their seats. The test reads the QR code back from a screenshot with
zxing-cpp, as a phone would, and follows it. On the console: the card's preview, and a new address for it.
Also: a rehearsal is unmistakable on the console and invisible on the wall.
"""

from __future__ import annotations

import io
import time

import pytest
import requests
import zxingcpp
from harness import log_in, pair_page, project, wait_drawn
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Five projects made for these tests; the fourth with a name as long as real ones get.
SPECS = [
    project(1, "52"),
    project(2, "30"),
    project(3, "5"),
    project(4, "12", name="建筑新材料铝合金模板“双循环”基地建设测试项目"),
    project(5, "4"),
]


@pytest.fixture
def live_server(fresh_server):
    return fresh_server(SPECS)


def P(server, n: int) -> str:
    """The id of the n-th project (1-based) of the ceremony made for the test."""
    return server.made_ids[n - 1]


QR_MIN_PX = 216  # a fifth of the wall's height at 1080p


# -- helpers ------------------------------------------------------------------------------------------------


def auth(server) -> dict:
    return {"Authorization": f"Bearer {server.api_token}"}


def card(server, project_id: str) -> dict:
    r = requests.get(f"{server.url}/api/v1/projects/{project_id}/card", headers=auth(server), timeout=5)
    assert r.status_code == 200, r.text
    return r.json()


def rotate(server, project_id: str) -> dict:
    r = requests.post(
        f"{server.url}/api/v1/projects/{project_id}/card/rotate", headers=auth(server), timeout=5
    )
    assert r.status_code == 200, r.text
    return r.json()


def do(server, action: str, **fields) -> int:
    r = server.command(action, **fields)
    assert r.status_code == 200, r.text
    return r.json()["seq"]


def name_of(server, project_id: str) -> str:
    return next(p["name"] for p in server.state()["projects"] if p["id"] == project_id)


def decode(png: bytes) -> list[tuple[str, int]]:
    """Every QR code in a picture: its text and the height of the symbol in pixels (quiet zone not counted)."""
    found = []
    for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png))):
        p = code.position
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        found.append((code.text, max(ys) - min(ys)))
    return found


@pytest.fixture
def wall(chromium):
    """The LED wall's PC: /display at 1920x1080, asking for reduced motion: these tests read the settled
    picture (a QR code a phone scans), which a calm wall shows without seconds of confetti drawn in software
    first. The fits test below and test_wall_frames.py keep the motion."""
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    yield page
    context.close()


def open_wall(page, server) -> None:
    """The wall PC opens its pairing link once (only a paired screen gets the golden key's QR code)."""
    pair_page(page, server, "wall")
    wait_drawn(page, server.state()["seq"])


def finish_animations(page) -> None:
    """Play every CSS animation and transition on the page to its end now (Web Animations API), so a
    screenshot shows the settled picture without waiting for it in real time."""
    page.evaluate(
        """() => { for (const a of document.getAnimations()) { try { a.finish(); } catch (e) { /* infinite */ } } }"""
    )


def wait_key_card(page, seq: int) -> None:
    """Until the golden key of the spotlit project shows the QR code fetched for this seq, and the gold has
    stopped falling over it (the celebration lasts about 3.5 s, the card is handed over within 2 s)."""
    page.wait_for_function(
        """s => { const i = document.querySelector('#screens .screen.is-active .gk-qr-img');
                  return i && i.complete && i.naturalWidth > 0
                         && i.getAttribute('src').split('-').pop().split('.')[0] === String(s)
                         && !i.closest('.img-pending, .img-failed') && !window.__kiosk?.display.celebrating; }""",
        arg=seq,
        timeout=15_000,
    )
    finish_animations(page)  # the hand-over and the glint across the card, played to their end at once


def wall_qr(page) -> tuple[str, int]:
    """The one QR code on the wall, read from a screenshot of the whole screen."""
    codes = decode(page.screenshot())
    assert len(codes) == 1, codes
    return codes[0]


@pytest.fixture
def console(live_server, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url)
    page.wait_for_selector('body[data-conn="live"]')
    yield page
    context.close()


# -- the big screen -----------------------------------------------------------------------------------------


def test_the_wall_hands_over_a_golden_key_that_phones_can_scan(live_server, wall):
    open_wall(wall, live_server)
    seq = do(live_server, "confirm", project_id=P(live_server, 2))
    wait_drawn(wall, seq)
    assert wall.evaluate("window.__kiosk?.display.live") is True  # a live signing, celebrated
    wait_key_card(wall, seq)

    card_text = " ".join(wall.text_content("#screens .screen.is-active .gk-card").split())
    assert "项目专属服务金钥匙" in card_text and "扫码获取专属服务" in card_text
    assert name_of(live_server, P(live_server, 2)) in card_text

    url, symbol = wall_qr(wall)
    assert url == card(live_server, P(live_server, 2))["url"]
    assert symbol >= QR_MIN_PX, symbol
    box = wall.locator("#screens .screen.is-active .gk-qr-img").bounding_box()
    assert box["height"] >= QR_MIN_PX and abs(box["width"] - box["height"]) < 1, box
    # The white quiet zone around the code: the box around the image is white.
    white = wall.evaluate(
        "() => getComputedStyle(document.querySelector('#screens .screen.is-active .gk-qr')).backgroundColor"
    )
    assert white == "rgb(255, 255, 255)"

    # What a phone opens: the project's own card page.
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and name_of(live_server, P(live_server, 2)) in page.text

    # The page's script never holds the card's secret address; the image is asked for by project id.
    token = url.rsplit("/", 1)[1]
    assert token not in wall.content()
    assert token not in requests.get(live_server.url + "/api/v1/state", timeout=5).text
    assert wall.errors == []


def test_a_new_card_address_reaches_the_wall_and_the_old_one_is_dead(live_server, wall):
    open_wall(wall, live_server)
    seq = do(live_server, "confirm", project_id=P(live_server, 1))
    wait_drawn(wall, seq)
    wait_key_card(wall, seq)
    old = card(live_server, P(live_server, 1))["url"]
    assert wall_qr(wall)[0] == old

    new = rotate(live_server, P(live_server, 1))["url"]
    assert new != old
    assert requests.get(old, timeout=5).status_code == 404
    assert requests.get(new, timeout=5).status_code == 200

    # The operator shows the card again ("在大屏重现"): the wall fetches the code anew.
    seq = do(live_server, "show", screen="spotlight", project_id=P(live_server, 1))
    wait_drawn(wall, seq)
    assert wall.evaluate("window.__kiosk?.display.celebrating") is False  # no second celebration
    wait_key_card(wall, seq)
    assert wall_qr(wall)[0] == new
    assert wall.errors == []


def test_a_card_up_on_the_wall_picks_up_its_new_address_by_itself(live_server, chromium):
    """A new address is a change the wall is told about (seq moves), so the dead code does not stay up:
    without any operator action on the wall, its QR code follows within seconds."""
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        open_wall(page, live_server)
        seq = do(live_server, "confirm", project_id=P(live_server, 5))
        wait_drawn(page, seq)
        wait_key_card(page, seq)
        assert wall_qr(page)[0] == card(live_server, P(live_server, 5))["url"]
        new = rotate(live_server, P(live_server, 5))["url"]
        assert live_server.state()["seq"] == seq + 1  # the rotation is announced like any change
        deadline = time.monotonic() + 5
        seen = None
        while time.monotonic() < deadline:
            seen = wall_qr(page)[0]
            if seen == new:
                break
            page.wait_for_timeout(300)
        assert seen == new
        assert live_server.state()["screen"] == "spotlight"  # the celebration stayed up throughout
    finally:
        context.close()


def test_the_key_comes_only_with_the_signing(live_server, wall):
    open_wall(wall, live_server)
    seq = do(live_server, "announce", project_id=P(live_server, 3))
    wait_drawn(wall, seq)
    assert wall.locator("#screens .screen.is-active .spot-card *").count() == 0
    assert wall.locator("#stage img[src*='/display/qr/']").count() == 0
    assert (
        requests.get(live_server.url + f"/display/qr/{P(live_server, 3)}.svg", timeout=5).status_code == 404
    )
    assert decode(wall.screenshot()) == []

    seq = do(live_server, "confirm", project_id=P(live_server, 3))
    wait_drawn(wall, seq)
    wait_key_card(wall, seq)
    assert wall_qr(wall)[0] == card(live_server, P(live_server, 3))["url"]

    # Taken back: the key goes with the seal, and the server no longer gives out the code.
    seq = do(live_server, "undo")
    wait_drawn(wall, seq)
    wall.wait_for_function("() => !document.querySelector('#screens .screen.is-active .gk-card')")
    finish_animations(wall)  # the crossfade
    assert decode(wall.screenshot()) == []
    assert (
        requests.get(live_server.url + f"/display/qr/{P(live_server, 3)}.svg", timeout=5).status_code == 404
    )
    assert wall.errors == []


def test_any_signed_projects_card_can_be_brought_back(live_server, wall):
    for pid in (P(live_server, 1), P(live_server, 2), P(live_server, 4)):
        do(live_server, "confirm", project_id=pid)
    do(live_server, "show", screen="roll")
    open_wall(wall, live_server)
    for pid in (P(live_server, 2), P(live_server, 1)):
        seq = do(live_server, "show", screen="spotlight", project_id=pid)
        wait_drawn(wall, seq)
        wait_key_card(wall, seq)
        assert wall_qr(wall)[0] == card(live_server, pid)["url"]
    # A reload in the middle of it: the same card, straight away, without celebrating.
    wall.reload()
    wait_drawn(wall, live_server.state()["seq"])
    wait_key_card(wall, live_server.state()["seq"])
    assert wall_qr(wall)[0] == card(live_server, P(live_server, 1))["url"]
    assert wall.locator("#screens .screen.is-active .spot.stamp").count() == 0


@pytest.mark.parametrize(("width", "height"), [(3840, 2160), (1280, 720)])
def test_the_key_fits_every_wall(live_server, chromium, width, height):
    """4K stays sharp (the QR is SVG) and 720p still scans; the long names keep their fit."""
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_wall(page, live_server)
        seq = do(live_server, "confirm", project_id=P(live_server, 4))  # the longest name
        wait_drawn(page, seq)
        wait_key_card(page, seq)
        url, symbol = wall_qr(page)
        assert url == card(live_server, P(live_server, 4))["url"]
        assert symbol >= QR_MIN_PX * height / 1080, symbol
        sizes = page.evaluate(
            """() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                       name: (n => [n.scrollWidth - n.clientWidth, n.scrollHeight - n.clientHeight,
                                    n.classList.contains('clamped')])(
                             document.querySelector('#screens .screen.is-active .spot-name'))})"""
        )
        assert (sizes["sw"], sizes["sh"]) == (width, height)
        assert sizes["name"][0] <= 1 and not sizes["name"][2], sizes
    finally:
        context.close()


# -- the console --------------------------------------------------------------------------------------------


def test_the_console_previews_a_card_and_gives_it_a_new_address(live_server, console):
    page = console
    assert live_server.command("confirm", project_id=P(live_server, 1)).status_code == 200
    page.locator(f'.row[data-id="{P(live_server, 1)}"] .chip.is-signed').wait_for()
    page.click(f'.row[data-id="{P(live_server, 1)}"] .row-btn')
    page.click("#btn-card")
    dialog = page.locator("#card-dialog")
    dialog.wait_for(state="visible")
    page.wait_for_function(
        "() => { const i = document.getElementById('card-qr'); return i.complete && i.naturalWidth > 0; }"
    )
    before = card(live_server, P(live_server, 1))
    assert page.locator("#card-url").inner_text() == before["url"]
    assert name_of(live_server, P(live_server, 1)) in page.locator("#card-project").inner_text()
    assert before["contact_name"] in page.locator("#card-contact").inner_text()
    assert before["contact_phone"] in page.locator("#card-contact").inner_text()
    for item in before["services"]:
        assert item in page.locator("#card-services").inner_text()
    assert page.get_attribute("#card-open", "href") == before["url"]
    assert page.get_attribute("#card-print", "href") == before["print"]
    qr = decode(page.locator("#card-qr").screenshot())
    assert [text for text, _ in qr] == [before["url"]]

    # The live server's QR codes point at 127.0.0.1: phones cannot reach that, and the console says so.
    assert before["warning"]
    assert page.locator("#card-warning").is_visible()
    assert "KIOSK_PUBLIC_URL" in page.locator("#card-warning").inner_text()
    assert page.locator("#qr-warning").is_visible()

    # A new address asks first, and says what it costs; "不更换" changes nothing.
    rotations = []
    page.on("request", lambda r: rotations.append(r.url) if r.url.endswith("/card/rotate") else None)
    page.click("#card-rotate")
    confirm = page.locator("#card-rotate-confirm")
    confirm.wait_for(state="visible")
    assert "失效" in confirm.inner_text() and "重新打印" in confirm.inner_text()
    page.click("#card-rotate-cancel")
    confirm.wait_for(state="hidden")
    # (the click's handler has run: a request it made would have been issued, and recorded, by now)
    assert rotations == [] and card(live_server, P(live_server, 1))["url"] == before["url"]

    page.click("#card-rotate")
    page.click("#card-rotate-ok")
    page.wait_for_function(
        "old => document.getElementById('card-url').textContent !== old", arg=before["url"]
    )
    after = card(live_server, P(live_server, 1))
    assert after["url"] != before["url"] and len(rotations) == 1
    assert page.locator("#card-url").inner_text() == after["url"]
    assert requests.get(before["url"], timeout=5).status_code == 404
    assert requests.get(after["url"], timeout=5).status_code == 200
    page.wait_for_function(
        "() => { const i = document.getElementById('card-qr'); return i.complete && i.naturalWidth > 0; }"
    )
    page.wait_for_timeout(200)
    assert [text for text, _ in decode(page.locator("#card-qr").screenshot())] == [after["url"]]
    assert page.locator("#card-note").is_visible()

    # 在大屏展示: the wall brings the signed project's card back.
    page.click("#card-show")
    dialog.wait_for(state="hidden")
    deadline = time.monotonic() + 10
    # (the confirm above left the wall on this project's spotlight already: wait for the show itself)
    while time.monotonic() < deadline and (live_server.state()["last"] or {}).get("action") != "show":
        time.sleep(0.1)
    state = live_server.state()
    assert state["screen"] == "spotlight" and state["spotlight_id"] == P(live_server, 1)
    assert state["last"]["action"] == "show"


def test_an_unsigned_projects_card_can_be_previewed_but_not_shown(live_server, console):
    page = console
    page.click("#btn-card")  # the selection: the first project, not signed
    page.locator("#card-dialog").wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('card-url').textContent.startsWith('http')")
    assert page.locator("#card-show").is_disabled()
    page.click("#card-close")
    page.locator("#card-dialog").wait_for(state="hidden")


def test_a_console_warns_when_phones_cannot_reach_the_cards(live_server, console):
    banner = console.locator("#qr-warning")
    banner.wait_for(state="visible")
    assert "127.0.0.1" in banner.inner_text() and "KIOSK_PUBLIC_URL" in banner.inner_text()
    # It stays: still there after the ceremony moves on.
    seq = do(live_server, "announce", project_id=P(live_server, 1))
    console.wait_for_function(f"() => window.__kiosk?.console.state().seq === {seq}")
    assert banner.is_visible()
    over = console.evaluate(
        "() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
    )
    assert over[0] <= 0 and over[1] <= 0


# -- rehearsal ----------------------------------------------------------------------------------------------


def test_a_rehearsal_is_marked_on_the_console_and_invisible_on_the_wall(live_server, console, wall):
    page = console
    assert page.locator("#rehearsal-band").is_hidden()
    r = requests.post(
        live_server.url + "/api/v1/run",
        json={"mode": "rehearsal", "confirm": True},
        headers=auth(live_server),
        timeout=5,
    )
    assert r.status_code == 200, r.text
    band = page.locator("#rehearsal-band")
    band.wait_for(state="visible")
    assert "彩排模式" in band.inner_text() and "不计入正式记录" in band.inner_text()
    assert "is-rehearsal" in page.get_attribute("body", "class")
    frame = page.evaluate("() => getComputedStyle(document.body, '::before').borderTopColor")
    assert frame == "rgb(245, 165, 36)"  # amber
    over = page.evaluate(
        "() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
    )
    assert over[0] <= 0 and over[1] <= 0

    # The wall during a rehearsal: the ceremony as the audience would see it, and nothing of the rehearsal.
    open_wall(wall, live_server)
    seq = do(live_server, "confirm", project_id=P(live_server, 2))
    wait_drawn(wall, seq)
    wait_key_card(wall, seq)
    for screen in ("spotlight", "roll", "finale", "title"):
        if screen != "spotlight":
            seq = do(live_server, "show", screen=screen)
            wait_drawn(wall, seq)
            wall.wait_for_timeout(300)
        html = wall.evaluate("() => document.documentElement.outerHTML")
        assert "彩排" not in html and "rehearsal" not in html.lower(), screen
        assert "彩排" not in wall.evaluate("() => document.title + document.body.innerText")

    # Going live: the console drops the marking.
    r = requests.post(
        live_server.url + "/api/v1/run", json={"mode": "live"}, headers=auth(live_server), timeout=5
    )
    assert r.status_code == 200, r.text
    band.wait_for(state="hidden")
    assert "is-rehearsal" not in page.get_attribute("body", "class")
    assert wall.errors == []
