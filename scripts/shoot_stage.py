"""Screenshots of the MC's confidence monitor (/stage) for docs/screenshots, mid-ceremony.

Starts ``python -m kiosk serve`` on a throwaway data folder holding the sample ceremony and a run of show
with the MC's script (the sample's own agenda when it has speeches with scripts, else the one below),
logs a tablet in with the viewer's PIN, runs the show to a speech and to a signing round, and saves:

- ``stage-1920x1080.png``: a floor monitor during the speech: its script, the speaker to call up, the
  time left, and a message from the console;
- ``stage-1024x768.png``: a tablet during the second signing round: the names to call up, the round's
  figure, and the round over its planned time.

``--all`` also saves each moment at the other sizes and upright (768x1024) beside them, to look at.
Run from the repository root:

    .venv/bin/python scripts/shoot_stage.py [--out docs/screenshots] [--all]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import VIEWER_PIN, LiveServer, launch_chromium  # noqa: E402

SIZES = {"1920x1080": (1920, 1080), "1024x768": (1024, 768), "768x1024": (768, 1024)}

# The run of show, as an organiser's 流程 sheet would give it (kind, title, person, role, projects by
# running-order number, planned time, minutes, script).
AGENDA = [
    (
        "opening",
        "仪式开始",
        "",
        "",
        (),
        "09:30",
        2,
        "尊敬的各位领导、各位来宾，女士们、先生们：上午好！株洲高新区（天元区）2021年第二季度重大招商签约活动现在开始。",
    ),
    (
        "speech",
        "区委书记致辞",
        "李明远",
        "株洲高新区党工委书记",
        (),
        "09:32",
        5,
        "首先，让我们以热烈的掌声，有请株洲高新区党工委书记李明远同志致辞。\n"
        "（致辞结束后）感谢李书记的精彩致辞！今天签约的七个项目，总投资超过两百亿元，涵盖新能源汽车、生物医药、新材料和现代农业。",
    ),
    ("signing", "第一轮签约", "", "", (1, 2, 3), "09:37", 4, ""),
    (
        "signing",
        "第二轮签约",
        "",
        "",
        (4, 5),
        "09:41",
        3,
        "下面进行第二轮签约。有请湖南鑫政新材料集团有限公司董事长曹政文先生、易事特（湖南）科技有限公司总经理邱敏女士上台签约。",
    ),
    ("signing", "第三轮签约", "", "", (6, 7), "09:44", 3, ""),
    (
        "handover",
        "授予项目专属服务金钥匙",
        "",
        "",
        (1, 2, 3, 4, 5, 6, 7),
        "09:47",
        4,
        "有请区领导为签约企业授予项目专属服务金钥匙。",
    ),
    (
        "speech",
        "市领导讲话",
        "周建华",
        "株洲市人民政府副市长",
        (),
        "09:51",
        8,
        "有请株洲市人民政府副市长周建华同志讲话。",
    ),
    ("photo", "合影留念", "", "", (), "09:59", 3, "请各位领导和签约企业代表移步台前合影留念。"),
    ("closing", "仪式结束", "", "", (), "10:02", 1, "本次签约活动到此结束，感谢各位的光临！"),
]


def prepare(folder: Path) -> None:
    """The sample ceremony, with a run of show that has the MC's script."""
    from kiosk.ceremony.service import Ceremony
    from kiosk.setup.agenda import CueDraft
    from kiosk.setup.sample import load_sample
    from kiosk.store.sqlite import Storage

    folder.mkdir(parents=True, exist_ok=True)
    storage = Storage(folder / "kiosk.sqlite3")
    try:
        ceremony = Ceremony(storage)
        load_sample(ceremony)
        if not any(q.kind == "speech" and q.script for q in ceremony.cues):
            drafts = [
                CueDraft(kind, title, person, role, orders, at, minutes, script)
                for kind, title, person, role, orders, at, minutes, script in AGENDA
            ]
            ceremony.import_agenda(drafts)
    finally:
        storage.close()


def command(server: LiveServer, action: str, **fields) -> dict:
    r = server.command(action, **fields)
    assert r.status_code == 200, r.text
    return r.json()


def stage_view(server: LiveServer) -> dict:
    import requests

    r = requests.get(
        server.url + "/api/v1/state?view=stage",
        headers={"Authorization": f"Bearer {server.api_token}"},
        timeout=5,
    )
    r.raise_for_status()
    return r.json()


def go_to(server: LiveServer, wanted) -> dict:
    """GO until the running cue is the one ``wanted`` picks, signing each round on the way."""
    for _ in range(40):
        view = stage_view(server)["run_of_show"]
        current = view["current"]
        if current is not None and wanted(current):
            return current
        if view["round"]:
            command(server, "confirm", project_ids=view["round"]["project_ids"])
        command(server, "go")
    raise AssertionError("no such cue")


def open_monitor(browser, server: LiveServer, size: tuple[int, int]) -> Page:
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.clock.install()
    page.goto(server.url + "/stage")
    for digit in VIEWER_PIN:
        page.click(f'.key[data-key="{digit}"]')
    page.click('.key[data-key="ok"]')
    page.wait_for_function("() => window.__kiosk?.stage && window.__kiosk?.stage.seq !== undefined")
    return page


def shoot(page: Page, server: LiveServer, seconds_in: int, path: Path) -> None:
    """The monitor ``seconds_in`` after the running cue began (the page's clock moved on, not the server's)."""
    seq = stage_view(server)["seq"]
    page.wait_for_function("s => window.__kiosk?.stage && window.__kiosk?.stage.seq >= s", arg=seq)
    page.wait_for_timeout(400)  # the clock has been taken again for the new cue
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.05)
    for _ in range(3):
        # A jump of minutes makes Socket.IO think its link died: let it reconnect, then come to the second.
        elapsed = page.evaluate("window.__kiosk?.stage.elapsed") or 0
        page.clock.set_system_time(page.evaluate("Date.now()") / 1000 + seconds_in - elapsed - 1)
        for _ in range(50):
            page.clock.run_for(1000)
            page.wait_for_timeout(100)
            if page.get_attribute("body", "data-conn") == "live":
                break
        if page.evaluate("window.__kiosk?.stage.elapsed") == seconds_in:
            break
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--all", action="store_true", help="every moment at every size")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="kiosk-shots-")) / "data"
    prepare(folder)
    server = LiveServer(folder).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            # The speech 3:42 in; the round 40 seconds over its planned time.
            for moment, main_size in (("speech", "1920x1080"), ("round", "1024x768")):
                if moment == "speech":
                    cue = go_to(server, lambda q: q["kind"] == "speech" and q["script"])
                    command(server, "note", text="请放慢语速，领导已到场")
                    seconds_in = min(222, (cue["planned_seconds"] or 600) - 60)
                else:
                    command(server, "note", text="")
                    cue = go_to(server, lambda q: q["kind"] == "signing" and len(q["names"]) > 1)
                    seconds_in = (cue["planned_seconds"] or 180) + 40
                sizes = SIZES if args.all else {main_size: SIZES[main_size]}
                for name, size in sizes.items():
                    page = open_monitor(browser, server, size)
                    target = f"stage-{name}.png" if name == main_size else f"stage-{moment}-{name}.png"
                    shoot(page, server, seconds_in, args.out / target)
                    page.context.close()
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
