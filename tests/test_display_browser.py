"""The big screen (/display) in real Chromium against a real server: what the audience sees.

Each test takes a fresh sample ceremony from the module's server (``python -m kiosk serve`` on its own port
and data folder; conftest.py's ``fresh_server``); the one that takes the server down starts its own.
Commands go through the AV desk's API, exactly as at the venue; assertions read the rendered page.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest
import requests
from harness import run_kiosk, wait_drawn

pytestmark = [pytest.mark.browser, pytest.mark.live]

ROOT = Path(__file__).resolve().parent.parent
XSS = "<img src=x onerror=window.__xss=1>"


@pytest.fixture
def live_server(fresh_server):
    """The module's server with a fresh sample ceremony, as a fresh install has it."""
    return fresh_server()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    yield page
    context.close()


def open_display(page, server):
    page.goto(server.url + "/display?name=test-wall")
    wait_drawn(page, server.state(operator=True)["seq"])
    return page


def do(server, action: str, **fields) -> int:
    return act(server, action, **fields)["seq"]


def act(server, action: str, **fields) -> dict:
    """Send a command; returns the server's answer (``seq`` and the new ``state``)."""
    r = server.command(action, **fields)
    assert r.status_code == 200, r.text
    return r.json()


def projects(server) -> list[dict]:
    """The running order as the server has it (the sample's order may change; the tests do not care)."""
    return sorted(server.state(operator=True)["projects"], key=lambda p: p["order"])


def band_text(page) -> str:
    return " ".join(page.text_content("#band").split())


def active(page, selector: str) -> str:
    return " ".join(page.text_content(f"#screens .screen.is-active {selector}").split())


def wait_total(page, text: str, timeout: float = 6_000) -> None:
    """Until the running total has settled on exactly this text (any climb finished)."""
    page.wait_for_function(
        """t => { const n = document.getElementById('total-value');
                  return n.textContent === t && !n.hasAttribute('data-animating'); }""",
        arg=text,
        timeout=timeout,
    )


def import_projects(server, rows: list[list[str]]) -> None:
    """``python -m kiosk import`` into the running server's data folder; the server notices within ~1 s."""
    path = server.data_dir.parent / f"extra-{time.monotonic_ns()}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["项目名称", "签约企业", "投资额（亿元）", "用地（亩）", "产业类别", "签约代表"])
        writer.writerows(rows)
    done = run_kiosk(server.data_dir, "import", str(path), env={"PYTHONWARNINGS": None})
    assert done.returncode == 0, done.stderr


def wait_for_project(server, name: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in server.state(operator=True)["projects"] if p["name"] == name]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"the server never picked up {name!r}")


