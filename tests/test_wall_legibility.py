"""What the back of the hall can read: every piece of audience text on every layout at least 28 px on a
1080 p panel, with a contrast of at least 4.5:1 against what is really behind it (measured in the pixels of
two screenshots, with and without the text), and Chinese words kept whole where a line breaks
(The moment on the wall). Nine projects, four signatories on one, long industry names.

The same walk, extended to every page that shows a name (One typesetting rule for Chinese): with the
longest names a ceremony brings (30+ characters, companies with parentheses), a line breaks only between
words (by the browser's own segmenter) and nothing is cut (no ellipsis, no text running out of a box that
clips it) on the golden keys at both orientations, the 签约图 with three places and a round's cards (with
the wall's size and contrast), the console at both tablet sizes, /stage, a pad on a tablet and a phone, the
card page, /live and the printed card (its PDF's text lines read with poppler), in Chinese and in English,
switched on the open pages."""

from __future__ import annotations

import base64
import io
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from harness import EventSpec, log_in, pair_page, project, resize, wait_drawn, walls_in_layouts
from PIL import Image, ImageChops
from test_wall_signing_browser import Pad, stroke

from kiosk.web.typeset import units

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


# -- every page that shows a name -----------------------------------------------------------------------

LONG = [
    project(
        1,
        "52",
        name="湖南湘江新区碳化硅功率半导体晶圆制造及封装测试基地项目（一期）",
        investor="长沙康瑞医疗科技股份有限公司（湖南）",
    ),
    project(2, "30", name="高端医疗器械产业园项目", investor="长沙康瑞医疗科技股份有限公司"),
    project(3, "5", name="湘江数字文化传媒产业基地项目", investor="湘江数字文化传媒集团有限公司"),
    # the sample's longest
    project(4, "12", name="建筑新材料铝合金模板“双循环”基地建设项目", investor="易事特（湖南）科技有限公司"),
]
EVENT = EventSpec(title="2026年湘江新区冬季重点项目暨先进制造业集中签约仪式", host="湘江新区管理委员会")
AGENDA = (
    "序号,环节,标题,人物,职务,项目,计划时间,时长,主持词,备注\n"
    "1,开场,签约仪式开始,,,,09:30,5,,\n"
    "2,致辞,请市委书记周明致辞,周明,市委书记,,09:35,10,,\n"
)

# Every visible text under ``root``: a line broken inside a word, or the text cut by a box that clips it
# (an ellipsis is text running past its box: Chromium lays the whole text out and paints the "…" over it).
FAULTS = """(root) => {
    document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) { /* an endless one */ } });
    const scope = document.querySelector(root) || document.body;
    const seg = new Intl.Segmenter('zh', {granularity: 'word'});
    const faults = [];
    let seen = 0;
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        if (!text.trim()) continue;
        const el = node.parentElement;
        if (el.closest('.screen:not(.is-active), [hidden], script, style, template, .pair-badge')) continue;
        let alpha = 1;
        for (let e = el; e; e = e.parentElement) {
            const cs = getComputedStyle(e);
            alpha *= parseFloat(cs.opacity);
            if (cs.visibility === 'hidden' || cs.display === 'none') alpha = 0;
        }
        if (alpha < 0.05) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
        if (!rects.length) continue;
        seen += 1;
        const what = (el.id ? '#' + el.id : '') + '.' + String(el.className).split(' ')[0] + ' ' + JSON.stringify(text.slice(0, 30));
        const size = parseFloat(getComputedStyle(el).fontSize);
        const chars = Array.from(text);
        const tops = [];
        let offset = 0;
        for (const ch of chars) {
            const r = document.createRange();
            r.setStart(node, offset);
            r.setEnd(node, offset + ch.length);
            const b = r.getBoundingClientRect();
            tops.push(b.top + b.height / 2);
            offset += ch.length;
        }
        const starts = new Set();
        let at = 0;
        for (const s of seg.segment(text)) { starts.add(at); at += Array.from(s.segment).length; }
        for (let i = 1; i < tops.length; i++) {
            if (Math.abs(tops[i] - tops[i - 1]) > 0.6 * size && !starts.has(i) && /[\\u3400-\\u9fff]/.test(chars[i] + chars[i - 1])) {
                faults.push('word broken ' + chars.slice(Math.max(0, i - 4), i).join('') + '/' + chars.slice(i, i + 4).join('') + ' in ' + what);
            }
        }
        const box = rects.reduce((a, r) => ({x0: Math.min(a.x0, r.left), y0: Math.min(a.y0, r.top),
            x1: Math.max(a.x1, r.right), y1: Math.max(a.y1, r.bottom)}), {x0: 1e9, y0: 1e9, x1: -1e9, y1: -1e9});
        for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
            const cs = getComputedStyle(e);
            // (a list that scrolls shows its rows out of view by scrolling: not cut)
            if (/auto|scroll/.test(cs.overflowX + cs.overflowY)) break;
            const clipX = cs.overflowX !== 'visible', clipY = cs.overflowY !== 'visible';
            if (!clipX && !clipY) continue;
            const r = e.getBoundingClientRect();
            const left = r.left + e.clientLeft, top = r.top + e.clientTop;
            const right = left + e.clientWidth, bottom = top + e.clientHeight;
            const outside = box.x1 <= left || box.x0 >= right || box.y1 <= top || box.y0 >= bottom;
            // (a character's box is the font's ascent and descent, taller than a tight line: its ink is inside)
            const dy = Math.max(1, 0.2 * size);
            const past = (clipX && (box.x0 < left - 1 || box.x1 > right + 1)) || (clipY && (box.y0 < top - dy || box.y1 > bottom + dy));
            if (past && !outside) { faults.push('cut by ' + String(e.className || e.tagName).split(' ')[0] + ': ' + what); break; }
        }
    }
    return {seen, faults};
}"""


