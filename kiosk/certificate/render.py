"""The 签约图 drawn: one SVG document from a layout and the pads' ink, in the event's template, and that
SVG as PNG (for the wall, the press and a phone) or as a vector PDF (for print).

Every text is XML-escaped: project and company names come from imported spreadsheets. CairoSVG runs in
its safe mode (no entities, nothing fetched but ``data:`` images), so a picture cannot make the server read
a file or call another host: the server embeds the event's background with ``data_uri``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from . import ink as pen
from .layout import Certificate, Place, Text, text_width

SERIF = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun", serif'
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# Each template's look: its fonts and a colour per text role, then the colours of its frame and lines.
LOOKS = {
    "classic": {
        "font": SERIF,
        "text": {
            "event": "#7b2a1c",
            "heading": "#a3171b",
            "project": "#2e1a10",
            "amount": "#8c5a12",
            "party": "#fff3d6",
            "side": "#3a2418",
            "label": "#8a6a48",
            "signatory": "#2e1a10",
            "remote": "#a3171b",
            "date": "#6e4a2c",
        },
        "paper": "#fbf3e1",
        "band": "#8e1618",
        "band_deep": "#6d0f12",
        "gold": "#c49a3c",
        "line": "#b48a3a",
        "tag": "#a3171b",
    },
    "modern": {
        "font": SANS,
        "text": {
            "event": "#5b6470",
            "heading": "#b3122a",
            "project": "#16191d",
            "amount": "#b3122a",
            "party": "#b3122a",
            "side": "#23272e",
            "label": "#7b838e",
            "signatory": "#16191d",
            "remote": "#b3122a",
            "date": "#5b6470",
        },
        "paper": "#ffffff",
        "frame": "#e3e6ea",
        "accent": "#b3122a",
        "line": "#9aa1ab",
    },
}
# How much of the template's own paper lies over an organiser's background picture: enough that names
# and dark ink stay legible in front of any photograph, little enough that the picture is still there.
VEIL = 0.82
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def svg(
    cert: Certificate,
    ink: Mapping[str, Sequence[Sequence[float]]],
    color: str,
    background: str | None = None,
    blank: bool = False,
) -> str:
    """The 签约图 as one SVG document (viewBox 0 0 width height). ``ink``: pad id -> its points, drawn
    into the pad's place in ``color``; ``blank`` leaves every place empty (the wall draws live ink over
    it). ``background``: an href or data: URI drawn behind everything."""
    look = LOOKS.get(cert.template, LOOKS["classic"])
    w, h = cert.width, cert.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family={quoteattr(look["font"])}>'
    ]
    if background:
        href = quoteattr(background)
        out.append(
            f'<image x="0" y="0" width="{w}" height="{h}" preserveAspectRatio="xMidYMid slice" '
            f"href={href} xlink:href={href}/>"
        )
    out += (
        _classic(cert, look, bool(background))
        if cert.template == "classic"
        else _modern(cert, look, bool(background))
    )
    out += _rules(cert, look)
    for place in cert.places:
        out += _place(place, look)
    out += [_text(t, look) for t in cert.texts]
    if not blank:
        out += _ink(cert.places, ink, color)
    out.append("</svg>")
    return "\n".join(out)


def _classic(cert: Certificate, look: dict, veiled: bool) -> list[str]:
    """Red-and-gold: a deep red border around rice paper, a double gold frame with corner brackets, the
    heading between gold lines, and each party's word on a red seal-like tag."""
    w, h = cert.width, cert.height
    band, paper, gold = look["band"], look["paper"], look["gold"]
    veil = f' fill-opacity="{VEIL}"' if veiled else ""
    out = [
        "<defs>"
        '<radialGradient id="band" cx="50%" cy="50%" r="75%">'
        f'<stop offset="0" stop-color="{band}"/><stop offset="1" stop-color="{look["band_deep"]}"/>'
        "</radialGradient></defs>",
    ]
    if not veiled:
        out.append(f'<rect x="0" y="0" width="{w}" height="{h}" fill="url(#band)"/>')
    else:
        # Over a picture the red border is a frame (the picture shows through the paper, veiled).
        out.append(
            f'<path d="M0,0 H{w} V{h} H0 Z M28,28 V{h - 28} H{w - 28} V28 Z" fill="url(#band)" fill-rule="evenodd"/>'
        )
    out.append(f'<rect x="28" y="28" width="{w - 56}" height="{h - 56}" fill="{paper}"{veil}/>')
    out.append(
        f'<rect x="48" y="48" width="{w - 96}" height="{h - 96}" fill="none" stroke="{gold}" stroke-width="3"/>'
    )
    out.append(
        f'<rect x="58" y="58" width="{w - 116}" height="{h - 116}" fill="none" stroke="{gold}" stroke-width="1.2"/>'
    )
    # Corner brackets (a fret's turn) inside the frame's corners.
    for cx, cy, sx, sy in (
        (58, 58, 1, 1),
        (w - 58, 58, -1, 1),
        (58, h - 58, 1, -1),
        (w - 58, h - 58, -1, -1),
    ):
        d = (
            f"M{cx + sx * 14},{cy + sy * 64} V{cy + sy * 14} H{cx + sx * 64} "
            f"M{cx + sx * 24},{cy + sy * 44} V{cy + sy * 24} H{cx + sx * 44} V{cy + sy * 36} H{cx + sx * 36}"
        )
        out.append(f'<path d="{d}" fill="none" stroke="{gold}" stroke-width="2.4" stroke-linecap="square"/>')
        out.append(_diamond(cx + sx * 14, cy + sy * 14, 5, gold))
    heading = next((t for t in cert.texts if t.role == "heading"), None)
    if heading:
        half = text_width(heading.text, heading.size, True, heading.spacing) / 2
        y = heading.y - heading.size * 0.36
        centre = cert.width / 2
        for sign in (-1, 1):
            near, far = centre + sign * (half + 28), centre + sign * (half + 170)
            out.append(
                f'<line x1="{near:.1f}" y1="{y:.1f}" x2="{far:.1f}" y2="{y:.1f}" stroke="{gold}" stroke-width="2"/>'
            )
            out.append(_diamond(far + sign * 9, y, 6, gold))
            out.append(_diamond(near - sign * 2, y, 3.5, gold))
    for tag in (t for t in cert.texts if t.role == "party"):
        tw = text_width(tag.text, tag.size, True, tag.spacing) + tag.size * 1.2
        th = tag.size * 1.55
        x, y = tag.x - tw / 2, tag.y - tag.size * 1.12
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{tw:.1f}" height="{th:.1f}" rx="4" fill="{look["tag"]}"/>'
        )
    return out


