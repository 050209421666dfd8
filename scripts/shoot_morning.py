"""Screenshots of the morning's seams that issue 26 closed, for docs/screenshots, retaken from scratch.

Starts ``python -m kiosk serve`` on a throwaway data folder holding the sample ceremony with real names in
place of its two stand-ins (so the console shows no placeholder warning) and a signatory for each project
of the first round, and the venue's address as KIOSK_PUBLIC_URL (so it shows no "localhost" warning
either); makes a pad for every signatory (the district's 周建光 on every project; 北科's 包磊 signs
remotely from 深圳分会场), pairs a wall and logs in the MC's monitor, then runs the morning through the API
and the console and saves:

- ``console-pads-1024x768.png``, ``console-pads-768x1024.png``: the first round on the wall with its six
  pads up (one submitted, two signing, three armed), the agenda and the running order in sight;
- ``console-note-1024x768.png``, ``console-note-768x1024.png``: the line for the MC being typed;
- ``stage-note.png``, ``stage-note-cleared.png``: /stage (1920x1080) with that line up, then after the
  console's ✕ took it down;
- ``sign-pad-phone-390x844.png``, ``sign-pad-phone-844x390.png``: the remote party's phone, upright and
  turned, a signature drawn;
- ``console-undo-round-1024x768.png``: the console after the operator undid the first round (every project
  of it named);
- ``wall-keys-1920x1080.png``: the wall handing over the golden keys;
- the same event in English: ``console-pads-1024x768-en.png``, ``console-note-1024x768-en.png`` and
  ``sign-pad-phone-390x844-en.png``.

Run from the repository root:

    .venv/bin/python scripts/shoot_morning.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import (  # noqa: E402
    VIEWER_PIN,
    LiveServer,
    answered,
    console_seen,
    launch_chromium,
    log_in,
    pair_page,
    wait_drawn,
)
from test_signing_browser import armed, draw, signature  # noqa: E402
from test_wall_signing_browser import Pad, stroke  # noqa: E402

VENUE = "http://192.168.1.20:5000"
# The sample's two stand-ins, named as a real workbook would, and a signatory for its third project.
REAL_NAMES = {
    "石三门数创农业（示例企业名）": "石三门数创农业发展有限公司",
    "第七个签约项目（原文未公布名称·占位）": "株洲硬质合金精密刀具产业化项目",
    "待公布企业（占位）": "株洲钻石切削刀具股份有限公司",
    "现代农业,,赵丽华": "现代农业,赵小军,赵丽华",
}
NOTE = "第二轮领导还在路上，请多介绍两句产业园的情况再请上台"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": VENUE}).start()
        try:
            shoot(server, args.out)
        finally:
            server.stop()
    return 0


def prepare(server: LiveServer):
    """The ceremony through the admin's API, as an organiser imports a workbook: projects, agenda, pads."""
    from kiosk.setup.sample import sample_agenda_csv, sample_csv

    web = server.editor()
    table = sample_csv().decode("utf-8")
    for stand_in, real in REAL_NAMES.items():
        assert stand_in in table, stand_in
        table = table.replace(stand_in, real)
    preview = answered(
        web.post(
            server.url + "/api/v1/import/preview",
            files={"file": ("ceremony.csv", table.encode())},
            timeout=10,
        )
    )
    answered(
        web.post(
            server.url + "/api/v1/import/apply",
            json={"upload_id": preview["upload_id"], "replace": True},
            timeout=10,
        )
    )
    agenda = {"file": ("agenda.csv", sample_agenda_csv())}
    answered(web.post(server.url + "/api/v1/agenda/import", files=agenda, timeout=10))
    answered(web.post(server.url + "/api/v1/pads/from-signatories", json={"host_name": "周建光"}, timeout=10))
    return web


def command(server: LiveServer, action: str, **fields) -> int:
    return answered(server.command(action, **fields))["seq"]


def set_language(web, server: LiveServer, language: str) -> int:
    answered(web.put(server.url + "/api/v1/event", json={"language": language}, timeout=10))
    return server.state()["seq"]


def settle(page: Page, ms: int = 800) -> None:
    """Until the page's fonts are in and its transitions done."""
    page.evaluate("() => document.fonts.ready")
    page.wait_for_timeout(ms)


def open_stage(browser, server: LiveServer) -> Page:
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    log_in(page, server.url, "/stage", pin=VIEWER_PIN)
    return page


def stage_seen(page: Page, seq: int) -> None:
    page.wait_for_function("s => window.__kiosk?.stage && window.__kiosk?.stage.seq >= s", arg=seq)


