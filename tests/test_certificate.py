"""The 签约图: where each pad signs (no place over another or over a word, in Chinese and in English), the
ink landing in its place in its colour (counted in the PNG's pixels), the blank picture the wall draws over,
the PDF staying vector, a client's batch of points checked, and the server's pen giving the very outline
the pad's and the wall's JavaScript gives (perfect-freehand run by node on the same points)."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from kiosk.certificate import ink, layout, render
from kiosk.certificate.layout import HEIGHT, WIDTH, text_width
from kiosk.core.model import CERTIFICATE_TEMPLATES, Event, Pad, Project
from kiosk.words.catalogue import gettext

ROOT = Path(__file__).resolve().parent.parent
INK_JS = ROOT / "static" / "js" / "common" / "ink.js"
VENDOR_JS = ROOT / "static" / "vendor" / "perfect-freehand" / "index.js"

EVENT = Event(
    title="株洲高新区（天元区）2021年第二季度重大招商签约活动",
    date="2021-06-21",
    host="株洲高新区党工委、管委会（天元区委、区政府）",
)
PROJECT = Project("p1", 1, "的卢智慧汽车及关键零部件项目", "的卢技术有限公司", 520_000)
# Blue, which neither template uses anywhere: every pixel of it is ink.
INK = "#0040ff"


def pads(n: int, remote: bool = True) -> list[Pad]:
    """n pads of PROJECT: the host's first, then the investor's, then alternating; one signs remotely."""
    names = ["周建光", "张英", "包磊", "王晓红", "陈思远", "赵丽华"]
    parties = ["host", "investor", "investor", "host", "investor", "host"]
    return [
        Pad(
            f"pad{i}",
            i,
            names[i],
            PROJECT.id,
            parties[i],
            remote_place="深圳分会场" if remote and i == 1 else "",
        )
        for i in range(n)
    ]


def signature(s0: int = 0, aspect: float = 2.5) -> list[list[float]]:
    """A handwritten-looking name of three strokes in the canonical frame: loops, one with pen pressure."""
    height = ink.CANONICAL_WIDTH / aspect
    points, t = [], 0
    for k in range(3):
        for i in range(60):
            a = i / 59
            x = 90 + k * 280 + a * 230 - 40 * math.sin(a * math.pi * 4)
            y = height * 0.55 - height * 0.3 * math.sin(a * math.pi * 2 + k) * (1 - 0.4 * a)
            p = 0.5 if k != 1 else round(0.25 + 0.6 * math.sin(a * math.pi), 2)
            points.append([s0 + k, round(x, 1), round(min(max(y, 0), height), 1), p, t])
            t += 12
    return points


def text_box(t: layout.Text) -> tuple[float, float, float, float]:
    """A line's box (x, y, w, h) as the layout estimates it: its width, and from ascent to descent."""
    w = text_width(t.text, t.size, t.bold, t.spacing)
    x = {"start": t.x, "end": t.x - w}.get(t.anchor, t.x - w / 2)
    return (x, t.y - t.size * 0.9, w, t.size * 1.15)


def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def check_geometry(cert: layout.Certificate) -> None:
    """Every place inside the picture, 2.5 wide to 1 high, on its party's side; no two places, no two
    lines, no line and place over each other; every line inside the picture's frame."""
    boxes = [p.box for p in cert.places]
    for place in cert.places:
        x, y, w, h = place.box
        assert place.aspect == 2.5 and w / h == pytest.approx(2.5, abs=0.01)
        assert 60 <= x <= WIDTH - 60 - w and 60 <= y <= HEIGHT - 60 - h, place
        assert (x + w <= WIDTH / 2) if place.party == "host" else (x >= WIDTH / 2), place
    for a, b in combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)
    lines = [text_box(t) for t in cert.texts]
    for t, box in zip(cert.texts, lines, strict=True):
        assert 70 <= box[0] <= WIDTH - 70 - box[2], t
        assert 70 <= box[1] <= HEIGHT - 70 - box[3], t
        for place in boxes:
            assert not overlaps(box, place), (t, place)
    for (ta, a), (tb, b) in combinations(zip(cert.texts, lines, strict=True), 2):
        assert not overlaps(a, b), (ta, tb)