def record_totals(page) -> None:
    """Keep every text the running total shows (to catch float artefacts mid-animation)."""
    page.evaluate(
        """() => {
          window.__totals = [];
          const node = document.getElementById('total-value');
          new MutationObserver(() => window.__totals.push(node.textContent))
            .observe(node, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_title_screen_shows_the_event(live_server, page):
    open_display(page, live_server)
    event = live_server.state(operator=True)["event"]
    assert page.get_attribute("#stage", "data-screen") == "title"
    title = active(page, ".title-main")
    assert title.replace(" ", "") == event["title"]
    assert event["subtitle"] in active(page, ".title-sub")
    assert "2021年6月21日" in active(page, ".title-meta")
    assert event["host"] in active(page, ".title-host")
    assert page.errors == []


def test_confirm_shows_project_and_exact_total(live_server, page):
    first, second = projects(live_server)[1:3]
    open_display(page, live_server)
    answer = act(live_server, "confirm", project_id=first["id"])
    wait_drawn(page, answer["seq"])
    assert page.get_attribute("#stage", "data-screen") == "spotlight"
    assert active(page, ".spot-name") == first["name"]
    assert active(page, ".spot-investor") == first["investor"]
    assert active(page, ".spot-kicker") == f"第 {first['order']} 个签约项目 共 7 个"
    assert active(page, ".amount-number") == first["amount_yi"]
    assert "签约成功" in active(page, ".seal")
    # A live confirm celebrates: the seal is pressed (animation class) and the canvas draws.
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 1
    total = answer["state"]["total_yi"]
    assert total == first["amount_yi"]
    wait_total(page, total)
    assert band_text(page) == f"累计签约 {total} 亿元 · 已签约 1 / 7 个项目"

    answer = act(live_server, "confirm", project_id=second["id"])
    wait_drawn(page, answer["seq"])
    assert active(page, ".spot-name") == second["name"]
    total = answer["state"]["total_yi"]
    wait_total(page, total)
    assert band_text(page) == f"累计签约 {total} 亿元 · 已签约 2 / 7 个项目"
    assert page.errors == []


def test_undo_takes_the_total_back(live_server, page):
    first, second = projects(live_server)[0:2]
    open_display(page, live_server)
    before = act(live_server, "confirm", project_id=first["id"])["state"]["total_yi"]
    answer = act(live_server, "confirm", project_id=second["id"])
    wait_drawn(page, answer["seq"])
    wait_total(page, answer["state"]["total_yi"])

    answer = act(live_server, "undo")
    assert answer["state"]["total_yi"] == before
    wait_drawn(page, answer["seq"])
    wait_total(page, before)
    assert band_text(page) == f"累计签约 {before} 亿元 · 已签约 1 / 7 个项目"
    # The project is back to "announced": the empty seal ring waits again.
    assert active(page, ".spot-name") == second["name"]
    assert page.locator("#screens .screen.is-active .seal").count() == 0
    assert page.locator("#screens .screen.is-active .seal-wait").count() == 1


def test_total_animates_without_float_artefacts(live_server, page):
    import_projects(live_server, [["小数金额测试项目", "测试企业有限公司", "12.34", "10", "新材料", "测试"]])
    pid = wait_for_project(live_server, "小数金额测试项目")["id"]
    big = max(projects(live_server), key=lambda p: p["amount_wan"])
    open_display(page, live_server)
    answer = act(live_server, "confirm", project_id=big["id"])
    wait_drawn(page, answer["seq"])
    before = answer["state"]["total_yi"]
    wait_total(page, before)
    assert "." not in before

    record_totals(page)
    answer = act(live_server, "confirm", project_id=pid)
    after = answer["state"]["total_yi"]
    assert after.endswith(".34")
    wait_drawn(page, answer["seq"])
    wait_total(page, after)
    seen = page.evaluate("window.__totals")
    assert len(seen) > 3, seen  # it climbed, it did not jump
    assert all(re.fullmatch(r"\d+\.\d\d", t) for t in seen), seen
    assert seen[-1] == after
    values = [float(t) for t in seen]
    assert values == sorted(values)

    record_totals(page)
    seq = do(live_server, "undo")
    wait_drawn(page, seq)
    wait_total(page, before)
    # An undo steps the total down at once: the room never watches money counted away.
    seen = page.evaluate("window.__totals")
    assert seen and set(seen) == {before}, seen
    assert page.evaluate("document.getElementById('total-value').hasAttribute('data-animating')") is False


def test_show_switches_screens(live_server, page):
    ordered = projects(live_server)
    open_display(page, live_server)
    for p in ordered[:2]:
        answer = act(live_server, "confirm", project_id=p["id"])
    wait_drawn(page, answer["seq"])
    total = answer["state"]["total_yi"]

    seq = do(live_server, "show", screen="roll")
    wait_drawn(page, seq)
    assert page.get_attribute("#stage", "data-screen") == "roll"
    rows = page.locator("#screens .screen.is-active .roll-row")
    assert rows.count() == 7
    assert page.locator("#screens .screen.is-active .roll-row.signed").count() == 2
    for i, p in enumerate(ordered):
        row = " ".join(rows.nth(i).text_content().split())
        assert p["name"] in row
        # pending rows keep their amount to themselves
        assert (f"{p['amount_yi']} 亿元" in row) == (i < 2), row
    wait_total(page, total)
    assert band_text(page) == f"累计签约 {total} 亿元 · 已签约 2 / 7 个项目"

    seq = do(live_server, "show", screen="title")
    wait_drawn(page, seq)
    assert page.get_attribute("#stage", "data-screen") == "title"

    seq = do(live_server, "show", screen="blank")
    wait_drawn(page, seq)
    assert page.get_attribute("#stage", "data-screen") == "blank"
    page.wait_for_function("() => getComputedStyle(document.getElementById('stage')).opacity === '0'")

    # Bringing back a signed project (在大屏重现): its signed spotlight, and its celebration replayed on
    # purpose ("The moment on the wall": a missed celebration must be replayable).
    seq = do(live_server, "show", screen="spotlight", project_id=ordered[0]["id"])
    wait_drawn(page, seq)
    assert page.get_attribute("#stage", "data-screen") == "spotlight"
    assert active(page, ".spot-name") == ordered[0]["name"]
    assert page.locator("#screens .screen.is-active .seal").count() == 1
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 1
    assert page.errors == []


def test_finale_shows_the_days_figures(live_server, page):
    open_display(page, live_server)
    for p in projects(live_server):
        do(live_server, "confirm", project_id=p["id"])
    seq = do(live_server, "show", screen="finale")
    wait_drawn(page, seq)
    assert page.get_attribute("#stage", "data-screen") == "finale"
    # (called live, the finale counts its total up first: tests/test_wall_moments.py)
    page.wait_for_function("() => !document.querySelector('#screens .screen.is-active .v[data-animating]')")
    stats = [
        " ".join(t.split()) for t in page.locator("#screens .screen.is-active .stat").all_text_contents()
    ]
    assert any("签约项目" in s and "7" in s for s in stats), stats
    assert any("总投资" in s and "206" in s and "亿元" in s for s in stats), stats
    assert any("总用地" in s and "4150" in s and "亩" in s for s in stats), stats
    # The tiers and industries are the server's charts, drawn from this state, in the wall's dark style.
    charts = wait_charts(page)
    assert [c["src"].split("?")[0] for c in charts] == ["/charts/industries.svg", "/charts/tiers.svg"]
    assert all(c["src"].endswith(f"-{seq}") for c in charts), charts
    industries, tiers = (c["alt"] for c in charts)
    for name in ("新能源汽车", "生物医药", "现代农业", "新材料", "产业综合平台"):
        assert name in industries
    assert tiers == "100亿元以上 1个项目、50亿元以上 1个项目、20亿元以上 1个项目、10亿元以上 1个项目"
    svg = requests.get(live_server.url + charts[1]["src"], timeout=5).text
    for label in ("100亿元以上", "50亿元以上", "20亿元以上", "10亿元以上"):
        assert label in svg
    assert "#fbe7b5" in svg  # the dark (wall) style
    # Side by side with the figures, large enough to read from the back of the hall.
    for c in charts:
        assert c["w"] >= 900 and c["h"] >= 220, c
    assert page.errors == []


def wait_charts(page) -> list[dict]:
    """The finale's two chart images once loaded: their src, alt and drawn size (stage pixels at 1080p)."""
    page.wait_for_function(
        """() => { const imgs = [...document.querySelectorAll('#screens .screen.is-active .chart-img')];
                   return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0
                          && !i.closest('.img-pending, .img-failed')); }"""
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('#screens .screen.is-active .chart-img')].map(i => {
              const r = i.getBoundingClientRect();
              const k = Math.min(r.width / i.naturalWidth, r.height / i.naturalHeight);  // object-fit: contain
              return {src: i.getAttribute('src'), alt: i.alt, w: i.naturalWidth * k, h: i.naturalHeight * k};
           })"""
    )


def test_finale_charts_follow_the_state(live_server, page):
    """A signing taken back while the finale is up: the figures and both charts are drawn again."""
    ordered = projects(live_server)
    open_display(page, live_server)
    do(live_server, "confirm", project_id=ordered[0]["id"])
    do(live_server, "confirm", project_id=ordered[1]["id"])
    seq = do(live_server, "show", screen="finale")
    wait_drawn(page, seq)
    industries, _ = (c["alt"] for c in wait_charts(page))
    assert ordered[0]["industry"] in industries and ordered[1]["industry"] in industries

    seq = do(live_server, "undo")
    wait_drawn(page, seq)
    page.wait_for_function(
        "s => [...document.querySelectorAll('.screen.is-active .chart-img')].every(i => i.src.endsWith('-' + s))",
        arg=seq,
    )
    industries, _ = (c["alt"] for c in wait_charts(page))
    assert ordered[0]["industry"] in industries and ordered[1]["industry"] not in industries
    stats = " ".join(page.text_content("#screens .screen.is-active .finale-stats").split())
    assert ordered[0]["amount_yi"] in stats and "签约项目 1 个" in stats
    assert page.errors == []


def test_reload_shows_the_signed_project_without_celebrating(live_server, page):
    p = projects(live_server)[0]
    open_display(page, live_server)
    answer = act(live_server, "confirm", project_id=p["id"])
    wait_drawn(page, answer["seq"])
    page.reload()
    wait_drawn(page, answer["seq"])
    assert active(page, ".spot-name") == p["name"]
    assert page.locator("#screens .screen.is-active .seal").count() == 1
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 0
    # The total is there at once, not climbing from zero.
    assert page.text_content("#total-value") == answer["state"]["total_yi"]


def test_a_wall_back_within_seconds_of_a_signing_still_celebrates(live_server, page):
    """Before: a wall offline for a second at the confirm came back already signed, with no celebration."""
    first, second = projects(live_server)[0], projects(live_server)[1]
    open_display(page, live_server)
    wait_drawn(page, do(live_server, "announce", project_id=first["id"]))
    page.context.set_offline(True)
    page.wait_for_function("() => document.getElementById('conn-dot').classList.contains('on')")
    answer = act(live_server, "confirm", project_id=first["id"])
    page.context.set_offline(False)
    wait_drawn(page, answer["seq"])
    assert page.evaluate("window.__kiosk?.display.live") is True
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 1
    # and "在大屏重现" replays a signing's celebration on purpose
    wait_drawn(page, do(live_server, "confirm", project_id=second["id"]))
    wait_drawn(page, do(live_server, "show", screen="roll"))
    seq = do(live_server, "show", screen="spotlight", project_id=first["id"])
    wait_drawn(page, seq)
    assert active(page, ".spot-name") == first["name"]
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 1
    assert page.errors == []


def test_an_edit_after_a_signing_does_not_celebrate_it_again(live_server, page):
    """Found while making the replay: every later change of seq (an edit of the project on the wall) found
    the last command still a confirm of that project, and celebrated it once more."""
    first = projects(live_server)[0]
    open_display(page, live_server)
    wait_drawn(page, do(live_server, "confirm", project_id=first["id"]))
    page.wait_for_function("() => !window.__kiosk?.display.celebrating", timeout=15_000)
    live_server.unlock_edits()
    edit = {
        "name": first["name"],
        "investor": first["investor"],
        "amount_yi": first["amount_yi"],
        "summary": "新的简介",
    }
    r = live_server.editor().put(f"{live_server.url}/api/v1/projects/{first['id']}", json=edit, timeout=5)
    r.raise_for_status()
    wait_drawn(page, live_server.state()["seq"])
    assert page.evaluate("window.__kiosk?.display.celebrating") is False
    assert page.locator("#screens .screen.is-active .spot.stamp").count() == 0


def test_project_names_are_text_never_markup(live_server, page):
    import_projects(live_server, [[XSS, XSS, "8", "20", XSS, XSS]])
    pid = wait_for_project(live_server, XSS)["id"]
    open_display(page, live_server)
    seq = do(live_server, "confirm", project_id=pid)
    wait_drawn(page, seq)
    assert active(page, ".spot-name") == XSS
    assert active(page, ".spot-investor") == XSS
    seq = do(live_server, "show", screen="roll")
    wait_drawn(page, seq)
    assert XSS in page.text_content("#screens .screen.is-active .roll")
    seq = do(live_server, "show", screen="finale")
    wait_drawn(page, seq)
    # The industry's name reaches the finale only inside the server's chart (escaped there) and its alt text.
    assert XSS in page.get_attribute("#screens .screen.is-active .chart-industries img", "alt")
    srcs = page.evaluate("() => [...document.querySelectorAll('#stage img')].map(i => i.getAttribute('src'))")
    assert all(re.match(r"^/(charts/|display/qr/|media/)", s or "/charts/") for s in srcs), srcs
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.errors == []


def test_server_loss_keeps_the_picture_and_catches_up(live_server_with, page):
    live_server = live_server_with()  # it goes down: a server of its own
    first, second = projects(live_server)[0:2]
    open_display(page, live_server)
    answer = act(live_server, "confirm", project_id=first["id"])
    wait_drawn(page, answer["seq"])
    wait_total(page, answer["state"]["total_yi"])
    page.evaluate("window.__sameDocument = true")
    before = page.text_content("#stage")

    live_server.kill()
    page.wait_for_selector("#conn-dot.on", timeout=10_000)  # a dim dot, after 3 s without the server
    # The last picture stays; nothing but a dim dot says anything is wrong.
    assert page.text_content("#stage") == before
    assert page.get_attribute("#stage", "data-screen") == "spotlight"
    assert page.locator("#conn-dot.on").count() == 1
    visible = page.inner_text("body")
    for word in ("error", "Error", "错误", "失败", "断开", "offline", "重连"):
        assert word not in visible

    live_server.start()
    answer = act(live_server, "confirm", project_id=second["id"])
    wait_drawn(page, answer["seq"], timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True  # caught up without a reload
    assert active(page, ".spot-name") == second["name"]
    wait_total(page, answer["state"]["total_yi"])
    page.wait_for_function("() => !document.getElementById('conn-dot').classList.contains('on')")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080), (3840, 2160), (1366, 768)])
def test_stage_fits_every_window(live_server, chromium, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_display(page, live_server)
        seq = do(live_server, "confirm", project_id=projects(live_server)[3]["id"])
        wait_drawn(page, seq)
        sizes = page.evaluate(
            """() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                       bw: document.body.scrollWidth, bh: document.body.scrollHeight,
                       r: document.getElementById('stage').getBoundingClientRect().toJSON()})"""
        )
        assert (sizes["sw"], sizes["sh"]) == (width, height)
        assert (sizes["bw"], sizes["bh"]) == (width, height)
        r = sizes["r"]
        assert r["left"] >= -0.5 and r["top"] >= -0.5
        assert r["right"] <= width + 0.5 and r["bottom"] <= height + 0.5
        # Letterboxed, not stretched: one of the sides fills the window exactly.
        assert abs(r["width"] / r["height"] - 16 / 9) < 0.01
        assert abs(r["width"] - width) < 1 or abs(r["height"] - height) < 1
    finally:
        context.close()


def test_page_is_quiet_and_self_contained(live_server, page):
    """No inline scripts, no handlers in markup, nothing from another host."""
    hosts = set()
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    open_display(page, live_server)
    html = page.content()
    # (the server's data for the page rides in <script type="application/json">, which never runs)
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert hosts == {f"127.0.0.1:{live_server.port}"}
    assert page.evaluate("getComputedStyle(document.getElementById('stage')).cursor") == "none"


def png_bytes(size=(400, 200), color=(200, 30, 30, 255)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, color).save(out, format="PNG")
    return out.getvalue()


def test_the_events_logo_background_and_colours(live_server, page):
    """What the organisers set through the API: the logo, the picture behind the stage and the colours."""
    web = live_server.editor()  # the admin's calls need the editor
    open_display(page, live_server)
    assert page.locator("#screens .screen.is-active .title-logo").count() == 0
    assert page.locator("#masthead-logo").is_hidden()

    r = web.put(
        live_server.url + "/api/v1/event",
        json={"primary_color": "#0B4F6C", "accent_color": "#e8c872"},
        timeout=5,
    )
    assert r.status_code == 200, r.text
    r = web.post(
        live_server.url + "/api/v1/event/media/logo",
        files={"file": ("logo.png", png_bytes())},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    logo = r.json()["logo_url"]
    r = web.post(
        live_server.url + "/api/v1/event/media/background",
        files={"file": ("bg.png", png_bytes((1920, 1080), (20, 60, 120, 255)))},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    photo = r.json()["background_url"]
    wait_drawn(page, live_server.state(operator=True)["seq"])

    # The title screen shows the logo large; the other screens small beside the event's title.
    page.wait_for_function(
        "() => { const i = document.querySelector('#screens .screen.is-active .title-logo');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.get_attribute("#screens .screen.is-active .title-logo", "src") == logo
    box = page.locator("#screens .screen.is-active .title-logo").bounding_box()
    assert box["height"] >= 100
    styles = page.evaluate(
        """() => { const cs = getComputedStyle(document.body);
                   return {bg: cs.getPropertyValue('--bg').trim(), gold: cs.getPropertyValue('--gold').trim(),
                           photo: getComputedStyle(document.getElementById('backdrop-photo')).backgroundImage,
                           opacity: getComputedStyle(document.getElementById('backdrop-photo')).opacity}; }"""
    )
    assert styles["bg"] == "rgb(11,79,108)" and styles["gold"] == "rgb(232,200,114)", styles
    assert photo in styles["photo"]
    page.wait_for_function(
        "() => getComputedStyle(document.getElementById('backdrop-photo')).opacity === '1'"
    )
    # The text stays on the stage: the title still fits, nothing scrolls.
    over = page.evaluate(
        "() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
    )
    assert over == [0, 0]

    seq = do(live_server, "show", screen="roll")
    wait_drawn(page, seq)
    assert page.locator("#masthead-logo").is_visible()
    assert page.get_attribute("#masthead-logo", "src") == logo

    # Cleared again: the theme's own red and gold, no pictures.
    web.put(
        live_server.url + "/api/v1/event",
        json={"primary_color": None, "accent_color": None},
        timeout=5,
    )
    web.delete(live_server.url + "/api/v1/event/media/logo", timeout=5)
    web.delete(live_server.url + "/api/v1/event/media/background", timeout=5)
    wait_drawn(page, live_server.state(operator=True)["seq"])
    assert page.locator("#masthead-logo").is_hidden()
    assert page.evaluate("() => document.body.style.getPropertyValue('--bg')") == ""
    assert page.evaluate("() => document.getElementById('backdrop-photo').style.backgroundImage") == ""
    assert page.errors == []
