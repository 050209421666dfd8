"""Screenshots of the livestream overlay for docs/screenshots/: the transparent page at 1920x1080 over a
test picture (colour bars, as a vision mixer's preview shows before the camera is live), during a signing.

Starts ``python -m kiosk serve`` on a throwaway data folder (the sample). Run from the repository root:

    .venv/bin/python scripts/shoot_overlay.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium  # noqa: E402

BARS = [(192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0), (192, 0, 192), (192, 0, 0), (0, 0, 192)]


def test_picture() -> Image.Image:
    picture = Image.new("RGBA", (1920, 1080), (16, 16, 16, 255))
    draw = ImageDraw.Draw(picture)
    width = 1920 / len(BARS)
    for i, colour in enumerate(BARS):
        draw.rectangle([round(i * width), 0, round((i + 1) * width), 810], fill=colour)
    return picture


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    server = LiveServer(Path(tempfile.mkdtemp(prefix="kiosk-shots-")) / "data").start()
    try:
        ids = server.ids()
        server.command("confirm", project_id=ids[0])
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(server.url + "/overlay")
            seq = server.command("confirm", project_id=ids[6]).json()["seq"]
            page.wait_for_function(
                "s => window.__kiosk?.overlay && window.__kiosk?.overlay.seq === s", arg=seq
            )
            page.wait_for_timeout(1200)  # the lower third and its seal have come in
            layer = Image.open(io.BytesIO(page.screenshot(omit_background=True))).convert("RGBA")
            Image.alpha_composite(test_picture(), layer).convert("RGB").save(out / "overlay-composited.png")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
