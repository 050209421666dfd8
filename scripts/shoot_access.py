"""Screenshots of who-sees-what settings for docs/screenshots/, at the tablet's two orientations.

The admin's "when a project's figures become public" setting and the console's AV desk section (its token
fetched when the section opens). Starts ``python -m kiosk serve`` on a throwaway data folder (the sample).
Run from the repository root:

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
from harness import LiveServer, launch_chromium, log_in  # noqa: E402

SIZES = ((1024, 768), (768, 1024))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    server = LiveServer(Path(tempfile.mkdtemp(prefix="kiosk-shots-")) / "data").start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                log_in(page, server.url, "/admin")
                page.locator('[data-field="publish_in_advance"]').scroll_into_view_if_needed()
                page.screenshot(path=out / f"admin-event-publish-{width}x{height}.png")
                page.close()

                page = browser.new_page(viewport={"width": width, "height": height})
                log_in(page, server.url, "/control")
                page.click("#device-btn")
                page.click("#av summary")
                page.wait_for_function("() => document.getElementById('av-token').textContent.length > 10")
                page.screenshot(path=out / f"console-av-{width}x{height}.png")
                page.close()
                print(f"{width}x{height} done", flush=True)
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
