"""Screenshots of each screen layout (main wall, portrait totem, side screen, lobby) at its real size.

Starts ``python -m kiosk serve`` with the sample ceremony in a temporary folder, pairs one Chromium page per
layout, runs part of the ceremony through the API and photographs the pages into
docs/screenshots/layout-*.png. The lobby's QR codes are decoded (zxing-cpp) to prove they scan.

    .venv/bin/python scripts/shoot_layouts.py [--out DIR] [--only totem,lobby]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

import requests
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, log_in, wait_drawn, walls_in_layouts  # noqa: E402

# name, layout, viewport
SCREENS = [
    ("main", "main", (1920, 1080)),
    ("totem", "totem", (1080, 1920)),
    ("side", "side", (1920, 1080)),
    ("lobby", "lobby", (1920, 1080)),
    ("lobby-portrait", "lobby", (1080, 1920)),
]


def command(server: LiveServer, action: str, **fields) -> int:
    r = server.command(action, **fields)
    r.raise_for_status()
    return r.json()["seq"]


def put_event(server: LiveServer, **fields) -> None:
    r = server.editor().put(server.url + "/api/v1/event", json=fields, timeout=10)
    r.raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    chosen = [s for s in SCREENS if not only or s[0] in only]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            browser = launch_chromium(pw)
            pages = walls_in_layouts(browser, server, chosen)

            def shoot(tag: str, seq: int, wait_ms: int = 3800) -> None:
                for page in pages.values():
                    wait_drawn(page, seq)
                for name, page in pages.items():
                    page.wait_for_timeout(wait_ms if name == next(iter(pages)) else 0)
                    path = out / f"layout-{name}-{tag}.png"
                    page.screenshot(path=str(path))
                    print(path.name)

            state = requests.get(server.url + "/api/v1/state", timeout=10).json()
            ids = [p["id"] for p in state["projects"]]
            shoot("title", state["seq"], 1500)
            seq = command(server, "confirm", project_id=ids[0])
            command(server, "confirm", project_id=ids[1])
            seq = command(server, "announce", project_id=ids[2])
            shoot("announced", seq, 1500)
            seq = command(server, "confirm", project_id=ids[2])
            shoot("signed", seq)
            seq = command(server, "show", screen="roll")
            shoot("roll", seq, 1500)
            # the console's screens dialog, every paired screen with its picture and its layout
            console = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
            log_in(console, server.url)
            console.click("#walls")
            console.locator("#scr-list .scr-card").nth(len(pages) - 1).wait_for()
            console.wait_for_timeout(3000)
            console.screenshot(path=str(out / "console-screens-1024x768.png"))
            print("console-screens-1024x768.png")
            console.context.close()
            command(server, "confirm", project_id=ids[3])  # 99 亿
            # the goal gauge, and the milestone the next signing passes (103 亿)
            put_event(server, show_goal=True)
            seq = command(server, "confirm", project_id=ids[4])
            if "main" in pages:
                page = pages["main"]
                wait_drawn(page, seq)
                page.locator("#milestone.on").wait_for()
                page.wait_for_timeout(700)
                page.screenshot(path=str(out / "display-milestone.png"))
                print("display-milestone.png")
            put_event(server, show_goal=False)
            for pid in ids[5:]:
                command(server, "confirm", project_id=pid)
            seq = command(server, "show", screen="finale")
            shoot("finale", seq, 4000)
            if "lobby" in pages:
                import zxingcpp

                page = pages["lobby"]
                picture = Image.open(io.BytesIO(page.screenshot()))
                found = zxingcpp.read_barcodes(picture)
                print(f"lobby: {len(found)} QR codes decoded")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
