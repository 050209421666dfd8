"""What a page costs on its first load: every byte Chromium fetched for it, by kind, against a budget.

Starts ``python -m kiosk serve`` on a throwaway data folder (the sample) and opens each page in a fresh
Chromium context (an empty cache, as a wall PC's first start), with a reference checkout side by side when
given. Counts the bytes on the wire (``transferSize``) and the bodies (``encodedBodySize``) from the
Resource Timing entries; the budget for ``/display`` is 200 KB ("The moment on the wall").

    .venv/bin/python bench/page_weight.py [--reference-root /tmp/kiosk-ref] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
from harness import LiveServer, launch_chromium  # noqa: E402

PAGES = {"/display": 200_000, "/overlay": 150_000}

MEASURE = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const all = [nav, ...performance.getEntriesByType('resource')];
    return all.map((e) => ({name: e.name, kind: e.initiatorType || 'navigation',
                            wire: e.transferSize, body: e.encodedBodySize}));
}"""


def transport(url: str) -> bool:
    return url.split("?")[0].rstrip("/").endswith("/socket.io")


def kind_of(entry: dict) -> str:
    name = entry["name"].split("?")[0]
    for suffix, kind in ((".js", "script"), (".css", "style"), (".svg", "image"), (".json", "data")):
        if name.endswith(suffix):
            return kind
    return "page" if entry["kind"] == "navigation" else entry["kind"]


def measure(root: Path, browser) -> dict:
    server = LiveServer(Path(tempfile.mkdtemp(prefix="kiosk-weight-")) / "data")
    if root != ROOT:
        server = ReferenceServer(root, server)  # the same harness, another checkout's code
    server.start()
    try:
        out = {}
        for path in PAGES:
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            page = context.new_page()
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            # The Socket.IO transport's own requests are the live link, not the page's weight.
            entries = [e for e in page.evaluate(MEASURE) if not transport(e["name"])]
            by_kind: dict[str, int] = {}
            for e in entries:
                by_kind[kind_of(e)] = by_kind.get(kind_of(e), 0) + e["body"]
            out[path] = {
                "wire": sum(e["wire"] for e in entries),
                "body": sum(e["body"] for e in entries),
                "files": len(entries),
                "by_kind": by_kind,
            }
            context.close()
        return out
    finally:
        server.stop()


class ReferenceServer:
    """The harness's server, but running another checkout's code."""

    def __init__(self, root: Path, inner: LiveServer):
        self.inner, self.root = inner, root

    @property
    def url(self) -> str:
        return self.inner.url

    def start(self):
        import harness

        saved = harness.ROOT
        harness.ROOT = self.root
        try:
            return self.inner.start()
        finally:
            harness.ROOT = saved

    def stop(self):
        self.inner.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference-root", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sides = {"this": ROOT}
    if args.reference_root:
        sides["reference"] = args.reference_root.resolve()
    results = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for name, root in sides.items():
            results[name] = measure(root, browser)
        browser.close()
    for path, budget in PAGES.items():
        for name in sides:
            r = results[name].get(path)
            if not r:
                continue
            kinds = ", ".join(f"{k} {v / 1000:.1f}" for k, v in sorted(r["by_kind"].items()))
            print(
                f"{path:<10} {name:<10} {r['body'] / 1000:7.1f} KB in {r['files']} files "
                f"(wire {r['wire'] / 1000:.1f} KB; budget {budget / 1000:.0f} KB) — {kinds}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    over = [path for path, budget in PAGES.items() if results["this"][path]["body"] > budget]
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
