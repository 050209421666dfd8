"""The MC's confidence monitor (/stage) in real Chromium, as the MC reads it at the stage's edge: the running
cue and the next, the script, the names to call up and the figure, the time since the cue began against its
planned minutes (the page's clock, moved by Playwright), the console's message and the safe look; who may
open it; English words for an English event; and no window size cuts the script off."""

from __future__ import annotations

import re
import time

import pytest
import requests
from harness import (
    VIEWER_PIN,
    EventSpec,
    LiveServer,
    ProjectSpec,
    open_console,
    pair_page,
    pause_clock,
    projects,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\u300c\u300d]")
# (kind, title, person, role, projects by running-order number, planned time, minutes, script)
AGENDA = [
    ("opening", "仪式开始", "", "", (), "09:30", None, "各位来宾，上午好！签约仪式现在开始。"),
    ("speech", "书记致辞", "李明远", "区委书记", (), "09:32", 1, "有请区委书记李明远同志致辞。"),
    ("signing", "第一轮签约", "", "", (1, 2), "09:35", 2, ""),
    ("closing", "仪式结束", "", "", (), None, None, "仪式到此结束，谢谢各位！"),
]


def with_agenda(server: LiveServer, agenda) -> LiveServer:
    """``server`` with ``agenda`` as its run of show, entered in the admin's agenda editor by an organiser."""
    web = server.editor()
    cues = [
        {
            "kind": kind,
            "title": title,
            "person": person,
            "role": role,
            "projects": "、".join(map(str, numbers)),
            "time": planned or "",
            "minutes": str(minutes or ""),
            "script": script,
        }
        for kind, title, person, role, numbers, planned, minutes, script in agenda
    ]
    r = web.put(server.url + "/api/v1/agenda", json={"cues": cues}, timeout=10)
    assert r.status_code == 200, r.text
    web.delete(server.url + "/api/v1/session", timeout=10)  # (the organiser leaves: no device of theirs)
    return server


@pytest.fixture
def server(fresh_server):
    return with_agenda(fresh_server(projects("52", "30")), AGENDA)


