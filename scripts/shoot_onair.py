"""Screenshots of the console's on-air line (the line under 大屏现在显示) for docs/screenshots: what a paired
main wall reports drawing, in Chinese and in English — a signed round (no QR code on it) and the golden keys
(their QR codes, said once the wall has drawn them) — and, with no main wall, what was sent, unconfirmed.

Starts ``python -m kiosk serve`` on a free port with a throwaway data folder (the sample ceremony), pairs a
1920x1080 wall page and takes the 1024x768 console. Run from the repository root:

    .venv/bin/python scripts/shoot_onair.py [--out docs/screenshots]

Nothing is loaded from another host; Chromium is Debian's (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium, log_in, pair_page, wait_drawn  # noqa: E402

# Where the QR codes point in the pictures: a LAN address, as at the venue (see KIOSK_PUBLIC_URL).
PUBLIC_URL = "http://192.168.1.20:5000"


def command(server: LiveServer, action: str, **fields) -> dict:
    r = server.command(action, **fields)
    r.raise_for_status()
    return r.json()["state"]


def line(page) -> str:
    return page.evaluate(
        "() => ['onair-screen', 'onair-project', 'onair-note']"
        ".map((id) => document.getElementById(id).textContent).join(' | ')"
    )


def confirmed(console, wall, seq: int, codes: int = 0) -> None:
    """Until the wall has drawn ``seq`` (and ``codes`` QR codes) and the console says what it reports."""
    wait_drawn(wall, seq)
    if codes:
        wall.wait_for_function(
            "n => [...document.querySelectorAll('.screen.is-active img[data-qr]')]"
            ".filter((img) => img.complete && img.naturalWidth > 0).length >= n",
            arg=codes,
        )
    console.wait_for_function(
        "s => window.__kiosk?.console.state()?.seq >= s"
        " && document.getElementById('onair').getAttribute('data-confirmed') === 'true'",
        arg=seq,
    )
    if codes:
        console.wait_for_function("() => /二维码|QR/.test(document.getElementById('onair-note').textContent)")


def shoot(console, seq: int, path: Path, confirmed: bool = True) -> None:
    """The console as it draws ``seq``, saved. It is reloaded first: its red program monitor went dark after
    a live signing's celebration and stayed dark until a reload (issue 26 item 3's symptom, by another path),
    and these pictures are about the line under it."""
    console.reload()
    console.wait_for_selector('body[data-conn="live"]')
    console.wait_for_function(
        "([s, c]) => window.__kiosk?.console.state()?.seq >= s"
        " && document.getElementById('onair').getAttribute('data-confirmed') === String(c)"
        " && document.getElementById('pgm-frame').contentWindow.__kiosk?.display?.seq >= s",
        arg=[seq, confirmed],
    )
    console.wait_for_timeout(1500)  # the program monitor's picture in
    console.screenshot(path=str(path))
    print(f"{path.name}:", line(console))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-shoot-") as tmp:
        server = LiveServer(Path(tmp) / "data", env={"KIOSK_PUBLIC_URL": PUBLIC_URL}).start()
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
                pair_page(wall, server, "LED主屏")
                console = browser.new_context(
                    viewport={"width": 1024, "height": 768}, has_touch=True
                ).new_page()
                log_in(console, server.url)
                console.wait_for_selector('body[data-conn="live"]')
                first, second = server.ids()[:2]

                for lang in ("zh", "en"):
                    suffix = "" if lang == "zh" else "-en"
                    if lang == "en":
                        with server.editor() as web:
                            web.put(server.url + "/api/v1/event", json={"language": "en"}, timeout=10)
                        console.wait_for_function("() => document.documentElement.lang === 'en'")
                    # A round signed at one moment: the wall shows the round, and no QR code.
                    if lang == "zh":
                        state = command(server, "confirm", project_ids=[first, second])
                    else:
                        state = command(server, "show", screen="spotlight", project_ids=[first, second])
                    confirmed(console, wall, state["seq"])
                    shoot(console, state["seq"], out / f"console-onair-round{suffix}-1024x768.png")
                    # The golden keys handed over: their codes on the wall, said once they are there.
                    state = command(server, "show", screen="keys")
                    confirmed(console, wall, state["seq"], codes=2)
                    shoot(console, state["seq"], out / f"console-onair-keys{suffix}-1024x768.png")

                # No main wall any more: the console names what was sent, and that it is not confirmed.
                wall.context.close()
                state = command(server, "show", screen="roll")
                shoot(
                    console, state["seq"], out / "console-onair-unconfirmed-en-1024x768.png", confirmed=False
                )
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
