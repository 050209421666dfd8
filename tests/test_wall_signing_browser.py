"""Signatures on the wall (签名上墙) in real Chromium: a pad's ink on the wall's certificate at its place
within a frame of its arrival, a missed batch fetched again (ink_sync) so the wall ends with every stroke,
a new attempt replacing the old ink, the remote mark, a round side by side and stacked upright, and the
console's pad chips following the pads from waiting to signed."""

from __future__ import annotations

import itertools
import math
import time
import uuid

import pytest
import requests
import socketio
from harness import OPERATOR_PIN, console_seen, log_in, pair_page, wait_until
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.live]

# A batch is drawn on the wall as it arrives, not when the wall next catches up (its heartbeat asks every
# 2 s): only that fault takes a second. How fast it is drawn is bench/ink.py's (docs/BENCHMARK.md finding 13).
LIVE_INK_MS = 1000

# The ink on one pad's canvas: how many pixels are inked, and how they spread over ten columns.
INK = """(pad) => {
    const c = document.querySelector('.screen.is-active canvas.cert-ink[data-pad="' + pad + '"]');
    if (!c || !c.width) return null;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const cols = new Array(10).fill(0);
    let n = 0;
    for (let i = 3; i < d.length; i += 4) {
        if (d[i] > 0) {
            n += 1;
            cols[Math.min(9, Math.floor((10 * (((i - 3) / 4) % c.width)) / c.width))] += 1;
        }
    }
    return {n, cols, w: c.width, h: c.height};
}"""


class Pad:
    """A signatory's tablet: opens its local link (keeping it, as the first browser does), then signs
    over its socket."""

    def __init__(self, server, pad: dict):
        token = pad["url"].rsplit("/", 1)[1]
        web = requests.Session()
        assert web.get(server.url + "/sign/" + token, timeout=10).status_code == 200
        self.id = pad["id"]
        self.client = socketio.Client(reconnection=False)
        self.client.connect(
            server.url,
            auth={"role": "pad", "pad": token},
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in web.cookies.items())},
            transports=["websocket"],
            wait_timeout=10,
        )

    def call(self, event: str, data: dict) -> dict:
        answer = self.client.call(event, data, timeout=10)
        assert answer.get("ok"), answer
        return answer

    def begin(self) -> str:
        sig = "sig" + uuid.uuid4().hex[:16]
        self.call("attempt", {"signature_id": sig, "width": 800, "height": 320})
        return sig

    def ink(self, sig: str, batch: int, points: list) -> None:
        self.call("ink", {"signature_id": sig, "batch": batch, "points": points})

    def close(self) -> None:
        self.client.disconnect()


def stroke(s: int, x0: float, x1: float, y: float = 200, n: int = 24, t0: int = 0) -> list:
    """One stroke across canonical x0..x1 (the place is 1000 wide and 400 high), a gentle wave."""
    return [
        [s, round(x0 + (x1 - x0) * i / (n - 1), 1), round(y + 40 * math.sin(i / 3), 1), 0.5, t0 + 10 * i]
        for i in range(n)
    ]


@pytest.fixture
def signing(live_server):
    web = live_server.editor()
    r = web.post(live_server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10)
    assert r.status_code == 200, r.text
    pads = web.get(live_server.url + "/api/v1/pads", timeout=10).json()
    ids = [p["id"] for p in sorted(live_server.state(operator=True)["projects"], key=lambda p: p["order"])]
    opened: list[Pad] = []

    def pad(project_id: str, party: str) -> Pad:
        made = Pad(
            live_server, next(p for p in pads if p["project_id"] == project_id and p["party"] == party)
        )
        opened.append(made)
        return made

    yield live_server, web, pads, ids, pad
    for made in opened:
        made.close()


def open_wall(browser, server, size=(1920, 1080), name="主屏"):
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    sent: list[str] = []
    page.on(
        "websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, str) else ""))
    )
    page.sent = sent
    pair_page(page, server, name)
    return page


