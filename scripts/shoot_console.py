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
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PIN = "246810"
CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SIZES = {"1366x768": (1366, 768), "1280x800": (1280, 800), "portrait": (768, 1024)}


def free_port(low: int = 5200, high: int = 5299) -> int:
    for port in range(low, high + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Where the QR codes point in the pictures: a LAN address, as at the venue (see KIOSK_PUBLIC_URL).
PUBLIC_URL = "http://192.168.1.20:5000"


class Server:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.public_url = PUBLIC_URL

    def start(self) -> None:
        env = {**os.environ, "KIOSK_DATA_DIR": str(self.data_dir), "KIOSK_OPERATOR_PIN": PIN}
        if self.public_url:
            env["KIOSK_PUBLIC_URL"] = self.public_url
        log = open(self.data_dir.parent / "server.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("the server exited; see server.log")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not come up")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=5) as r:
            return json.load(r)

    def post(self, path: str, body: dict) -> dict:
        token = (self.data_dir / "api_token.txt").read_text().strip()
        req = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.load(r)

    def command(self, action: str, **fields) -> dict:
        return self.post(
            "/api/v1/commands", {"command_id": f"shoot-{uuid.uuid4().hex}", "action": action, **fields}
        )


def type_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.click(f'.key[data-key="{digit}"]')


def connect_big_screen(browser, server: Server, name: str) -> None:
    """Open /display like the wall PC does; if that page does not register yet, register through live.js."""
    context = browser.new_context(viewport={"width": 960, "height": 540})
    page = context.new_page()
    page.goto(f"{server.url}/display?name={name}")
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline and server.get("/healthz")["displays"] == 0:
        time.sleep(0.2)
    if server.get("/healthz")["displays"] == 0:
        page.evaluate(
            "name => window.KioskLive.connect({role: 'display', name: name, onState: function () {}})", name
        )
    while server.get("/healthz")["displays"] == 0:
        time.sleep(0.1)


def set_language(server: Server, language: str) -> None:
    """Change the event's language from another process, as an organiser's import would."""
    code = (
        "import dataclasses, sys\n"
        "from kiosk.service import Ceremony\n"
        "from kiosk.storage import Storage\n"
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
        server = Server(Path(tmp) / "data", free_port())
        server.data_dir.mkdir()
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
                server.command("confirm", project_id="p1")
                server.command("confirm", project_id="p2")
                state = server.command("announce", project_id="p3")["state"]
                page.wait_for_function(f"() => window.KioskConsole.state().seq === {state['seq']}")
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
                page.wait_for_function("() => window.KioskConsole.pending() === null", timeout=20000)
                page.wait_for_selector('body[data-conn="live"]', timeout=20000)
                page.wait_for_timeout(600)
                page.screenshot(path=str(out / "console-after-reconnect.png"))
                print("console-after-reconnect.png", fits(page))

                # A command the network swallowed: after giving up, the operator chooses 重试 or 放弃.
                failing = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                failing.add_init_script(
                    "window.KioskConsoleTuning = {giveUpMs: 2500, attemptTimeoutMs: 1000};"
                )
                other = failing.new_page()
                other.goto(server.url + "/control")
                type_pin(other, PIN)
                other.click('.key[data-key="ok"]')
                other.wait_for_selector('body[data-conn="live"]')
                other.route("**/api/v1/commands", lambda route: route.abort("connectionreset"))
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
                server.post("/api/v1/run", {"mode": "rehearsal", "confirm": True})  # archives the live log
                server.command("confirm", project_id="p1")
                state = server.command("announce", project_id="p2")["state"]
                page.wait_for_function(f"() => window.KioskConsole.state().seq === {state['seq']}")
                page.wait_for_selector(".rehearsal-band:not([hidden])")
                page.wait_for_timeout(2600)
                page.screenshot(path=str(out / "console-rehearsal.png"))
                print("console-rehearsal.png", fits(page))
                wall = browser.new_page(viewport={"width": 1920, "height": 1080})
                wall.goto(server.url + "/display")
                wall.wait_for_function(f"() => window.__display && window.__display.seq >= {state['seq']}")
                if "彩排" in wall.content():
                    raise SystemExit("the big screen shows the rehearsal")
                wall.close()
                server.post("/api/v1/run", {"mode": "live"})
                browser.close()

            # KIOSK_PUBLIC_URL on the loopback address: the QR codes point where no phone can go.
            server.stop()
            server.public_url = server.url
            server.start()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                page = context.new_page()
                page.goto(server.url + "/control")
                type_pin(page, PIN)
                page.click('.key[data-key="ok"]')
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
