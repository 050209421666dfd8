"""The console's run of show in real Chromium against a real server: GO and its guard against a double
tap, the keyboard (Space, Esc, the arrows), jumping and setting a standby from the cue list (asked first),
GO waiting for a round's confirm, and the line for the MC. The console's time is Playwright's clock."""

from __future__ import annotations

import pytest
from harness import commands_sent, console_seen, open_console, pause_clock

pytestmark = pytest.mark.browser

MIN_INTERVAL_MS = 1500
GUARD_MS = 1000


@pytest.fixture
def console(live_server, chromium):
    page = open_console(chromium, live_server)
    page.locator("#gocard:not([hidden])").wait_for()
    pause_clock(page)
    yield page
    page.context.close()


def rest(page) -> None:
    page.clock.run_for(MIN_INTERVAL_MS + 100)


def test_a_double_tap_on_go_fires_one_cue(live_server, console):
    page = console
    cues = live_server.state(operator=True)["run_of_show"]["cues"]
    sent = commands_sent(page)
    page.click("#btn-go")
    page.clock.run_for(80)
    page.click("#btn-go")
    page.clock.run_for(300)
    page.locator("#statusline").filter(has_text=cues[0]["title"]).wait_for()
    rest(page)
    assert [b["action"] for b in sent] == ["go"]
    assert sent[0]["cue_id"] == cues[0]["id"]
    state = live_server.state(operator=True)
    assert state["cue"]["current_id"] == cues[0]["id"]
    # The list shows it: the running cue red, the next one as standby, and the GO line names it.
    assert page.locator(f'.cue[data-id="{cues[0]["id"]}"]').get_attribute("data-place") == "current"
    assert page.locator(f'.cue[data-id="{cues[1]["id"]}"]').get_attribute("data-place") == "standby"
    assert cues[1]["title"] in page.locator("#go-line").inner_text()


def test_the_keyboard_runs_the_show(live_server, console):
    page = console
    cues = live_server.state(operator=True)["run_of_show"]["cues"]
    sent = commands_sent(page)
    page.keyboard.press(" ")
    page.wait_for_function("id => window.__kiosk?.console.state().cue.current_id === id", arg=cues[0]["id"])
    rest(page)
    page.keyboard.press("ArrowDown")  # the standby moves one down: the cue after the next
    page.wait_for_function("id => window.__kiosk?.console.state().cue.standby_id === id", arg=cues[2]["id"])
    rest(page)
    page.keyboard.press("ArrowUp")
    page.wait_for_function("id => window.__kiosk?.console.state().cue.standby_id === id", arg=cues[1]["id"])
    rest(page)
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.__kiosk?.console.state().cue.panic === true")
    assert page.locator("body.is-panic").count() == 1
    assert page.locator("#btn-panic").inner_text() == "恢复大屏"
    rest(page)
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.__kiosk?.console.state().cue.panic === false")
    assert [b["action"] for b in sent] == ["go", "standby", "standby", "panic", "unpanic"]
    # Space on a focused button is GO, never that button's own click.
    rest(page)
    page.focus("#btn-undo")
    page.keyboard.press(" ")
    page.wait_for_function("id => window.__kiosk?.console.state().cue.current_id === id", arg=cues[1]["id"])
    rest(page)
    assert page.locator("#undo-dialog[open]").count() == 0
    assert [b["action"] for b in sent][-1] == "go"


def test_a_cue_tapped_in_the_list_asks_before_it_jumps(live_server, console):
    page = console
    cues = live_server.state(operator=True)["run_of_show"]["cues"]
    sent = commands_sent(page)
    target = next(c for c in cues if c["kind"] == "photo")
    page.click(f'.cue[data-id="{target["id"]}"]')
    dialog = page.locator("#cue-dialog")
    dialog.wait_for(state="visible")
    assert target["title"] in page.locator("#cue-dlg-title").inner_text()
    page.keyboard.press("Enter")  # the safe choice has the focus
    dialog.wait_for(state="hidden")
    rest(page)
    assert sent == []
    page.click(f'.cue[data-id="{target["id"]}"]')
    page.click("#cue-standby")
    page.wait_for_function("id => window.__kiosk?.console.state().cue.standby_id === id", arg=target["id"])
    assert live_server.state()["cue"]["current_id"] is None  # the wall did not move
    rest(page)
    page.click(f'.cue[data-id="{target["id"]}"]')
    page.click("#cue-jump")
    page.wait_for_function("id => window.__kiosk?.console.state().cue.current_id === id", arg=target["id"])
    assert [b["action"] for b in sent] == ["standby", "jump"]


def test_go_waits_for_the_rounds_confirm(live_server, console):
    page = console
    ros = live_server.state(operator=True)["run_of_show"]
    first_round = next(c for c in ros["cues"] if c["kind"] == "signing")
    r = live_server.command("jump", cue_id=first_round["id"])
    console_seen(page, r.json()["seq"])
    rest(page)
    sent = commands_sent(page)
    page.click("#btn-go", force=True)  # (aria-disabled: a finger still taps it)
    page.clock.run_for(200)
    assert sent == []
    assert "确认签约" in page.locator("#go-line").inner_text()
    assert page.locator("#btn-go.is-disabled").count() == 1
    # The target card names the whole round, and its hold signs every project of it.
    names = page.locator("#target-name").inner_text()
    for pid in first_round["project_ids"]:
        name = next(p["name"] for p in live_server.state()["projects"] if p["id"] == pid)
        assert name in names


