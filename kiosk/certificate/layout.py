"""Where everything sits on a project's 签约图: the words, already written in the event's language, and one
signature place per pad, in certificate units (``WIDTH`` × ``HEIGHT``).

The same layout serves the server's rendering (``render.py``), the wall that draws live ink over the blank
picture (each place's box goes out in the public view) and the pad, whose field has the place's aspect. Text
is sized from an estimate of its width (a Chinese character is one em, Latin letters about half), kept on the
safe side, so long names and English shrink or take a second line instead of running into each other.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.model import Event, Pad, Project
from ..words import format as fmt
from ..words.catalogue import N_, gettext, language

TEMPLATES = ("classic", "modern")
TEMPLATE_LABELS = {"classic": N_("传统红金"), "modern": N_("简洁白")}
WIDTH, HEIGHT = 1600, 1000
# A signature place is 2.5 times as wide as it is high: a name written on a line. The pad's field has it.
ASPECT = 2.5

HEADING = N_("项目签约")
AMOUNT = N_("签约金额：%(amount)s")
PARTY_WORDS = {"host": N_("甲方"), "investor": N_("乙方")}
PLACE_LABELS = {"host": N_("甲方代表"), "investor": N_("乙方代表")}
REMOTE = N_("远程签约 · %(place)s")

# The picture's grid. The content stays inside MARGIN (a template's frame is drawn outside it); the two
# parties' columns are COLUMN wide either side of the centre with GUTTER between them.
MARGIN_X = 130
CONTENT_WIDTH = WIDTH - 2 * MARGIN_X
GUTTER = 80
COLUMN = (CONTENT_WIDTH - GUTTER) / 2
COLUMN_CENTRES = {"host": MARGIN_X + COLUMN / 2, "investor": WIDTH - MARGIN_X - COLUMN / 2}
# Signature places: no wider than this (a 2.5:1 box this size holds any signature with room), and the
# space a place's words need around its box: its label above, the signatory's name and a remote line below.
PLACE_MAX_WIDTH = 460
PLACE_GAP = 36
LABEL_ROOM = 40
NAME_ROOM = 44
REMOTE_ROOM = 32
# The signatory's name: its baseline this far under the box's foot (a remote line REMOTE_ROOM under it).
NAME_BASELINE = 36
PLACES_BOTTOM = 872
DATE_BASELINE = 918
# Two lines of one name: baselines this many times the size apart.
LEADING = 1.3


@dataclass(frozen=True)
class Text:
    """One line of words: ``y`` is its baseline; ``role`` tells the template how to dress it."""

    role: str
    text: str
    x: float
    y: float
    size: float
    anchor: str = "middle"  # SVG's text-anchor: start, middle, end
    bold: bool = False
    # Space between characters, in em: only for Chinese (full-width) text, which the template then sets
    # character by character (renderers disagree on where SVG's letter-spacing puts the last space).
    spacing: float = 0


@dataclass(frozen=True)
class Place:
    """Where one pad signs: its box (x, y, w, h) in certificate units, the line at the box's foot."""

    pad_id: str
    party: str
    name: str
    box: tuple[float, float, float, float]
    aspect: float
    remote_text: str | None
    party_text: str
    side_name: str
    label: str


@dataclass(frozen=True)
class Certificate:
    width: int
    height: int
    template: str
    lang: str
    texts: tuple[Text, ...]
    places: tuple[Place, ...]
    # Thin rules (x1, y1, x2, y2) the template draws in its accent: under the heading block.
    rules: tuple[tuple[float, float, float, float], ...] = ()


