"""Money, land, dates, times and counts as people write them: the one place a figure becomes text.

Every screen, the report, the press summary and the charts write figures through here, so "52.3亿元" is
the same on the wall, the console and the page a guest opens. The rules (the table tests in
``tests/test_format.py`` pin them):

- Chinese: from 1 亿 in 亿元 with at most ``decimals`` places (rounded half up, trailing zeros dropped),
  below that in 万元 — "206亿元", "52.3亿元", "8500万元". Zero is "0亿元": the ceremony's own unit.
- English: "CNY 20.6 billion", "CNY 85 million", "CNY 850,000".
- Land: whole 亩 — "800亩"; a total, or a value that had to be rounded, after "约": "约4150亩".
- Dates in the event's language ("2021年6月21日", "21 June 2021"); times on the venue's wall clock: an instant
  is stored with the offset of the server's zone (``KIOSK_TIMEZONE``, else the machine's) and written here in
  the event's time zone (``Event.timezone``, an IANA name), whatever zone the server runs in; exports say
  which ("2026-12-07 19:15:17 (UTC+8)", or ISO with "+08:00").
- Lengths of time to the second ("4分30秒", "4 min 30 s"); a start against its plan in whole minutes, on time
  within a minute ("晚2分钟", "准时" / "2 minutes late", "on time").

The unit and the number of decimals are event settings (``money_unit``: auto / yi / wan). The exact figure
always stays beside the text (``amount_wan`` in every view, the exact 亿元 in the report).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.numbers import format_decimal

from .catalogue import N_, NP_, gettext, language, ngettext

WAN_PER_YI = 10_000
MONEY_UNITS = ("auto", "yi", "wan")
MAX_DECIMALS = 4
DEFAULT_DECIMALS = 2
_BABEL_LOCALE = {"zh": "zh_CN", "en": "en_GB"}  # en_GB: "21 June 2021", as the report is written


@dataclass(frozen=True)
class Figure:
    """A figure ready to draw: ``text`` whole, or its parts for a big number beside a small unit.

    ``value`` is the number as written (no float ever made it); ``scale`` is (mul, div) such that
    value = 万元 × mul / div, which the wall uses to climb from one total to the next in the same unit;
    ``group`` is the thousands separator the value uses.
    """

    text: str
    value: str
    unit: str = ""
    prefix: str = ""
    decimals: int = 0
    scale: tuple[int, int] = (1, 1)
    group: str = ""

    def json(self) -> dict:
        """As the views carry it: text, value and unit always; the rest only where it is not the default
        (every viewer receives every figure of every change, so bytes count)."""
        data = {"text": self.text, "value": self.value, "unit": self.unit}
        if self.prefix:
            data["prefix"] = self.prefix
        if self.decimals:
            data["decimals"] = self.decimals
        if self.scale != (1, 1):
            data["scale"] = list(self.scale)
        if self.group:
            data["group"] = self.group
        return data


def _round(value: Decimal, decimals: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    # normalize() writes 100 as 1E+2; quantize back to an integer exponent when there is no fraction
    normal = rounded.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _number(value: Decimal, lang: str) -> str:
    if lang == "en":
        return format_decimal(value, format="#,##0.####", locale="en", decimal_quantization=False)
    return format(value, "f")


def money(wan: int, lang: str, unit: str = "auto", decimals: int = DEFAULT_DECIMALS) -> Figure:
    """An amount of 万元 as the event writes it (see the module's rules)."""
    lang = language(lang)
    decimals = max(0, min(MAX_DECIMALS, int(decimals)))
    unit = unit if unit in MONEY_UNITS else "auto"
    amount = Decimal(int(wan))
    if lang == "en":
        if unit == "yi" or (unit == "auto" and wan >= 100_000):
            mul, div, word = 1, 100_000, "billion"
        elif unit == "wan" or (unit == "auto" and wan >= 100):
            mul, div, word = 1, 100, "million"
        elif wan == 0:
            mul, div, word = 1, 100_000, ""
        else:
            mul, div, word = WAN_PER_YI, 1, ""
        value = _round(amount * mul / div, decimals)
        number = _number(value, "en")
        text = f"CNY {number} {word}".rstrip()
        return Figure(text, number, word, "CNY", _places(value), (mul, div), ",")
    if unit == "yi" or (unit == "auto" and (wan >= WAN_PER_YI or wan == 0)):
        value = _round(amount / WAN_PER_YI, decimals)
        word, div = "亿元", WAN_PER_YI
    else:
        value, word, div = amount, "万元", 1
    number = _number(value, "zh")
    return Figure(number + word, number, word, "", _places(value), (1, div), "")


def land(mu: Decimal | None, lang: str, approx: bool = False) -> Figure | None:
    """Land in whole 亩; "约" (about) for a total, or when the value had to be rounded."""
    if mu is None:
        return None
    lang = language(lang)
    whole = mu.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    about = approx or whole != mu
    number = _number(whole, lang)
    if lang == "en":
        prefix = "about" if about else ""
        return Figure(f"{prefix} {number} mu".lstrip(), number, "mu", prefix)
    prefix = "约" if about else ""
    return Figure(f"{prefix}{number}亩", number, "亩", prefix)


@functools.cache
def zone_info(name: str) -> tzinfo | None:
    """The IANA zone ``name``, or None when the zone database does not know it."""
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return None  # (kiosk.setup.fields lets no other name in; an old row keeps its recorded offset)


def local(iso: str | None, zone: str | None) -> datetime | None:
    """The instant ``iso`` (with its offset, as the server recorded it) on the venue's clock: in the IANA
    ``zone``. A time without an offset, or a date alone, is taken as already the venue's."""
    if not iso or "T" not in iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    where = zone_info(zone) if zone else None
    return moment.astimezone(where) if where is not None and moment.tzinfo is not None else moment


def _as_date(iso: str | None, zone: str | None) -> Date | None:
    if not iso:
        return None
    if "T" in iso:
        moment = local(iso, zone)
        return moment.date() if moment else None
    try:
        return Date.fromisoformat(iso)
    except ValueError:
        return None


def date(iso: str | None, lang: str, zone: str | None = None) -> str:
    """An ISO date, or the day of an instant in ``zone``, as the event's language writes it: "2021年6月21日",
    "21 June 2021"."""
    day = _as_date(iso, zone)
    if day is None:
        return iso or ""
    return format_date(day, "long", locale=_BABEL_LOCALE[language(lang)])


def time(iso: str | None, zone: str | None) -> str:
    """ "18:32" from "2021-06-21T10:32:05+00:00" in Asia/Shanghai: the venue's wall clock."""
    moment = local(iso, zone)
    return f"{moment.hour:02d}:{moment.minute:02d}" if moment else ""


def moment(iso: str | None, lang: str, zone: str | None) -> str:
    """A date and time on the venue's clock: "2021年6月21日 10:32", "21 June 2021, 10:32"."""
    if not iso:
        return ""
    day, clock = date(iso, lang, zone), time(iso, zone)
    if not clock:
        return day
    return f"{day}, {clock}" if language(lang) == "en" else f"{day} {clock}"


def clock_seconds(iso: str | None, zone: str | None) -> str:
    """ "10:32:05" on the venue's clock: for audit lines, where seconds matter."""
    t = local(iso, zone)
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}" if t else ""


