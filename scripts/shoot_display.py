"""Screenshots of the big screen (/display) through a real ceremony, for review and the docs.

Starts ``python -m kiosk serve`` on a free port with a temporary data folder (the sample ceremony: 7
projects, 206 亿元), drives it through the HTTP API with the AV desk's token (commands, and the event's
settings and pictures) and photographs each screen at 1920x1080 with Debian's Chromium into
docs/screenshots/display-*.png. It checks that the golden key's QR code on the wall decodes to the card's
address, and that 3840x2160, 1280x720 and 1080x1920 (portrait) show the whole stage without scrollbars.

    .venv/bin/python scripts/shoot_display.py [--out DIR] [--theme blue] [--lang en] [--long-name]
        [--logo FILE|demo] [--background FILE|demo] [--primary #rrggbb] [--accent #rrggbb] [--suffix -x]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, csv_bytes, launch_chromium, pair_page, project, wait_drawn, wait_until  # noqa: E402

# 120 characters: the longest name the import format accepts.
LONG_NAME = (
    "湖南省株洲市高新技术产业开发区（天元区）新一代信息技术与高端装备制造融合发展示范基地暨国家级"
    "智能网联新能源汽车关键零部件研发、中试、检测认证、规模化生产及配套供应链服务综合体一期、二期"
    "及工程建设项目（含人才公寓、研发中心与职工培训中心在内）"
)
assert len(LONG_NAME) == 120, len(LONG_NAME)


def auth(server: LiveServer) -> dict:
    return {"Authorization": f"Bearer {server.api_token}"}


def command(server: LiveServer, action: str, **fields) -> dict:
    r = server.command(action, **fields)
    r.raise_for_status()
    return r.json()


def put_event(server: LiveServer, **fields) -> dict:
    """PUT /api/v1/event: title, theme, language, primary_color, accent_color… (the screens redraw)."""
    # (the event is the editor's: the AV desk's token acts as an operator)
    r = server.editor().put(server.url + "/api/v1/event", json=fields, timeout=10)
    if r.status_code != 200:
        raise SystemExit(f"PUT /api/v1/event {fields}: {r.status_code} {r.text}")
    return r.json()


def upload(server: LiveServer, kind: str, data: bytes, filename: str) -> dict:
    """POST /api/v1/event/media/<logo|background> with the picture as the multipart field ``file``."""
    r = server.editor().post(
        server.url + f"/api/v1/event/media/{kind}",
        files={"file": (filename, data)},
        timeout=30,
    )
    if r.status_code != 200:
        raise SystemExit(f"upload {kind}: {r.status_code} {r.text}")
    return r.json()


def card(server: LiveServer, project_id: str) -> dict:
    r = requests.get(server.url + f"/api/v1/projects/{project_id}/card", headers=auth(server), timeout=10)
    r.raise_for_status()
    return r.json()


def import_csv(server: LiveServer, specs: list, replace: bool = False) -> None:
    """Append these projects with ``python -m kiosk import`` in another process, as an organiser would."""
    path = server.data_dir.parent / "extra.csv"
    path.write_bytes(csv_bytes(specs))
    args = [sys.executable, "-m", "kiosk", "import", str(path)] + (["--replace"] if replace else [])
    env = {**os.environ, "KIOSK_DATA_DIR": str(server.data_dir)}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"import failed: {done.stderr.strip()}")


def state_projects(server: LiveServer) -> list[dict]:
    return server.state()["projects"]


def demo_logo() -> bytes:
    """A stand-in organiser's logo (a gold ring and bars on transparent), for reviewing the layout."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((170, 20, 430, 280), outline=(255, 226, 150, 255), width=22)
    d.ellipse((225, 75, 375, 225), fill=(255, 246, 220, 255))
    for i, h in enumerate((60, 100, 140)):
        x = 255 + i * 34
        d.rectangle((x, 195 - h, x + 22, 195), fill=(180, 20, 20, 255))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def demo_background() -> bytes:
    """A stand-in background picture (a skyline at dusk) at 1920x1080."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1920, 1080))
    d = ImageDraw.Draw(img)
    for y in range(1080):
        t = y / 1080
        d.line([(0, y), (1920, y)], fill=(int(40 + 170 * t), int(60 + 60 * t), int(140 - 60 * t)))
    x = 0
    i = 0
    while x < 1920:
        w = 70 + (i * 37) % 90
        h = 180 + (i * 83) % 420
        d.rectangle((x, 1080 - h, x + w - 8, 1080), fill=(25, 20, 45))
        for wy in range(1080 - h + 20, 1060, 36):
            for wx in range(x + 10, x + w - 20, 22):
                if (wx * 7 + wy * 3 + i) % 5 == 0:
                    d.rectangle((wx, wy, wx + 10, wy + 16), fill=(255, 214, 130))
        x += w
        i += 1
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def picture(arg: str, demo) -> tuple[bytes, str]:
    if arg == "demo":
        data = demo()
        return data, "demo.png" if data[:4] == b"\x89PNG" else "demo.jpg"
    path = Path(arg)
    return path.read_bytes(), path.name


def set_look(server: LiveServer, args) -> None:
    """The event's language, theme, colours and pictures, through the API as an organiser sets them."""
    fields = {}
    if args.theme != "red":
        fields["theme"] = args.theme
    if args.lang != "zh":
        fields["language"] = args.lang
    if args.primary:
        fields["primary_color"] = args.primary
    if args.accent:
        fields["accent_color"] = args.accent
    if fields:
        put_event(server, **fields)
    if args.logo:
        upload(server, "logo", *picture(args.logo, demo_logo))
    if args.background:
        upload(server, "background", *picture(args.background, demo_background))