def open_monitor(chromium, server: LiveServer, size=(1920, 1080), pin: str = VIEWER_PIN):
    """A tablet at /stage, logged in (the viewer's PIN: it presses nothing)."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.clock.install()
    assert page.context.request.post(server.url + "/api/v1/session", data={"pin": pin}).status == 200
    page.goto(server.url + "/stage")
    page.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
    page.wait_for_selector('body[data-conn="live"]')
    return context, page


def drawn(page, seq: int) -> None:
    page.wait_for_function(
        "s => window.__kiosk?.stage && window.__kiosk?.stage.seq >= s", arg=seq, timeout=5000
    )


def go(server: LiveServer, page, action: str = "go", **fields) -> dict:
    r = server.command(action, **fields)
    assert r.status_code == 200, r.text
    drawn(page, r.json()["seq"])
    return r.json()


def text(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_the_mc_reads_the_running_cue_the_next_the_names_and_the_figure(server, chromium):
    context, page = open_monitor(chromium, server)
    try:
        # Before the show: nothing runs yet, the first cue stands by.
        assert text(page, "#cue-title") == "仪式尚未开始"
        assert text(page, "#next-title") == "仪式开始"
        assert page.get_attribute("#timer", "data-state") == "none"

        go(server, page)
        assert text(page, "#cue-kind") == "开场" and text(page, "#cue-title") == "仪式开始"
        assert text(page, "#main-label") == "主持词"
        assert text(page, "#main-content") == "各位来宾，上午好！签约仪式现在开始。"
        assert text(page, "#next-title") == "书记致辞 · 李明远"
        assert page.locator("#callup").is_hidden() and page.locator("#figure").is_hidden()
        assert text(page, "#plan") == "预定 09:30 开始 · 未设定时长"

        go(server, page)
        assert text(page, "#cue-kind") == "致辞" and text(page, "#cue-title") == "书记致辞"
        assert text(page, "#main-content") == "有请区委书记李明远同志致辞。"
        assert text(page, "#names") == "李明远 区委书记"
        assert text(page, "#next-title") == "第一轮签约"
        assert text(page, "#plan") == "预定 09:32 开始 · 计划 1 分钟"

        # The console's message line: a bright banner within a second; cleared, it is gone.
        server.command("note", text="请放慢")
        page.locator("#note").filter(has_text="请放慢").wait_for(state="visible", timeout=1000)
        assert "控制台消息" in text(page, "#note")
        server.command("note", text="")
        page.locator("#note").wait_for(state="hidden", timeout=1000)

        # The safe look: a red banner, and the page edged in red, until it is lifted.
        go(server, page, "panic")
        assert page.locator("#panic").is_visible()
        assert text(page, "#panic-text") == server.state(operator=True)["run_of_show"]["panic_text"]
        assert page.locator("#stage.is-panic").count() == 1
        go(server, page, "unpanic")
        assert page.locator("#panic").is_hidden() and page.locator("#stage.is-panic").count() == 0

        # A signing round without a script: its projects, the signatories to call up, the round's figure.
        go(server, page)
        assert text(page, "#cue-kind") == "签约" and text(page, "#cue-title") == "第一轮签约"
        assert text(page, "#main-label") == "本轮签约项目"
        assert page.locator("#main-content .project-name").all_inner_texts() == ["测试项目一", "测试项目二"]
        assert "52亿元" in text(page, "#main-content") and "代表二" in text(page, "#main-content")
        assert text(page, "#names") == "代表一 代表二"
        assert text(page, "#figure-text") == "82亿元"
        assert text(page, "#next-title") == "仪式结束"
        assert "大屏：" in text(page, "#wall") and "已签约 0/2 项" in text(page, "#progress")

        # Signed and on to the last cue: the progress says so, and nothing stands by after it.
        go(server, page, "confirm", project_ids=server.made_ids)
        assert "已签约 2/2 项" in text(page, "#progress")
        go(server, page)
        assert text(page, "#cue-title") == "仪式结束" and text(page, "#next-title") == "这是最后一项"
    finally:
        context.close()


THREE_ROUNDS = [
    ("opening", "仪式开始", "", "", (), None, None, ""),
    ("speech", "书记致辞", "李明远", "区委书记", (), None, None, ""),
    ("signing", "第一轮签约", "", "", (1, 2), None, None, ""),
    ("signing", "第二轮签约", "", "", (3, 4), None, None, ""),
    ("handover", "授钥匙", "", "", (), None, None, ""),
    ("signing", "第三轮签约", "", "", (5,), None, None, ""),
    ("closing", "仪式结束", "", "", (), None, None, ""),
]


def test_a_project_announced_out_of_order_is_what_the_mc_reads(fresh_server, chromium):
    """The trial: 项目三 (62亿元) announced while round 1 was unsigned; the MC read round 2's 70亿元 and its
    signatories, which the room could not see. Now /stage reads the wall, and the agenda stays."""
    server = with_agenda(fresh_server(projects("10", "20", "62", "8", "30")), THREE_ROUNDS)
    context, page = open_monitor(chromium, server)
    try:
        go(server, page)
        go(server, page)
        go(server, page, "announce", project_id=server.made_ids[2])
        assert text(page, "#cue-kind") == "签约" and text(page, "#cue-title") == "测试项目三"
        assert text(page, "#main-label") == "大屏上的项目"
        assert page.locator("#main-content .project-name").all_inner_texts() == ["测试项目三"]
        assert text(page, "#figure-text") == "62亿元" and text(page, "#names") == "代表三"
        # GO still fires round 1 next.
        assert text(page, "#next-title") == "第一轮签约"
        assert page.evaluate("window.__kiosk.stage.reading") == "wall"
        go(server, page)
        assert text(page, "#cue-title") == "第一轮签约" and text(page, "#figure-text") == "30亿元"
        assert page.evaluate("window.__kiosk.stage.reading") == "cue"
    finally:
        context.close()


def mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def go_and_sync(server: LiveServer, page) -> None:
    """GO, and wait until the monitor has taken the server's clock again for the new cue."""
    synced = page.evaluate("window.__kiosk?.stage.synced")
    go(server, page)
    page.wait_for_function("n => window.__kiosk?.stage.synced > n", arg=synced)


def to_mid_second(page) -> None:
    """Move the page's clock to the middle of the server's second. The monitor ticks 15 ms after each
    second turns, so a test that starts counting within those 15 ms would see the last tick one short."""
    into = page.evaluate("(Date.now() + window.__kiosk?.stage.skew) % 1000")
    page.clock.run_for(int((1500 - into) % 1000) or 1000)


