"""The signatory's pad (/sign/<token>) in real Chromium, as a signatory uses it at the table or from another
city: each state drawn (waiting, armed with the field, submitted, signed, the remote marking), a stroke
reaching the server as canonical points, 重签 starting a new attempt, a reload mid-signature keeping the
strokes and sending what the server lacks, and no submit while a batch is unacknowledged.

Batches are held back by a WebSocket route in front of the page (Playwright's ``route_web_socket``): the
server never sees them and the page never gets their acks, as behind a Wi-Fi that swallows packets."""

from __future__ import annotations

import re

import pytest
import socketio
from harness import pause_clock, projects, wait_until

from kiosk.certificate.ink import MAX_BATCH

pytestmark = [pytest.mark.browser, pytest.mark.live]

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
INK_FRAME = re.compile(r'^42\d*\["ink"')
SUBMIT_FRAME = re.compile(r'^42\d*\["submit"')


@pytest.fixture
def ceremony(fresh_server):
    """A server with two projects; the first has a pad for each party, the company's signing remotely."""
    server = fresh_server(projects("52", "30"))
    web = server.editor()
    first = server.made_ids[0]
    made = {}
    for name, party, place in (("周建光", "host", ""), ("张英", "investor", "深圳分会场")):
        r = web.post(
            server.url + "/api/v1/pads",
            json={"name": name, "project_id": first, "party": party, "remote_place": place},
            timeout=10,
        )
        assert r.status_code == 201, r.text
        made[party] = r.json()
    return server, web, made


@pytest.fixture
def wall(ceremony):
    """A wall's socket, to read the ink the server holds for a pad (``ink_sync``)."""
    server = ceremony[0]
    client = socketio.Client(reconnection=False)
    client.connect(
        server.url, auth={"role": "display", "name": "主屏"}, transports=["websocket"], wait_timeout=10
    )
    yield client
    client.disconnect()


def server_ink(wall, pad_id: str) -> dict | None:
    return wall.call("ink_sync", {"pad_ids": [pad_id]}, timeout=10)[pad_id]


def arm(server, project_id: str) -> None:
    r = server.command("arm", project_ids=[project_id])
    assert r.status_code == 200, r.text


def open_pad(chromium, url: str, viewport=TABLET, clock: bool = False, hold=None):
    """A tablet opening its pad's link. ``hold``: a dict whose "ink" key, while true, swallows the page's
    ink batches on their way to the server (counted in hold["held"]); submits are counted too."""
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    if clock:
        page.clock.install()
    if hold is not None:
        hold.setdefault("held", 0)
        hold.setdefault("submits", 0)

        def route(ws):
            server = ws.connect_to_server()

            def from_page(message):
                text = message if isinstance(message, str) else ""
                if SUBMIT_FRAME.match(text):
                    hold["submits"] += 1
                if hold.get("ink") and INK_FRAME.match(text):
                    hold["held"] += 1
                    return
                server.send(message)

            ws.on_message(from_page)
            server.on_message(lambda message: ws.send(message))

        page.route_web_socket(re.compile(r"/socket\.io/"), route)
    page.goto(url)
    page.wait_for_function("() => window.__kiosk?.signPad && window.__kiosk?.signPad.state() !== null")
    page.wait_for_selector('body[data-conn="live"]')
    return context, page


def open_armed(chromium, ceremony, **options):
    """The host's pad, armed, open on a tablet (``open_pad``'s options) and showing its signing field:
    (host, context, page)."""
    server, _, made = ceremony
    host = made["host"]
    arm(server, host["project_id"])
    context, page = open_pad(chromium, host["url"], **options)
    try:
        mode(page, "armed")
    except BaseException:
        context.close()
        raise
    return host, context, page


def mode(page, wanted: str) -> None:
    page.wait_for_function("m => window.__kiosk?.signPad.mode() === m", arg=wanted, timeout=10_000)


def status(page) -> dict:
    return page.evaluate("() => window.__kiosk?.signPad.outbox.status()")


def saved(page, timeout: float = 15_000) -> None:
    page.wait_for_function("() => window.__kiosk?.signPad.outbox.status().saved", timeout=timeout)