def decode_qr(png: bytes) -> tuple[str, int]:
    """The text of the one QR code in a screenshot, and its height in pixels (quiet zone not counted)."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    if len(found) != 1:
        raise SystemExit(f"expected one QR code on the wall, found {len(found)}")
    pos = found[0].position
    ys = [pos.top_left.y, pos.top_right.y, pos.bottom_left.y, pos.bottom_right.y]
    return found[0].text, max(ys) - min(ys)


def check_fit(page: Page, label: str) -> None:
    sizes = page.evaluate(
        """() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                   w: innerWidth, h: innerHeight,
                   stage: (r => [r.left, r.top, r.right, r.bottom])(document.getElementById('stage')
                          .getBoundingClientRect())})"""
    )
    left, top, right, bottom = sizes["stage"]
    ok = sizes["sw"] == sizes["w"] and sizes["sh"] == sizes["h"]
    inside = left >= -0.5 and top >= -0.5 and right <= sizes["w"] + 0.5 and bottom <= sizes["h"] + 0.5
    print(
        f"  {label}: scroll {sizes['sw']}x{sizes['sh']} viewport {sizes['w']}x{sizes['h']} "
        f"stage {[round(v, 1) for v in sizes['stage']]} -> {'ok' if ok and inside else 'PROBLEM'}"
    )
    if not (ok and inside):
        raise SystemExit(f"{label}: the stage does not fit the window")


def overflow_report(page: Page) -> list[str]:
    """Elements of the visible screen whose text is cut (content larger than the box)."""
    return page.evaluate(
        """() => {
          const out = [];
          const stage = document.getElementById('stage').getBoundingClientRect();
          const scale = stage.width / 1920;
          document.querySelectorAll('.screen.is-active *').forEach(n => {
            const cs = getComputedStyle(n);
            if (n.scrollWidth > n.clientWidth + 2 && cs.overflow !== 'visible' && n.clientWidth)
              out.push('cut x: ' + n.className + ' ' + n.textContent.slice(0, 30));
            const r = n.getBoundingClientRect();
            if (r.width && (r.left < stage.left - 1 || r.right > stage.right + 1 || r.top < stage.top - 1
                || r.bottom > stage.bottom + 1))
              out.push('off stage: ' + n.className + ' ' + n.textContent.slice(0, 30));
          });
          return out;
        }"""
    )


def wait_qr(page: Page) -> None:
    page.wait_for_function(
        """() => { const i = document.querySelector('#screens .screen.is-active .gk-qr-img');
                   return i && i.complete && i.naturalWidth > 0 && !i.closest('.img-pending, .img-failed'); }""",
        timeout=10_000,
    )


def wait_charts(page: Page) -> None:
    page.wait_for_function(
        """() => { const imgs = [...document.querySelectorAll('#screens .screen.is-active .chart-img')];
                   return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0); }""",
        timeout=10_000,
    )


def check_qr(page: Page, server: LiveServer, project_id: str, min_height: int = 216) -> None:
    """The wall's QR code must decode to the card's address (what a phone in the hall will open)."""
    text, height = decode_qr(page.screenshot())
    want = card(server, project_id)["url"]
    box = page.locator("#screens .screen.is-active .gk-qr-img").bounding_box()
    print(f"  QR on the wall: {text} ({height} px symbol, {box['height']:.0f} px image)")
    if text != want:
        raise SystemExit(f"the wall's QR code says {text!r}, the card is at {want!r}")
    if height < min_height:
        raise SystemExit(f"the QR code is only {height} px high")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--theme", choices=["red", "blue"], default="red")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--long-name", action="store_true", help="also shoot a 120-character project name")
    parser.add_argument("--many", action="store_true", help="also shoot the roll with 20 projects")
    parser.add_argument("--extra", default=tempfile.gettempdir(), help="where the extra review shots go")
    parser.add_argument("--suffix", default="", help="added to the file names, e.g. -blue")
    parser.add_argument("--logo", help="the organiser's logo: a PNG/JPEG/WebP file, or 'demo'")
    parser.add_argument("--background", help="the background picture: a file, or 'demo'")
    parser.add_argument("--primary", help="primary colour #rrggbb (replaces the theme's red or blue)")
    parser.add_argument("--accent", help="accent colour #rrggbb (replaces the gold)")
    parser.add_argument(
        "--public-url",
        default="http://192.168.1.20:5000",
        help="KIOSK_PUBLIC_URL for the server: the address the QR codes point at",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    Path(args.extra).mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-shoot-") as tmp:
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": args.public_url}).start()
        try:
            set_look(server, args)
            shoot(server, out, args)
        finally:
            server.stop()
    return 0


def shoot(server: LiveServer, out: Path, args) -> None:
    sfx = args.suffix

    def path(name: str) -> str:
        return str(out / f"display-{name}{sfx}.png")

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        pair_page(page, server, "shoot")
        wait_drawn(page, 1)
        page.wait_for_timeout(1500)

        def snap(name: str, extra: bool = False) -> None:
            cut = overflow_report(page)
            if cut:
                print(f"  {name}: " + "; ".join(cut))
            target = str(Path(args.extra) / f"display-{name}{sfx}.png") if extra else path(name)
            page.screenshot(path=target)
            print("  wrote", target)

        snap("title")

        by_order = {q["order"]: q["id"] for q in state_projects(server)}

        r = command(server, "announce", project_id=by_order[2])
        wait_drawn(page, r["seq"])
        page.wait_for_timeout(1400)
        snap("spotlight")

        r = command(server, "confirm", project_id=by_order[2])
        wait_drawn(page, r["seq"])
        page.wait_for_timeout(1000)
        snap("celebration")
        page.wait_for_timeout(3500)
        wait_qr(page)
        snap("card")
        check_qr(page, server, by_order[2])
        for w, h in ((3840, 2160), (1280, 720)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(600)
            check_fit(page, f"card {w}x{h}")
            snap(f"card-{w}x{h}", extra=True)
            check_qr(page, server, by_order[2], min_height=216 * h // 1080)
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_timeout(400)

        # One signing after another, each drawn before the next (as on the day): the wall asks for a golden
        # key's QR only while that project is on the wall, and the server refuses it once the wall moved on.
        for order in (1, 3, 4):
            r = command(server, "confirm", project_id=by_order[order])
            wait_drawn(page, r["seq"])
        r = command(server, "show", screen="roll")
        wait_drawn(page, r["seq"])
        page.wait_for_timeout(2200)
        snap("roll")

        for order in sorted(by_order)[4:]:
            r = command(server, "confirm", project_id=by_order[order])
            wait_drawn(page, r["seq"])
        r = command(server, "show", screen="finale")
        wait_drawn(page, r["seq"])
        wait_charts(page)
        page.wait_for_timeout(1500)
        snap("finale")
        text = page.inner_text("#stage")
        # The server writes the figures: "206亿元" and "4150亩", or "CNY 20.6 billion" and "4,150 mu".
        for needle in ("20.6", "4,150") if args.lang == "en" else ("206", "4150"):
            if needle not in text:
                raise SystemExit(f"finale does not show {needle}")

        r = command(server, "show", screen="blank")
        wait_drawn(page, r["seq"])
        page.wait_for_timeout(1500)
        snap("blank", extra=True)

        # Reload on the finale: the picture must come back as it was, without celebrating.
        r = command(server, "show", screen="spotlight", project_id=by_order[1])
        wait_drawn(page, r["seq"])
        page.reload()
        wait_drawn(page, r["seq"])
        page.wait_for_timeout(1500)
        snap("signed-reload", extra=True)

        if args.long_name:
            spec = project(
                1,
                "88.8",
                name=LONG_NAME,
                investor="某某超长名称投资控股集团有限公司（示例）",
                land_mu="300",
                industry="新能源汽车",
                signatories="张三、李四、王五、赵六",
            )
            import_csv(server, [spec])
            new_id = wait_until(
                lambda: next((q["id"] for q in state_projects(server) if q["name"] == LONG_NAME), None),
                message="the long-named project did not arrive",
            )
            r = command(server, "announce", project_id=new_id)
            wait_drawn(page, r["seq"])
            page.wait_for_timeout(1400)
            snap("long-name", extra=True)
            r = command(server, "confirm", project_id=new_id)
            wait_drawn(page, r["seq"])
            page.wait_for_timeout(4500)
            snap("long-name-signed", extra=True)
            r = command(server, "show", screen="roll")
            wait_drawn(page, r["seq"])
            page.wait_for_timeout(1500)
            snap("roll-long", extra=True)

        if args.many:
            names = ["智能制造", "生物医药", "新材料", "数字经济", "现代物流", "新能源", "文化旅游"]
            rows = [
                project(
                    i + 1,
                    f"{(i * 7) % 30 + 1}.{i % 10}",
                    name=f"{names[i % len(names)]}产业园建设项目（第{i + 1}期）",
                    investor=f"湖南示例{i + 1}号科技有限公司",
                    land_mu="100",
                    industry=names[i % len(names)],
                    signatories="某某",
                )
                for i in range(20 - len(by_order) - (1 if args.long_name else 0))
            ]
            before = len(state_projects(server))
            import_csv(server, rows)
            wait_until(
                lambda: len(state_projects(server)) == before + len(rows), message="the import did not arrive"
            )
            for q in state_projects(server)[-len(rows) :][:5]:
                r = command(server, "confirm", project_id=q["id"])
                wait_drawn(page, r["seq"])
            r = command(server, "show", screen="roll")
            wait_drawn(page, r["seq"])
            page.wait_for_timeout(2200)
            snap("roll-many", extra=True)
            r = command(server, "show", screen="finale")
            wait_drawn(page, r["seq"])
            page.wait_for_timeout(1500)
            snap("finale-many", extra=True)

        for w, h in ((3840, 2160), (1280, 720), (1920, 1080), (1000, 1000), (1080, 1920)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(400)
            check_fit(page, f"{w}x{h}")
        snap("check-portrait", extra=True)  # a screen stood on end: the 16:9 stage, letterboxed
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(300)
        snap("check-1280", extra=True)
        browser.close()
        if problems:
            print("\n".join(problems))
            raise SystemExit("the page reported errors")


if __name__ == "__main__":
    sys.exit(main())