def at_second(page, target: int) -> None:
    """Move the page's clock (and nothing else: no timer fires on the way) to one second before ``target``
    seconds into the cue, then let one second tick: the monitor has drawn ``target``."""
    now = page.evaluate("window.__kiosk?.stage.elapsed")
    page.clock.set_system_time(page.evaluate("Date.now()") / 1000 + (target - 1 - now))
    page.clock.run_for(1000)
    assert page.evaluate("window.__kiosk?.stage.elapsed") == target


def test_the_mcs_line_goes_with_the_next_cue_or_the_consoles_cross(server, chromium):
    """A line sent to the MC was still up through the keys and the finale, and the console showed no sign of
    it: it stays until the next cue, the console shows it while it is up, and its ✕ takes it down."""
    context, page = open_monitor(chromium, server)
    console = open_console(chromium, server)
    try:
        go(server, page)
        go(server, page, "note", text="请放慢")
        page.locator("#note").filter(has_text="请放慢").wait_for(state="visible")
        console.locator("#note-up").filter(has_text="请放慢").wait_for(state="visible")
        go(server, page, "show", screen="roll")  # the wall moving is not the next cue
        assert page.locator("#note").is_visible() and console.locator("#note-up").is_visible()

        go(server, page)  # the next cue
        page.locator("#note").wait_for(state="hidden")
        console.locator("#note-up").wait_for(state="hidden")

        go(server, page, "note", text="领导已到")
        console.locator("#note-up").filter(has_text="领导已到").wait_for(state="visible")
        console.click("#note-up-clear")
        page.locator("#note").wait_for(state="hidden")
        console.locator("#note-up").wait_for(state="hidden")
        assert server.state(operator=True)["run_of_show"]["note"] is None
    finally:
        console.context.close()
        context.close()


def test_the_timer_counts_from_the_cue_and_turns_red_past_its_minutes(server, chromium):
    context, page = open_monitor(chromium, server)
    try:
        go_and_sync(server, page)
        pause_clock(page)  # from now on the page's time moves only when the test says
        # The server's clock is taken again as the cue starts: the count begins at the cue's own moment.
        go_and_sync(server, page)  # the speech: 1 minute planned
        to_mid_second(page)
        start = page.evaluate("window.__kiosk?.stage.elapsed")
        assert 0 <= start <= 4  # (the cue's start is kept to the second, and a loaded machine answers late)
        assert page.get_attribute("#timer", "data-state") == "ok"
        assert text(page, "#elapsed") == mmss(start)
        assert text(page, "#remain-row") == "剩余 " + mmss(60 - start)

        page.clock.run_for(5000)
        assert text(page, "#elapsed") == mmss(start + 5)
        assert text(page, "#remain-row") == "剩余 " + mmss(55 - start)

        # The last quarter of a short cue is amber; past the planned minute, red, counting up.
        at_second(page, 44)
        assert page.get_attribute("#timer", "data-state") == "ok"
        at_second(page, 45)
        assert page.get_attribute("#timer", "data-state") == "warn"
        assert text(page, "#remain-row") == "剩余 00:15"
        at_second(page, 60)
        assert text(page, "#remain-row") == "剩余 00:00"
        at_second(page, 61)
        assert page.get_attribute("#timer", "data-state") == "over"
        assert text(page, "#remain-row") == "+00:01 超时"
        at_second(page, 141)
        assert text(page, "#elapsed") == "02:21" and text(page, "#remain-row") == "+01:21 超时"
        assert re.fullmatch(r"\d\d:\d\d:\d\d", text(page, "#clock"))
    finally:
        context.close()


def test_the_timer_turns_15_ms_after_the_second_even_after_a_state_just_past_it(server, chromium):
    """A state drawn in the first 15 ms of a second shows that second; the next turn comes on the tick 15 ms
    after the server's second (the flake this reproduces: a test reading the timer within those 15 ms)."""
    context, page = open_monitor(chromium, server)
    try:
        go_and_sync(server, page)
        pause_clock(page)
        go_and_sync(server, page)
        into = page.evaluate("(Date.now() + window.__kiosk?.stage.skew) % 1000")
        page.clock.run_for(int((1005 - into) % 1000) or 1000)  # 5 ms into a second
        go(server, page, "show", screen="spotlight")  # a state lands: a fresh tick, 5 ms in
        start = page.evaluate("window.__kiosk?.stage.elapsed")
        page.clock.run_for(5000)  # 5 ms into the fifth second after: its tick is 10 ms away
        assert text(page, "#elapsed") == mmss(start + 4)
        page.clock.run_for(12)
        assert text(page, "#elapsed") == mmss(start + 5)
    finally:
        context.close()