def signing_on(page) -> None:
    """Until the wall shows its certificates, come in and still (only the marks' endless pulses run)."""
    page.wait_for_function(
        "() => window.__kiosk?.display && window.__kiosk?.display.screen === 'signing' && "
        "document.querySelectorAll('.screen.is-active .cert:not(.is-pending)').length > 0 && "
        "!document.getAnimations().some(a => a.playState === 'running' && "
        "a.effect.getComputedTiming().iterations !== Infinity)"
    )


def ink(page, pad_id: str) -> dict:
    return page.evaluate(INK, pad_id)


def test_a_pads_ink_is_on_the_wall_at_its_place_within_a_frame(signing, chromium):
    server, _web, _pads, ids, pad = signing
    assert server.command("announce", project_id=ids[0]).status_code == 200  # its pads are armed
    page = open_wall(chromium, server)
    try:
        signing_on(page)
        view = server.state()["signing"]
        (cert,) = view["certificates"]
        host = pad(ids[0], "host")
        investor = pad(ids[0], "investor")
        # The place is where the server drew it on the picture: its box in certificate units.
        place = next(p for p in cert["places"] if p["pad_id"] == host.id)
        got = page.evaluate(
            """(id) => {
                const paper = document.querySelector('.screen.is-active .cert-paper').getBoundingClientRect();
                const spot = document.querySelector('.screen.is-active .cert-place[data-pad="' + id + '"]')
                    .getBoundingClientRect();
                return [(spot.left - paper.left) / paper.width, (spot.top - paper.top) / paper.height,
                        spot.width / paper.width, spot.height / paper.height];
            }""",
            host.id,
        )
        box = place["box"]
        want = [
            box[0] / cert["width"],
            box[1] / cert["height"],
            box[2] / cert["width"],
            box[3] / cert["height"],
        ]
        assert all(abs(a - b) < 0.003 for a, b in zip(got, want, strict=True)), (got, want)
        # The canvas backs the place at the screen's own pixels.
        first = ink(page, host.id)
        assert first["n"] == 0 and first["w"] / first["h"] == pytest.approx(place["aspect"], rel=0.02)

        sig = host.begin()
        page.evaluate(
            """(id) => {
                window.__inkSeen = null;
                const look = () => {
                    const c = document.querySelector('.screen.is-active canvas.cert-ink[data-pad="' + id + '"]');
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) { window.__inkSeen = Date.now(); return; }
                    requestAnimationFrame(look);
                };
                requestAnimationFrame(look);
            }""",
            host.id,
        )
        sent_at = time.time() * 1000
        host.ink(sig, 1, stroke(0, 100, 350))
        page.wait_for_function("() => window.__inkSeen !== null", timeout=5000)
        latency = page.evaluate("window.__inkSeen") - sent_at
        assert latency < LIVE_INK_MS, f"{latency:.0f} ms from the pad's batch to pixels on the wall"

        host.ink(sig, 2, stroke(1, 150, 380, 260, t0=400))
        page.wait_for_function(
            "(id) => window.__kiosk?.wallInk.pads[id] && window.__kiosk?.wallInk.pads[id].batches === 2",
            arg=host.id,
        )
        drawn = ink(page, host.id)
        # Canonical x 100..380 of 1000: the ink is in the left columns of the place, nowhere else.
        assert sum(drawn["cols"][1:4]) > 200
        assert sum(drawn["cols"][5:]) == 0
        assert ink(page, investor.id)["n"] == 0  # another pad's place stays clean
        # The place says, quietly, that its pad is signing; the mark is above the box, not over the ink.
        mark = page.locator(f'.screen.is-active .cert-place[data-pad="{host.id}"] .cert-state')
        assert "is-signing" in mark.get_attribute("class") and mark.inner_text() == "签名中"
        spot = page.locator(f'.screen.is-active .cert-place[data-pad="{host.id}"]').bounding_box()
        m = mark.bounding_box()
        assert m["y"] + m["height"] <= spot["y"] + 1
    finally:
        page.context.close()