def draw(page, strokes) -> None:
    """Draw ``strokes`` (each a list of (fx, fy) in fractions of the field) with the mouse."""
    box = page.locator("#field").bounding_box()
    for stroke in strokes:
        (fx, fy), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.mouse.down()
        for fx, fy in rest:
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.mouse.up()


def line(y: float = 0.5, x0: float = 0.2, x1: float = 0.8, steps: int = 24):
    return [(x0 + (x1 - x0) * i / steps, y) for i in range(steps + 1)]


def zigzag(x0: float, x1: float, steps: int = 16):
    return [(x0 + (x1 - x0) * i / steps, 0.35 if i % 2 else 0.65) for i in range(steps + 1)]


def dark_pixels(page, canvas: str) -> int:
    """How much ink a canvas shows (pixels with any opacity)."""
    return page.evaluate(
        """id => {
            const c = document.getElementById(id);
            const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
            return n;
        }""",
        canvas,
    )


def test_the_pad_draws_waiting_armed_submitted_and_signed(chromium, ceremony):
    server, _, made = ceremony
    host = made["host"]
    context, page = open_pad(chromium, host["url"], clock=True)
    try:
        mode(page, "waiting")
        assert page.inner_text("#wait-name") == "周建光"
        assert page.inner_text("#wait-project") == "测试项目一"
        assert page.inner_text("#wait-party").startswith("甲方")
        assert page.inner_text("#wait-state") == "等待签约"
        assert page.is_hidden("#panel-armed") and page.is_hidden("#field")

        arm(server, host["project_id"])
        mode(page, "armed")
        view = page.evaluate("() => window.__kiosk?.signPad.state()")
        assert view["state"] == "armed"
        box = page.locator("#field").bounding_box()
        # The place's own shape, as large as the window allows, and wholly on screen.
        assert box["width"] / box["height"] == pytest.approx(view["signature"]["aspect"], rel=0.01)
        assert box["width"] >= 0.9 * TABLET["width"] - 40
        assert box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"]
        assert page.inner_text("#name") == "周建光" and page.inner_text("#party") == "甲方"
        assert page.inner_text("#state-chip") == view["state_text"]
        for button in ("#btn-clear", "#btn-submit"):
            assert page.locator(button).bounding_box()["height"] >= 56
            assert page.is_disabled(button), "nothing is drawn yet"

        draw(page, [zigzag(0.15, 0.5), line(0.7, 0.1, 0.9)])
        saved(page)
        assert dark_pixels(page, "ink") > 500
        assert page.is_enabled("#btn-submit")
        # A nervous double tap opens the question but does not answer it.
        page.evaluate(
            "() => { document.getElementById('btn-submit').click(); document.getElementById('confirm-yes').click(); }"
        )
        assert page.is_visible("#confirm") and page.inner_text("#confirm-q") == "确认提交签名？提交后不能修改"
        assert status(page)["submitting"] is False
        page.click("#confirm-no")
        assert page.is_hidden("#confirm") and status(page)["submitted"] is False
        page.click("#btn-submit")
        page.clock.fast_forward(1000)
        page.click("#confirm-yes")
        mode(page, "submitted")
        page.wait_for_function("() => window.__kiosk?.signPad.state().state === 'submitted'")
        assert page.inner_text("#done-title") == "已提交签名"
        assert dark_pixels(page, "done-ink") > 300, "the signature is shown as it was sent"
        listed = {p["id"]: p["state"] for p in server.state(operator=True)["pads"]}
        assert listed[host["id"]] == "submitted"

        r = server.command("confirm", project_id=host["project_id"])
        assert r.status_code == 200, r.text
        mode(page, "signed")
        assert page.inner_text("#done-title") == "签约完成"
        assert dark_pixels(page, "done-ink") > 300
    finally:
        context.close()


def test_a_remote_pad_is_marked_and_fits_a_phone(chromium, ceremony):
    server, web, made = ceremony
    guest = made["investor"]
    remote = web.post(server.url + f"/api/v1/pads/{guest['id']}/remote", timeout=10)
    assert remote.status_code == 201, remote.text
    arm(server, guest["project_id"])
    context, page = open_pad(chromium, remote.json()["remote_url"], viewport=PHONE)
    try:
        mode(page, "armed")
        assert page.is_visible("#remote") and page.inner_text("#remote") == "远程签约 · 深圳分会场"
        assert page.inner_text("#party") == "乙方"
        box = page.locator("#field").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        for button in ("#btn-clear", "#btn-submit"):
            b = page.locator(button).bounding_box()
            assert b["height"] >= 56 and b["y"] + b["height"] <= PHONE["height"]
        # Nothing on the page is wider than the phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


