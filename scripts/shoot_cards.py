"""Screenshots of the golden-key pages, as guests and organisers see them, into docs/screenshots/.

Starts a server on a free port with a fresh data folder, signs a project, and photographs the card page on a
phone (390x844, and 320 wide), the printed card (Chromium's print rendering of the A5 page) and the PDF.
Run: .venv/bin/python scripts/shoot_cards.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from harness import LiveServer, launch_chromium  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            server.command("confirm", project_id="p7")
            auth = {"Authorization": f"Bearer {server.api_token}"}
            requests.put(
                f"{server.url}/api/v1/projects/p7/card",
                json={
                    "contact_title": "高新区招商合作局 项目服务专员",
                    "contact_email": "service@example.gov.cn",
                    "contact_wechat": "zzgx-liu",
                },
                headers=auth,
                timeout=10,
            ).raise_for_status()
            card = requests.get(f"{server.url}/api/v1/projects/p7/card", headers=auth, timeout=10).json()
            with sync_playwright() as p:
                browser = launch_chromium(p)
                phone = browser.new_page(
                    viewport={"width": 390, "height": 844},
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                )
                phone.goto(card["url"])
                phone.screenshot(path=OUT / "card-phone.png")
                phone.screenshot(path=OUT / "card-phone-full.png", full_page=True)
                narrow = browser.new_page(viewport={"width": 320, "height": 640}, is_mobile=True)
                narrow.goto(card["url"])
                narrow.screenshot(path=OUT / "card-phone-320.png", full_page=True)

                ctx = browser.new_context(viewport={"width": 1100, "height": 800}, extra_http_headers=auth)
                page = ctx.new_page()
                page.goto(f"{server.url}/print/cards?project=p7")
                page.emulate_media(media="print")
                page.screenshot(
                    path=OUT / "card-print.png", clip={"x": 0, "y": 0, "width": 794, "height": 560}
                )
                pdf = requests.get(f"{server.url}/print/cards.pdf?project=p7", headers=auth, timeout=60)
                (Path(tmp) / "card.pdf").write_bytes(pdf.content)
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        "110",
                        "-png",
                        "-singlefile",
                        str(Path(tmp) / "card.pdf"),
                        str(OUT / "card-pdf"),
                    ],
                    check=True,
                )
                browser.close()
        finally:
            server.stop()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("card-*.png"))))


if __name__ == "__main__":
    main()
