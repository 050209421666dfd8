"""Names typed into Excel are text everywhere: hostile names imported through the command line never run as
script on the big screen, the console, the guest's card, the print view or the admin pages (real Chromium)."""

from __future__ import annotations

import time

import pytest
import requests
from conftest import PIN
from harness import run_kiosk, wait_drawn

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOSTILE = [
    ("<img src=x onerror=window.__xss=1>", "<svg onload=window.__xss=2>"),
    ("</script><script>window.__xss=3</script>", "\"><iframe srcdoc='<script>parent.__xss=4</script>'>"),
    ("{{7*7}}<b>粗体</b>", "javascript:window.__xss=5"),
]


@pytest.fixture
def hostile_server(live_server, tmp_path):
    rows = ["项目名称,签约企业,投资额（万元）,服务专员,项目简介"]
    for name, investor in HOSTILE:
        quoted = [f'"{v.replace(chr(34), chr(34) * 2)}"' for v in (name, investor)]
        rows.append(
            f'{quoted[0]},{quoted[1]},100,"<b onmouseover=window.__xss=6>专员</b>","<script>x</script>"'
        )
    csv = tmp_path / "hostile.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = run_kiosk(live_server.data_dir, "import", str(csv), "--replace")
    assert done.returncode == 0, done.stderr
    for _ in range(50):
        if live_server.state()["projects"][0]["name"] == HOSTILE[0][0]:
            break
        time.sleep(0.1)  # the running server picks the import up within a second
    return live_server


# Every page records what the Content-Security-Policy refused: with no 'unsafe-inline' for styles either,
# a page that relied on an inline style would draw wrong, and would show up here.
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def assert_inert(page, expect_text: str) -> None:
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert expect_text in page.evaluate("document.body.innerText")
    # The console's own monitors are wall pages of this server (the program, the preview); nothing else.
    ours = "#pgm-frame, #pvw-frame, .scr-thumb iframe"
    assert page.locator(f"iframe:not({ours}), script:not([src]):not([type='application/json'])").count() == 0
    for src in page.locator("iframe").evaluate_all("frames => frames.map((f) => f.getAttribute('src'))"):
        assert src.startswith("/display?preview=1&"), src


def test_hostile_names_stay_text_on_every_page(hostile_server, chromium):
    server = hostile_server
    dialogs = []
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    try:
        # the big screen, spotlighting and celebrating a hostile project
        first = server.state()["projects"][0]["id"]
        server.command("confirm", project_id=first)
        page.goto(server.url + "/display")
        page.wait_for_function("() => window.__kiosk?.display && window.__kiosk?.display.seq > 0")
        assert_inert(page, HOSTILE[0][0])
        seq = server.command("show", screen="roll").json()["seq"]
        wait_drawn(page, seq)
        assert_inert(page, HOSTILE[0][0])

        # the guest's card page
        card = requests.get(
            f"{server.url}/api/v1/projects/{first}/card",
            headers={"Authorization": f"Bearer {server.api_token}"},
            timeout=10,
        ).json()
        page.goto(card["url"])
        assert_inert(page, HOSTILE[0][0])

        # the console and its pages for operators
        page.goto(server.url + "/control")
        for digit in PIN:
            page.click(f'.key[data-key="{digit}"]')
        page.click('.key[data-key="ok"]')
        page.wait_for_function("() => window.__kiosk?.console && window.__kiosk?.console.state()")
        assert_inert(page, HOSTILE[1][0])

        page.goto(server.url + "/print/cards")
        assert_inert(page, HOSTILE[2][0])

        page.goto(server.url + "/admin")
        page.wait_for_load_state("networkidle")
        for section in page.locator("[data-section]").all():
            if section.is_visible():
                section.click()
                page.wait_for_timeout(200)
                assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("window.__csp") == []
        assert dialogs == []
    finally:
        context.close()