def test_a_missed_batch_is_fetched_again_and_the_wall_ends_with_every_stroke(signing, chromium):
    server, _web, _pads, ids, pad = signing
    assert server.command("announce", project_id=ids[0]).status_code == 200
    host = pad(ids[0], "host")
    sig = host.begin()
    # Drawn before the wall is there: its connect asks for it.
    host.ink(sig, 1, stroke(0, 60, 200))
    host.ink(sig, 2, stroke(1, 220, 320, t0=300))
    page = open_wall(chromium, server)
    try:
        signing_on(page)
        page.wait_for_function(
            "(id) => window.__kiosk?.wallInk.pads[id] && window.__kiosk?.wallInk.pads[id].batches === 2",
            arg=host.id,
        )
        page.wait_for_timeout(800)  # (the asks of its connect and first view answered: none on its way)
        asked = sum("ink_sync" in f for f in page.sent)
        assert asked >= 1  # (on connect)
        # Batch 4 before batch 3 (the pad re-sent 3 after a lost answer): the wall sees 3 missing, asks.
        host.ink(sig, 4, stroke(3, 700, 900, t0=900))

        def asks() -> int:
            return sum("ink_sync" in f for f in page.sent)

        for _ in range(100):  # (Playwright hands over the frames while it waits)
            if asks() > asked:
                break
            page.wait_for_timeout(50)
        assert asks() > asked, "no ink_sync on a gap"
        host.ink(sig, 3, stroke(2, 400, 600, t0=600))
        page.wait_for_function(
            "(id) => { const p = window.__kiosk?.wallInk.pads[id]; return p && p.batches === 4 && !p.gaps && p.points === 96; }",
            arg=host.id,
        )
        cols = ink(page, host.id)["cols"]
        assert all(cols[i] > 0 for i in (1, 2, 3, 4, 5, 7, 8)), cols  # every stroke, none twice or lost
    finally:
        page.context.close()


def test_a_new_attempt_replaces_the_old_ink(signing, chromium):
    server, _web, _pads, ids, pad = signing
    assert server.command("announce", project_id=ids[0]).status_code == 200
    page = open_wall(chromium, server)
    try:
        signing_on(page)
        host = pad(ids[0], "host")
        first = host.begin()
        host.ink(first, 1, stroke(0, 60, 300))
        page.wait_for_function("(id) => window.__kiosk?.wallInk.pads[id]", arg=host.id)
        assert sum(ink(page, host.id)["cols"][:3]) > 0
        # 重签: the attempt is set aside and the place is empty again, waiting.
        host.call("clear", {"signature_id": first})
        page.wait_for_function("(id) => !window.__kiosk?.wallInk.pads[id]", arg=host.id)
        wait_until(lambda: ink(page, host.id)["n"] == 0, timeout=5, message="the cleared ink stays")
        mark = page.locator(f'.screen.is-active .cert-place[data-pad="{host.id}"] .cert-state')
        assert mark.inner_text() == "请签名"
        second = host.begin()
        host.ink(second, 1, stroke(0, 650, 900))
        page.wait_for_function(
            "([id, s]) => window.__kiosk?.wallInk.pads[id] && window.__kiosk?.wallInk.pads[id].signature_id === s",
            arg=[host.id, second],
        )
        # A third attempt without a clear (the pad reloaded): its signature id replaces the second's ink.
        third = host.begin()
        host.ink(third, 1, stroke(0, 420, 560))
        page.wait_for_function(
            "([id, s]) => window.__kiosk?.wallInk.pads[id] && window.__kiosk?.wallInk.pads[id].signature_id === s",
            arg=[host.id, third],
        )
        cols = ink(page, host.id)["cols"]
        assert sum(cols[:3]) == 0 and sum(cols[7:]) == 0 and sum(cols[4:6]) > 0, cols
    finally:
        page.context.close()