def utc_offset(moment: datetime) -> str:
    """ "UTC+8", "UTC+5:30", "UTC-5", "UTC+0": the offset a reader can check against a phone's clock."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def stamp(iso: str | None, zone: str | None) -> str:
    """An instant for a person reading an export: "2026-12-07 19:15:17 (UTC+8)", the zone said beside it."""
    t = local(iso, zone)
    return f"{t:%Y-%m-%d %H:%M:%S} ({utc_offset(t)})" if t else ""


def iso_in(iso: str | None, zone: str | None) -> str | None:
    """An instant for a machine, on the venue's clock: "2026-12-07T19:15:17+08:00"."""
    t = local(iso, zone)
    return t.isoformat(timespec="seconds") if t else iso


def duration(seconds: int, lang: str) -> str:
    """A length of time to the second: "4分30秒", "5分钟", "45秒", "1小时5分" / "4 min 30 s", "5 min",
    "45 s", "1 h 5 min"."""
    h, rest = divmod(max(0, int(seconds)), 3600)
    m, s = divmod(rest, 60)
    if language(lang) == "en":
        parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s else ""]
        return " ".join(p for p in parts if p) or "0 s"
    if m and not h and not s:
        return f"{m}分钟"
    return "".join([f"{h}小时" if h else "", f"{m}分" if m else "", f"{s}秒" if s else ""]) or "0秒"


