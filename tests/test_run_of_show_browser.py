"""The sample agenda run from its first cue to its last with GO only, as an operator runs it on the day:
the console (GO by tapping, then by the keyboard's Space), the wall and the MC's monitor open and following
each cue, a round of three signed at one moment and undone as one, the safe look and back, and the report
listing each cue's actual times."""

from __future__ import annotations

import pytest
import requests
from harness import PIN, console_seen, hold, log_in, pair_page, pause_clock

pytestmark = pytest.mark.browser

GUARD_MS = 1000
HOLD_MS = 800


def drawn(page, seq: int) -> None:
    page.wait_for_function("s => window.__kiosk?.display && window.__kiosk?.display.seq >= s", arg=seq)


def stage_saw(page, seq: int) -> None:
    page.wait_for_function("s => window.__kiosk?.stage && window.__kiosk?.stage.seq >= s", arg=seq)


def captioned(wall) -> bool:
    """The speaker's lower third is up on the wall."""
    return wall.evaluate("() => document.getElementById('caption').classList.contains('on')")


def test_the_sample_agenda_runs_with_go_only(live_server, chromium):
    server = live_server
    start = server.state(operator=True)
    cues = start["run_of_show"]["cues"]
    kinds = [c["kind"] for c in cues]
    assert kinds[0] == "opening" and kinds[-1] == "closing" and "speech" in kinds and "handover" in kinds
    rounds = [c for c in cues if c["kind"] == "signing"]
    assert any(len(c["project_ids"]) == 3 for c in rounds)

    contexts = []

    def page_of(w: int, h: int):
        context = chromium.new_context(viewport={"width": w, "height": h})
        contexts.append(context)
        return context.new_page()

    try:
        wall = page_of(1920, 1080)

        pair_page(wall, server)
        stage = page_of(1024, 768)
        assert stage.context.request.post(server.url + "/api/v1/session", data={"pin": PIN}).status == 200
        stage.goto(server.url + "/stage")
        stage.wait_for_function(
            "() => window.__kiosk?.stage && typeof window.__kiosk?.stage.seq === 'number'"
        )
        console = page_of(1024, 768)
        console.clock.install()
        log_in(console, server.url)
        pause_clock(console)

        fired, undone_round, panicked, went_back = [], False, False, False
        by_keyboard = False
        for _ in range(60):
            view = server.state(operator=True)
            ros = view["run_of_show"]
            if ros["round"]:
                ids = ros["round"]["project_ids"]
                console_seen(console, view["seq"])
                console.clock.run_for(GUARD_MS + 600)
                hold(console, "#btn-confirm", HOLD_MS + 50)
                after = wait_seq(server, view["seq"] + 1)
                signed = [p for p in after["projects"] if p["id"] in ids]
                # One moment: every project of the round signed by the same log entry.
                assert {p["status"] for p in signed} == {"signed"}
                assert len({p["signed_at"] for p in signed}) == 1
                assert after["seq"] == view["seq"] + 1
                drawn(wall, after["seq"])
                assert wall.locator(".screen-round.is-active .round-card.is-signed").count() == len(ids)
                if len(ids) == 3 and not undone_round:
                    # Undone as one: the console's undo names the whole round and takes all of it back.
                    console_seen(console, after["seq"])
                    console.clock.run_for(GUARD_MS + 600)
                    console.click("#btn-undo")
                    console.locator("#undo-dialog").wait_for(state="visible")
                    for pid in ids:
                        name = next(p["name"] for p in after["projects"] if p["id"] == pid)
                        assert name in console.locator("#undo-question").inner_text()
                    console.click("#undo-ok")
                    back = wait_seq(server, after["seq"] + 1)
                    assert all(p["status"] != "signed" for p in back["projects"] if p["id"] in ids)
                    assert back["signed_count"] == after["signed_count"] - 3
                    drawn(wall, back["seq"])
                    assert wall.locator(".screen-round.is-active .round-card.is-signed").count() == 0
                    undone_round = True
                continue
            if ros["go"]["blocked"]:
                break
            target = ros["standby"]
            console_seen(console, view["seq"])
            console.clock.run_for(GUARD_MS + 600)
            # GO by tapping for the first half of the show, by the keyboard's Space for the rest.
            by_keyboard = len(fired) >= len(cues) // 2
            if by_keyboard:
                console.locator("body").press(" ")
            else:
                console.click("#btn-go")
            now = wait_seq(server, view["seq"] + 1)
            assert now["cue"]["current_id"] == target["id"], target
            fired.append(target["id"])
            # The wall follows the cue.
            drawn(wall, now["seq"])
            screen = wall.evaluate("() => window.__kiosk?.display.screen")
            expected = {
                "signing": "round" if len(target["project_ids"]) > 1 else "spotlight",
                "handover": "keys",
                "closing": "finale",
            }.get(target["kind"], "title")
            assert screen == expected, (target["kind"], screen)
            caption = wall.locator("#caption")
            if target["kind"] in ("speech", "remarks"):
                assert captioned(wall)
                assert caption.locator(".caption-name").inner_text() == target["person"]
            else:
                assert not captioned(wall)
            # And so does the MC's monitor: this cue, its script, the next one.
            stage_saw(stage, now["seq"])
            assert stage.evaluate("() => window.__kiosk?.stage.current") == target["id"]
            assert stage.locator("#cue-title").inner_text().strip() == target["title"]

            if target["kind"] == "speech" and not panicked:
                # Esc: the safe look (the title, no lower third) on the wall and the monitor; Esc again: back.
                console.clock.run_for(GUARD_MS + 600)
                console.locator("body").press("Escape")
                calm = wait_seq(server, now["seq"] + 1)
                assert calm["wall"]["panic"] is True
                drawn(wall, calm["seq"])
                assert wall.evaluate("() => window.__kiosk?.display.screen") == "title"
                assert not captioned(wall)
                stage_saw(stage, calm["seq"])
                assert stage.locator("#panic").is_visible()
                console.clock.run_for(GUARD_MS + 600)
                console.locator("body").press("Escape")
                again = wait_seq(server, calm["seq"] + 1)
                drawn(wall, again["seq"])
                assert captioned(wall)
                panicked = True
            if target["kind"] == "remarks" and not went_back:
                # Back: the previous cue runs again (and GO then carries on from there).
                console.clock.run_for(GUARD_MS + 600)
                console.click("#btn-back")
                prev = wait_seq(server, now["seq"] + 1)
                index = [c["id"] for c in cues].index(target["id"])
                assert prev["cue"]["current_id"] == cues[index - 1]["id"]
                went_back = True

        assert by_keyboard and panicked and went_back and undone_round
        assert fired[-1] == cues[-1]["id"]
    finally:
        for context in contexts:
            context.close()

    report = requests.get(
        server.url + "/api/v1/report.json",
        headers={"Authorization": f"Bearer {server.api_token}"},
        timeout=10,
    ).json()
    rows = {r["id"]: r for r in report["agenda"]}
    for c in cues:
        assert rows[c["id"]]["started_at"], c  # every cue ran, with its actual start
        assert rows[c["id"]]["started_time"]
    assert rows[cues[-1]["id"]]["actual_text"]
    remarks = next(c for c in cues if c["kind"] == "remarks")
    assert rows[remarks["id"]]["refired"] >= 1


def wait_seq(server, seq: int) -> dict:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        view = server.state(operator=True)
        if view["seq"] >= seq:
            return view
        time.sleep(0.05)
    raise AssertionError(f"seq {seq} not reached")
