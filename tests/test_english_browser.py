"""With the event in English, no Chinese reaches any page but the data: every page read in real Chromium.

The ceremony is made in English (names, investors, concierges), so any Chinese character on a page is a
word the page or the server forgot to translate. The only Chinese allowed is a language's own name in the
language picker, marked lang="zh-CN".
"""

from __future__ import annotations

import itertools
import re

import pytest
import requests
from harness import EventSpec, ProjectSpec, log_in, wait_drawn

from kiosk.setup.fields import PROJECT_KEYS

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\u300c\u300d]")
SPECS = [
    ProjectSpec(
        name="Smart Vehicle Park",
        investor="Dilu Technology Ltd",
        amount_yi="52",
        land_mu="800",
        industry="新能源汽车",  # a known industry: shown in its English name
        signatories="Zhang Ying",
        concierge_name="Chen Siyuan",
        concierge_phone="0731-28800002",
        summary="Research, pilot lines and battery cells.",
    ),
    ProjectSpec(
        name="Life Science City",
        investor="Beike Biotech",
        amount_yi="0.85",
        land_mu="600.5",
        industry="Biotech",
    ),
    ProjectSpec(name="Vegetable Factory", investor="Shisanmen Agri", amount_yi="100"),
]
EVENT = EventSpec(
    title="Investment Signing Ceremony",
    date="2021-06-21",
    venue="Tianyuan",
    host="Zhuzhou Hi-tech Zone",
    language="en",
)

# Everything a page can show as text: its visible text, and the words in its attributes.
READ = """() => {
  const skip = (node) => node.closest && node.closest('[lang="zh-CN"]');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && !skip(n.parentElement) && !n.parentElement.closest('script, style')) out.push(n.textContent);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt], option, input[value]')) {
    if (skip(el)) continue;
    for (const a of ['title', 'aria-label', 'placeholder', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  out.push(document.title);
  return out.join('\\n');
}"""


def chinese_in(page) -> list[str]:
    text = page.evaluate(READ)
    return sorted({line.strip() for line in text.splitlines() if CJK.search(line)})


@pytest.fixture
def server(fresh_server):
    return fresh_server(SPECS, EVENT)


def test_every_page_speaks_english(server, chromium):
    ids = server.made_ids
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    wall = context.new_page()
    try:
        # The big screen through every picture: title, spotlight, the signed key card, roll, finale.
        wall.goto(server.url + "/display?name=wall")
        wait_drawn(wall, server.state()["seq"])
        assert chinese_in(wall) == []
        for action, fields in (
            ("announce", {"project_id": ids[1]}),
            ("confirm", {"project_id": ids[1]}),
            ("confirm", {"project_id": ids[0]}),
            ("show", {"screen": "roll"}),
            ("show", {"screen": "finale"}),
        ):
            seq = server.command(action, **fields).json()["seq"]
            wait_drawn(wall, seq)
            wall.wait_for_timeout(50)
            assert chinese_in(wall) == [], (action, fields)
        wall.wait_for_selector("#total-value:not([data-animating])")
        band = wall.locator("#band").inner_text()
        assert "CNY 5.29 billion" in " ".join(band.split()) and "2 / 3 projects signed" in " ".join(
            band.split()
        )

        # The PIN pad, the console (and its dialogs), the admin pages' every section.
        tablet = context.new_page()
        tablet.set_viewport_size({"width": 1024, "height": 768})
        tablet.goto(server.url + "/control")
        assert chinese_in(tablet) == []
        log_in(tablet, server.url)
        tablet.wait_for_selector('body[data-conn="live"]')
        assert chinese_in(tablet) == []
        tablet.click("#btn-undo")
        tablet.locator("#undo-dialog").wait_for(state="visible")
        assert chinese_in(tablet) == []
        assert "Total after undo" in tablet.locator("#undo-facts").inner_text()
        tablet.click("#undo-cancel")
        tablet.click("#btn-card")
        tablet.locator("#card-dialog").wait_for(state="visible")
        tablet.wait_for_function(
            "() => !document.getElementById('card-body').classList.contains('is-loading')"
        )
        assert chinese_in(tablet) == []
        tablet.click("#card-close")
        tablet.click("#device-btn")
        tablet.locator("#settings-dialog").wait_for(state="visible")
        tablet.locator("#settings-dialog details summary").click()
        assert chinese_in(tablet) == []
        tablet.keyboard.press("Escape")

        admin = context.new_page()
        admin.set_viewport_size({"width": 1280, "height": 900})
        admin.goto(server.url + "/admin")
        admin.wait_for_function("() => window.__kiosk?.admin && window.__kiosk?.admin.state() !== null")
        for section in ("event", "projects", "import", "cards", "rehearsal", "report"):
            admin.goto(server.url + f"/admin#{section}")
            admin.wait_for_selector(f'section.section[data-section="{section}"]:not([hidden])')
            admin.wait_for_timeout(300)
            found = chinese_in(admin)
            assert found == [], (section, found)

        # The guest's card, the print view, a card that is gone.
        auth = {"Authorization": f"Bearer {server.api_token}"}
        card = requests.get(f"{server.url}/api/v1/projects/{ids[0]}/card", headers=auth, timeout=5).json()
        guest = context.new_page()
        guest.set_viewport_size({"width": 390, "height": 844})
        guest.goto(card["url"])
        assert chinese_in(guest) == []
        assert "21 June 2021" in guest.inner_text("body")
        guest.goto(server.url + "/c/" + "A" * 24)
        assert chinese_in(guest) == []
        admin.goto(server.url + "/print/cards")
        assert chinese_in(admin) == []
    finally:
        context.close()