# Where the armed field stands: its box, the header's last line above it and the guidance between them.
FIELD_PLACE = """() => {
    const box = (id) => document.getElementById(id).getBoundingClientRect();
    const f = box('field');
    return {x: f.x, y: f.y, width: f.width, height: f.height, signer: box('signer').bottom,
            hint: box('hint').height, submit: box('btn-submit').bottom};
}"""


def test_a_phone_signs_in_a_field_that_takes_the_screen(chromium, ceremony, wall):
    """Seen in the trial: upright at 390x844 the signing field was a 135 px strip (the place's wide shape
    at the phone's width) under empty space. Upright, the field now takes the height under the header and
    shows the middle of the place at its full height; the strokes still reach the server as canonical
    points inside the place. Turned (844x390) it keeps the place's shape, under the header."""
    server, web, made = ceremony
    remote = web.post(server.url + f"/api/v1/pads/{made['investor']['id']}/remote", timeout=10)
    assert remote.status_code == 201, remote.text
    arm(server, made["investor"]["project_id"])
    context, page = open_pad(chromium, remote.json()["remote_url"], viewport=PHONE)
    try:
        mode(page, "armed")
        place = page.evaluate(FIELD_PLACE)
        assert place["height"] >= 0.45 * PHONE["height"], place
        assert place["width"] >= PHONE["width"] - 40, place
        # under the header, only the line of guidance between them; the buttons on screen
        assert place["y"] - place["signer"] <= place["hint"] + 24, place
        assert place["submit"] <= PHONE["height"], place

        draw(page, [line(0.5, 0.1, 0.9)])
        saved(page)
        aspect = page.evaluate("() => window.__kiosk?.signPad.state().signature.aspect")
        mine = page.evaluate("() => window.__kiosk?.signPad.outbox.points")
        assert server_ink(wall, made["investor"]["id"])["points"] == mine
        xs = [p[1] for p in mine]
        # the middle of the place, at its full height: canonical, inside the place, centred
        assert 0 < min(xs) < 500 < max(xs) < 1000
        assert min(xs) + max(xs) == pytest.approx(1000, abs=4)
        assert all(p[2] == pytest.approx(500 / aspect, abs=3) for p in mine)

        page.set_viewport_size({"width": PHONE["height"], "height": PHONE["width"]})
        page.wait_for_function(
            "w => Math.round(document.getElementById('field').getBoundingClientRect().width) !== w",
            arg=round(place["width"]),
        )
        turned = page.evaluate(FIELD_PLACE)
        assert turned["width"] / turned["height"] == pytest.approx(aspect, rel=0.02), turned
        assert turned["height"] >= 0.55 * PHONE["width"], turned
        assert turned["y"] - turned["signer"] <= turned["hint"] + 24, turned
    finally:
        context.close()


def test_a_stroke_reaches_the_server_as_canonical_points(chromium, ceremony, wall):
    host, context, page = open_armed(chromium, ceremony)
    try:
        draw(page, [line(0.5, 0.2, 0.8)])
        saved(page)
        aspect = page.evaluate("() => window.__kiosk?.signPad.state().signature.aspect")
        mine = page.evaluate("() => window.__kiosk?.signPad.outbox.points")
        held = server_ink(wall, host["id"])
        assert held["signature_id"] == status(page)["id"]
        assert held["points"] == mine and held["batches"] == status(page)["batches"]
        xs = [p[1] for p in mine]
        assert {p[0] for p in mine} == {0}, "one stroke, numbered 0"
        assert min(xs) == pytest.approx(200, abs=2) and max(xs) == pytest.approx(800, abs=2)
        # Canonical: the field is 1000 wide and 1000 / aspect high, whatever its size on screen.
        assert all(p[2] == pytest.approx(500 / aspect, abs=2) for p in mine)
        assert {p[3] for p in mine} == {0.5}, "a mouse has no pressure"
        times = [p[4] for p in mine]
        assert all(isinstance(t, int) for t in times) and times == sorted(times)
    finally:
        context.close()