def faults(page, where: str, root: str = "body") -> list[str]:
    answer = page.evaluate(FAULTS, root)
    # (a page not drawn, or a selector gone stale, would pass on nothing)
    assert answer["seen"] >= 3, (where, answer)
    return sorted({f"{where}: {f}" for f in answer["faults"]})


def pdf_faults(page, pdf: bytes) -> list[str]:
    """The printed card's text lines (poppler's layout): none runs off the page, and where a paragraph
    goes on to its next line it does so between words (judged by the browser's segmenter, as the pages)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    return page.evaluate(
        """(html) => {
            const doc = new DOMParser().parseFromString(html, 'text/html');
            const seg = new Intl.Segmenter('zh', {granularity: 'word'});
            const out = [];
            for (const pg of doc.querySelectorAll('page')) {
                const w = parseFloat(pg.getAttribute('width')), h = parseFloat(pg.getAttribute('height'));
                for (const block of pg.querySelectorAll('block')) {
                    const lines = [...block.querySelectorAll('line')].map((l) => ({
                        text: [...l.querySelectorAll('word')].map((x) => x.textContent).join('').replace(/\\u2060/g, ''),
                        x1: parseFloat(l.getAttribute('xMax')), y1: parseFloat(l.getAttribute('yMax'))}));
                    for (const l of lines) if (l.x1 > w + 0.5 || l.y1 > h + 0.5) out.push('off the page: ' + l.text);
                    for (let i = 1; i < lines.length; i++) {
                        const a = lines[i - 1].text, b = lines[i].text;
                        if (!/[\\u3400-\\u9fff]$/.test(a) || !/^[\\u3400-\\u9fff]/.test(b)) continue;
                        const joined = a + b;
                        let at = 0, between = false;
                        for (const s of seg.segment(joined)) { if (at === a.length) between = true; at += s.segment.length; }
                        if (!between) out.push('word broken ' + a.slice(-4) + '/' + b.slice(0, 4));
                    }
                }
            }
            return out;
        }""",
        html,
    )


# The 签约图's words the wall lays over the picture (the places' states, the remote ribbon): each state
# right of its label on the label's line and clear of the next, the ribbon over the picture's own remote
# line and inside its content (above the date, within the margins the frame is drawn outside of).
OVER_THE_PICTURE = """(certs) => {
    const out = [];
    for (const cert of certs) {
        const paper = document.querySelector(`.screen.is-active .cert[data-project="${cert.project_id}"] .cert-paper`);
        const p = paper.getBoundingClientRect();
        const k = p.width / cert.width;
        const marks = [];
        for (const place of cert.places) {
            const spot = paper.querySelector(`.cert-place[data-pad="${place.pad_id}"]`);
            const mark = spot.querySelector('.cert-state').getBoundingClientRect();
            if (mark.width && mark.left < p.left + place.label_end * k - 1) {
                out.push(`state ${place.state} runs into its label`);
            }
            for (const other of marks) {
                if (mark.width && other.width && mark.left < other.right && other.left < mark.right && mark.top < other.bottom && other.top < mark.bottom) {
                    out.push('two states overlap');
                }
            }
            marks.push(mark);
            const ribbon = spot.querySelector('.cert-remote');
            if (!ribbon || !place.remote_line) continue;
            const r = ribbon.getBoundingClientRect();
            const line = place.remote_line;
            const baseline = p.top + line.y * k;
            // (the frame's inner line is 58 of the picture's units in: kiosk/certificate/render.py; its date
            // stands on 918: layout.py)
            if (r.left < p.left + 62 * k || r.right > p.right - 62 * k || r.bottom > p.top + (918 - 26) * k) {
                out.push("the remote ribbon leaves the picture's content, over its frame or date");
            }
            if (r.top > baseline || r.bottom < baseline || Math.abs((r.left + r.right) / 2 - (p.left + line.x * k)) > 2) {
                out.push("the remote ribbon is not over the picture's remote line");
            }
        }
    }
    return out;
}"""


def test_every_page_breaks_chinese_between_words_and_cuts_nothing(fresh_server, chromium):
    """Before: the keys wall cut "碳化硅功率半导体晶圆制造…" and "长沙康瑞医疗科技股份有限…" with half of each card
    empty, one card of four in gold; the printed card broke "产业园项/目"; the phone pad "有限公/司"; the
    console's GO line "周/明" at 1024x768 and its header "冬季重/点" at 768x1024; on the 签约图 with three
    places the states ran over the 甲方代表/乙方代表 labels and the remote ribbon over the picture's date."""
    server = fresh_server(LONG, EVENT)
    web = server.editor()
    ids = server.made_ids
    agenda = {"file": ("agenda.csv", AGENDA.encode("utf-8"))}
    assert web.post(server.url + "/api/v1/agenda/import", files=agenda, timeout=10).ok
    made = []
    for name, party, place in (
        ("周建光", "host", ""),
        ("王小粉", "investor", ""),
        ("长沙康瑞医疗科技股份有限公司", "investor", "深圳分会场"),  # the phone's, the right-most place
    ):
        answer = web.post(
            server.url + "/api/v1/pads",
            json={"name": name, "project_id": ids[0], "party": party, "remote_place": place},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    for pid in ids[1:3]:  # (three certificates across the wall: the smallest pictures)
        answer = web.post(
            server.url + "/api/v1/pads",
            json={"name": "周建光", "project_id": pid, "party": "host"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
    pad_url = server.url + "/sign/" + made[2]["url"].rsplit("/", 1)[1]
    card = web.get(server.url + f"/api/v1/projects/{ids[0]}/card", timeout=10).json()
    card_url = server.url + "/c/" + card["url"].rsplit("/", 1)[1]
    assert server.command("show", screen="spotlight", project_ids=ids[:3]).ok
    assert server.command("arm", project_ids=ids[:3]).ok
    signers = [Pad(server, made[0]), Pad(server, made[1])]
    for signer in signers:
        sig = signer.begin()
        signer.ink(sig, 1, stroke(0, 100, 900))
        signer.call("submit", {"signature_id": sig, "batches": 1, "command_id": uuid.uuid4().hex})

    found: list[str] = []
    # (the page's CSP refuses inline styles: the wall's measurement adds two)
    wall = chromium.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True).new_page()
    console = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
    other = chromium.new_context(viewport={"width": 1920, "height": 1080})
    stage, live = other.new_page(), other.new_page()
    phone = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()

    def speak(lang: str, *others) -> None:
        """The event's language switched through the API; the wall and these open pages follow."""
        assert web.put(server.url + "/api/v1/event", json={"language": lang}, timeout=10).ok
        for page in (wall, *others):
            page.wait_for_function("l => document.documentElement.lang.startsWith(l)", arg=lang)
        wait_drawn(wall, server.state()["seq"])

    def on_wall(screen: str) -> None:
        wall.wait_for_function(
            "s => window.__kiosk.display.screen === s && !document.querySelector('.img-pending, .cert.is-pending')",
            arg=screen,
        )

    def signing(lang: str) -> None:
        on_wall("signing")
        wall.wait_for_function(
            "() => document.querySelectorAll('.screen.is-active .cert-state.is-submitted').length === 2"
        )
        certs = server.state()["signing"]["certificates"]
        found.extend(f"{lang} 签约图: {f}" for f in wall.evaluate(OVER_THE_PICTURE, certs))
        found.extend(faults(wall, f"{lang} 签约图", "#stage"))

    def pages(lang: str) -> None:
        on_wall("keys")
        # the keys handed over together look alike: none singled out by a border of its own
        borders = wall.evaluate(
            "() => [...document.querySelectorAll('.screen.is-active .lobby-key')]"
            ".map((e) => getComputedStyle(e).borderTopColor)"
        )
        assert len(borders) == len(LONG), borders
        if len(set(borders)) > 1:
            found.append(f"{lang} keys: one card singled out by its border {borders}")
        for w, h in ((1920, 1080), (1080, 1920)):
            resize(wall, w, h)
            # (size and contrast from two screenshots: English changes the heading only, read once)
            if lang == "zh" or w > h:
                check(wall, f"{lang} keys {w}x{h}", found)
            found.extend(faults(wall, f"{lang} keys {w}x{h}", "#stage"))
        resize(wall, 1920, 1080)
        for w, h in ((1024, 768), (768, 1024)):
            resize(console, w, h)
            # (an operator's secondary line may be shortened where the whole name is shown elsewhere:
            # the running order's rows, the undo button's "latest"; the header and GO line may not)
            found.extend(
                f
                for f in faults(console, f"{lang} console {w}x{h}")
                if "word broken" in f or any(k in f for k in ("brand", "go-line", "go-now"))
            )
        found.extend(faults(stage, f"{lang} stage"))
        found.extend(faults(live, f"{lang} live"))
        for w, h in ((390, 844), (1024, 768)):
            resize(phone, w, h)
            found.extend(faults(phone, f"{lang} pad {w}x{h}"))
        phone.goto(card_url)
        found.extend(faults(phone, f"{lang} card page"))
        if lang == "zh":  # (the names printed are the same in English: WeasyPrint's cold start, once)
            pdf = web.get(server.url + "/print/cards.pdf", timeout=60).content
            found.extend(f"{lang} printed card: {f}" for f in pdf_faults(phone, pdf))
        phone.goto(pad_url)

    try:
        pair_page(wall, server, "主屏")
        # the pages and the printed card cut a text into the same units
        texts = (
            [p.name for p in LONG] + [p.investor for p in LONG] + [EVENT.title, "凝聚发展合力 共筑产业新高地"]
        )
        assert wall.evaluate(
            "async (texts) => (await import('/static/js/common/fit.js')).wordUnits && "
            "texts.map((await import('/static/js/common/fit.js')).wordUnits)",
            texts,
        ) == [units(t) for t in texts]
        log_in(console, server.url)
        log_in(stage, server.url, "/stage")
        live.goto(server.url + "/live")
        phone.goto(pad_url)
        signing("zh")
        speak("en", console, stage, live, phone)
        signing("en")
        # a round of three: its cards on the wall
        wait_drawn(wall, server.command("confirm", project_ids=ids[:3]).json()["seq"])
        on_wall("round")
        found.extend(faults(wall, "en round", "#stage"))
        speak("zh")
        check(wall, "zh round", found)
        found.extend(faults(wall, "zh round", "#stage"))
        assert server.command("confirm", project_id=ids[3]).ok
        assert server.command("go").ok  # the first cue on air: the GO line names the next, the speech
        wait_drawn(wall, server.command("show", screen="keys").json()["seq"])
        pages("zh")
        speak("en", console, stage, live, phone)
        pages("en")
        # the roll: every name, one size for all
        wait_drawn(wall, server.command("show", screen="roll").json()["seq"])
        on_wall("roll")
        for w, h in ((1920, 1080), (1080, 1920)):
            resize(wall, w, h)
            check(wall, f"en roll {w}x{h}", found)
            found.extend(faults(wall, f"en roll {w}x{h}", "#stage"))
        assert not found, "\n".join(found)
    finally:
        for signer in signers:
            signer.close()
        for page in (wall, console, stage, phone):
            page.context.close()