def test_the_api_and_the_reports_speak_english(server):
    auth = {"Authorization": f"Bearer {server.api_token}"}
    r = requests.post(
        server.url + "/api/v1/commands", json={"command_id": "u", "action": "undo"}, headers=auth, timeout=5
    )
    assert r.status_code == 400 and r.json()["message"] == "Nothing to undo"
    r = requests.post(server.url + "/api/v1/session", json={"pin": "0"}, timeout=5)
    assert r.json()["message"] == "Wrong PIN"
    state = requests.get(server.url + "/api/v1/state", headers=auth, timeout=5).json()
    assert state["planned"]["total"]["text"] == "CNY 15.29 billion"
    assert [p["amount"]["text"] for p in state["projects"]] == [
        "CNY 5.2 billion",
        "CNY 85 million",
        "CNY 10 billion",
    ]
    assert state["planned"]["land"]["text"] == "about 1,401 mu"
    report = requests.get(server.url + "/api/v1/report.json", headers=auth, timeout=5).json()
    assert not CJK.search(report["press_summary"]["en"])
    text = requests.get(server.url + "/api/v1/report.csv", headers=auth, timeout=5).content.decode(
        "utf-8-sig"
    )
    # (the release in Chinese is part of every report: it goes to the Chinese press whatever the screens say)
    lines = [line for line in text.splitlines() if not line.startswith("Press summary (Chinese)")]
    assert not [line for line in lines if CJK.search(line)]
    assert lines[1].startswith(
        "1,Smart Vehicle Park,Dilu Technology Ltd,52,520000,800,new-energy vehicles,Pending,"
    )
    svg = requests.get(server.url + "/charts/tiers.svg", timeout=5).text
    assert not CJK.search(svg) and "CNY 10 billion or more" in svg


# innerText only: what a person sees (the card page's ladder must read as separate steps, too).
SEEN_CJK = re.compile(r"[\u3400-\u9fff]")


def seen_chinese(page) -> list[str]:
    text = page.evaluate("() => document.body.innerText")
    return sorted({line.strip() for line in text.splitlines() if SEEN_CJK.search(line)})


