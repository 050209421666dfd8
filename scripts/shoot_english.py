"""Screenshots of an English ceremony of the sample (its English forms filled in), into
docs/screenshots/english-*.png: the finale on the wall (1920x1080 and 1080x1920), the masthead whole; a
guest's golden-key card page and /live on a phone (390x844), every project signed.

    .venv/bin/python scripts/shoot_english.py [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, pair_page, resize, wait_drawn  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            server.fresh()  # the sample, English forms included
            web = server.editor()
            web.put(server.url + "/api/v1/event", json={"language": "en"}, timeout=10).raise_for_status()
            ids = server.made_ids
            for pid in ids:
                server.command("confirm", project_id=pid).raise_for_status()
            seq = server.command("show", screen="finale").json()["seq"]
            card = web.get(server.url + f"/api/v1/projects/{ids[0]}/card", timeout=10).json()
            browser = launch_chromium(pw)

            wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            pair_page(wall, server, "Main wall")
            wait_drawn(wall, seq)
            for w, h in ((1920, 1080), (1080, 1920)):
                resize(wall, w, h)
                wall.wait_for_timeout(3000)  # (the finale's count-up and bars)
                wall.screenshot(path=str(out / f"english-finale-{w}x{h}.png"))

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2
            ).new_page()
            phone.goto(card["url"])
            phone.wait_for_load_state("networkidle")
            phone.screenshot(path=str(out / "english-card-phone-390x844.png"), full_page=True)
            phone.goto(server.url + "/live")
            phone.wait_for_selector("body:not(.is-connecting)")
            phone.wait_for_timeout(1500)
            phone.screenshot(path=str(out / "english-live-phone-390x844.png"), full_page=True)
        finally:
            server.stop()
    for name in sorted(out.glob("english-*.png")):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
