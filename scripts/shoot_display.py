"""Screenshots of the big screen (/display) through a real ceremony, for review and the docs.

Starts ``python -m kiosk serve`` on a free port with a temporary data folder (the sample ceremony: 7
projects, 206 亿元), drives it through the AV desk's API and photographs each screen at 1920x1080 with
Debian's Chromium into docs/screenshots/display-*.png. It also checks that 3840x2160 and 1280x720 show
the whole stage without scrollbars.

    .venv/bin/python scripts/shoot_display.py [--out DIR] [--theme blue] [--lang en] [--long-name]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# 120 characters: the longest name the import format accepts.
LONG_NAME = (
    "湖南省株洲市高新技术产业开发区（天元区）新一代信息技术与高端装备制造融合发展示范基地暨国家级"
    "智能网联新能源汽车关键零部件研发、中试、检测认证、规模化生产及配套供应链服务综合体一期、二期"
    "及工程建设项目（含人才公寓、研发中心与职工培训中心在内）"
)
assert len(LONG_NAME) == 120, len(LONG_NAME)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ``python -m kiosk serve`` process on its own data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {**os.environ, "KIOSK_DATA_DIR": str(self.data_dir), "KIOSK_OPERATOR_PIN": "246810"}
        log = open(self.data_dir.parent / "server.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited; see " + str(self.data_dir.parent / "server.log"))
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not come up")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def command(self, action: str, **fields) -> dict:
        token = (self.data_dir / "api_token.txt").read_text().strip()
        body = json.dumps({"command_id": uuid.uuid4().hex, "action": action, **fields}).encode()
        req = urllib.request.Request(
            self.url + "/api/v1/commands",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())


def import_csv(data_dir: Path, rows: list[list[str]], replace: bool = False) -> None:
    header = "序号,项目名称,签约企业,投资额（亿元）,用地（亩）,产业类别,签约代表\n"
    text = header + "".join(",".join(f'"{c}"' for c in row) + "\n" for row in rows)
    path = data_dir.parent / "extra.csv"
    path.write_text(text, encoding="utf-8")
    args = [sys.executable, "-m", "kiosk", "import", str(path)] + (["--replace"] if replace else [])
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"import failed: {done.stderr.strip()}")


def set_event(data_dir: Path, **fields: str) -> None:
    """Change the event row directly (theme/language have no API of their own yet)."""
    import sqlite3

    con = sqlite3.connect(data_dir / "kiosk.sqlite3")
    with con:
        for key, value in fields.items():
            if key not in {"theme", "language"}:
                raise ValueError(key)
            con.execute(f"UPDATE event SET {key} = ?", (value,))
    con.close()


def wait_seq(page: Page, seq: int) -> None:
    page.wait_for_function("s => window.__display && window.__display.seq >= s", arg=seq, timeout=10_000)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--theme", choices=["red", "blue"], default="red")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--long-name", action="store_true", help="also shoot a 120-character project name")
    parser.add_argument("--many", action="store_true", help="also shoot the roll with 20 projects")
    parser.add_argument("--extra", default=tempfile.gettempdir(), help="where the extra review shots go")
    parser.add_argument("--suffix", default="", help="added to the file names, e.g. -blue")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    Path(args.extra).mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-shoot-") as tmp:
        data_dir = Path(tmp) / "data"
        server = Server(data_dir).start()
        try:
            if args.theme != "red" or args.lang != "zh":
                server.stop()
                set_event(data_dir, theme=args.theme, language=args.lang)
                server = Server(data_dir).start()
            shoot(server, data_dir, out, args)
        finally:
            server.stop()
    return 0


def shoot(server: Server, data_dir: Path, out: Path, args) -> None:
    sfx = args.suffix

    def path(name: str) -> str:
        return str(out / f"display-{name}{sfx}.png")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.goto(server.url + "/display?name=shoot")
        wait_seq(page, 1)
        page.wait_for_timeout(1500)

        def snap(name: str, extra: bool = False) -> None:
            cut = overflow_report(page)
            if cut:
                print(f"  {name}: " + "; ".join(cut))
            target = str(Path(args.extra) / f"display-{name}{sfx}.png") if extra else path(name)
            page.screenshot(path=target)
            print("  wrote", target)

        snap("title")

        state = json.loads(urllib.request.urlopen(server.url + "/api/v1/state").read())
        by_order = {q["order"]: q["id"] for q in state["projects"]}

        r = server.command("announce", project_id=by_order[2])
        wait_seq(page, r["seq"])
        page.wait_for_timeout(1400)
        snap("spotlight")

        r = server.command("confirm", project_id=by_order[2])
        wait_seq(page, r["seq"])
        page.wait_for_timeout(1000)
        snap("celebration")
        page.wait_for_timeout(3500)
        snap("celebration-after", extra=True)

        for order in (1, 3, 4):
            r = server.command("confirm", project_id=by_order[order])
        wait_seq(page, r["seq"])
        r = server.command("show", screen="roll")
        wait_seq(page, r["seq"])
        page.wait_for_timeout(2200)
        snap("roll")

        for order in sorted(by_order)[4:]:
            r = server.command("confirm", project_id=by_order[order])
        r = server.command("show", screen="finale")
        wait_seq(page, r["seq"])
        page.wait_for_timeout(1500)
        snap("finale")
        text = page.inner_text("#stage")
        for needle in ("20.6" if args.lang == "en" else "206", "4150"):
            if needle not in text:
                raise SystemExit(f"finale does not show {needle}")

        r = server.command("show", screen="blank")
        wait_seq(page, r["seq"])
        page.wait_for_timeout(1500)
        snap("blank", extra=True)

        # Reload on the finale: the picture must come back as it was, without celebrating.
        r = server.command("show", screen="spotlight", project_id=by_order[1])
        wait_seq(page, r["seq"])
        page.reload()
        wait_seq(page, r["seq"])
        page.wait_for_timeout(1500)
        snap("signed-reload", extra=True)

        if args.long_name:
            row = [
                "",
                LONG_NAME,
                "某某超长名称投资控股集团有限公司（示例）",
                "88.8",
                "300",
                "新能源汽车",
                "张三、李四、王五、赵六",
            ]
            import_csv(data_dir, [row])
            deadline = time.monotonic() + 10
            new_id = None
            while time.monotonic() < deadline and new_id is None:
                time.sleep(0.3)
                state = json.loads(urllib.request.urlopen(server.url + "/api/v1/state").read())
                new_id = next((q["id"] for q in state["projects"] if q["name"] == LONG_NAME), None)
            r = server.command("announce", project_id=new_id)
            wait_seq(page, r["seq"])
            page.wait_for_timeout(1400)
            snap("long-name", extra=True)
            r = server.command("confirm", project_id=new_id)
            wait_seq(page, r["seq"])
            page.wait_for_timeout(4500)
            snap("long-name-signed", extra=True)
            r = server.command("show", screen="roll")
            wait_seq(page, r["seq"])
            page.wait_for_timeout(1500)
            snap("roll-long", extra=True)

        if args.many:
            names = ["智能制造", "生物医药", "新材料", "数字经济", "现代物流", "新能源", "文化旅游"]
            rows = [
                [
                    "",
                    f"{names[i % len(names)]}产业园建设项目（第{i + 1}期）",
                    f"湖南示例{i + 1}号科技有限公司",
                    f"{(i * 7) % 30 + 1}.{i % 10}",
                    "100",
                    names[i % len(names)],
                    "某某",
                ]
                for i in range(20 - len(by_order) - (1 if args.long_name else 0))
            ]
            import_csv(data_dir, rows)
            time.sleep(2.5)
            state = json.loads(urllib.request.urlopen(server.url + "/api/v1/state").read())
            for q in state["projects"][-len(rows) :][:5]:
                r = server.command("confirm", project_id=q["id"])
            r = server.command("show", screen="roll")
            wait_seq(page, r["seq"])
            page.wait_for_timeout(2200)
            snap("roll-many", extra=True)
            r = server.command("show", screen="finale")
            wait_seq(page, r["seq"])
            page.wait_for_timeout(1500)
            snap("finale-many", extra=True)

        for w, h in ((3840, 2160), (1280, 720), (1920, 1080), (1000, 1000)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(400)
            check_fit(page, f"{w}x{h}")
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(300)
        snap("check-1280", extra=True)
        browser.close()
        if problems:
            print("\n".join(problems))
            raise SystemExit("the page reported errors")


if __name__ == "__main__":
    sys.exit(main())