# Against a plan: within a minute either side is on time; otherwise whole minutes, rounded half up.
ON_TIME_SECONDS = 60
DELAY_WORDS = {
    "late": NP_("晚%(num)s分钟", "晚%(num)s分钟"),
    "early": NP_("早%(num)s分钟", "早%(num)s分钟"),
}
ON_TIME = N_("准时")


def delay_minutes(seconds: int) -> int:
    """Seconds behind the plan as signed whole minutes (0 within a minute): 90 -> 2, -150 -> -3."""
    if abs(seconds) < ON_TIME_SECONDS:
        return 0
    minutes = (abs(seconds) + 30) // 60
    return minutes if seconds > 0 else -minutes


def delay(seconds: int, lang: str) -> str:
    """ "晚2分钟" / "早3分钟" / "准时" — "2 minutes late", "3 minutes early", "on time"."""
    minutes = delay_minutes(seconds)
    if minutes == 0:
        return gettext(ON_TIME, lang)
    singular, plural = DELAY_WORDS["late" if minutes > 0 else "early"]
    return ngettext(singular, plural, abs(minutes), lang)


COUNT_NOUNS = {
    "project": NP_("%(num)s个项目", "%(num)s个项目"),
    "item": NP_("%(num)s项", "%(num)s项"),
    "industry": NP_("%(num)s个产业类别", "%(num)s个产业类别"),
    "cue": NP_("%(num)s个流程环节", "%(num)s个流程环节"),
}


def count(n: int, noun: str, lang: str) -> str:
    """ "7个项目" / "7 projects"."""
    singular, plural = COUNT_NOUNS[noun]
    return ngettext(singular, plural, n, lang)


def count_figure(n: int, lang: str) -> Figure:
    """A count as a big number with its small measure word: "7" "个" (English needs none: "7")."""
    if language(lang) == "en":
        return Figure(str(n), str(n))
    return Figure(f"{n}个", str(n), "个")


def tier_label(floor_yi: int, lang: str, unit: str = "auto", decimals: int = DEFAULT_DECIMALS) -> str:
    """ "100亿元以上" / "CNY 10 billion or more": a band of the article's tier count."""
    amount = money(floor_yi * WAN_PER_YI, lang, unit, decimals).text
    return gettext(N_("%(amount)s以上"), lang, amount=amount)


def listing(items: list[str], lang: str) -> str:
    """ "新能源汽车、生物医药" / "new energy vehicles, biomedicine and new materials"; in Chinese, items that
    hold 、 themselves ("党工委书记、区委书记周建光") are parted by ， so that each reads as one."""
    return "".join(listing_parts(items, lang))


def listing_parts(items: list[str], lang: str) -> list[str]:
    """``listing``'s text cut after each item's separator (["周建光、", "李明"] / ["Zhou, ", "Li and ",
    "Wang"]), for a page that keeps each item from breaking inside while the list wraps between them."""
    items = list(items)
    if language(lang) != "en":
        sep = "，" if any("、" in item for item in items) else "、"
        return [item + sep for item in items[:-1]] + items[-1:]
    if len(items) <= 1:
        return items
    return [item + ", " for item in items[:-2]] + [items[-2] + " and ", items[-1]]