def ink_pixels(png: bytes, colour: str = INK) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The picture and every pixel of it within a little of ``colour`` (the edges of strokes blend)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    width = image.width
    found = [
        (i % width, i // width)
        for i, pixel in enumerate(image.get_flattened_data())
        if abs(pixel[0] - want[0]) <= 40 and abs(pixel[1] - want[1]) <= 40 and abs(pixel[2] - want[2]) <= 40
    ]
    return image, found


def test_the_templates_are_the_models():
    assert layout.TEMPLATES == CERTIFICATE_TEMPLATES
    assert set(layout.TEMPLATE_LABELS) == set(CERTIFICATE_TEMPLATES)


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_each_pad_has_a_place_and_nothing_overlaps(n):
    cert = layout.layout(EVENT, PROJECT, pads(n), "zh")
    assert [p.pad_id for p in cert.places if p.party == "host"] == [
        p.id for p in pads(n) if p.party == "host"
    ]
    assert sorted(p.pad_id for p in cert.places) == sorted(p.id for p in pads(n))
    check_geometry(cert)
    # Every place is the same size: the two parties' signatures are equals on the picture.
    assert len({p.box[2:] for p in cert.places}) == 1
    texts = [t.text for t in cert.texts]
    for word in (EVENT.title, PROJECT.name, PROJECT.investor, "签约金额：52亿元", "2021年6月21日"):
        assert word in texts
    assert "".join(texts).count("远程签约 · 深圳分会场") == 1
    place = next(p for p in cert.places if p.pad_id == "pad1")
    assert place.remote_text == "远程签约 · 深圳分会场" and place.party_text == "乙方"
    assert place.side_name == PROJECT.investor and place.label == "乙方代表" and place.name == "张英"


def test_the_places_of_a_party_stack_and_other_projects_pads_stay_off():
    other = Pad("x", 9, "别人", "p2", "host")
    cert = layout.layout(EVENT, PROJECT, [*pads(3), other], "zh")
    assert "x" not in [p.pad_id for p in cert.places]
    investors = [p for p in cert.places if p.party == "investor"]
    assert len(investors) == 2 and investors[0].box[0] < investors[1].box[0]


def test_no_host_names_the_event_and_no_pads_draw_no_places():
    event = Event(title="2026年招商签约大会", date="2026-12-01")
    cert = layout.layout(event, PROJECT, [], "zh")
    assert cert.places == ()
    assert [t.text for t in cert.texts if t.role == "side"] == ["2026年招商签约大会", PROJECT.investor]
    check_geometry(cert)


# The words as English will say them, long on purpose: the layout must make room for them.
ENGLISH = {
    layout.HEADING: "Project Signing Ceremony",
    layout.AMOUNT: "Agreed investment: %(amount)s",
    layout.PARTY_WORDS["host"]: "Host",
    layout.PARTY_WORDS["investor"]: "Investor",
    layout.PLACE_LABELS["host"]: "Signed for the host",
    layout.PLACE_LABELS["investor"]: "Signed for the investor",
    layout.REMOTE: "Signing remotely · %(place)s",
}
EN_EVENT = Event(
    title="Zhuzhou Hi-tech Zone (Tianyuan District) Major Investment Projects Signing Ceremony, Second Quarter 2021",
    date="2021-06-21",
    host="Zhuzhou Hi-tech Zone Administrative Committee (Tianyuan District People's Government)",
    language="en",
)
EN_PROJECT = Project(
    "p1",
    1,
    "Dilu Smart Vehicle and Key Components Manufacturing Base, Phase One",
    "Dilu Technology Co., Ltd.",
    523_000,
)


@pytest.fixture
def english(monkeypatch):
    real = layout.gettext

    def gettext(msgid, lang, /, **params):
        if lang == "en" and msgid in ENGLISH:
            return ENGLISH[msgid] % params if params else ENGLISH[msgid]
        return real(msgid, lang, **params)

    monkeypatch.setattr(layout, "gettext", gettext)


@pytest.mark.parametrize("n", [2, 3])
def test_english_fits(english, n):
    names = [
        Pad("a", 0, "Zhou Jianguang", "p1", "host"),
        Pad("b", 1, "Alexandra Montgomery-Smith", "p1", "investor", remote_place="Shenzhen branch venue"),
        Pad("c", 2, "Bao Lei", "p1", "investor"),
    ][:n]
    cert = layout.layout(EN_EVENT, EN_PROJECT, names, "en")
    assert cert.lang == "en"
    check_geometry(cert)
    texts = [t.text for t in cert.texts]
    assert "Agreed investment: CNY 5.23 billion" in texts and "21 June 2021" in texts
    assert "Signing remotely · Shenzhen branch venue" in texts
    # The long names took two lines rather than shrinking out of sight.
    assert len([t for t in cert.texts if t.role == "project"]) == 2
    assert min(t.size for t in cert.texts if t.role in ("project", "side", "event")) >= 22


def test_english_with_the_catalogue_as_it_stands():
    cert = layout.layout(EN_EVENT, EN_PROJECT, pads(3), "en")
    check_geometry(cert)
    assert "21 June 2021" in [t.text for t in cert.texts]


# The shipped catalogue's English (nothing stands in for it) with long real names: the layout must make
# room for the words as English really says them.
SHIPPED_PROJECT = Project(
    "p1",
    1,
    "Dilu Smart Vehicle and Key Components Manufacturing Base, Phase One",
    "Dilu Technology (Shenzhen) Intelligent Vehicle Systems Co., Ltd.",
    523_000,
)
REMOTE_PLACE = "Shenzhen Nanshan Science and Technology Park branch venue"
SHIPPED_PADS = [
    Pad("a", 0, "Zhou Jianguang", "p1", "host"),
    Pad("b", 1, "Alexandra Montgomery-Smith", "p1", "investor", remote_place=REMOTE_PLACE),
    Pad("c", 2, "Bartholomew Wolfgang Richardson", "p1", "investor"),
]
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def shipped(msgid: str, **params) -> str:
    """The catalogue's English for ``msgid`` as shipped: a translation, with no Chinese in it."""
    text = gettext(msgid, "en", **params)
    assert text.strip() and not CJK.search(text), (msgid, text)
    return text


def shipped_english(template: str, n: int) -> layout.Certificate:
    assert layout.gettext is gettext, "something stands in for the catalogue"
    event = Event(**{**EN_EVENT.__dict__, "certificate_template": template})
    return layout.layout(event, SHIPPED_PROJECT, SHIPPED_PADS[:n], "en")


@pytest.mark.parametrize("template", CERTIFICATE_TEMPLATES)
@pytest.mark.parametrize("n", [2, 3])
def test_the_shipped_english_fits(template, n):
    """The catalogue's own English (甲方, 乙方 and the rest as shipped) laid out with long names: nothing
    over anything or off the picture, every word where it belongs, and type that stays legible."""
    cert = shipped_english(template, n)
    assert (cert.lang, cert.template) == ("en", template)
    check_geometry(cert)
    texts = [t.text for t in cert.texts]
    by_role = {role: [t.text for t in cert.texts if t.role == role] for role in {t.role for t in cert.texts}}
    assert not [t for t in texts if CJK.search(t)]
    # The catalogue's words, each where it belongs: the parties' tags, each place's label, the heading,
    # the amount and the remote line.
    party = {side: shipped(layout.PARTY_WORDS[side]) for side in ("host", "investor")}
    label = {side: shipped(layout.PLACE_LABELS[side]) for side in ("host", "investor")}
    assert party["host"] != party["investor"] and label["host"] != label["investor"]
    assert by_role["party"] == [party["host"], party["investor"]]
    assert by_role["label"] == [label[p.party] for p in SHIPPED_PADS[:n]]
    assert by_role["heading"] == [shipped(layout.HEADING)]
    assert by_role["amount"] == [shipped(layout.AMOUNT, amount="CNY 5.23 billion")]
    assert by_role["date"] == ["21 June 2021"]
    for place in cert.places:
        assert (place.party_text, place.label) == (party[place.party], label[place.party])
    # Every name and the remote line whole, over one line or two.
    assert " ".join(by_role["project"]) == SHIPPED_PROJECT.name
    assert " ".join(by_role["side"]) == f"{EN_EVENT.host} {SHIPPED_PROJECT.investor}"
    assert " ".join(by_role["signatory"]) == " ".join(p.name for p in SHIPPED_PADS[:n])
    assert " ".join(by_role["remote"]) == shipped(layout.REMOTE, place=REMOTE_PLACE)
    # A party's words on its half of the picture, and a place's words under it, short of a neighbour's.
    for line in cert.texts:
        x, _, w, _ = text_box(line)
        if line.role in ("party", "side", "label", "signatory", "remote"):
            assert x + w <= WIDTH / 2 or x >= WIDTH / 2, line
    for place in cert.places:
        px, _, pw, _ = place.box
        own = [t for t in cert.texts if t.role in ("label", "signatory", "remote") and px <= t.x <= px + pw]
        assert {"label", "signatory"} <= {t.role for t in own}, place
        for line in own:
            x, _, w, _ = text_box(line)
            assert px - layout.PLACE_GAP / 2 <= x and x + w <= px + pw + layout.PLACE_GAP / 2, line
    # The type as test_english_fits holds it, and the parties' words at their size.
    assert min(t.size for t in cert.texts if t.role in ("project", "side", "event")) >= 22
    assert {t.size for t in cert.texts if t.role == "party"} == {24}
    assert min(t.size for t in cert.texts if t.role == "label") >= 20
    assert min(t.size for t in cert.texts if t.role == "signatory") >= 14
    assert min(t.size for t in cert.texts if t.role == "remote") >= 12


@pytest.mark.parametrize("template", CERTIFICATE_TEMPLATES)
def test_the_shipped_english_is_drawn_inside_its_lines(template):
    """The picture drawn in its real fonts: the parties' words, the labels, the names and the remote line
    are on it where the layout put them, and no glyph of any line leaves the box the layout measured for
    it (so the geometry above holds for the picture, not only for the estimate)."""
    cert = shipped_english(template, 3)
    svg_text = render.svg(cert, {}, INK, blank=True)
    picture = Image.open(io.BytesIO(render.png(svg_text, width=WIDTH))).convert("RGB")
    assert picture.size == (WIDTH, HEIGHT)
    for line in (t for t in cert.texts if t.role in ("party", "label", "signatory", "remote")):
        x, y, w, h = (round(v) for v in text_box(line))
        colours = picture.crop((x, y, x + w, y + h)).getcolors(w * h)
        ground = max(colours)[1]
        drawn = sum(k for k, c in colours if max(abs(a - b) for a, b in zip(c, ground, strict=True)) > 80)
        assert drawn > 0.05 * w * h, (line, drawn)
    # The words alone on a transparent picture: every glyph inside its line's box (2 units of slack).
    root = ET.fromstring(svg_text)
    for element in list(root):
        if element.tag.rpartition("}")[2] not in ("text", "g") or element.get("clip-path"):
            root.remove(element)
    assert len(root) == len(cert.texts)
    words = Image.open(io.BytesIO(render.png(ET.tostring(root, encoding="unicode"), width=WIDTH)))
    glyphs = words.getchannel("A").point(lambda v: 255 if v > 64 else 0)
    boxes = Image.new("L", glyphs.size, 0)
    for line in cert.texts:
        x, y, w, h = text_box(line)
        assert glyphs.crop((round(x), round(y), round(x + w), round(y + h))).getbbox(), line
        ImageDraw.Draw(boxes).rectangle((x - 2, y - 2, x + w + 2, y + h + 2), fill=255)
    assert ImageChops.subtract(glyphs, boxes).getbbox() is None, "a glyph outside its line's box"


def test_money_follows_the_events_unit():
    event = Event(title="签约", money_unit="wan")
    texts = [t.text for t in layout.layout(event, PROJECT, [], "zh").texts]
    assert "签约金额：520000万元" in texts
    assert not [t for t in layout.layout(event, PROJECT, [], "zh").texts if t.role == "date"]


def render_png(template: str, ink_by_pad: dict, blank: bool = False, n: int = 2, width: int = WIDTH):
    event = Event(**{**EVENT.__dict__, "certificate_template": template})
    cert = layout.layout(event, PROJECT, pads(n), "zh")
    return cert, render.png(render.svg(cert, ink_by_pad, INK, blank=blank), width=width)


@pytest.mark.parametrize("template", CERTIFICATE_TEMPLATES)
def test_a_signature_lands_in_its_place_in_the_ink_colour(template):
    cert, png = render_png(template, {"pad1": signature()}, n=3)
    image, found = ink_pixels(png)
    assert image.size == (WIDTH, HEIGHT)
    x, y, w, h = next(p.box for p in cert.places if p.pad_id == "pad1")
    nib = ink.PEN["size"] * w / ink.CANONICAL_WIDTH
    inside = [(px, py) for px, py in found if x - nib <= px <= x + w + nib and y - nib <= py <= y + h + nib]
    assert len(inside) > 800, len(inside)
    assert len(found) == len(inside), "ink outside its place"
    # It spans the place, not a corner of it.
    xs = [px for px, _ in inside]
    assert max(xs) - min(xs) > w * 0.6


@pytest.mark.parametrize("template", CERTIFICATE_TEMPLATES)
def test_the_blank_picture_has_no_ink(template):
    _, png = render_png(template, {"pad0": signature(), "pad1": signature()}, blank=True)
    assert ink_pixels(png)[1] == []


def test_ink_outside_the_field_is_clipped_to_its_place():
    wild = [[0, 0, 0, 1, 0], [0, 1000, 1000, 1, 10], [0, 0, 1000, 1, 20]]
    cert, png = render_png("modern", {"pad0": wild})
    _, y, w, h = cert.places[0].box
    nib = ink.PEN["size"] * w / ink.CANONICAL_WIDTH
    _, found = ink_pixels(png)
    assert found and all(y - nib - 1 <= py <= y + h + nib + 1 for _, py in found)


def test_the_png_is_as_wide_as_asked():
    _, png = render_png("classic", {}, width=2400)
    assert Image.open(io.BytesIO(png)).size == (2400, 1500)


def test_the_pdf_is_vector():
    event = Event(**{**EVENT.__dict__, "certificate_template": "classic"})
    cert = layout.layout(event, PROJECT, pads(2), "zh")
    signed = render.pdf(render.svg(cert, {"pad0": signature(), "pad1": signature()}, INK))
    blank = render.pdf(render.svg(cert, {}, INK, blank=True))
    assert signed.startswith(b"%PDF") and blank.startswith(b"%PDF")
    assert b"/Image" not in signed, "the ink (or anything) went into the PDF as a raster"
    assert len(signed) > len(blank) + 2000  # the strokes are in it, as paths


def test_a_background_is_drawn_behind_everything(tmp_path):
    picture = tmp_path / "bg.png"
    Image.new("RGB", (64, 40), (0, 200, 0)).save(picture)
    uri = render.data_uri(picture)
    assert uri.startswith("data:image/png;base64,")
    for template in CERTIFICATE_TEMPLATES:
        event = Event(**{**EVENT.__dict__, "certificate_template": template})
        cert = layout.layout(event, PROJECT, pads(2), "zh")
        text = render.svg(cert, {}, INK, background=uri)
        image = Image.open(io.BytesIO(render.png(text, width=WIDTH))).convert("RGB")
        r, g, b = image.getpixel((WIDTH // 2, 560))  # between the columns: paper veiled over green
        assert g > r + 15 and g > b + 15, (template, (r, g, b))
        assert b"/Image" in render.pdf(text)


def test_data_uri_knows_jpeg_and_webp_and_refuses_others(tmp_path):
    for fmt, mime in (("JPEG", "image/jpeg"), ("WEBP", "image/webp")):
        path = tmp_path / f"bg.{fmt.lower()}"
        Image.new("RGB", (8, 8), (10, 20, 30)).save(path, fmt)
        assert render.data_uri(path).startswith(f"data:{mime};base64,")
    other = tmp_path / "notes.txt"
    other.write_text("not a picture")
    with pytest.raises(ValueError):
        render.data_uri(other)


def test_text_is_escaped():
    project = Project("p1", 1, 'A<&>"项目</text><script>x</script>', "B & C <Ltd>", 5000)
    remote = Pad("r", 0, "<b>张</b>", "p1", "host", remote_place="<深圳>&")
    cert = layout.layout(EVENT, project, [remote], "zh")
    text = render.svg(cert, {"r": signature()}, '"/><script>')
    root = ET.fromstring(text)  # well-formed
    words = "".join(root.itertext())
    assert 'A<&>"项目</text><script>x</script>' in words and "B & C <Ltd>" in words and "<b>张</b>" in words
    assert "<script" not in text and "&lt;&amp;&gt;" in text
    assert not [el for el in root.iter() if el.tag.rpartition("}")[2] in ("script", "b", "foreignObject")]
    render.png(text, width=800)


def test_path_data_is_a_closed_polygon_in_two_decimals():
    assert ink.path_data([(1, 2), (3.14159, 4), (5, 6.0071)]) == "M1.00,2.00 L3.14,4.00 L5.00,6.01 Z"
    assert ink.path_data([(10, 20), (30, 40)], scale=0.5, dx=100, dy=200) == "M105.00,210.00 L115.00,220.00 Z"
    assert ink.path_data([(1, 1)]) == "" and ink.path_data([]) == ""


def test_strokes_group_by_number_in_order_of_first_appearance():
    points = [[2, 1, 1, 0.5, 0], [0, 2, 2, 0.5, 1], [2, 3, 3, 0.5, 2], [1, 4, 4, 0.5, 3], [0, 5, 5, 0.5, 4]]
    assert [[p[1] for p in s] for s in ink.strokes(points)] == [[1, 3], [2, 5], [4]]


def test_validate_points_cleans_a_good_batch():
    raw = [[0, 12.345, 7.06, 0.456, 16], [0, 0, 0, 0, 0], [3.0, 1000, 1000, 1, 20.0]]
    assert ink.validate_points(raw) == [
        [0, 12.3, 7.1, 0.46, 16],
        [0, 0.0, 0.0, 0.0, 0],
        [3, 1000.0, 1000.0, 1.0, 20],
    ]
    assert ink.validate_points([]) == []
    assert len(ink.validate_points([[0, 1, 1, 0.5, i] for i in range(400)])) == 400


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "[[0,1,1,0.5,0]]",
        {"0": [0, 1, 1, 0.5, 0]},
        [[0, 1, 1, 0.5, i] for i in range(401)],
        [[0, 1, 1, 0.5]],
        [[0, 1, 1, 0.5, 0, 9]],
        [{"s": 0, "x": 1, "y": 1, "p": 0.5, "t": 0}],
        [[-1, 1, 1, 0.5, 0]],
        [[1.5, 1, 1, 0.5, 0]],
        [[True, 1, 1, 0.5, 0]],
        [[0, True, 1, 0.5, 0]],
        [[0, "1", 1, 0.5, 0]],
        [[0, None, 1, 0.5, 0]],
        [[0, float("nan"), 1, 0.5, 0]],
        [[0, 1, float("inf"), 0.5, 0]],
        [[0, -0.1, 1, 0.5, 0]],
        [[0, 1000.1, 1, 0.5, 0]],
        [[0, 1, 1001, 0.5, 0]],
        [[0, 1, 1, 1.01, 0]],
        [[0, 1, 1, -0.01, 0]],
        [[0, 1, 1, 0.5, -1]],
        [[0, 1, 1, 0.5, 0.5]],
        [[0, 1, 1, 0.5, 10**30]],
        [[10**9, 1, 1, 0.5, 0]],
        [[0, 1, 1, 0.5, 0], [0, 1, 1, 0.5]],
    ],
)
def test_validate_points_refuses_a_bad_batch(raw):
    with pytest.raises(ValueError) as refused:
        ink.validate_points(raw)
    assert 0 < len(str(refused.value)) < 60


# node runs the pad's and the wall's own ink.js, its import of the vendored perfect-freehand pointed at
# the file (the page loads it from /static/...).
NODE_SCRIPT = """
import { readFileSync } from "node:fs";
const [inkPath, vendorUrl, pen, points] = process.argv.slice(1);
const spec = '"/static/vendor/perfect-freehand/index.js"';
const source = readFileSync(inkPath, "utf8");
if (!source.includes(spec)) throw new Error("ink.js no longer imports the vendored perfect-freehand");
const code = source.replace(spec, JSON.stringify(vendorUrl));
const ink = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
const strokes = ink.groupStrokes(JSON.parse(points));
console.log(JSON.stringify({
  groups: strokes.map((s) => s.map((pt) => pt[4])),
  outlines: strokes.map((s) => ink.outline(s, JSON.parse(pen))),
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: cannot run the pad's ink.js")
def test_the_server_draws_the_outline_the_pads_javascript_draws():
    steady = [[0, 100 + i * 9.7, 200 + 40 * math.sin(i / 4), 0.5, i * 16] for i in range(40)]
    pressed = [
        [1, 300 + i * 6.1, 120 + i * 4.3, round(0.15 + 0.8 * abs(math.sin(i / 5)), 2), 700 + i * 16]
        for i in range(35)
    ]
    # The third: a quick tick of three points, one of them pressed (so not simulated), interleaved.
    tick = [[2, 640, 300, 0.5, 1400], [2, 646.5, 291.2, 0.62, 1410], [2, 655, 280, 0.5, 1420]]
    points = [*steady[:20], *tick[:1], *pressed, *steady[20:], *tick[1:]]
    points = ink.validate_points(points)
    done = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            NODE_SCRIPT,
            str(INK_JS),
            VENDOR_JS.as_uri(),
            json.dumps(ink.PEN),
            json.dumps(points),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(done.stdout)
    ours = ink.strokes(points)
    assert answer["groups"] == [[p[4] for p in s] for s in ours]
    assert len(answer["outlines"]) == 3
    for js, stroke in zip(answer["outlines"], ours, strict=True):
        py = ink.outline(stroke)
        assert len(py) == len(js) > 8
        assert max(abs(a - b) for p, q in zip(py, js, strict=True) for a, b in zip(p, q, strict=True)) < 1e-6
    # The rule that picks simulated pressure differs between the strokes: the widths must differ too.
    assert all(pt[3] == 0.5 for pt in ours[0]) and not all(pt[3] == 0.5 for pt in ours[1])
