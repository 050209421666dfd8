"""One clock, the venue's, on every page; and a language switched live redraws every open page.

The module's server runs as a laptop left on UTC does (TZ=UTC, no KIOSK_TIMEZONE), the event in its default
zone, Asia/Shanghai, and the browsers in the venue's zone like the tablets there (tests/harness.py): every
time a page, the report and its spreadsheet show is the venue's, and nothing warns. A tablet set to another
zone is told, on the console and on /stage, that its own clock is not the venue's.
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from harness import PIN, LiveServer, console_seen, open_console, wait_drawn
from openpyxl import load_workbook

pytestmark = pytest.mark.browser

VENUE = ZoneInfo("Asia/Shanghai")
CLOCK = re.compile(r"\d\d:\d\d:\d\d")


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """The module's one server, on UTC as a laptop fresh from the box is (conftest's, with that zone)."""
    env = {"TZ": "UTC", "KIOSK_TIMEZONE": ""}
    server = LiveServer(tmp_path_factory.mktemp("utc") / "data", env=env).start()
    yield server
    server.stop()


def venue(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(VENUE)


def recorded(server: LiveServer, seq: int) -> str:
    """The instant the server wrote for ``seq`` of the current run, as it stored it."""
    db = sqlite3.connect(f"file:{server.data_dir / 'kiosk.sqlite3'}?mode=ro", uri=True)
    try:
        run = db.execute("SELECT id FROM runs ORDER BY rowid DESC LIMIT 1").fetchone()[0]
        return db.execute("SELECT at FROM log WHERE run = ? AND seq = ?", (run, seq)).fetchone()[0]
    finally:
        db.close()


def near_now(text: str) -> bool:
    """``text`` ("19:15:17" or "19:15") is the venue's time now, give or take the test's own few seconds."""
    now = datetime.now(VENUE)
    fmt = "%H:%M:%S" if text.count(":") == 2 else "%H:%M"
    return any(f"{now + timedelta(seconds=s):{fmt}}" == text for s in range(-70, 11))


def test_a_server_on_utc_and_tablets_in_shanghai_show_one_clock(fresh_server, chromium):
    server = fresh_server()
    first = server.made_ids[0]
    console = open_console(chromium, server)
    try:
        # The console shows the roll (its own line, at its own time), then the AV desk signs a project.
        console.click('.scr[data-screen="roll"]')
        console.wait_for_selector('#statusline[data-kind="ok"]')
        assert near_now(console.locator("#status-time").inner_text())
        signed = server.command("confirm", project_id=first).json()["state"]
        # The server recorded the signing on UTC; the view carries it on the venue's clock.
        assert recorded(server, signed["seq"]).endswith("+00:00")
        signed_at = signed["projects"][0]["signed_at"]
        assert signed_at.endswith("+08:00") and venue(signed_at) == venue(recorded(server, signed["seq"]))
        at = venue(signed_at)
        console_seen(console, signed["seq"])
        # The header's clock, the status line (the AV desk's signing) and the row: the venue's.
        assert near_now(console.locator("#clock").inner_text())
        console.wait_for_selector('#statusline[data-kind="info"]')
        assert console.locator("#status-time").inner_text() == f"{at:%H:%M}"
        row = console.locator(f'.row[data-id="{first}"] .row-time')
        assert row.inner_text() == f"{at:%H:%M}"
        assert console.locator("#clock-warning").is_hidden()

        # /stage on the same tablet (its session): the venue's clock, no warning.
        stage = console.context.new_page()
        stage.goto(server.url + "/stage")
        stage.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.synced > 0")
        assert near_now(stage.locator("#clock").inner_text())
        assert stage.locator("#clock-off").is_hidden()

        # The report page: 更新于 and its table on the same clock.
        admin = console.context.new_page()
        admin.goto(server.url + "/admin#report")
        cell = admin.locator(f'#report-projects tr[data-id="{first}"] td.when')
        cell.wait_for()
        assert cell.inner_text() == f"{at:%H:%M}"
        lead = admin.locator("#report-lead").inner_text()
        updated = re.search(r"(\d\d:\d\d)", lead)
        assert updated and near_now(updated[1]), lead

        # The spreadsheet carries the zone beside the venue's time.
        web = requests.Session()
        web.post(server.url + "/api/v1/session", json={"pin": PIN}, timeout=10)
        book = load_workbook(io.BytesIO(web.get(server.url + "/api/v1/report.xlsx", timeout=10).content))
        sheet = book.worksheets[0]
        column = [c.value for c in sheet[1]].index("签约时间") + 1
        assert sheet.cell(row=2, column=column).value == f"{at:%Y-%m-%d %H:%M:%S} (UTC+8)"
        web.close()
    finally:
        console.context.close()


def test_a_tablet_in_another_zone_is_told_its_clock_is_not_the_venues(fresh_server, chromium):
    server = fresh_server()
    console = open_console(chromium, server, timezone_id="America/New_York")
    try:
        now = datetime.now(VENUE)
        hours = round(
            (now.utcoffset() - now.astimezone(ZoneInfo("America/New_York")).utcoffset()) / timedelta(hours=1)
        )
        warning = console.locator("#clock-warning")
        warning.wait_for()
        text = f"本机时钟与现场时间相差 {hours} 小时，页面按现场时间显示"
        assert console.locator("#clock-warning-text").inner_text() == text
        # Still the venue's time, not the tablet's.
        assert near_now(console.locator("#clock").inner_text())
        stage = console.context.new_page()
        stage.goto(server.url + "/stage")
        stage.locator("#clock-off").wait_for()
        assert stage.locator("#clock-off").inner_text() == text
        assert near_now(stage.locator("#clock").inner_text())
    finally:
        console.context.close()


# (a Chinese page says "zh-CN")
LANG_IS = "l => document.documentElement.lang.split('-')[0] === l"
SHOWN = "() => document.body.innerText"
CHANGED = "before => document.body.innerText !== before"


def test_a_language_switched_live_redraws_every_open_page(fresh_server, chromium):
    """The console, the wall, /stage, /live and a pad, each open once; the event switched to English
    through the API: each page redraws in English without a reload (/live reloads itself, by design) —
    the console's header date and its cue rows' minutes included, which stayed Chinese before."""
    server = fresh_server()
    web = server.editor()
    pad = web.post(
        server.url + "/api/v1/pads",
        json={"name": "周建光", "project_id": server.made_ids[0], "party": "host"},
        timeout=10,
    ).json()
    console = open_console(chromium, server)
    context = console.context
    try:
        console.locator(".cue-when").first.wait_for()
        assert "2021年6月21日" in console.locator(".brand-sub").inner_text()
        assert "分钟" in console.locator(".cue-when").first.inner_text()
        pages = {"console": console}
        for name, path in (("wall", "/display?name=wall"), ("stage", "/stage"), ("live", "/live")):
            pages[name] = context.new_page()
            pages[name].goto(server.url + path)
        wait_drawn(pages["wall"], server.state()["seq"])
        pages["stage"].wait_for_function(
            "() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined"
        )
        pages["live"].locator("#event-date").wait_for()
        pages["pad"] = context.new_page()
        pages["pad"].goto(pad["url"])
        pages["pad"].wait_for_selector('body[data-conn="live"]')
        before = {name: page.evaluate(SHOWN) for name, page in pages.items()}

        answer = web.put(server.url + "/api/v1/event", json={"language": "en"}, timeout=10)
        assert answer.status_code == 200, answer.text
        for name, page in pages.items():
            page.wait_for_function(LANG_IS, arg="en")
            page.wait_for_function(CHANGED, arg=before[name])
        # Dates and units redrawn, not only the labels.
        console.wait_for_function(
            "() => document.querySelector('.brand-sub').innerText.includes('21 June 2021')"
        )
        minutes = console.locator(".cue-when").all_inner_texts()
        assert not [m for m in minutes if "分钟" in m] and any(" min" in m for m in minutes), minutes
        pages["wall"].wait_for_function("() => document.body.innerText.includes('21 June 2021')")
        assert pages["live"].locator("#event-date").inner_text() == "21 June 2021"
        assert pages["stage"].locator(".clock-label").inner_text() == "Venue time"

        # And back at once: every page in Chinese again (/live, which reloads, stayed English: it let one
        # reload in 30 s whatever the language).
        english = {name: page.evaluate(SHOWN) for name, page in pages.items()}
        answer = web.put(server.url + "/api/v1/event", json={"language": "zh"}, timeout=10)
        assert answer.status_code == 200, answer.text
        for name, page in pages.items():
            page.wait_for_function(LANG_IS, arg="zh")
            page.wait_for_function(CHANGED, arg=english[name])
        console.wait_for_function(
            "() => document.querySelector('.brand-sub').innerText.includes('2021年6月21日')"
        )
        assert "分钟" in console.locator(".cue-when").first.inner_text()
        assert pages["live"].locator("#event-date").inner_text() == "2021年6月21日"
    finally:
        context.close()
        web.close()