def _modern(cert: Certificate, look: dict, veiled: bool) -> list[str]:
    """Clean white: white paper, a hairline frame, a red band along the top and a short red rule under
    the heading."""
    w, h = cert.width, cert.height
    veil = f' fill-opacity="{VEIL}"' if veiled else ""
    out = [
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="{look["paper"]}"{veil}/>',
        f'<rect x="0" y="0" width="{w}" height="14" fill="{look["accent"]}"/>',
        f'<rect x="40" y="54" width="{w - 80}" height="{h - 94}" fill="none" stroke="{look["frame"]}" stroke-width="2"/>',
    ]
    for tag in (t for t in cert.texts if t.role == "party"):
        half = text_width(tag.text, tag.size, True, tag.spacing) / 2
        y = tag.y - tag.size * 0.36
        for sign in (-1, 1):
            near, far = tag.x + sign * (half + 14), tag.x + sign * (half + 54)
            out.append(
                f'<line x1="{near:.1f}" y1="{y:.1f}" x2="{far:.1f}" y2="{y:.1f}" '
                f'stroke="{look["accent"]}" stroke-width="2"/>'
            )
    return out


def _rules(cert: Certificate, look: dict) -> list[str]:
    colour = look.get("gold", look.get("accent"))
    out = []
    for x1, y1, x2, y2 in cert.rules:
        if cert.template == "classic":
            out.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="1.5"/>'
            )
            out.append(_diamond((x1 + x2) / 2, y1, 6, colour))
        else:
            mid = (x1 + x2) / 2
            out.append(
                f'<line x1="{mid - 40}" y1="{y1}" x2="{mid + 40}" y2="{y2}" stroke="{colour}" stroke-width="3"/>'
            )
    return out


