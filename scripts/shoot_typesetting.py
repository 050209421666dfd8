"""Screenshots of the longest names on every page that shows them, into docs/screenshots/typeset-*.png: the
golden keys handed over on the wall (1920x1080 and 1080x1920), the roll upright, the printed A5 card (its PDF, through
pdftoppm), a signatory's phone pad (390x844) and the console at both tablet sizes. The ceremony is
tests/test_wall_legibility.py's fixture: 30+ character names, companies with parentheses.

    .venv/bin/python scripts/shoot_typesetting.py [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, log_in, pair_page, resize, wait_drawn  # noqa: E402
from test_wall_legibility import AGENDA, EVENT, LONG  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            server.fresh(LONG, EVENT)
            web = server.editor()
            ids = server.made_ids
            files = {"file": ("agenda.csv", AGENDA.encode("utf-8"))}
            web.post(server.url + "/api/v1/agenda/import", files=files, timeout=10).raise_for_status()
            pad = web.post(
                server.url + "/api/v1/pads",
                json={"name": "长沙康瑞医疗科技股份有限公司", "project_id": ids[0], "party": "investor"},
                timeout=10,
            )
            pad.raise_for_status()
            for pid in ids:
                server.command("confirm", project_id=pid).raise_for_status()
            server.command("go").raise_for_status()
            seq = server.command("show", screen="keys").json()["seq"]
            browser = launch_chromium(pw)

            wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            pair_page(wall, server, "主屏")
            wait_drawn(wall, seq)
            for w, h in ((1920, 1080), (1080, 1920)):
                resize(wall, w, h)
                wall.wait_for_function("() => !document.querySelector('.img-pending')")
                wall.wait_for_timeout(2500)  # (the keys' entrance)
                wall.screenshot(path=str(out / f"typeset-keys-{w}x{h}.png"))
            wait_drawn(wall, server.command("show", screen="roll").json()["seq"])
            wall.wait_for_timeout(2500)
            wall.screenshot(path=str(out / "typeset-roll-1080x1920.png"))

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2
            ).new_page()
            phone.goto(server.url + "/sign/" + pad.json()["url"].rsplit("/", 1)[1])
            phone.wait_for_function(
                "() => window.__kiosk?.signPad && window.__kiosk?.signPad.state() !== null"
            )
            phone.screenshot(path=str(out / "typeset-pad-phone-390x844.png"))

            console = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
            log_in(console, server.url)
            for w, h in ((1024, 768), (768, 1024)):
                resize(console, w, h)
                console.screenshot(path=str(out / f"typeset-console-{w}x{h}.png"))

            pdf = Path(tmp) / "cards.pdf"
            pdf.write_bytes(web.get(server.url + f"/print/cards.pdf?project={ids[1]}", timeout=60).content)
            stem = Path(tmp) / "card"
            subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf), str(stem)], check=True)
            (out / "typeset-card-pdf.png").write_bytes(stem.with_suffix(".png").read_bytes())
        finally:
            server.stop()
    for name in sorted(out.glob("typeset-*.png")):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
