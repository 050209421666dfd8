"""What the back of the hall can read: every piece of audience text on every layout at least 28 px on a
1080 p panel, with a contrast of at least 4.5:1 against what is really behind it (measured in the pixels of
two screenshots, with and without the text), and Chinese words kept whole where a line breaks
(The moment on the wall). Nine projects, four signatories on one, long industry names."""

from __future__ import annotations

import base64
import io

import pytest
from harness import pair_page, project, wait_drawn, walls_in_layouts
from PIL import Image, ImageChops

pytestmark = [pytest.mark.browser, pytest.mark.live]

MIN_PX = 28
MIN_CONTRAST = 4.5

NINE = [
    project(1, "52", name="的卢智慧汽车及关键零部件项目", investor="的卢技术有限公司", industry="新能源汽车"),
    project(2, "30", name="北科株洲生命科学城项目", investor="深圳市北科生物有限公司", industry="生物医药"),
    project(
        3,
        "5",
        name="石三门数创蔬菜工厂项目",
        investor="石三门数创农业发展有限公司",
        industry="新一代信息技术",
        signatories="王建国、李红梅、张志强、陈晓东",
    ),
    project(4, "12", name="建筑新材料铝合金模板“双循环”基地建设项目", investor="湖南鑫政新材料集团有限公司"),
    project(5, "4", name="易事特湖南株洲充电桩合作项目", investor="易事特（湖南）科技有限公司"),
    project(6, "3", name="株洲市轨道交通装备配套产业园项目", investor="株洲轨道装备投资有限公司"),
    project(
        7,
        "100",
        name="株洲万洋众创城项目",
        investor="株洲万洋众创城投资集团有限公司",
        industry="产业综合平台",
    ),
    project(8, "8", name="高端精密轴承智能制造项目", investor="湖南精工轴承股份有限公司"),
    project(9, "15", name="新型储能电池材料研发生产基地项目", investor="株洲储能新材料科技有限公司"),
]

# name, layout, viewport
WALLS = [
    ("main", "main", (1920, 1080)),
    ("totem", "totem", (1080, 1920)),
    ("side", "side", (1920, 1080)),
    ("lobby", "lobby", (1920, 1080)),
]

# Every visible text node on the stage: its box, its size on the panel, and whether a line breaks inside
# a word (by the browser's own Chinese word segmenter) or inside a short label that must stay whole.
TEXTS = """() => {
    document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) { /* an endless one */ } });
    const stage = document.getElementById('stage');
    const seg = new Intl.Segmenter('zh', {granularity: 'word'});
    const out = [];
    const walker = document.createTreeWalker(stage, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        if (!text.trim()) continue;
        const el = node.parentElement;
        if (el.closest('.pair-badge, .screen:not(.is-active)')) continue;
        let alpha = 1, zoom = 1;
        for (let e = el; e && e !== document.body; e = e.parentElement) {
            const cs = getComputedStyle(e);
            alpha *= parseFloat(cs.opacity);
            zoom *= parseFloat(cs.zoom || '1');
            if (cs.visibility === 'hidden' || cs.display === 'none') alpha = 0;
        }
        if (alpha < 0.05) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
        if (!rects.length) continue;
        // each character's line, to find a break inside a word
        const size = parseFloat(getComputedStyle(el).fontSize) * zoom;
        const tops = [];
        const chars = Array.from(text);
        let offset = 0;
        for (const ch of chars) {
            const r = document.createRange();
            r.setStart(node, offset);
            r.setEnd(node, offset + ch.length);
            const b = r.getBoundingClientRect();
            tops.push(Math.round(b.top + b.height / 2));
            offset += ch.length;
        }
        const starts = new Set();
        let at = 0;
        for (const s of seg.segment(text)) { starts.add(at); at += Array.from(s.segment).length; }
        const broken = [];
        for (let i = 1; i < tops.length; i++) {
            // (a new line moves by a line's height; rotated text, like the seal's, moves a little per character)
            if (Math.abs(tops[i] - tops[i - 1]) > 0.6 * size && !starts.has(i) && /[\\u3400-\\u9fff]/.test(chars[i] + chars[i - 1])) {
                broken.push(chars.slice(Math.max(0, i - 3), i).join('') + '/' + chars.slice(i, i + 3).join(''));
            }
        }
        const lines = new Set(tops.map((t) => Math.round(t / (0.8 * size)))).size;
        const box = rects.reduce((a, r) => ({
            x0: Math.min(a.x0, r.left), y0: Math.min(a.y0, r.top),
            x1: Math.max(a.x1, r.right), y1: Math.max(a.y1, r.bottom)}),
            {x0: 1e9, y0: 1e9, x1: -1e9, y1: -1e9});
        // An industry is one term: on one line whenever it fits there at the floor size (a CJK character
        // is about 1 em wide), between its words when it cannot.
        let whole = false, wlines = 1;
        const value = el.closest('.fact-industry .fact-value');
        if (value) {
            const all = document.createRange();
            all.selectNodeContents(value);
            wlines = new Set([...all.getClientRects()].filter((r) => r.width > 1)
                .map((r) => Math.round(r.top / (0.8 * size)))).size;
            whole = Array.from(value.textContent).length * 28 <= value.clientWidth;
        }
        out.push({text: value ? value.textContent : text, cls: el.className, px: size, box, broken, lines, whole, wlines});
    }
    return out;
}"""

