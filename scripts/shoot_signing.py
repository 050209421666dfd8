"""Screenshots of the signing itself (签名上墙, 云签约) for docs/screenshots.

Starts ``python -m kiosk serve`` on a throwaway data folder holding the sample ceremony, makes a pad for
each signatory of the first round (the district's 周建光 on every project, the companies' from the sample;
北科's 包磊 signs remotely from 深圳分会场), fires the round, signs with the mouse on the pads, and saves:

- ``sign-pad-1024x768.png``: a tablet at the signing table with a signature drawn;
- ``sign-pad-remote-390x844.png``: the remote party's phone, its signature drawn;
- ``sign-pad-waiting-768x1024.png``: a pad before its round;
- ``sign-wall-1920x1080.png`` and ``sign-wall-totem-1080x1920.png``: the wall during the signing, ink live;
- ``sign-console-1024x768.png``: the console's pads under GO, one submitted, one signing;
- ``sign-certificate.png``: the finished 签约图 as the server renders it from the stored strokes;
- ``admin-pads-1024x768.png``: the admin's pads and 签约图 section.

Run from the repository root:

    .venv/bin/python scripts/shoot_signing.py [--out docs/screenshots]
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
from harness import LiveServer, launch_chromium, log_in, pair_page  # noqa: E402
from test_signing_browser import armed, draw, signature, submit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data").start()
        try:
            shoot(server, out)
        finally:
            server.stop()


def shoot(server: LiveServer, out: Path) -> None:
    web = server.editor()
    url = server.url
    r = web.post(url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10)
    r.raise_for_status()
    web.put(url + "/api/v1/certificate", json={"ink": "#1a2f6b"}, timeout=10).raise_for_status()
    state = server.state(operator=True)
    first = next(c for c in state["run_of_show"]["cues"] if c["kind"] == "signing")
    pads = [
        p for p in web.get(url + "/api/v1/pads", timeout=10).json() if p["project_id"] in first["project_ids"]
    ]
    remote = next(p for p in pads if p["name"] == "包磊")
    web.put(
        url + f"/api/v1/pads/{remote['id']}", json={"remote_place": "深圳分会场"}, timeout=10
    ).raise_for_status()
    remote_url = web.post(url + f"/api/v1/pads/{remote['id']}/remote", timeout=10).json()["remote_url"]
    by_name = {p["name"]: p for p in pads if p["party"] == "investor"}
    host_1 = next(p for p in pads if p["party"] == "host" and p["project_id"] == first["project_ids"][0])

    with sync_playwright() as p:
        browser = launch_chromium(p)

        def page_of(w: int, h: int, **options):
            return browser.new_context(viewport={"width": w, "height": h}, **options).new_page()

        wall = page_of(1920, 1080)
        pair_page(wall, server, "主屏")
        totem = page_of(1080, 1920)
        pair_page(totem, server, "竖屏")
        tablet = page_of(1024, 768, has_touch=True)
        tablet.goto(host_1["url"])
        company = page_of(768, 1024, has_touch=True)
        company.goto(by_name["张英"]["url"])
        company.wait_for_function("() => window.__kiosk?.sign && window.__kiosk?.sign.mode")
        company.screenshot(path=str(out / "sign-pad-waiting-768x1024.png"))
        phone = page_of(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
        phone.goto(remote_url)
        console = page_of(1024, 768)
        log_in(console, url)

        server.command("jump", cue_id=first["id"]).raise_for_status()
        for page in (tablet, company, phone):
            armed(page)
        draw(tablet, signature(0))
        submit(tablet)
        tablet.wait_for_function("() => window.__kiosk?.sign.state === 'submitted'")
        draw(company, signature(1))
        draw(phone, signature(2))
        tablet.wait_for_timeout(600)
        tablet.screenshot(path=str(out / "sign-pad-1024x768.png"))
        phone.screenshot(path=str(out / "sign-pad-remote-390x844.png"))
        wall.wait_for_timeout(1200)
        wall.screenshot(path=str(out / "sign-wall-1920x1080.png"))
        totem.screenshot(path=str(out / "sign-wall-totem-1080x1920.png"))
        console.wait_for_timeout(2500)
        console.screenshot(path=str(out / "sign-console-1024x768.png"))

        admin = page_of(1024, 768)
        log_in(admin, url, path="/admin")
        admin.click('.nav-item[data-section="pads"]')
        admin.wait_for_selector("#sec-pads .pad-row", timeout=10_000)
        admin.wait_for_timeout(800)
        admin.screenshot(path=str(out / "admin-pads-1024x768.png"))

        # The round signed: the 签约图 the server renders from the stored strokes.
        submit(company)
        submit(phone)
        server.command("confirm", project_ids=first["project_ids"]).raise_for_status()
        png = requests.get(
            url + f"/api/v1/projects/{first['project_ids'][0]}/certificate.png",
            headers={"Authorization": f"Bearer {server.api_token}"},
            timeout=30,
        )
        png.raise_for_status()
        image = Image.open(io.BytesIO(png.content))
        image.resize((1600, 1000), Image.LANCZOS).save(out / "sign-certificate.png")
        browser.close()


if __name__ == "__main__":
    main()
