"""Screenshots of the public live page (/live) for docs/screenshots, as a remote viewer's phone and a
desktop show it mid-ceremony.

Starts ``python -m kiosk serve`` on a throwaway data folder holding the sample ceremony, signs the first
projects, announces the next one, and saves:

- ``live-390x844.png``: a phone during a signing: the total, the project being signed with its figure,
  the roll;
- ``live-390x844-offline.png``: the same phone after the server went away: greyed, with since when;
- ``live-1920x1080.png``: a desktop at the same moment;
- ``live-390x844-before.png``: a phone before the first signing.

Run from the repository root:

    .venv/bin/python scripts/shoot_live.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1920, "height": 1080}


def shoot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = LiveServer(Path(tmp) / "data").start()
        browser = launch_chromium(p)
        try:
            phone = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            phone.goto(server.url + "/live")
            phone.wait_for_function("() => window.__kiosk?.live && window.__kiosk?.live.status === 'live'")
            phone.screenshot(path=str(out / "live-390x844-before.png"))

            ids = server.ids()
            for pid in ids[:3]:
                server.command("announce", project_id=pid)
                server.command("confirm", project_id=pid)
            seq = server.command("announce", project_id=ids[3]).json()["seq"]
            phone.wait_for_function("s => window.__kiosk?.live.version >= s", arg=seq)
            phone.wait_for_timeout(1800)  # the arrival animations end
            phone.screenshot(path=str(out / "live-390x844.png"))

            desk = browser.new_page(viewport=DESKTOP)
            desk.goto(server.url + "/live")
            desk.wait_for_function("s => window.__kiosk?.live && window.__kiosk?.live.version >= s", arg=seq)
            desk.wait_for_timeout(300)
            desk.screenshot(path=str(out / "live-1920x1080.png"))

            server.stop()
            phone.wait_for_function("() => window.__kiosk?.live.status !== 'live'")
            phone.wait_for_timeout(600)
            phone.screenshot(path=str(out / "live-390x844-offline.png"))
        finally:
            browser.close()
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    shoot(parser.parse_args().out)


if __name__ == "__main__":
    main()
