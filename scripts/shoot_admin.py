"""Screenshots of the organisers' admin pages (/admin) for docs/screenshots/, at 1024x768.

Starts ``python -m kiosk serve`` on a free port with a throwaway data folder (the sample ceremony), logs in
through the PIN pad and photographs every section: the event form with a logo, the running order during a
rehearsal, an import preview with a bad row, a golden-key card, the rehearsal panel with its archive, and the
report after all seven projects were signed live (206 亿元). Run from the repository root:

    .venv/bin/python scripts/shoot_admin.py [--out docs/screenshots]

Nothing is loaded from another host; Chromium is Debian's (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import uuid
from pathlib import Path

import requests
from openpyxl import Workbook
from PIL import Image, ImageDraw
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, log_in  # noqa: E402

SECTIONS = ("event", "projects", "import", "cards", "rehearsal", "report")


def api(server: LiveServer, method: str, path: str, **kwargs) -> requests.Response:
    """As the organiser (the editor's session): the event, its pictures and its projects are theirs."""
    r = server.editor().request(method, server.url + path, timeout=30, **kwargs)
    r.raise_for_status()
    return r


def command(server: LiveServer, action: str, **fields) -> dict:
    r = server.command(action, command_id=f"shoot-{uuid.uuid4().hex}", **fields)
    r.raise_for_status()
    return r.json()


def logo_png() -> bytes:
    """A small gold emblem, drawn here, to show the logo upload and the preview."""
    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, 232, 232), fill=(245, 198, 107, 255))
    d.ellipse((30, 30, 210, 210), fill=(139, 0, 0, 255))
    d.rectangle((104, 60, 136, 180), fill=(245, 198, 107, 255))
    d.rectangle((70, 96, 170, 120), fill=(245, 198, 107, 255))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def bad_import_xlsx() -> bytes:
    """The kind of sheet organisers send: one row typed with a unit in the amount and no investor."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "序号",
            "项目名称",
            "签约企业",
            "投资额（亿元）",
            "用地（亩）",
            "产业类别",
            "服务专员",
            "专员电话",
            "备注",
        ]
    )
    ws.append(
        [
            1,
            "智能网联汽车测试基地项目",
            "湘江智能科技有限公司",
            35,
            420,
            "新能源汽车",
            "赵一鸣",
            "0731-28800101",
            "",
        ]
    )
    ws.append([2, "高端轴承产业园项目", None, "十二亿", 260, "装备制造", "钱二", "0731-28800102", "待确认"])
    ws.append(
        [3, "生物医药中试平台项目", "湖南康源生物有限公司", 8.5, "80亩", "生物医药", "孙三", "12345", ""]
    )
    ws.append(
        [4, "数字经济产业园项目", "株洲数智产业有限公司", 20, 150, "数字经济", "李四", "0731-28800104", ""]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def log_in_admin(page: Page, url: str) -> None:
    log_in(page, url, "/admin")
    page.wait_for_selector("#plist .prow", state="attached")
    page.wait_for_selector('body[data-conn="live"]')


def open_section(page: Page, name: str) -> None:
    page.click(f'.nav-item[data-section="{name}"]')
    page.wait_for_selector(f"#sec-{name}:not([hidden])")


def quiet(page: Page) -> None:
    """Let toasts fade and images settle."""
    page.wait_for_function("() => document.querySelectorAll('#toasts .toast').length === 0", timeout=10000)
    page.wait_for_timeout(300)


def fits(page: Page) -> str:
    over = page.evaluate(
        "() => ({w: document.documentElement.scrollWidth - innerWidth,"
        " h: document.documentElement.scrollHeight - innerHeight})"
    )
    return "fits" if over["w"] <= 0 and over["h"] <= 0 else f"OVERFLOWS by {over}"


def shoot(page: Page, out: Path, name: str) -> None:
    quiet(page)
    page.screenshot(path=str(out / name))
    print(name, fits(page))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-shoot-admin-") as tmp:
        # The address phones would use at the venue, so the cards show no "localhost" warning.
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": "http://192.168.1.20:5000"}).start()
        try:
            api(
                server,
                "POST",
                "/api/v1/event/media/logo",
                files={"file": ("logo.png", logo_png(), "image/png")},
            )
            api(
                server,
                "PUT",
                "/api/v1/projects/p1/card",
                json={
                    "contact_title": "高新区招商合作局 项目服务专员",
                    "contact_email": "service@example.gov.cn",
                    "contact_wechat": "zzgx-chen",
                },
            )
            with sync_playwright() as p:
                browser = launch_chromium(p)
                context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
                page = context.new_page()
                page.on("pageerror", lambda e: print("page error:", e))
                log_in_admin(page, server.url)

                # The eve: a rehearsal under way, two signed and the third on the wall.
                api(server, "POST", "/api/v1/run", json={"mode": "rehearsal"})
                command(server, "confirm", project_id="p1")
                command(server, "confirm", project_id="p2")
                seq = command(server, "announce", project_id="p3")["state"]["seq"]
                page.wait_for_function(
                    "seq => document.body.dataset.mode === 'rehearsal' && "
                    "document.querySelectorAll('#plist .chip.is-signed').length === 2",
                    arg=seq,
                )

                open_section(page, "event")
                page.wait_for_selector("#wall-logo:not([hidden])")
                shoot(page, out, "admin-event.png")

                open_section(page, "projects")
                shoot(page, out, "admin-projects.png")

                page.click('.prow[data-id="p4"] [data-action="edit"]')
                page.wait_for_selector("#project-dialog[open]")
                page.fill('#project-form [name="amount"]', "12亿")
                page.fill('#project-form [name="concierge_phone"]', "电话待定")
                page.click("#project-save")
                page.wait_for_selector('#project-form .field.is-invalid[data-field="amount"]')
                shoot(page, out, "admin-projects-edit.png")
                page.click("#project-cancel")

                # The agenda: the sample's, then a row gone wrong and the server naming it.
                open_section(page, "agenda")
                page.wait_for_selector("#alist .arow")
                shoot(page, out, "admin-agenda.png")
                page.fill('#alist .arow[data-row="3"] [data-field="projects"]', "1、9")
                page.fill('#alist .arow[data-row="2"] [data-field="time"]', "9点35")
                page.click("#agenda-save")
                page.wait_for_selector("#alist .afield.is-invalid")
                page.evaluate("() => document.getElementById('content').scrollTop = 0")
                shoot(page, out, "admin-agenda-errors.png")
                page.reload()
                page.wait_for_selector("#plist .prow", state="attached")

                open_section(page, "import")
                xlsx = Path(tmp) / "第二季度签约项目.xlsx"
                xlsx.write_bytes(bad_import_xlsx())
                page.set_input_files("#import-file", str(xlsx))
                page.wait_for_selector("#import-result:not([hidden]) .import-summary.is-bad")
                page.evaluate("() => document.getElementById('content').scrollTop = 0")
                shoot(page, out, "admin-import.png")
                page.click("#import-cancel")

                open_section(page, "cards")
                page.wait_for_selector("#card-body:not([hidden])")
                page.wait_for_function("() => document.getElementById('card-qr').complete")
                shoot(page, out, "admin-cards.png")

                open_section(page, "rehearsal")
                page.wait_for_selector("#runs-table tbody tr")
                shoot(page, out, "admin-rehearsal.png")

                # The day: live from an empty record, all seven signed in the article's order.
                state = api(server, "POST", "/api/v1/run", json={"mode": "live", "confirm": True}).json()[
                    "state"
                ]
                for project in state["projects"]:
                    command(server, "announce", project_id=project["id"])
                    seq = command(server, "confirm", project_id=project["id"])["state"]["seq"]
                command(server, "show", screen="finale")
                open_section(page, "report")
                page.wait_for_function(
                    "() => document.getElementById('fig-total').textContent === '206'"
                    " && document.querySelectorAll('#audit-table tbody tr').length >= 15"
                )
                page.wait_for_function(
                    "() => ['chart-industries', 'chart-tiers'].every(id => {"
                    " const i = document.getElementById(id); return i.complete && i.naturalWidth > 0; })"
                )
                shoot(page, out, "admin-report.png")
                page.set_viewport_size({"width": 1024, "height": 1900})
                shoot(page, out, "admin-report-full.png")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