def _em(ch: str) -> float:
    """An over-estimate of a character's advance in em, across the fonts the picture may be drawn in
    (Noto Serif CJK, Source Han, SimSun: Latin letters are proportional in the first two)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " ":
        return 0.28
    if ch.isupper():
        return 0.74
    if ch.isdigit():
        return 0.6
    if ch.isalpha() and ch.isascii():
        return 0.58 if ch not in "mwMW" else 0.9
    if ch.isascii():
        return 0.42
    return 0.62


def _wide(text: str) -> bool:
    """Whether every character of ``text`` is a full-width one (Chinese)."""
    return all(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def text_width(text: str, size: float, bold: bool = False, spacing: float = 0) -> float:
    """The estimated width of ``text`` at ``size`` (bold is a little wider; ``spacing`` in em)."""
    ems = sum(_em(ch) for ch in text) + spacing * max(0, len(text) - 1)
    return ems * size * (1.05 if bold else 1.0)


def fit_size(
    text: str, room: float, size: float, least: float, bold: bool = False, spacing: float = 0
) -> float:
    """The largest whole size from ``size`` down to ``least`` at which ``text`` fits ``room`` (``least``
    when none does: the caller decides whether to wrap)."""
    width = text_width(text, size, bold, spacing)
    if width <= room:
        return size
    return max(least, math.floor(size * room / width))


# Where a line may break in a long Chinese name: after a pause mark or a closing bracket, before an
# opening one. Latin text breaks at spaces.
_BREAK_AFTER = "、，,）)·；;："
_BREAK_BEFORE = "（("


def _breaks(text: str) -> list[int]:
    if " " in text.strip():
        return [i for i, ch in enumerate(text) if ch == " " and 0 < i < len(text) - 1]
    marks = [i + 1 for i, ch in enumerate(text[:-1]) if ch in _BREAK_AFTER]
    marks += [i for i, ch in enumerate(text) if ch in _BREAK_BEFORE and i > 0]
    return sorted(set(marks)) or list(range(1, len(text)))


def split_two(text: str, bold: bool = False) -> tuple[str, str]:
    """``text`` as two lines as even as its break points allow."""
    best: tuple[float, str, str] | None = None
    for at in _breaks(text):
        first, second = text[:at].rstrip(), text[at:].lstrip()
        if not first or not second:
            continue
        widest = max(text_width(first, 1, bold), text_width(second, 1, bold))
        if best is None or widest < best[0]:
            best = (widest, first, second)
    return (best[1], best[2]) if best else (text, "")


def _lines(
    role: str, text: str, x: float, y: float, room: float, size: float, bold: bool = False
) -> list[Text]:
    """``text`` at ``size`` centred on x, its first baseline at y: one line if it fits ``room``, else two
    (``size`` × LEADING apart)."""
    if text_width(text, size, bold) <= room:
        return [Text(role, text, x, y, size, bold=bold)]
    first, second = split_two(text, bold)
    return [
        Text(role, first, x, y, size, bold=bold),
        Text(role, second, x, y + size * LEADING, size, bold=bold),
    ]


def _size(
    texts: Iterable[str], room: float, size: float, least: float, bold: bool = False, two: float | None = None
) -> float:
    """One size for lines that belong together (the two parties' names): the largest from ``size`` down
    to ``least`` at which each fits on one line, and where one cannot, the size (at most ``two``, else
    ``least``) at which its two lines fit."""
    out = size
    for text in texts:
        one = fit_size(text, room, size, least, bold)
        if text_width(text, one, bold) > room:
            halves = split_two(text, bold)
            one = fit_size(max(halves, key=lambda s: text_width(s, 1, bold)), room, two or least, 1, bold)
        out = min(out, one)
    return out


def _below(lines: list[Text]) -> float:
    """The baseline of the last of ``lines``."""
    return lines[-1].y


def _grid(n: int, room_h: float, extras: float) -> tuple[int, float]:
    """The columns and box width that give ``n`` places of one party the largest boxes in a column."""
    best = (1, 0.0)
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        by_width = (COLUMN - (cols - 1) * PLACE_GAP) / cols
        by_height = (room_h - rows * extras - (rows - 1) * PLACE_GAP / 2) / rows * ASPECT
        width = min(PLACE_MAX_WIDTH, by_width, by_height)
        if width > best[1]:
            best = (cols, width)
    return best


def _side_pads(pads: Iterable[Pad], project: Project) -> dict[str, list[Pad]]:
    sides: dict[str, list[Pad]] = {"host": [], "investor": []}
    for pad in sorted((p for p in pads if p.project_id == project.id), key=lambda p: (p.order, p.id)):
        sides["host" if pad.party == "host" else "investor"].append(pad)
    return sides


def layout(event: Event, project: Project, pads: Iterable[Pad], lang: str) -> Certificate:
    """The 签约图 of one project: the event, the heading, the project, the amount, each party's name over
    its column of signature places (the host's on the left, the investor's on the right) and the date.

    The words flow from the top, each line placed under the one before, so a name that needs two lines
    pushes the rest down; the signature places take the room that is left above the date."""
    lang = language(lang)
    template = event.certificate_template if event.certificate_template in TEMPLATES else TEMPLATES[0]
    centre = WIDTH / 2
    texts: list[Text] = []

    size = _size([event.title], CONTENT_WIDTH, 30, 22)
    texts += _lines("event", event.title, centre, 120, CONTENT_WIDTH, size)
    y = _below(texts)
    heading = gettext(HEADING, lang)
    # Chinese headings are set wide, as on a printed certificate.
    spacing = 0.35 if _wide(heading) else 0
    size = fit_size(heading, CONTENT_WIDTH, 48, 30, True, spacing)
    y += 30 + size * 0.95
    texts.append(Text("heading", heading, centre, y, size, bold=True, spacing=spacing))
    # The project's name is the largest line; at two lines, smaller, so the block keeps its height.
    size = _size([project.name], CONTENT_WIDTH, 60, 44, True, 48)
    y += 30 + size * 0.95
    lines = _lines("project", project.name, centre, y, CONTENT_WIDTH, size, True)
    texts += lines
    y = _below(lines)
    amount = fmt.money(project.amount_wan, lang, event.money_unit, event.money_decimals).text
    amount_text = gettext(AMOUNT, lang, amount=amount)
    size = fit_size(amount_text, CONTENT_WIDTH, 32, 22)
    y += 40 + size * 0.95
    texts.append(Text("amount", amount_text, centre, y, size))
    y += 34
    rules = ((centre - 360, y, centre + 360, y),)

    sides = _side_pads(pads, project)
    side_names = {"host": event.host.strip() or event.title, "investor": project.investor}
    tag_y = y + 56
    name_size = _size(side_names.values(), COLUMN, 30, 24, two=26)
    name_y = tag_y + 18 + name_size * 0.95
    bottom = name_y
    for party in ("host", "investor"):
        x = COLUMN_CENTRES[party]
        party_text = gettext(PARTY_WORDS[party], lang)
        tag_spacing = 0.5 if _wide(party_text) else 0
        texts.append(Text("party", party_text, x, tag_y, 24, bold=True, spacing=tag_spacing))
        lines = _lines("side", side_names[party], x, name_y, COLUMN, name_size)
        texts += lines
        bottom = max(bottom, _below(lines))

    places = _places(sides, side_names, bottom + 24, lang)
    for place in places:
        texts += _place_texts(place)

    if event.date:
        day = fmt.date(event.date, lang)
        texts.append(Text("date", day, centre, DATE_BASELINE, fit_size(day, CONTENT_WIDTH, 26, 20)))
    return Certificate(WIDTH, HEIGHT, template, lang, tuple(texts), tuple(places), rules)


def _places(sides: dict[str, list[Pad]], side_names: dict[str, str], top: float, lang: str) -> list[Place]:
    """Every pad's place between ``top`` and PLACES_BOTTOM, each party's centred in its column. Every
    place has the same size, so the parties' signatures are equals on the picture: the party with more
    pads decides it. Where a signatory's name or a remote line needs two lines at that size, every place
    makes room for them (the places a little smaller)."""
    pads = [(party, pad) for party, side in sides.items() for pad in side]
    room_h = PLACES_BOTTOM - top
    any_remote = any(pad.remote_place.strip() for _, pad in pads)
    extras = LABEL_ROOM + NAME_ROOM + (REMOTE_ROOM if any_remote else 0)
    # Room for a second line makes the places smaller, which can only take more lines (a line that does
    # not fit a place fits no narrower one): this settles once no more lines are added.
    for _ in range(5):
        width = min((_grid(len(side), room_h, extras)[1] for side in sides.values() if side), default=0)
        draft = [
            _place(pad, party, side_names[party], (0, 0, width, width / ASPECT), lang) for party, pad in pads
        ]
        needed = LABEL_ROOM + max((_below_box(place) for place in draft), default=0)
        if needed <= extras:
            break
        extras = needed
    height = width / ASPECT
    places: list[Place] = []
    for party, side in sides.items():
        if not side:
            continue
        cols = max(1, min(len(side), math.floor((COLUMN + PLACE_GAP) / (width + PLACE_GAP))))
        rows = math.ceil(len(side) / cols)
        block = rows * (extras + height) + (rows - 1) * PLACE_GAP / 2
        y0 = top + (room_h - block) / 2
        for i, pad in enumerate(side):
            row, col = divmod(i, cols)
            in_row = min(cols, len(side) - row * cols)
            row_width = in_row * width + (in_row - 1) * PLACE_GAP
            x = COLUMN_CENTRES[party] - row_width / 2 + col * (width + PLACE_GAP)
            y = y0 + row * (extras + height + PLACE_GAP / 2) + LABEL_ROOM
            places.append(_place(pad, party, side_names[party], (x, y, width, height), lang))
    return places


def _place(pad: Pad, party: str, side_name: str, box: tuple[float, float, float, float], lang: str) -> Place:
    remote = pad.remote_place.strip()
    return Place(
        pad_id=pad.id,
        party=party,
        name=pad.name,
        box=tuple(round(v, 1) for v in box),
        aspect=ASPECT,
        remote_text=gettext(REMOTE, lang, place=remote) if remote else None,
        party_text=gettext(PARTY_WORDS[party], lang),
        side_name=side_name,
        label=gettext(PLACE_LABELS[party], lang),
    )


def _fitted(
    text: str, room: float, size: float, least: float, two: float, bold: bool = False
) -> tuple[float, list[str]]:
    """A place's line in ``room``: one line from ``size`` down to ``least``; where it cannot fit at
    ``least``, two lines at up to ``two`` (smaller only if even its longer half needs it)."""
    one = fit_size(text, room, size, least, bold)
    if text_width(text, one, bold) <= room:
        return one, [text]
    lines = [line for line in split_two(text, bold) if line]
    longest = max(lines, key=lambda line: text_width(line, 1, bold))
    return fit_size(longest, room, two, 1, bold), lines


def _under_box(place: Place) -> list[tuple[str, float, list[str], float]]:
    """The lines under a place's box: (role, size, lines, first baseline below the box's foot)."""
    room = place.box[2] + PLACE_GAP * 0.8
    size, lines = _fitted(place.name, room, 30, 14, 22, bold=True)
    out = [("signatory", size, lines, NAME_BASELINE)]
    if place.remote_text:
        below = NAME_BASELINE + (len(lines) - 1) * size * LEADING
        remote, remote_lines = _fitted(place.remote_text, room, 22, 12, 16)
        out.append(("remote", remote, remote_lines, below + REMOTE_ROOM))
    return out


def _below_box(place: Place) -> float:
    """How far under its box's foot a place's words reach, with the room under the last line that
    NAME_ROOM keeps under a name of one line (so one line each needs exactly NAME_ROOM + REMOTE_ROOM)."""
    _role, size, lines, baseline = _under_box(place)[-1]
    return baseline + (len(lines) - 1) * size * LEADING + NAME_ROOM - NAME_BASELINE


# A wall's own marks over a place, in the picture's units: its state's largest size on the label's line (the
# label is 24: a little larger, as it changes), kept this far right of the label; a remote ribbon as wide
# as the box and this much either side.
MARK_SIZE = 30
MARK_GAP = 14


def marks(place: Place) -> dict:
    """Where a wall may lay its marks over a place (the picture's units): the room for its state right of
    the label, the state's largest size, the remote ribbon's width."""
    _x, _y, w, _h = place.box
    return {
        "state_room": round(max(0.0, place.box[0] + w - label_end(place) - MARK_GAP), 1),
        "state_size": MARK_SIZE,
        "ribbon_width": w + 2 * MARK_GAP,
    }


def label_end(place: Place) -> float:
    """Where a place's label, drawn over its box's left edge, ends (x in the picture's units): a wall's
    word on the label's line (the place's state) starts right of it."""
    label = _place_texts(place)[0]
    return round(label.x + text_width(label.text, label.size), 1)


def remote_line(place: Place) -> dict | None:
    """The picture's line under a remote place (where it signs from): its centre, first baseline and size,
    in the picture's units, for a wall to lay its own mark exactly over it (inside the picture's frame)."""
    if not place.remote_text:
        return None
    x, y, w, h = place.box
    _role, size, lines, baseline = _under_box(place)[-1]
    return {"x": round(x + w / 2, 1), "y": round(y + h + baseline, 1), "size": size, "lines": len(lines)}


def _place_texts(place: Place) -> list[Text]:
    """A place's label over its box's left edge, the signatory's name centred under its line and, for a
    party signing from elsewhere, where it signs from (each on two lines where one would not fit)."""
    x, y, w, h = place.box
    room = w + PLACE_GAP * 0.8
    out = [Text("label", place.label, x, y - 14, fit_size(place.label, room, 24, 12), anchor="start")]
    for role, size, lines, baseline in _under_box(place):
        bold = role == "signatory"
        for i, line in enumerate(lines):
            out.append(Text(role, line, x + w / 2, y + h + baseline + i * size * LEADING, size, bold=bold))
    return out