def test_the_timer_uses_the_servers_clock_not_the_tablets(server, chromium):
    """A tablet whose own clock is 7 minutes fast still counts the cue from 00:00, and shows the venue's time."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.clock.install(time=time.time() + 7 * 60)
        page.goto(server.url + "/stage")
        for digit in VIEWER_PIN:
            page.click(f'.key[data-key="{digit}"]')
        page.click('.key[data-key="ok"]')
        page.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
        go_and_sync(server, page)
        assert abs(page.evaluate("window.__kiosk?.stage.skew") + 7 * 60 * 1000) < 3000
        assert text(page, "#elapsed") in ("00:00", "00:01", "00:02")
        # It says so under the clock, which shows the venue's time, not its own.
        assert text(page, "#clock-off") == "本机时钟与现场时间相差 7 分钟，页面按现场时间显示"
    finally:
        context.close()


def test_only_a_logged_in_device_or_a_paired_screen_sees_the_monitor(server, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        # A visitor gets the PIN pad at the same address, and no script or figure.
        page.goto(server.url + "/stage")
        page.locator("#pinpad").wait_for()
        assert page.locator("#stage").count() == 0
        # The stage room refuses a socket without credentials.
        page.add_script_tag(url="/static/vendor/socket.io/socket.io.min.js")
        answer = page.evaluate(
            """() => new Promise((resolve) => {
                const s = io({ auth: { role: "stage" }, transports: ["websocket"], reconnection: false });
                s.on("state", (v) => resolve(v && v.run_of_show ? "stage view" : "some view"));
                s.on("connect_error", (e) => resolve("refused: " + e.message));
                setTimeout(() => resolve("no answer"), 5000);
            })"""
        )
        # (the words common/live.js takes for "refused": the page then reloads into the PIN pad)
        assert re.fullmatch(r"refused: .*(rejected|unauthor).*", answer, re.I), answer

        # The viewer's PIN opens it.
        for digit in VIEWER_PIN:
            page.click(f'.key[data-key="{digit}"]')
        page.click('.key[data-key="ok"]')
        page.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
        assert page.locator("#pinpad").count() == 0

        # A paired screen (a floor monitor's PC, paired once like a wall) needs no PIN.
        floor = chromium.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        pair_page(floor, server, "舞台提词屏")
        floor.goto(server.url + "/stage")
        floor.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
        floor.wait_for_selector('body[data-conn="live"]')
        go(server, floor)
        assert text(floor, "#cue-title") == "仪式开始"
        floor.context.close()
    finally:
        context.close()


def test_a_signed_out_tablet_goes_back_to_the_pin_pad(server, chromium):
    """A lost tablet signed out on the console stops showing the script and the figures by itself."""
    context, page = open_monitor(chromium, server, (1024, 768))
    try:
        go(server, page)
        tablets = [d for d in server.devices() if d["kind"] == "session"]
        assert len(tablets) == 1
        r = requests.delete(
            f"{server.url}/api/v1/devices/{tablets[0]['id']}",
            headers={"Authorization": f"Bearer {server.api_token}"},
            timeout=5,
        )
        assert r.status_code == 200, r.text
        page.locator("#pinpad").wait_for(timeout=15_000)
        assert page.locator("#stage").count() == 0
    finally:
        context.close()


LAYOUT = """() => {
    const r = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
    const fit = document.getElementById("main-fit");
    return {
        page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        parts: ["cue-title", "clock", "note", "main-box", "timer", "callup", "figure", "next", "progress"].map(r),
        boxes: ["main-box", "timer", "callup", "figure"].map(r),
        figure: [r("figure-text"), r("figure")],
        footer: document.querySelector(".bottom").getBoundingClientRect().top,
        scrolls: fit.classList.contains("is-scroll"),
        overflow: getComputedStyle(fit).overflowY,
        text: [fit.scrollHeight, fit.clientHeight],
        size: parseFloat(getComputedStyle(document.getElementById("main-content")).fontSize),
        // Each fitted box holds its text, or says it scrolls: nothing is clipped unseen.
        clipped: [["main-fit", "main-content"], ["callup-fit", "names"]].filter(([box, content]) => {
            const b = document.getElementById(box), c = document.getElementById(content);
            return c.scrollHeight > b.clientHeight + 1 && !b.classList.contains("is-scroll");
        }),
    };
}"""


def laid_out(page, size) -> dict:
    """Where the monitor's parts are: all inside the window, none running into the footer."""
    boxes = page.evaluate(LAYOUT)
    width, height = size
    assert boxes["page"] == [width, height]
    for part in boxes["parts"]:
        assert part["left"] >= 0 and part["right"] <= width + 0.5 and part["bottom"] <= height + 0.5, part
    for box in boxes["boxes"]:
        assert box["bottom"] <= boxes["footer"] + 0.5, box
    assert boxes["clipped"] == []
    text_box, figure = boxes["figure"]
    assert text_box["right"] <= figure["right"] + 0.5 and text_box["bottom"] <= figure["bottom"] + 0.5
    return boxes


