"""Screenshots of the run of show on the wall: a speech's lower third, a round announced and signed, the
golden keys handed over, and the safe look, on the main wall and the portrait totem.

Starts ``python -m kiosk serve`` with the sample ceremony (its sample agenda) in a temporary folder, pairs a
Chromium page per layout, fires the cues with GO through the API and photographs docs/screenshots/cue-*.png.

    .venv/bin/python scripts/shoot_cues.py [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, log_in, wait_drawn, walls_in_layouts  # noqa: E402

SCREENS = [("main", "main", (1920, 1080)), ("totem", "totem", (1080, 1920))]
CONSOLES = [(1024, 768), (768, 1024)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        # The address phones would use at the venue, so the console shows no "localhost" warning.
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": "http://192.168.1.20:5000"}).start()
        try:
            browser = launch_chromium(pw)
            pages = walls_in_layouts(browser, server, SCREENS)
            consoles = {}
            for w, h in CONSOLES:
                page = browser.new_context(viewport={"width": w, "height": h}).new_page()
                log_in(page, server.url)
                consoles[f"{w}x{h}"] = page

            def shoot_console(tag: str, seq: int) -> None:
                for size, page in consoles.items():
                    page.wait_for_function(
                        "(seq) => window.__kiosk?.console.state() && window.__kiosk?.console.state().seq >= seq",
                        arg=seq,
                    )
                    page.wait_for_timeout(600)
                    path = out / f"console-cues-{tag}-{size}.png"
                    page.screenshot(path=str(path))
                    print(path.name)

            def shoot(tag: str, seq: int, wait_ms: int = 1500) -> None:
                for page in pages.values():
                    wait_drawn(page, seq)
                first = True
                for name, page in pages.items():
                    page.wait_for_timeout(wait_ms if first else 0)
                    first = False
                    path = out / f"cue-{name}-{tag}.png"
                    page.screenshot(path=str(path))
                    print(path.name)

            def go(**fields) -> dict:
                r = server.command("go", **fields)
                r.raise_for_status()
                return r.json()

            done = set()
            while True:
                view = server.state(operator=True)
                ros = view["run_of_show"]
                if ros["round"]:
                    seq = view["seq"]
                    if "round" not in done:
                        shoot("round-announced", seq)
                        shoot_console("round", seq)
                    r = server.command("confirm", project_ids=ros["round"]["project_ids"])
                    r.raise_for_status()
                    if "round" not in done:
                        shoot("round-signed", r.json()["seq"], 3500)
                        done.add("round")
                    continue
                if ros["go"]["blocked"]:
                    break
                answer = go(cue_id=ros["go"]["cue_id"])
                current = answer["state"]["run_of_show"]["current"]
                kind = current["kind"]
                if kind in ("speech", "remarks") and kind not in done:
                    shoot(kind, answer["seq"])
                    if kind == "speech":
                        shoot_console("speech", answer["seq"])
                    done.add(kind)
                if kind == "handover" and kind not in done:
                    shoot("keys", answer["seq"], 3000)
                    done.add(kind)
                    r = server.command("panic")
                    r.raise_for_status()
                    shoot("panic", r.json()["seq"])
                    server.command("unpanic").raise_for_status()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