def test_a_round_signs_side_by_side_and_stacked_with_its_remote_mark(signing, chromium):
    server, web, pads, ids, _pad = signing
    round_ids = ids[:3]
    remote = next(p for p in pads if p["project_id"] == round_ids[1] and p["party"] == "investor")
    r = web.put(
        server.url + f"/api/v1/pads/{remote['id']}",
        json={"name": remote["name"], "party": "investor", "remote_place": "深圳分会场"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert server.command("show", screen="spotlight", project_ids=round_ids).status_code == 200
    main = open_wall(chromium, server, (1920, 1080), "主屏")
    totem = open_wall(chromium, server, (1080, 1920), "立屏")
    try:
        for page in (main, totem):
            signing_on(page)
            boxes = [
                page.locator(f'.screen.is-active .cert[data-project="{i}"] .cert-sheet').bounding_box()
                for i in round_ids
            ]
            if page is main:
                assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
                assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
            else:
                assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
            # Each whole on the screen, never overlapping the next.
            vw, vh = page.viewport_size["width"], page.viewport_size["height"]
            for a, b in itertools.pairwise(boxes):
                assert a["x"] + a["width"] <= b["x"] + 1 or a["y"] + a["height"] <= b["y"] + 1
            assert all(
                b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= vw and b["y"] + b["height"] <= vh
                for b in boxes
            )
            mark = page.locator(f'.screen.is-active .cert-place[data-pad="{remote["id"]}"] .cert-remote')
            assert mark.is_visible() and mark.inner_text().replace("\n", "") == "远程签约 · 深圳分会场"
            spot = page.locator(f'.screen.is-active .cert-place[data-pad="{remote["id"]}"]').bounding_box()
            m = mark.bounding_box()
            # under its own place, centred on it
            assert m["y"] >= spot["y"] + spot["height"] - 1
            assert abs((m["x"] + m["width"] / 2) - (spot["x"] + spot["width"] / 2)) < 2
        # A side screen keeps its roll: the certificates are for the main wall and the totem.
        side = main.context.new_page()
        side.goto(server.url + "/display?layout=side")
        side.wait_for_function("() => window.__kiosk?.display && window.__kiosk?.display.layout === 'side'")
        assert side.evaluate("window.__kiosk?.display.screen") == "roll"
        assert side.locator(".cert").count() == 0
        side.close()
        # The round confirmed: the certificates give way to the wall's celebration as before.
        seq = server.command("confirm", project_ids=round_ids).json()["seq"]
        main.wait_for_function(
            "s => window.__kiosk?.display.seq >= s && window.__kiosk?.display.screen === 'round'", arg=seq
        )
        assert main.locator(".screen.is-active .round-stamp").count() == 3
    finally:
        main.context.close()
        totem.context.close()


def test_the_consoles_chips_follow_the_pads(signing, chromium):
    server, web, _pads, ids, pad = signing
    assert server.command("announce", project_id=ids[0]).status_code == 200
    assert server.command("disarm", project_ids=[ids[0]]).status_code == 200
    console = chromium.new_context(viewport={"width": 1024, "height": 768}).new_page()
    try:
        log_in(console, server.url, pin=OPERATOR_PIN)
        chips = "() => Object.fromEntries(window.__kiosk?.console.pads().map(c => [c.id, c.state]))"
        host = pad(ids[0], "host")
        investor = pad(ids[0], "investor")
        console.wait_for_function(f"() => Object.values(({chips})()).length === 2")
        assert set(console.evaluate(chips).values()) == {"waiting"}
        assert console.locator("#pads .pads-count").inner_text() == "已提交 0 / 2"

        console.click("#pads-arm")
        console.wait_for_function(f"() => Object.values(({chips})()).every(s => s === 'armed')")
        sig = host.begin()
        host.ink(sig, 1, stroke(0, 100, 400))
        console.wait_for_function(f"(id) => ({chips})()[id] === 'signing'", arg=host.id)
        chip = console.locator(f'.pad-chip[data-id="{host.id}"]')
        assert chip.locator(".pad-state").inner_text() == "签名中"

        host.call("submit", {"signature_id": sig, "batches": 1, "command_id": uuid.uuid4().hex})
        console.wait_for_function(f"(id) => ({chips})()[id] === 'submitted'", arg=host.id)
        assert console.locator("#pads .pads-count").inner_text() == "已提交 1 / 2"

        # With every signature required, a confirm is refused in the server's words, the chip still
        # waiting for its signature flashes.
        r = web.put(server.url + "/api/v1/certificate", json={"signatures_required": True}, timeout=10)
        assert r.status_code == 200, r.text
        console.wait_for_function("() => window.__kiosk?.console.state().signature_rules.required")
        hold_confirm(console)
        assert console.locator("#statusline").get_attribute("data-kind") == "error"
        said = console.locator("#status-text").inner_text()
        assert pad_name(server, investor.id) in said
        assert "is-flash" in console.locator(f'.pad-chip[data-id="{investor.id}"]').get_attribute("class")
        assert "is-flash" not in console.locator(f'.pad-chip[data-id="{host.id}"]').get_attribute("class")
        assert server.state()["projects"][0]["status"] != "signed"

        # 允许重签 asks first; the pad may then sign again.
        console.wait_for_timeout(1600)  # (the console rests after any command)
        console.click("#pads-reopen")
        assert console.locator("#reopen-dialog").is_visible()
        assert (
            console.locator("#reopen-question").inner_text()
            == f"允许「{pad_name(server, host.id)}」重新签名？"
        )
        console.click('#reopen-dialog button[value="reopen"]')
        console.wait_for_function(f"(id) => ({chips})()[id] === 'armed'", arg=host.id)

        r = web.put(server.url + "/api/v1/certificate", json={"signatures_required": False}, timeout=10)
        assert r.status_code == 200, r.text
        seq = server.command("confirm", project_id=ids[0]).json()["seq"]
        console_seen(console, seq)
        console.wait_for_function(f"() => Object.values(({chips})()).every(s => s === 'signed')")
    finally:
        console.context.close()


def hold_confirm(console) -> None:
    """Press and hold Confirm as an operator does, until the server has answered (a hold that a new view
    cancelled is held again)."""
    for _ in range(3):
        console.wait_for_timeout(1600)  # (the console rests after any command and any change of target)
        button = console.locator("#btn-confirm").bounding_box()
        console.mouse.move(button["x"] + 40, button["y"] + 30)
        console.mouse.down()
        console.wait_for_timeout(1100)
        console.mouse.up()
        try:
            console.wait_for_function(
                "() => ['error', 'ok'].includes(document.getElementById('statusline').dataset.kind)",
                timeout=5000,
            )
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the console never sent its confirm")


def pad_name(server, pad_id: str) -> str:
    return next(p["name"] for p in server.state(operator=True)["pads"] if p["id"] == pad_id)


def test_confirm_says_what_it_waits_for_before_the_press(signing, chromium):
    """Seen in the trial: with every signature required and none submitted, 确认签约 was green with
    "按住 0.8 秒"; the operator learned only after holding it. Now it looks not ready and says why."""
    server, web, _pads, ids, pad = signing
    r = web.put(server.url + "/api/v1/certificate", json={"signatures_required": True}, timeout=10)
    assert r.status_code == 200, r.text
    assert server.command("announce", project_id=ids[0]).status_code == 200
    console = chromium.new_context(viewport={"width": 1024, "height": 768}).new_page()
    try:
        log_in(console, server.url, pin=OPERATOR_PIN)
        button = console.locator("#btn-confirm")
        sub = console.locator("#btn-confirm .cmd-sub")
        console.locator("#btn-confirm.is-unready").wait_for()
        assert sub.inner_text() == "等待签名 0/2"
        green = "rgb(22, 101, 52)"  # the announced project's ready confirm
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") != green
        host = pad(ids[0], "host")
        sig = host.begin()
        host.ink(sig, 1, stroke(0, 100, 400))
        host.call("submit", {"signature_id": sig, "batches": 1, "command_id": uuid.uuid4().hex})
        console.locator("#btn-confirm .cmd-sub").filter(has_text="等待签名 1/2").wait_for()
        investor = pad(ids[0], "investor")
        sig = investor.begin()
        investor.ink(sig, 1, stroke(0, 100, 400))
        investor.call("submit", {"signature_id": sig, "batches": 1, "command_id": uuid.uuid4().hex})
        console.locator("#btn-confirm:not(.is-unready)").wait_for()
        assert "等待签名" not in sub.inner_text()
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == green
    finally:
        console.context.close()


# A morning's agenda for four projects with real names (no placeholder warning above the lists).
AGENDA = """序号,环节,标题,人物,职务,项目,计划时间,时长
1,开场,签约仪式开始,,,,09:30,5
2,致辞,区委书记致辞,周建光,区委书记,,09:35,8
3,签约,第一轮签约,,,1、2、3,09:43,6
4,签约,第二轮签约,,,4,09:49,5
5,授钥匙,授予项目专属服务金钥匙,,,1、2、3、4,09:54,6
6,合影,合影留念,,,,10:00,5
7,结束,签约仪式结束,,,,10:05,2
"""

# What of the agenda and the running order is whole in sight, in their panels, and the chips' height.
IN_SIGHT = """() => {
    const whole = (items, panel) => {
        const box = document.querySelector(panel).getBoundingClientRect();
        return [...document.querySelectorAll(items)].filter((e) => {
            const r = e.getBoundingClientRect();
            return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
        }).length;
    };
    const chips = [...document.querySelectorAll('.pad-chip')].map((c) => c.getBoundingClientRect().height);
    const tools = [...document.querySelectorAll('.pads-tools .small-btn')].map((b) => b.getBoundingClientRect().height);
    return {cues: whole('.cue', '#cues'), rows: whole('.row', '#rows'), chip: Math.max(...chips), tools: Math.min(...tools),
            overflow: document.documentElement.scrollHeight - innerHeight};
}"""


@pytest.mark.parametrize(("size", "n"), [((1024, 768), 2), ((768, 1024), 1)])
def test_with_six_pads_up_the_agenda_and_the_running_order_stay_in_sight(fresh_server, chromium, size, n):
    """Seen in the trial at 1024x768: with a round's pads up (a two-line chip a pad, two a line) the agenda
    showed about one cue and the running order one row; upright (768x1024) the two lists stepped aside
    altogether. The chips are one line now (three a line; upright one a line beside the target card) and
    the lists share what is left: ``n`` cues and ``n`` rows whole in sight under the console's warning
    about the QR codes' address (this server's 127.0.0.1), as a rehearsal on a laptop sees it. At a venue,
    its public address set and no warning, the same layout shows 3 and 3, upright 2 and 2."""
    from harness import projects

    server = fresh_server(projects("52", "30", "5", "12", signatories="张英"))
    web = server.editor()
    answer = web.post(
        server.url + "/api/v1/agenda/import", files={"file": ("agenda.csv", AGENDA.encode())}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    assert web.post(server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10).ok
    first = next(c for c in server.state(operator=True)["run_of_show"]["cues"] if c["kind"] == "signing")
    pads = web.get(server.url + "/api/v1/pads", timeout=10).json()
    assert len([p for p in pads if p["project_id"] in first["project_ids"]]) == 6
    seq = server.command("jump", cue_id=first["id"]).json()["seq"]
    console = chromium.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True).new_page()
    try:
        log_in(console, server.url, pin=OPERATOR_PIN)
        console_seen(console, seq)
        console.wait_for_function(
            "() => document.querySelectorAll('#pads:not([hidden]) .pad-chip').length === 6"
        )
        console.locator("#qr-warning:not([hidden])").wait_for()
        seen = console.evaluate(IN_SIGHT)
        assert seen["cues"] >= n and seen["rows"] >= n, seen
        assert seen["chip"] <= 30 and seen["tools"] >= 44, seen  # dense chips, the buttons a thumb's size
        assert seen["overflow"] <= 0, seen
    finally:
        console.context.close()
        web.close()