LONG_SCRIPT = (
    "尊敬的各位领导、各位来宾，女士们、先生们："
    + "今天我们在这里隆重举行重大招商签约活动，" * 60
    + "最后一句。"
)


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768), (768, 1024)], ids=["1080p", "tablet", "upright"])
def test_nothing_is_cut_off_at_any_size(fresh_server, chromium, size):
    agenda = [
        (
            "speech",
            "一位领导的很长很长的致辞标题，长到一行放不下也不能被截断",
            "李明远",
            "区委书记",
            (),
            "09:30",
            5,
            LONG_SCRIPT,
        ),
        ("signing", "第一轮签约", "", "", (1, 2, 3), None, 3, "有请签约代表上台。"),
    ]
    server = with_agenda(fresh_server(projects("52", "30", "12")), agenda)
    context, page = open_monitor(chromium, server, size)
    try:
        go(server, page)
        server.command("note", text="请放慢，领导已到场")
        page.locator("#note").wait_for(state="visible")
        boxes = laid_out(page, size)
        # Too long to fit even shrunk: the script keeps a readable size and its box scrolls to the end.
        assert boxes["size"] >= 14
        assert boxes["scrolls"] and boxes["overflow"] == "auto" and boxes["text"][0] > boxes["text"][1]
        reached = page.locator("#main-fit").evaluate(
            "n => { n.scrollTop = n.scrollHeight; return n.scrollTop > 0 && n.scrollTop + n.clientHeight >= n.scrollHeight - 1; }"
        )
        assert reached and text(page, "#main-content").endswith("最后一句。")

        go(server, page)  # a short script fits without scrolling, in larger type; the figure in its box
        laid_out(page, size)
        assert not page.locator("#main-fit").evaluate("n => n.classList.contains('is-scroll')")
        assert (
            page.locator("#main-content").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
            > boxes["size"]
        )
        go(server, page, "panic")  # both banners up: the least room there is
        laid_out(page, size)
    finally:
        context.close()


ENGLISH = [
    ProjectSpec(
        name="Smart Vehicle Park", investor="Dilu Technology Ltd", amount_yi="52", signatories="Zhang Ying"
    ),
    ProjectSpec(name="Life Science City", investor="Beike Biotech", amount_yi="30", signatories="Bao Lei"),
]
ENGLISH_AGENDA = [
    (
        "speech",
        "Welcome address",
        "Li Mingyuan",
        "Party Secretary",
        (),
        "09:30",
        1,
        "Please welcome Secretary Li.",
    ),
    ("signing", "First signing round", "", "", (1, 2), "09:35", 2, ""),
]


def test_an_english_event_gets_english_words(fresh_server, chromium):
    event = EventSpec(title="Investment Signing Ceremony", language="en")
    server = with_agenda(fresh_server(ENGLISH, event), ENGLISH_AGENDA)
    context, page = open_monitor(chromium, server, (1024, 768))
    try:
        assert page.get_attribute("html", "lang") == "en"
        go(server, page)
        assert text(page, "#main-content") == "Please welcome Secretary Li."
        assert text(page, "#next-title") == "First signing round"
        server.command("note", text="Slow down")
        page.locator("#note").filter(has_text="Slow down").wait_for(state="visible")
        go(server, page, "panic")
        seen = [page.evaluate("document.body.innerText"), page.title()]
        go(server, page, "unpanic")
        go(server, page)
        assert (
            text(page, "#figure-text")
            == server.state(operator=True)["run_of_show"]["current"]["amount"]["text"]
        )
        seen.append(page.evaluate("document.body.innerText"))
        chinese = sorted({line.strip() for block in seen for line in block.splitlines() if CJK.search(line)})
        assert chinese == [], chinese
    finally:
        context.close()
