"""Screenshots of the operators' console (/control) for docs/screenshots, and a look at how it fits.

Starts ``python -m kiosk serve`` on a free port with a throwaway data folder, logs in through the PIN pad,
connects a big screen, runs part of the ceremony and saves 1024x768 pictures (the tablet), plus checks at
1366x768 and 1280x800 (laptops): the golden key's preview, a rehearsal, and the warning a console shows
when the QR codes would point at localhost. Run from the repository root:

    .venv/bin/python scripts/shoot_console.py [--out docs/screenshots]

Nothing is loaded from another host; Chromium is Debian's (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import PIN, LiveServer, launch_chromium, log_in, pair_page, wait_drawn, wait_until  # noqa: E402

# Laptops and the tablet held upright, besides the 1024x768 tablet the pictures are taken on.
SIZES = {"1366x768": (1366, 768), "1280x800": (1280, 800), "portrait": (768, 1024)}
# Where the QR codes point in the pictures: a LAN address, as at the venue (see KIOSK_PUBLIC_URL).
PUBLIC_URL = "http://192.168.1.20:5000"


def command(server: LiveServer, action: str, **fields) -> dict:
    r = server.command(action, **fields)
    r.raise_for_status()
    return r.json()


def post(server: LiveServer, path: str, body: dict) -> dict:
    r = requests.post(
        server.url + path, json=body, headers={"Authorization": f"Bearer {server.api_token}"}, timeout=10
    )
    r.raise_for_status()
    return r.json()


def displays(server: LiveServer) -> int:
    return requests.get(server.url + "/healthz", timeout=5).json()["displays"]


def type_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.click(f'.key[data-key="{digit}"]')


def connect_big_screen(browser, server: LiveServer, name: str) -> None:
    """Open /display like the wall PC does, and wait until the server counts it."""
    context = browser.new_context(viewport={"width": 960, "height": 540})
    page = context.new_page()
    pair_page(page, server, name)
    wait_until(lambda: displays(server) > 0, timeout=10, message="the big screen did not register")


def set_language(server: LiveServer, language: str) -> None:
    """Change the event's language from another process, as an organiser's import would."""
    code = (
        "import dataclasses, sys\n"
        "from kiosk.ceremony.service import Ceremony\n"
        "from kiosk.store.sqlite import Storage\n"
        "s = Storage(sys.argv[1])\n"
        "c = Ceremony(s)\n"
        "c.save_event(dataclasses.replace(c.event, language=sys.argv[2]))\n"
        "s.close()\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(server.data_dir / "kiosk.sqlite3"), language], cwd=ROOT, check=True
    )


def fits(page: Page) -> str:
    over = page.evaluate(
        "() => ({w: document.documentElement.scrollWidth - innerWidth,"
        " h: document.documentElement.scrollHeight - innerHeight})"
    )
    return "fits" if over["w"] <= 0 and over["h"] <= 0 else f"OVERFLOWS by {over}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-shoot-") as tmp:
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": PUBLIC_URL})
        server.start()
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                page = context.new_page()
                page.goto(server.url + "/control")
                type_pin(page, PIN[:4])
                page.screenshot(path=str(out / "console-login.png"))
                print("console-login.png", fits(page))
                type_pin(page, "99")
                page.click('.key[data-key="ok"]')
                page.wait_for_selector(".login-message.is-error")
                page.screenshot(path=str(out / "console-login-wrong.png"))
                type_pin(page, PIN)
                page.click('.key[data-key="ok"]')
                page.wait_for_selector("#rows .row")

                connect_big_screen(browser, server, "LED主屏")
                # Mid-ceremony: two signed, the third announced and waiting for its signing.
                command(server, "confirm", project_id="p1")
                command(server, "confirm", project_id="p2")
                state = command(server, "announce", project_id="p3")["state"]
                page.wait_for_function(f"() => window.__kiosk?.console.state().seq === {state['seq']}")
                page.wait_for_selector(".wall.is-synced")
                page.wait_for_timeout(2600)  # toasts gone
                page.screenshot(path=str(out / "console.png"))
                print("console.png", fits(page))

                page.click("#btn-undo")
                page.wait_for_selector("#undo-dialog[open]")
                page.screenshot(path=str(out / "console-undo.png"))
                print("console-undo.png", fits(page))
                page.click("#undo-cancel")

                # The golden key of a signed project: its QR code, address, contact and what can be done.
                page.wait_for_timeout(1600)
                page.click('.row[data-id="p2"] .row-btn')
                open_card(page)
                page.screenshot(path=str(out / "console-card.png"))
                print("console-card.png", fits(page))
                page.click("#card-rotate")
                page.wait_for_selector("#card-rotate-confirm:not([hidden])")
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "console-card-rotate.png"))
                page.click("#card-rotate-cancel")
                page.click("#card-close")
                page.click("#follow-btn")

                for label, (w, h) in SIZES.items():
                    page.set_viewport_size({"width": w, "height": h})
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(out / f"console-{label}.png"))
                    print(f"console-{label}.png", fits(page))
                page.set_viewport_size({"width": 1024, "height": 768})

                # A command sent while the server is away: pending, never shown as done.
                server.stop()
                page.wait_for_selector('body[data-conn="reconnecting"]', timeout=15000)
                box = page.locator("#btn-confirm").bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.mouse.down()
                page.wait_for_timeout(1000)
                page.mouse.up()
                page.wait_for_timeout(2500)
                page.screenshot(path=str(out / "console-pending.png"))
                print("console-pending.png", fits(page))
                server.start()
                page.wait_for_function("() => window.__kiosk?.console.pending() === null", timeout=20000)
                page.wait_for_selector('body[data-conn="live"]', timeout=20000)
                page.wait_for_timeout(600)
                page.screenshot(path=str(out / "console-after-reconnect.png"))
                print("console-after-reconnect.png", fits(page))

                # A command the network swallowed: after giving up, the operator chooses 重试 or 放弃.
                failing = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                failing.add_init_script(
                    "window.__kiosk = {tuning: {giveUpMs: 2500, attemptTimeoutMs: 1000}};"
                )
                other = failing.new_page()
                log_in(other, server.url)
                other.wait_for_selector('body[data-conn="live"]')
                other.route("**/api/v1/commands", lambda route: route.abort("connectionreset"))
                other.click('.scr[data-screen="finale"]')
                other.click('.scr[data-screen="finale"]')
                other.wait_for_selector('#statusline[data-kind="failed"]', timeout=10000)
                other.wait_for_timeout(3000)  # toasts gone
                other.screenshot(path=str(out / "console-failed.png"))
                print("console-failed.png", fits(other))
                failing.close()

                # The same console for an English-language event.
                set_language(server, "en")
                page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=10000)
                page.wait_for_timeout(2600)
                page.screenshot(path=str(out / "console-en.png"))
                print("console-en.png", fits(page))
                set_language(server, "zh")
                page.wait_for_function("() => document.documentElement.lang === 'zh-CN'", timeout=10000)

                # A rehearsal: unmistakable on the console, invisible on the big screen.
                post(server, "/api/v1/run", {"mode": "rehearsal", "confirm": True})  # archives the live log
                command(server, "confirm", project_id="p1")
                state = command(server, "announce", project_id="p2")["state"]
                page.wait_for_function(f"() => window.__kiosk?.console.state().seq === {state['seq']}")
                page.wait_for_selector(".rehearsal-band:not([hidden])")
                page.wait_for_timeout(2600)
                page.screenshot(path=str(out / "console-rehearsal.png"))
                print("console-rehearsal.png", fits(page))
                wall = browser.new_page(viewport={"width": 1920, "height": 1080})
                wall.goto(server.url + "/display")
                wait_drawn(wall, state["seq"])
                if "彩排" in wall.content():
                    raise SystemExit("the big screen shows the rehearsal")
                wall.close()
                post(server, "/api/v1/run", {"mode": "live"})
                browser.close()

            # KIOSK_PUBLIC_URL on the loopback address: the QR codes point where no phone can go.
            server.stop()
            server.extra_env = {}  # LiveServer's own default: KIOSK_PUBLIC_URL is its loopback address
            server.start()
            with sync_playwright() as p:
                browser = launch_chromium(p)
                context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                page = context.new_page()
                log_in(page, server.url)
                page.wait_for_selector("#qr-warning:not([hidden])")
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / "console-qr-warning.png"))
                print("console-qr-warning.png", fits(page))
                open_card(page)
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "console-card-warning.png"))
                browser.close()
        finally:
            server.stop()
    return 0


def open_card(page: Page) -> None:
    page.click("#btn-card")
    page.wait_for_selector("#card-dialog[open]")
    page.wait_for_function(
        "() => { const i = document.getElementById('card-qr'); return i.complete && i.naturalWidth > 0; }"
    )
    page.wait_for_timeout(300)


if __name__ == "__main__":
    sys.exit(main())