def test_clear_abandons_the_attempt_and_starts_a_new_one(chromium, ceremony, wall):
    host, context, page = open_armed(chromium, ceremony)
    try:
        draw(page, [zigzag(0.1, 0.6)])
        saved(page)
        first = status(page)["id"]
        assert server_ink(wall, host["id"])["signature_id"] == first
        page.click("#btn-clear")
        page.wait_for_function("() => window.__kiosk?.signPad.outbox.status().clears.length === 0")
        assert status(page)["points"] == 0 and status(page)["id"] != first
        assert dark_pixels(page, "ink") == 0 and page.is_disabled("#btn-submit")
        assert server_ink(wall, host["id"]) is None, "the abandoned attempt is no longer shown"

        draw(page, [line(0.6, 0.3, 0.7, 10)])
        saved(page)
        second = status(page)
        assert second["id"] != first
        held = server_ink(wall, host["id"])
        assert held["signature_id"] == second["id"]
        assert held["points"] == page.evaluate("() => window.__kiosk?.signPad.outbox.points")
        assert {p[0] for p in held["points"]} == {0}, "stroke numbers start again in a new attempt"
    finally:
        context.close()


def test_a_reload_mid_signature_keeps_the_strokes_and_sends_what_the_server_lacks(chromium, ceremony, wall):
    hold = {"ink": False}
    host, context, page = open_armed(chromium, ceremony, hold=hold)
    try:
        draw(page, [zigzag(0.1, 0.45)])
        saved(page)
        hold["ink"] = True
        draw(page, [zigzag(0.5, 0.9)])
        page.wait_for_function("() => window.__kiosk?.signPad.outbox.status().unacked.length > 0")
        before = page.evaluate("() => window.__kiosk?.signPad.outbox.points")
        attempt = status(page)["id"]
        assert hold["held"] > 0
        assert len(server_ink(wall, host["id"])["points"]) < len(before), "the second stroke is held back"

        # Reloaded while the batches are still held back: the strokes come from this tab's storage.
        page.reload()
        page.wait_for_function("() => window.__kiosk?.signPad && window.__kiosk?.signPad.state() !== null")
        mode(page, "armed")
        assert status(page)["id"] == attempt
        assert page.evaluate("() => window.__kiosk?.signPad.outbox.points") == before
        assert status(page)["unacked"], "what the server lacks is still to be sent"
        assert dark_pixels(page, "ink") > 500, "both strokes are drawn again"
        hold["ink"] = False
        saved(page)
        held = server_ink(wall, host["id"])
        assert held["signature_id"] == attempt and held["points"] == before
    finally:
        context.close()


def test_no_submit_while_a_batch_is_unacknowledged(chromium, ceremony, wall):
    hold = {"ink": True}
    host, context, page = open_armed(chromium, ceremony, clock=True, hold=hold)
    try:
        draw(page, [zigzag(0.2, 0.8)])
        page.wait_for_function("() => window.__kiosk?.signPad.outbox.status().unacked.length > 0")
        assert page.is_disabled("#btn-submit")
        page.wait_for_function("() => document.getElementById('save-line').textContent === '正在保存笔迹…'")
        answer = page.evaluate("() => window.__kiosk?.signPad.outbox.submit()")
        assert answer == {"ok": False, "local": True, "reason": "pending"}
        page.click("#btn-submit", force=True)
        assert page.is_hidden("#confirm")
        assert hold["submits"] == 0, "nothing was submitted"

        hold["ink"] = False
        saved(page)
        wait_until(lambda: page.is_enabled("#btn-submit"), timeout=5)
        assert server_ink(wall, host["id"])["points"] == page.evaluate(
            "() => window.__kiosk?.signPad.outbox.points"
        )
        page.click("#btn-submit")
        page.clock.fast_forward(1000)
        page.click("#confirm-yes")
        mode(page, "submitted")
        assert hold["submits"] == 1
    finally:
        context.close()