# The text gone, everything else as it was: what is behind each piece of text.
NO_TEXT = """() => {
    const s = document.createElement('style');
    s.id = 'no-text';
    s.textContent = `#stage *, #stage *::before, #stage *::after {
        color: transparent !important; -webkit-text-fill-color: transparent !important;
        text-shadow: none !important; }
      #stage .gold-text, #stage .amount-number, #stage .band-number { background-image: none !important;
        filter: none !important; }
      #stage .title-main { filter: none !important; }
      #fx { display: none !important; }`;
    document.head.appendChild(s);
}"""


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def median_rgb(histogram: list[int]) -> tuple[int, int, int]:
    """The median of each channel, from an RGB image's 768-bin histogram."""
    out = []
    for c in range(3):
        bins = histogram[256 * c : 256 * (c + 1)]
        half, run = sum(bins) / 2, 0
        for value, n in enumerate(bins):
            run += n
            if run >= half:
                out.append(value)
                break
    return tuple(out)


def shot(page) -> Image.Image:
    """The page's pixels, through the DevTools protocol with its fast PNG encoder (a Playwright screenshot
    takes three times as long)."""
    session = page.context.new_cdp_session(page)
    try:
        data = session.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})["data"]
    finally:
        session.detach()
    return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")


def measure(page) -> list[dict]:
    """Each text's size, line breaks and contrast, from the page and two screenshots."""
    page.evaluate("document.fonts.ready")
    page.add_style_tag(content="#fx { display: none !important; }")
    texts = page.evaluate(TEXTS)
    with_text = shot(page)
    page.evaluate(NO_TEXT)
    without = shot(page)
    page.evaluate("document.getElementById('no-text').remove()")
    w, h = with_text.size
    for t in texts:
        b = t["box"]
        box = (max(0, int(b["x0"])), max(0, int(b["y0"])), min(w, int(b["x1"]) + 1), min(h, int(b["y1"]) + 1))
        if box[2] - box[0] < 2 or box[3] - box[1] < 2:
            t["contrast"] = None
            continue
        a, z = with_text.crop(box), without.crop(box)
        diff = ImageChops.difference(a, z).convert("L")
        top = diff.getextrema()[1]
        if top < 10:  # nothing drawn: the text is not really there (clipped, or under something)
            t["contrast"] = None
            continue
        # the glyphs' cores (the pixels the text changed most), against the median of what is behind
        core = diff.point(lambda v, cut=0.7 * top: 255 if v >= cut else 0)
        ink = median_rgb(a.histogram(core))
        ground = median_rgb(z.histogram())
        t["contrast"] = contrast(ink, ground)
    return texts


def check(page, where: str, faults: list[str]) -> list[dict]:
    """Adds one line per kind of fault and kind of text (the worst case, with an example)."""
    texts = measure(page)
    worst: dict[tuple, tuple] = {}

    def fault(kind: str, t: dict, value: float, detail: str) -> None:
        key = (where, t["cls"], kind)
        if key not in worst or value < worst[key][0]:
            worst[key] = (value, f"{where}: {t['cls'] or '?'} {kind} {detail} e.g. {t['text'][:24]!r}")

    for t in texts:
        if t["px"] < MIN_PX - 0.01:
            fault("size", t, t["px"], f"{t['px']:.1f} px")
        if t["contrast"] is not None and t["contrast"] < MIN_CONTRAST:
            fault("contrast", t, t["contrast"], f"{t['contrast']:.2f}:1")
        if t["broken"]:
            fault("word broken", t, 0, str(t["broken"]))
        if t["whole"] and t["wlines"] > 1:
            fault("split", t, 0, f"over {t['wlines']} lines")
    faults.extend(line for _value, line in worst.values())
    return texts


