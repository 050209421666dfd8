"""Screenshots of who-sees-what for docs/screenshots/: the device list, the token page, the viewer's
read-only console, a big screen waiting for pairing, and the publish setting, at their real sizes.

Starts ``python -m kiosk serve`` on a throwaway data folder (the sample) with a paired wall, a waiting
screen, a viewer's tablet and two tokens, so the lists show what they show on the day. Run from the
repository root:

    .venv/bin/python scripts/shoot_access.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import VIEWER_PIN, LiveServer, launch_chromium, log_in, pair_page  # noqa: E402

TABLETS = ((1024, 768), (768, 1024))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    server = LiveServer(Path(tempfile.mkdtemp(prefix="kiosk-shots-")) / "data").start()
    try:
        editor = server.editor()
        for name, scope in (("AV 中控台 · Companion", "control"), ("直播监控脚本", "read")):
            editor.post(server.url + "/api/v1/tokens", json={"name": name, "scope": scope}).raise_for_status()
        with sync_playwright() as p:
            browser = launch_chromium(p)
            wall = browser.new_page(viewport={"width": 1920, "height": 1080})
            pair_page(wall, server, "主屏 LED", editor)
            side = browser.new_page(viewport={"width": 1920, "height": 1080})
            side.goto(server.url + "/display?name=侧屏")
            side.locator("#pair-badge:not([hidden])").wait_for()
            side.wait_for_timeout(3000)  # the title's entrance has finished
            side.screenshot(path=out / "display-waiting-for-pairing.png")
            portrait = browser.new_page(viewport={"width": 1080, "height": 1920})
            portrait.goto(server.url + "/display?name=立屏")
            portrait.locator("#pair-badge:not([hidden])").wait_for()
            portrait.wait_for_timeout(3000)
            portrait.screenshot(path=out / "display-waiting-for-pairing-1080x1920.png")
            portrait.close()

            for width, height in TABLETS:
                viewer = browser.new_page(viewport={"width": width, "height": height}, has_touch=True)
                log_in(viewer, server.url, "/control", pin=VIEWER_PIN)
                viewer.evaluate("localStorage.setItem('kiosk.console.device', '舞台监督平板')")
                viewer.reload()
                viewer.locator(".row").first.wait_for()
                viewer.screenshot(path=out / f"console-viewer-{width}x{height}.png")

                page = browser.new_page(viewport={"width": width, "height": height}, has_touch=True)
                log_in(page, server.url, "/control")
                page.click("#devices-btn")
                page.locator("#dev-list .dev-row").nth(3).wait_for()
                page.locator("#dev-waiting .dev-row").first.wait_for()
                page.screenshot(path=out / f"console-devices-{width}x{height}.png")
                page.close()
                viewer.close()

                page = browser.new_page(viewport={"width": width, "height": height})
                log_in(page, server.url, "/admin")
                page.goto(server.url + "/admin#access")
                page.locator("#token-list .dev-row").nth(1).wait_for()
                page.fill("#token-name", "Stream Deck 舞台左")
                page.click("#token-make")
                page.locator("#token-once:not([hidden])").wait_for()
                page.screenshot(path=out / f"admin-tokens-{width}x{height}.png")
                page.goto(server.url + "/admin#event")
                page.locator('[data-field="publish_in_advance"]').scroll_into_view_if_needed()
                page.screenshot(path=out / f"admin-event-publish-{width}x{height}.png")
                page.close()
                print(f"{width}x{height} done", flush=True)

            page = browser.new_page(viewport={"width": 1024, "height": 768})
            log_in(page, server.url, "/control", pin=VIEWER_PIN)
            page.goto(server.url + "/admin")
            page.locator("#login-needs").wait_for()
            page.screenshot(path=out / "login-needs-editor.png")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