def shoot(server: LiveServer, out: Path) -> None:
    web = prepare(server)
    url = server.url
    ros = server.state(operator=True)["run_of_show"]
    first = next(c for c in ros["cues"] if c["kind"] == "signing")
    rounds = [c for c in ros["cues"] if c["kind"] == "signing"]
    handover = next(c for c in ros["cues"] if c["kind"] == "handover")
    pads = [
        p
        for p in answered(web.get(url + "/api/v1/pads", timeout=10))
        if p["project_id"] in first["project_ids"]
    ]
    assert len(pads) == 6, [p["name"] for p in pads]
    remote = next(p for p in pads if p["name"] == "包磊")
    answered(web.put(url + f"/api/v1/pads/{remote['id']}", json={"remote_place": "深圳分会场"}, timeout=10))
    remote_url = answered(web.post(url + f"/api/v1/pads/{remote['id']}/remote", timeout=10))["remote_url"]
    remote_url = url + remote_url[len(VENUE) :] if remote_url.startswith(VENUE) else remote_url

    with sync_playwright() as p:
        browser = launch_chromium(p)

        def page_of(w: int, h: int, **options) -> Page:
            return browser.new_context(viewport={"width": w, "height": h}, **options).new_page()

        wall = page_of(1920, 1080)
        pair_page(wall, server, "主屏")
        stage = open_stage(browser, server)
        consoles = {}
        for w, h in ((1024, 768), (768, 1024)):
            consoles[(w, h)] = page_of(w, h, has_touch=True)
            log_in(consoles[(w, h)], url)
        phone = page_of(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
        phone.goto(remote_url)

        # The first round on the wall, its pads armed: one submitted, two signing, the rest armed.
        seq = command(server, "jump", cue_id=first["id"])
        armed(phone)
        by_project = {pid: [p for p in pads if p["project_id"] == pid] for pid in first["project_ids"]}
        host = Pad(server, next(p for p in by_project[first["project_ids"][0]] if p["party"] == "host"))
        sig = host.begin()
        host.ink(sig, 1, stroke(0, 120, 820))
        host.call("submit", {"signature_id": sig, "batches": 1, "command_id": uuid.uuid4().hex})
        company = Pad(
            server, next(p for p in by_project[first["project_ids"][0]] if p["party"] == "investor")
        )
        company.ink(company.begin(), 1, stroke(0, 150, 600))
        draw(phone, signature(2))

        def shoot_consoles(tag: str, suffix: str = "", sizes=((1024, 768), (768, 1024))) -> None:
            for size in sizes:
                page = consoles[size]
                seq = server.state()["seq"]
                console_seen(page, seq)
                # (the program monitor: the wall's picture, drawn in its frame)
                page.wait_for_function(
                    "s => { const d = document.getElementById('pgm-frame').contentWindow.__kiosk?.display;"
                    " return d && d.seq >= s; }",
                    arg=seq,
                )
                page.wait_for_function(
                    "() => document.querySelectorAll('#pads:not([hidden]) .pad-chip').length === 6"
                )
                page.wait_for_function("() => document.querySelector('.pad-chip.is-signing') !== null")
                settle(page, 1500)
                page.screenshot(path=str(out / f"console-{tag}-{size[0]}x{size[1]}{suffix}.png"))

        shoot_consoles("pads")
        settle(phone)
        phone.screenshot(path=str(out / "sign-pad-phone-390x844.png"))
        phone.set_viewport_size({"width": 844, "height": 390})
        settle(phone)
        phone.screenshot(path=str(out / "sign-pad-phone-844x390.png"))
        phone.set_viewport_size({"width": 390, "height": 844})

        # The same console and phone for an English-language event.
        seq = set_language(web, server, "en")
        for page in (*consoles.values(), phone):
            page.wait_for_function("() => document.documentElement.lang === 'en'")
        shoot_consoles("pads", "-en", sizes=((1024, 768),))
        main = consoles[(1024, 768)]
        main.click("#btn-note")
        main.locator("#note-dialog").wait_for(state="visible")
        main.fill("#note-input", "The second round's guests are on their way: two more minutes on the park")
        settle(main, 300)
        main.screenshot(path=str(out / "console-note-1024x768-en.png"))
        main.keyboard.press("Escape")
        main.locator("#note-dialog").wait_for(state="hidden")
        settle(phone)
        phone.screenshot(path=str(out / "sign-pad-phone-390x844-en.png"))
        set_language(web, server, "zh")
        for page in (*consoles.values(), phone):
            page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")

        # The line for the MC, typed on the console, up on /stage, then taken down with the console's ✕.
        for size, page in consoles.items():
            page.click("#btn-note")
            page.locator("#note-dialog").wait_for(state="visible")
            page.fill("#note-input", NOTE)
            settle(page, 300)
            page.screenshot(path=str(out / f"console-note-{size[0]}x{size[1]}.png"))
            if size == (1024, 768):
                page.press("#note-input", "Enter")
            else:
                page.keyboard.press("Escape")
            page.locator("#note-dialog").wait_for(state="hidden")
        stage.wait_for_function("t => document.getElementById('note-text').textContent === t", arg=NOTE)
        settle(stage)
        stage.screenshot(path=str(out / "stage-note.png"))
        main.locator("#note-up:not([hidden])").wait_for()
        main.wait_for_timeout(1600)  # (the console rests after a command)
        main.click("#note-up-clear")
        stage.wait_for_function("() => !document.getElementById('note-text').textContent")
        settle(stage)
        stage.screenshot(path=str(out / "stage-note-cleared.png"))

        # The first round signed, then undone from the console: every project of it named.
        host.close()
        company.close()
        seq = command(server, "confirm", project_ids=first["project_ids"])
        console_seen(main, seq)
        main.wait_for_timeout(1600)
        main.click("#btn-undo")
        main.locator("#undo-dialog").wait_for(state="visible")
        main.click("#undo-ok")
        main.wait_for_function("() => document.getElementById('statusline').dataset.kind === 'ok'")
        settle(main, 600)
        main.screenshot(path=str(out / "console-undo-round-1024x768.png"))

        # Every round signed, the golden keys handed over on the wall.
        for cue in rounds:
            command(server, "jump", cue_id=cue["id"])
            command(server, "confirm", project_ids=cue["project_ids"])
        seq = command(server, "jump", cue_id=handover["id"])
        wait_drawn(wall, seq)
        wall.wait_for_function("() => window.__kiosk?.display.screen === 'keys'")
        settle(wall, 3000)
        wall.screenshot(path=str(out / "wall-keys-1920x1080.png"))
        web.close()
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
