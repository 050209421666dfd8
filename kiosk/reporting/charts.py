"""Charts drawn by the server as SVG: investment by industry and projects by tier.

One drawing for the big screen's finale (``dark``: gold on the wall's red) and the report (``light``). Labels
come from imported files, so every text is XML-escaped; as an <img> an SVG cannot run script anyway.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from xml.sax.saxutils import escape

from ..words.catalogue import N_, gettext

INDUSTRIES_NOTE = N_("分产业签约投资额")
TIERS_NOTE = N_("按投资额分档的签约项目数")

STYLES = {
    "dark": {
        "text": "#fbe7b5",
        "muted": "#f3cfa0",
        "bar": "#e3b552",
        "bar2": "#f6dd97",
        "track": "#ffffff22",
    },
    "light": {
        "text": "#2a1a12",
        "muted": "#7a6a5e",
        "bar": "#b31b1b",
        "bar2": "#d9a93e",
        "track": "#00000012",
    },
}
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def _clip(label: str, room: int) -> str:
    """``label`` cut to ``room`` half-width cells (a Chinese character takes two), with an ellipsis."""
    used, out = 0, []
    for ch in label:
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > room:
            return "".join(out) + "…"
        out.append(ch)
    return label


def _text_width(text: str, px: int, bold: bool = False) -> int:
    """About how wide ``text`` is drawn at ``px``: a Chinese character is a square, Latin letters about half
    of one (a little more in bold). An estimate on the safe side; the chart is drawn without a browser."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    narrow = len(text) - wide
    return int(px * (wide + narrow * (0.6 if bold else 0.55)))


def _bars(rows: list[tuple[str, Decimal, str]], width: int, style: str, unit_note: str, colors: dict) -> str:
    """Horizontal bars: (label, value, value text). Height follows the number of rows.

    The wall's style is read from 20 m: bigger type, no footnote (the wall's own headings say what it is),
    and the event's accent colour when the organisers set one.
    """
    s = dict(STYLES[style])
    wall = style == "dark"
    if wall and colors.get("accent"):
        s["bar"] = s["bar2"] = colors["accent"]
    row_h, top = (78, 8) if wall else (64, 16)
    label_px, value_px, bar_h = (36, 40, 40) if wall else (28, 30, 34)
    height = top + row_h * max(1, len(rows)) + (4 if wall else 36)
    # The label and value columns are as wide as their longest text (English runs longer than Chinese),
    # within bounds that leave the bars room: a fifth of the width at least, the bars' share at most.
    labels = [_clip(label, 24) for label, _, _ in rows]
    label_w = max(
        width // 5, min(width * 2 // 5, 18 + max((_text_width(x, label_px) for x in labels), default=0))
    )
    value_w = max(
        width // 6,
        min(width * 3 // 10, 16 + max((_text_width(t, value_px, bold=True) for *_, t in rows), default=0)),
    )
    bar_w = width - label_w - value_w - 24
    biggest = max((v for _, v, _ in rows), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" role="img">'
    ]
    for i, (_label, value, text) in enumerate(rows):
        y = top + i * row_h
        middle = y + row_h // 2
        length = int(bar_w * value / biggest) if value > 0 else 0
        fill = s["bar"] if i % 2 == 0 else s["bar2"]
        short = labels[i]
        parts.append(
            f'<text x="{label_w - 18}" y="{middle}" dominant-baseline="central" text-anchor="end" '
            f'font-size="{label_px}" fill="{s["text"]}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{middle - bar_h // 2}" width="{bar_w}" height="{bar_h}" rx="6" '
            f'fill="{s["track"]}"/>'
            f'<rect x="{label_w}" y="{middle - bar_h // 2}" width="{max(length, 4)}" height="{bar_h}" rx="6" '
            f'fill="{fill}"/>'
            f'<text x="{label_w + bar_w + 16}" y="{middle}" dominant-baseline="central" font-size="{value_px}" '
            f'font-weight="700" fill="{s["text"]}">{escape(text)}</text>'
        )
    if not rows:
        parts.append(
            f'<text x="{width // 2}" y="{top + 40}" text-anchor="middle" font-size="{label_px}" '
            f'fill="{s["muted"]}">—</text>'
        )
    if not wall:
        parts.append(
            f'<text x="{width - 8}" y="{height - 8}" text-anchor="end" font-size="20" '
            f'fill="{s["muted"]}">{escape(unit_note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def industries_svg(view: dict, style: str = "dark", width: int = 1100) -> str:
    """Investment by industry from a view (its figures already written in the event's words)."""
    rows = [
        (i["label"], Decimal(i["amount_yi"]), i["amount"]["text"])
        for i in sorted(view["industries"], key=lambda i: -i["amount_wan"])
    ]
    note = gettext(INDUSTRIES_NOTE, view["lang"])
    return _bars(rows, width, style, note, view["event"].get("colors") or {})


def tiers_svg(view: dict, style: str = "dark", width: int = 1100) -> str:
    """Projects by tier, as the article counts them: the tiers that hold a project (a "100亿元以上 0个项目" bar
    on the wall reads as a failure in front of the room), all of them while none does."""
    shown = [t for t in view["tiers"] if t["count"]] or view["tiers"]
    rows = [(t["label"], Decimal(t["count"]), t["count_text"]) for t in shown]
    note = gettext(TIERS_NOTE, view["lang"])
    return _bars(rows, width, style, note, view["event"].get("colors") or {})