# The page hands the outbox the server's batch size (its settings); the harness hands it the same.
OUTBOX_HARNESS = """async (maxBatch) => {
    const { Outbox } = await import("/static/js/sign/outbox.js");
    const sent = [];
    const handlers = {};
    const socket = {
        connected: true,
        on(name, fn) { handlers[name] = fn; },
        timeout() { return { emit: (name, data, ack) => sent.push({ name, data, ack }) }; },
    };
    const make = () => new Outbox({ socket, scope: "test-pad", storage: window.sessionStorage, maxBatch });
    window.__t = { Outbox, sent, handlers, socket, make, box: make() };
}"""


def test_the_outbox_numbers_batches_waits_for_acks_and_keeps_its_command_id(chromium, ceremony):
    """The outbox alone, driven through a fake socket: the order of the wire, what a timeout and a reconnect
    send again, the submit's command_id across retries and a reload (its storage)."""
    server = ceremony[0]
    context = chromium.new_context()
    page = context.new_page()
    page.clock.install()
    try:
        page.goto(server.url + "/healthz")
        pause_clock(page)
        page.evaluate(OUTBOX_HARNESS, MAX_BATCH)

        def wire(start: int = 0) -> list:
            return page.evaluate(
                "n => __t.sent.slice(n).map(m => [m.name, m.data.batch || null, (m.data.points || []).length])",
                start,
            )

        def answer(index: int, reply: dict | None) -> None:
            # None: the ack timed out.
            page.evaluate(
                "([i, r]) => r ? __t.sent[i].ack(null, r) : __t.sent[i].ack(new Error('operation has timed out'))",
                [index, reply],
            )

        drawn = 2 * MAX_BATCH + 100  # two full batches and a part
        page.evaluate(
            """n => {
                const s = __t.box.startStroke(800, 320);
                for (let i = 0; i < n; i++) __t.box.add(s, i % 1000, 100, 0.5);
                __t.box.endStroke();
            }""",
            drawn,
        )
        assert wire() == [["attempt", None, 0]], "no ink before the attempt is acknowledged"
        answer(0, {"ok": True})
        assert wire(1) == [["ink", 1, MAX_BATCH], ["ink", 2, MAX_BATCH], ["ink", 3, 100]]
        assert page.evaluate("() => __t.box.submit()") == {"ok": False, "local": True, "reason": "pending"}
        answer(1, {"ok": True, "batch": 1})
        answer(3, {"ok": True, "batch": 3})
        answer(2, None)
        assert page.evaluate("() => __t.box.status().unacked") == [2]
        page.clock.run_for(1000)
        # A timeout sends again what is unacknowledged, in order, after the attempt.
        assert wire(4) == [["attempt", None, 0]]
        answer(4, {"ok": True})
        assert wire(5) == [["ink", 2, MAX_BATCH]]
        answer(5, {"ok": True, "batch": 2})
        assert page.evaluate("() => __t.box.status().saved") is True

        page.evaluate("() => { __t.box.submit(); }")
        submit = page.evaluate("() => __t.sent[6].data")
        assert wire(6) == [["submit", None, 0]] and submit["batches"] == 3
        answer(6, None)
        page.clock.run_for(1000)
        answer(7, {"ok": True})
        assert wire(8) == [["submit", None, 0]]
        assert page.evaluate("() => __t.sent[8].data.command_id") == submit["command_id"]

        # Lost again, the page reloads: the new outbox finds the attempt and the pending submit in storage.
        page.evaluate("() => { __t.box2 = __t.make(); }")
        assert page.evaluate("() => __t.box2.status()")["id"] == submit["signature_id"]
        assert page.evaluate("() => __t.box2.points.length") == drawn
        assert page.evaluate("() => __t.box2.status().commandId") == submit["command_id"]
        n = len(wire())
        page.evaluate("() => __t.handlers.connect()")
        assert wire(n)[0] == ["attempt", None, 0]
        answer(n, {"ok": True})
        assert wire(n + 1) == [["submit", None, 0]]
        assert page.evaluate("i => __t.sent[i].data.command_id", n + 1) == submit["command_id"]
        answer(n + 1, {"ok": True, "signed": False})
        assert page.evaluate("() => __t.box2.status().submitted") is True
    finally:
        context.close()