def test_every_layout_is_legible_from_the_back_of_the_hall(fresh_server, chromium):
    """Before: with 9 projects the roll's names dropped to 26 px and investors to 27 px at 2.4–2.9:1;
    four signatories shrank to 27 px; "SIGNED" was 20 px; "产业综合/平台" and "新一代信/息技术" split."""
    server = fresh_server(NINE)
    # (the page's CSP refuses inline styles: the measurement adds two)
    pages = walls_in_layouts(chromium, server, WALLS, bypass_csp=True)
    try:
        ids = [p["id"] for p in sorted(server.state(operator=True)["projects"], key=lambda p: p["order"])]
        faults: list[str] = []
        seen: dict[str, int] = {}

        def step(tag: str, walls: str) -> None:
            seq = server.state()["seq"]
            for name in walls.split():
                page = pages[name]
                wait_drawn(page, seq)
                page.wait_for_function("!document.querySelector('.screen.is-active .img-pending')")
                seen[f"{name}/{tag}"] = len(check(page, f"{name}/{tag}", faults))

        # the sample's long title, subtitle and host: upright they wrap, and must wrap between words
        long = {
            "title": "株洲高新区（天元区）2021年第二季度重大招商签约活动",
            "subtitle": "7个项目“牵手”新区 · 共植高质量发展“金种子”",
            "host": "株洲高新区党工委、管委会（天元区委、区政府）",
        }
        assert server.editor().put(server.url + "/api/v1/event", json=long, timeout=10).ok
        for page in pages.values():
            page.wait_for_function("t => document.title === t", arg=long["title"])
        # (a side screen shows the roll whatever the wall shows, so it is read once, with the roll)
        step("title", "main totem lobby")
        server.command("announce", project_id=ids[2])  # four signatories, 新一代信息技术
        step("announced", "main totem")
        server.command("confirm", project_id=ids[6])  # 产业综合平台, 100 亿元, with its golden key
        step("signed", "main totem lobby")
        for pid in ids[:3]:
            server.command("confirm", project_id=pid)
        server.command("show", screen="roll")
        step("roll", "main totem side")
        server.command("show", screen="finale")
        step("finale", "main totem")
        assert not faults, "\n".join(faults)
        # the measurement saw the texts it is about (a selector gone stale would pass on nothing)
        assert all(n >= 3 for n in seen.values()), seen
    finally:
        for page in pages.values():
            page.context.close()


def test_the_english_wall_is_as_legible(fresh_server, chromium):
    """English words are longer: the golden key's title and "scan" line wrap inside the card at 28 px and
    up, rather than widening it over the figures or shrinking below the floor."""
    server = fresh_server(NINE)
    assert server.editor().put(server.url + "/api/v1/event", json={"language": "en"}, timeout=10).ok
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    try:
        page = context.new_page()
        pair_page(page, server, "main")
        page.wait_for_function("() => document.body.classList.contains('lang-en')")
        ids = [p["id"] for p in sorted(server.state(operator=True)["projects"], key=lambda p: p["order"])]
        faults: list[str] = []
        for tag, action, fields in (
            ("announced", "announce", {"project_id": ids[2]}),
            ("signed", "confirm", {"project_id": ids[2]}),
            ("finale", "show", {"screen": "finale"}),
        ):
            seq = server.command(action, **fields).json()["seq"]
            wait_drawn(page, seq)
            page.wait_for_function("() => !document.querySelector('.screen.is-active .img-pending')")
            texts = check(page, f"en/{tag}", faults)
            assert len(texts) >= 3
            # nothing cut off inside the golden key's card
            cut = page.evaluate(
                "() => [...document.querySelectorAll('.screen.is-active .gk-card, .screen.is-active .gk-card *')]"
                ".filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.className)"
            )
            assert cut == [], (tag, cut)
        assert not faults, "\n".join(faults)
    finally:
        context.close()