def _place(place: Place, look: dict) -> list[str]:
    """A place's signature line along its box's foot."""
    x, y, w, h = place.box
    return [
        f'<line x1="{x}" y1="{y + h:.1f}" x2="{x + w:.1f}" y2="{y + h:.1f}" stroke="{look["line"]}" '
        'stroke-width="2" stroke-linecap="round"/>'
    ]


def _diamond(x: float, y: float, r: float, fill: str) -> str:
    return f'<path d="M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z" fill="{fill}"/>'


def _text(t: Text, look: dict) -> str:
    attrs = [f'font-size="{t.size:g}"', f'fill="{look["text"].get(t.role, "#222222")}"']
    if t.bold:
        attrs.append('font-weight="bold"')
    if not t.spacing:
        attrs = [f'x="{t.x:.1f}"', f'y="{t.y:.1f}"', f'text-anchor="{t.anchor}"', *attrs]
        return f"<text {' '.join(attrs)}>{escape(t.text)}</text>"
    # Spaced Chinese: each character centred in its own em, the run anchored as the line asks.
    step = t.size * (1 + t.spacing)
    run = len(t.text) * step - t.size * t.spacing
    start = {"start": t.x, "end": t.x - run}.get(t.anchor, t.x - run / 2)
    chars = "".join(
        f'<text x="{start + i * step + t.size / 2:.1f}" y="{t.y:.1f}">{escape(ch)}</text>'
        for i, ch in enumerate(t.text)
    )
    return f'<g text-anchor="middle" {" ".join(attrs)}>{chars}</g>'


def _ink(places: Sequence[Place], ink: Mapping[str, Sequence[Sequence[float]]], color: str) -> list[str]:
    """Each place's strokes, from the canonical frame into its box, clipped to the box and a nib's width
    around it: a pad cannot draw over the names."""
    out = []
    for i, place in enumerate(places):
        points = ink.get(place.pad_id) or []
        if not points:
            continue
        x, y, w, h = place.box
        scale = w / pen.CANONICAL_WIDTH
        m = pen.PEN["size"] * scale
        out.append(
            f'<clipPath id="ink{i}"><rect x="{x - m:.1f}" y="{y - m:.1f}" width="{w + 2 * m:.1f}" '
            f'height="{h + 2 * m:.1f}"/></clipPath>'
        )
        out.append(f'<g fill={quoteattr(color)} fill-rule="nonzero" clip-path="url(#ink{i})">')
        for stroke in pen.strokes(points):
            d = pen.path_data(pen.outline(stroke), scale, x, y)
            if d:
                out.append(f'<path d="{d}"/>')
        out.append("</g>")
    return out


def png(svg_text: str, width: int = 2400) -> bytes:
    """The SVG as a PNG ``width`` pixels wide (its height in proportion)."""
    # CairoSVG (with cairocffi, cffi and Pillow) is imported at the first picture, not with the app: it was
    # ~0.2 s of every server start, and only the 签约图's PNG and PDF need it.
    import cairosvg

    return cairosvg.svg2png(bytestring=svg_text.encode("utf-8"), output_width=width, unsafe=False)


def pdf(svg_text: str) -> bytes:
    """The SVG as a one-page PDF; paths and text stay vector."""
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg_text.encode("utf-8"), unsafe=False)


def data_uri(path: str | Path) -> str:
    """A PNG, JPEG or WebP file as a data: URI (by its first bytes, else its suffix)."""
    data = Path(path).read_bytes()
    mime = next((m for magic, m in _MAGIC if data.startswith(magic)), None)
    if mime is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime = "image/webp"
    mime = mime or IMAGE_TYPES.get(Path(path).suffix.lower())
    if mime is None:
        raise ValueError(f"not a PNG, JPEG or WebP picture: {Path(path).name}")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