def test_a_line_for_the_mc(live_server, console):
    page = console
    sent = commands_sent(page)
    page.click("#btn-note")
    page.locator("#note-dialog").wait_for(state="visible")
    page.click('.note-preset[data-t="note_slow"]')
    assert page.input_value("#note-input") == "请放慢"
    page.click("#note-send")
    page.wait_for_function("() => (window.__kiosk?.console.state().run_of_show.note || {}).text === '请放慢'")
    assert [(b["action"], b["text"]) for b in sent] == [("note", "请放慢")]
    stage = live_server.state(operator=True)["run_of_show"]["note"]
    assert stage["text"] == "请放慢"
    assert "note" not in live_server.state() and "run_of_show" not in live_server.state()


@pytest.mark.parametrize("size", ["tablet", "tablet_portrait"])
def test_the_note_field_is_a_tablets_field_and_enter_sends(live_server, chromium, size):
    """Seen in the trial: 提示语 was a 156x25 px unstyled field, and Enter in it pressed the form's first
    button (取消): the note was not sent. Now a large field whose limit is the server's, at the top of the
    screen (a tablet's keyboard takes its lower half), and Enter sends."""
    from kiosk.core.model import MAX_NOTE

    page = open_console(chromium, live_server, size=size, monitors=True)  # the fullest screen
    try:
        page.locator("#gocard:not([hidden])").wait_for()
        sent = commands_sent(page)
        page.click("#btn-note")
        page.locator("#note-dialog").wait_for(state="visible")
        field = page.locator("#note-input")
        assert page.evaluate("() => document.activeElement.id") == "note-input"
        assert field.get_attribute("maxlength") == str(MAX_NOTE)
        assert page.locator("#note-count").inner_text() == f"0 / {MAX_NOTE} 字"
        assert page.locator("#note-send").is_disabled()  # nothing to send yet
        box, dialog = field.bounding_box(), page.locator("#note-dialog").bounding_box()
        view = page.viewport_size
        assert box["height"] >= 100 and box["width"] >= dialog["width"] - 60, box
        assert field.evaluate("f => parseFloat(getComputedStyle(f).fontSize)") >= 20
        assert field.evaluate("f => getComputedStyle(f).borderTopStyle") == "solid"
        # above an on-screen keyboard: the field and 发送 in the upper part of the screen
        send_box = page.locator("#note-send").bounding_box()
        assert box["y"] + box["height"] <= 0.45 * view["height"], (box, view)
        assert send_box["y"] + send_box["height"] <= 0.6 * view["height"], (send_box, view)
        assert send_box["height"] >= 48

        text = "第二轮领导还在路上，请主持人多介绍两句产业园的情况再请上台"
        field.fill(text)
        assert page.locator("#note-count").inner_text() == f"{len(text)} / {MAX_NOTE} 字"
        # Enter while an input method composes picks characters: nothing is sent
        field.evaluate(
            "f => f.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true,"
            " cancelable: true}))"
        )
        assert page.locator("#note-dialog[open]").count() == 1
        field.press("Enter")
        page.locator("#note-dialog").wait_for(state="hidden")
        page.wait_for_function(
            "t => (window.__kiosk?.console.state().run_of_show.note || {}).text === t", arg=text
        )
        assert [(b["action"], b["text"]) for b in sent] == [("note", text)]
        assert live_server.state(operator=True)["run_of_show"]["note"]["text"] == text
        # Esc closes it again without sending the last note once more
        page.clock.run_for(MIN_INTERVAL_MS + 100)
        page.click("#btn-note")
        page.locator("#note-dialog").wait_for(state="visible")
        assert field.input_value() == text
        page.keyboard.press("Escape")
        page.locator("#note-dialog").wait_for(state="hidden")
        page.clock.run_for(500)
        assert len(sent) == 1
    finally:
        page.context.close()


def test_an_announce_out_of_order_asks_first_naming_what_it_does_to_the_agenda(live_server, console):
    """Before: a project of round 2 announced while round 1 was unsigned silently passed round 1 as done.
    Now the agenda stays (rules.in_order), and the console says so before anything is sent."""
    page = console
    ros = live_server.state(operator=True)["run_of_show"]
    rounds = [c for c in ros["cues"] if c["kind"] == "signing"]
    later = rounds[1]["project_ids"][0]
    sent = commands_sent(page)
    page.click(f'.row[data-id="{later}"]')
    page.click("#btn-announce")
    dialog = page.locator("#order-dialog")
    dialog.wait_for(state="visible")
    said = page.locator("#order-facts").inner_text()
    assert said == live_server.state(operator=True)["console"]["rows"][later]["out_of_order"]
    assert rounds[0]["title"] in said and rounds[1]["title"] in said
    page.keyboard.press("Enter")  # the safe choice has the focus
    dialog.wait_for(state="hidden")
    rest(page)
    assert sent == []
    page.click("#btn-announce")
    page.click("#order-ok")
    page.wait_for_function("id => window.__kiosk?.console.state().wall.project_id === id", arg=later)
    assert [b["action"] for b in sent] == ["announce"]
    state = live_server.state(operator=True)
    assert state["cue"]["current_id"] is None and state["cue"]["standby_id"] == ros["cues"][0]["id"]
    # In order, nothing is asked: the first round's project is announced at once.
    rest(page)
    page.click(f'.row[data-id="{rounds[0]["project_ids"][0]}"]')
    page.click("#btn-announce")
    page.wait_for_function("() => window.__kiosk?.console.state().cue.current_id !== null")
    assert page.locator("#order-dialog").is_hidden()
