"""Charts drawn by the server as SVG: investment by industry and projects by tier.

One drawing for the big screen's finale (``dark``: gold on the wall's red) and the report (``light``). Labels
come from imported files, so every text is XML-escaped; as an <img> an SVG cannot run script anyway.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

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


def _bars(rows: list[tuple[str, Decimal, str]], width: int, style: str, unit_note: str, colors: dict) -> str:
    """Horizontal bars: (label, value, value text). Height follows the number of rows.

    The wall's style is read from 20 m: bigger type, no footnote (the wall's own headings say what it is),
    and the event's accent colour when the organisers set one.
    """
    s = dict(STYLES[style])
    wall = style == "dark"
    if wall and colors.get("accent"):
        s["bar"] = s["bar2"] = colors["accent"]
    row_h, top, label_w, value_w = (78, 8, 330, 240) if wall else (64, 16, 300, 190)
    label_px, value_px, bar_h = (36, 40, 40) if wall else (28, 30, 34)
    height = top + row_h * max(1, len(rows)) + (4 if wall else 36)
    bar_w = width - label_w - value_w - 24
    biggest = max((v for _, v, _ in rows), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" role="img">'
    ]
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        middle = y + row_h // 2
        length = int(bar_w * value / biggest) if value > 0 else 0
        fill = s["bar"] if i % 2 == 0 else s["bar2"]
        short = label[:12] + ("…" if len(label) > 12 else "")
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


def _money(amount_yi: str, lang: str) -> str:
    if lang == "zh":
        return f"{amount_yi} 亿元"
    # 1 亿 is 100 million: English readers get billions, exactly (a decimal shift, no float)
    return f"{format((Decimal(amount_yi) / 10).normalize(), 'f')} bn yuan"


def industries_svg(state: dict, style: str = "dark", lang: str = "zh", width: int = 1100) -> str:
    rows = [
        (i["name"], Decimal(i["amount_yi"]), _money(i["amount_yi"], lang))
        for i in sorted(state["industries"], key=lambda i: -i["amount_wan"])
    ]
    note = "分产业签约投资额" if lang == "zh" else "Investment signed, by industry"
    return _bars(rows, width, style, note, state["event"].get("colors") or {})


def tiers_svg(state: dict, style: str = "dark", lang: str = "zh", width: int = 1100) -> str:
    rows = [
        (
            t["label"] if lang == "zh" else f"≥ {t['min_yi']} ×100m yuan",
            Decimal(t["count"]),
            f"{t['count']} {'个' if lang == 'zh' else 'projects' if t['count'] != 1 else 'project'}",
        )
        for t in state["tiers"]
    ]
    note = "按投资额分档的签约项目数" if lang == "zh" else "Projects signed, by size"
    return _bars(rows, width, style, note, state["event"].get("colors") or {})