def test_an_english_ceremony_of_chinese_data_shows_its_english_forms(fresh_server, chromium):
    """The sample (Chinese data with English forms) in English: the wall through the speech, a signing
    round and the finale, the overlay and /live show no Chinese; a project whose English name is blanked
    shows its Chinese name there, and the admin and the console count it."""
    server = fresh_server()
    ids = server.made_ids
    with server.editor() as web:
        web.put(server.url + "/api/v1/event", json={"language": "en"}, timeout=5).raise_for_status()
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    try:
        wall, overlay, live = context.new_page(), context.new_page(), context.new_page()
        wall.goto(server.url + "/display?name=wall")
        overlay.goto(server.url + "/overlay")
        live.goto(server.url + "/live")
        for action, fields, says in (
            ("go", {}, "Major Investment Signing Ceremony"),  # the opening: the title
            ("go", {}, "Zhou Jianguang"),  # the speech: the speaker's lower third
            ("go", {}, "Beike Zhuzhou Life Science City Project"),  # the first round's spotlight
            ("confirm", {"project_ids": ids[:3]}, "Shisanmen Digital Agriculture"),
            ("show", {"screen": "finale"}, "Industries"),
        ):
            seq = server.command(action, **fields).json()["seq"]
            wait_drawn(wall, seq)
            wall.wait_for_function("t => document.body.innerText.includes(t)", arg=says)
            overlay.wait_for_function("s => window.__kiosk?.overlay?.seq >= s", arg=seq)
            assert seen_chinese(wall) == [] and seen_chinese(overlay) == [], action
        # (the finale's charts are pictures the server draws from the same view)
        chart = requests.get(server.url + "/charts/industries.svg", timeout=5).text
        assert "biomedicine" in chart and not SEEN_CJK.search(chart)
        live.wait_for_function("() => document.body.innerText.includes('Dilu Smart Vehicle')")
        assert seen_chinese(live) == []
        assert "Zhuzhou High-tech Zone (Tianyuan District) 2021 Q2" in live.inner_text("body")

        # The English card page: its steps after the day read as steps, not one word.
        auth = {"Authorization": f"Bearer {server.api_token}"}
        card = requests.get(f"{server.url}/api/v1/projects/{ids[0]}/card", headers=auth, timeout=5).json()
        live.set_viewport_size({"width": 390, "height": 844})
        live.goto(card["url"])
        # (but the concierge's name: a contact the organiser types for the company, in one form only)
        assert seen_chinese(live) == ["陈思远"]
        steps = live.locator(".road li")
        assert [
            " ".join(t.split()) for t in live.locator(".road ol").inner_text().split("\n") if t.strip()
        ] == [steps.nth(i).inner_text().strip() for i in range(steps.count())]
        boxes = [live.locator(".road .step").nth(i).bounding_box() for i in range(steps.count())]
        # (a gap between two steps' words: they ran together, "GroundbreakingProduction")
        assert all(a["x"] + a["width"] + 6 <= b["x"] for a, b in itertools.pairwise(boxes)), boxes

        # Without its English name the first project shows its Chinese one, and the admin counts it.
        server.unlock_edits()
        with server.editor() as web:
            edited = web.get(server.url + "/api/v1/projects", timeout=5).json()["projects"][0]
            cells = {k: edited[k] for k in PROJECT_KEYS if k in edited and k != "amount_yi"}
            r = web.put(server.url + f"/api/v1/projects/{ids[0]}", json={**cells, "name_en": ""}, timeout=5)
            assert r.status_code == 200, r.text
        wait_drawn(wall, server.command("show", screen="roll").json()["seq"])
        wall.wait_for_function("() => document.body.innerText.includes('的卢智慧汽车及关键零部件项目')")
        assert {line.replace("的卢智慧汽车及关键零部件项目", "") for line in seen_chinese(wall)} <= {""}
        log_in(overlay, server.url, "/admin#projects")
        overlay.wait_for_selector("#projects-missing-en:not([hidden])")
        assert overlay.inner_text("#projects-missing-en") == "1 project has no English name"
        # The console says it too, beside the stand-in warning, while the screens are English.
        log_in(overlay, server.url)
        overlay.locator("#data-warning:not([hidden])").wait_for()
        assert "1 project has no English name" in overlay.inner_text("#data-warning-text")
    finally:
        context.close()
