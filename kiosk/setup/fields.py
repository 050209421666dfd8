"""Every field an organiser fills in, validated once: the importer, the project editor, the card editor, the
event settings and the API all come through here, so one rule decides what a valid value is.

Pure Python. A problem is a stable code with its parameters (``FieldError``); the words for it live in
``kiosk.words.messages``. The limits the pages need (lengths, counts, choices) are read from ``FIELDS`` by
the server and sent to them (``limits()``), never copied into a page.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ..core.model import CERTIFICATE_TEMPLATES, CUE_KINDS, MAX_ID, MAX_ROUND, PARTIES
from ..words.catalogue import LANGUAGES, N_
from ..words.columns import agenda_label, project_label
from ..words.format import MAX_DECIMALS, MONEY_UNITS
from ..words.show import CUE_KIND_ALIASES, CUE_KIND_WORDS

# Sanity caps, far above any real project, so a slip of the keyboard cannot overflow a 64-bit column.
MAX_AMOUNT_WAN = 10**12
MAX_LAND_MU = 10**9
MAX_ORDER = 10**6
SERVICES_MAX = 12
THEMES = ("red", "blue")

# What Excel shows for a formula that failed; an import must not take these for names or numbers.
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)

_SIGNATORY_SEPARATORS = re.compile(r"[、，;；]")
# English names are listed with an ASCII comma too ("John Smith, Li Ming").
_SIGNATORY_SEPARATORS_EN = re.compile(r"[、，,;；]")
# Grouping commas are accepted only in the strict 1,234,567 shape: "1,5" stays an error rather than a guess.
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
# Digits, spaces, -, parentheses, a leading +, and an extension written 转 / ext / x.
_PHONE = re.compile(r"\+?[0-9(][0-9() \-]*(?:(?:转|ext\.?|x) *[0-9]{1,6})?", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
COLOR_PATTERN = "#[0-9a-fA-F]{6}"
_COLOR = re.compile(COLOR_PATTERN)
_CJK_OR_LETTER = re.compile(r"[^\W\d_]")


class FieldError(ValueError):
    """One thing wrong with one value: a stable ``code`` and what its message names."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Problem:
    """A field's problem, as the edge turns it into words: ``field`` key, ``code``, ``params``."""

    field: str
    code: str
    params: dict = field(default_factory=dict)


class FieldErrors(ValueError):
    """Every problem found in one set of values, in field order.

    ``values`` holds the fields that did parse, so callers can still run cross-row checks (duplicate
    names, 序号) on a row that is otherwise invalid.
    """

    def __init__(self, problems: list[Problem], values: dict[str, object] | None = None):
        self.problems = list(problems)
        self.values = dict(values or {})
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in self.problems))


@dataclass(frozen=True)
class Field:
    """One field: its label (a message id), how raw input becomes a value, and what pages may know of it."""

    key: str
    label: str | tuple[str, str]
    parse: Callable[[object], object]
    max_length: int | None = None
    multiline: bool = False
    choices: tuple[str, ...] | None = None
    max_items: int | None = None
    item_length: int | None = None
    pattern: str | None = None  # the whole value must match (the pages test it as they type)

    def limits(self) -> dict:
        out: dict = {}
        for name in ("max_length", "choices", "max_items", "item_length", "pattern"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


# -- raw cells ------------------------------------------------------------------------------------------


def _plain_number(value: float | Decimal) -> str:
    """Render a numeric cell as a person would read it: 3.0 -> "3", 1e-05 -> "0.00001"."""
    text = format(_float_decimal(value) if isinstance(value, float) else value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _float_decimal(value: float) -> Decimal:
    # Excel keeps 15 significant digits, and any decimal of up to 15 digits survives the trip through a
    # float, so this is the number as typed; beyond that a cached formula result holds only binary noise
    # (=0.1+0.2 is stored as 0.30000000000000004), which must not count as decimal places.
    return Decimal(format(value, ".15g"))


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def is_blank(value: object) -> bool:
    """True for a cell with nothing in it: None, empty or whitespace only, or an empty list (a list field
    sent empty as JSON). The one test of blank: the fields and the amount's either-column rule both ask it."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _raw_text(value: object) -> str:
    """Any cell as trimmed text; numbers read as typed. Lists and objects are not text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | Decimal) and _finite(value):
        return _plain_number(value)
    if isinstance(value, int):
        return str(value)
    raise FieldError("not_text")


def _has_control(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


# -- parsers --------------------------------------------------------------------------------------------


def line(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _raw_text(value)
        if _has_control(text):
            raise FieldError("control_chars")
        if len(text) > limit:
            raise FieldError("too_long", max=limit)
        return text

    return parse


def paragraph(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        # Alt+Enter line breaks are fine here; CSV may bring them as \r\n.
        text = _raw_text(value).replace("\r\n", "\n").replace("\r", "\n")
        if _has_control(text, allowed="\n\t"):
            raise FieldError("line_control_chars")
        if len(text) > limit:
            raise FieldError("too_long", max=limit)
        return text

    return parse


PERSON_MAX = 60


def _signatories(value: object, separators: re.Pattern = _SIGNATORY_SEPARATORS) -> tuple[str, ...]:
    if isinstance(value, list):
        value = "、".join(_raw_text(v) for v in value)
    names = tuple(part.strip() for part in separators.split(_raw_text(value)))
    names = tuple(name for name in names if name)
    for name in names:
        if _has_control(name):
            raise FieldError("control_chars")
        if len(name) > PERSON_MAX:
            raise FieldError("name_too_long", max=PERSON_MAX)
    return names


def _decimal(value: object, code: str) -> Decimal:
    """A non-negative exact Decimal from a cell, or FieldError(code)."""
    if isinstance(value, bool):
        raise FieldError(code)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        if not _finite(value):
            raise FieldError(code)
        number = _float_decimal(value) if isinstance(value, float) else value
    elif isinstance(value, str):
        # NFKC turns full-width digits and points typed with a Chinese IME into ASCII.
        text = unicodedata.normalize("NFKC", value).strip()
        if not _NUMBER.fullmatch(text):
            raise FieldError("no_units" if _CJK_OR_LETTER.search(text) else code)
        number = Decimal(text.replace(",", ""))
    else:
        raise FieldError(code)
    if number < 0:
        raise FieldError(code)
    return number


def places(number: Decimal) -> int:
    """Decimal places that carry information: 1.50 has one, 100 has none."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0 or not number:
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def _integer(value: object, code: str, maximum: int) -> int:
    number = _decimal(value, code)
    if number > maximum:
        raise FieldError("too_big")
    if places(number):
        raise FieldError(code)
    return int(number)


def yi_to_wan(number: Decimal) -> Decimal:
    """亿元 to 万元 by shifting the exponent, so no context precision can ever round it."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent + 4))


def _amount_yi(value: object) -> Decimal:
    number = _decimal(value, "bad_amount_yi")
    if places(number) > 4:
        raise FieldError("bad_amount_yi")
    if yi_to_wan(number) > MAX_AMOUNT_WAN:
        raise FieldError("too_big")
    return number


def _amount_wan(value: object) -> int:
    return _integer(value, "bad_amount_wan", MAX_AMOUNT_WAN)


def _order(value: object) -> int:
    number = _integer(value, "bad_order", MAX_ORDER)
    if number < 1:
        raise FieldError("bad_order")
    return number


def _land(value: object) -> Decimal:
    number = _decimal(value, "bad_number")
    if number > MAX_LAND_MU:
        raise FieldError("too_big")
    return number


PHONE_MAX = 40


def _phone(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number-typed cell: its digits are the phone (a lost leading 0 cannot be recovered).
        text = _plain_number(value) if isinstance(value, float) else str(value)
    else:
        text = unicodedata.normalize("NFKC", _raw_text(value))
    digits = sum(ch.isascii() and ch.isdigit() for ch in text)
    if len(text) > PHONE_MAX or not _PHONE.fullmatch(text) or not 5 <= digits <= 20:
        raise FieldError("bad_phone")
    return text


def _email(value: object) -> str:
    text = line(120)(value)
    if not _EMAIL.fullmatch(text):
        raise FieldError("bad_email")
    return text


def choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def parse(value: object) -> str:
        if value not in options:
            raise FieldError("bad_choice", choices=" / ".join(options))
        return str(value)

    return parse


def _color(value: object) -> str:
    if not isinstance(value, str) or not _COLOR.fullmatch(value.strip()):
        raise FieldError("bad_color")
    return value.strip().lower()


def _date(value: object) -> str:
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise FieldError("bad_date") from None


# The venue's time zone: any IANA name the server's zone database knows; the admin offers these first (the
# venues this product is used at, and the zones remote guests and a laptop left on UTC bring).
DEFAULT_TIMEZONE = "Asia/Shanghai"
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)
TIMEZONE_MAX = 64


@functools.cache
def _known_timezones() -> dict[str, str]:
    """Every IANA name the zone database holds, by its lower-case spelling (so "asia/shanghai" is taken
    as Asia/Shanghai). Read once: listing the database walks its folder."""
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _timezone(value: object) -> str:
    text = unicodedata.normalize("NFKC", _raw_text(value)).strip()
    # (ZoneInfo alone would also open "posixrules" or a file path: only the database's own names count)
    name = _known_timezones().get(text.lower()) if len(text) <= TIMEZONE_MAX else None
    if name is None:
        raise FieldError("bad_timezone", example=DEFAULT_TIMEZONE)
    return name


def _decimals(value: object) -> int:
    try:
        return _integer(value, "bad_decimals", MAX_DECIMALS)
    except FieldError:
        raise FieldError("bad_decimals", max=MAX_DECIMALS) from None


YES = {"1", "true", "yes", "y", "是", "开"}
NO = {"0", "false", "no", "n", "否", "关"}


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise FieldError("bad_flag")


SERVICE_MAX = 40


def _services(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise FieldError("not_list")
    items = tuple(s.strip() for s in value if s.strip())
    if len(items) > SERVICES_MAX:
        raise FieldError("too_many", max=SERVICES_MAX)
    if any(len(s) > SERVICE_MAX or _has_control(s) for s in items):
        raise FieldError("item_too_long", max=SERVICE_MAX)
    return items


# -- the agenda (流程) ------------------------------------------------------------------------------------

# The 环节 column takes a kind's label as the screens show it, or its English id as it is.
_CUE_KIND_LOOKUP = {**{kind: kind for kind in CUE_KINDS}, **CUE_KIND_WORDS, **CUE_KIND_ALIASES}


def _cue_kind(value: object) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _raw_text(value))).lower()
    kind = _CUE_KIND_LOOKUP.get(text)
    if kind is None:
        raise FieldError("bad_cue_kind", choices=list(CUE_KIND_WORDS), ids=", ".join(CUE_KINDS))
    return kind


# NFKC has already made "，" and "；" ASCII; "、" is what a Chinese IME types between items.
_ORDER_SEPARATORS = re.compile(r"[、,;/\s]+")


def _project_orders(value: object) -> tuple[int, ...]:
    """A round's projects by their running-order numbers: "1、2、3" (or a single number cell)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        parts: list[object] = [value]
    else:
        text = unicodedata.normalize("NFKC", _raw_text(value))
        parts = [part for part in _ORDER_SEPARATORS.split(text) if part]
    orders: list[int] = []
    for part in parts:
        try:
            order = _order(part)
        except FieldError:
            raise FieldError("bad_project_numbers") from None
        if order in orders:
            raise FieldError("repeated_project", order=order)
        orders.append(order)
    if len(orders) > MAX_ROUND:
        raise FieldError("too_many", max=MAX_ROUND)
    return tuple(orders)


TIME_PATTERN = "([01]?[0-9]|2[0-3]):[0-5][0-9]"
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::00)?")
_DAY_MICROS = 24 * 3600 * 10**6
_MINUTE_MICROS = 60 * 10**6


def _clock_time(value: object) -> str:
    """A planned time as "HH:MM": typed ("9:05", "09:05", "9：05") or an Excel time cell."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 10**6 + value.microsecond
    elif isinstance(value, timedelta):
        micros = value // timedelta(microseconds=1)
    elif isinstance(value, float | Decimal) and _finite(value) and 0 <= value < 1:
        # A time in a cell formatted as a number: Excel keeps it as a fraction of the day.
        day = _float_decimal(value) if isinstance(value, float) else value
        micros = int(day * _DAY_MICROS)
    elif isinstance(value, str):
        match = _CLOCK.fullmatch(unicodedata.normalize("NFKC", value).strip())
        if not match:
            raise FieldError("bad_time")
        return f"{int(match[1]):02d}:{match[2]}"
    else:
        raise FieldError("bad_time")
    # A stored time is a binary fraction of a day, so 09:30 may come back a hair either side of it; a
    # second or more off a whole minute is a time with seconds, which a run of show does not plan.
    minute, rest = divmod(micros, _MINUTE_MICROS)
    minute += rest >= _MINUTE_MICROS // 2
    if 10**6 <= rest <= _MINUTE_MICROS - 10**6 or not 0 <= minute < 24 * 60:
        raise FieldError("bad_time")
    return f"{minute // 60:02d}:{minute % 60:02d}"


MAX_CUE_MINUTES = 600


def _cue_minutes(value: object) -> int:
    try:
        minutes = _integer(value, "bad_minutes", MAX_CUE_MINUTES)
    except FieldError as err:
        if err.code == "no_units":  # "5分钟": the same advice as for any number cell
            raise
        minutes = 0
    if minutes < 1:
        raise FieldError("bad_minutes", max=MAX_CUE_MINUTES)
    return minutes


def _field(key: str, label: str | tuple[str, str], parse, **extra) -> Field:
    return Field(key=key, label=label, parse=parse, **extra)


_CONTACT_NAME = _field(
    "contact_name", project_label("concierge_name"), line(PERSON_MAX), max_length=PERSON_MAX
)
_CONTACT_PHONE = _field("contact_phone", project_label("concierge_phone"), _phone, max_length=PHONE_MAX)

FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        # a project, as the import format names its columns
        _field("order", project_label("order"), _order),
        _field("name", project_label("name"), line(120), max_length=120),
        _field("investor", project_label("investor"), line(120), max_length=120),
        _field("amount_yi", project_label("amount_yi"), _amount_yi),
        _field("amount_wan", project_label("amount_wan"), _amount_wan),
        _field("land_mu", project_label("land_mu"), _land),
        _field("industry", project_label("industry"), line(120), max_length=120),
        _field("signatories", project_label("signatories"), _signatories, item_length=PERSON_MAX),
        _field("summary", project_label("summary"), paragraph(500), max_length=500, multiline=True),
        # a project's English forms, each with its Chinese field's limit
        _field("name_en", project_label("name_en"), line(120), max_length=120),
        _field("investor_en", project_label("investor_en"), line(120), max_length=120),
        _field("industry_en", project_label("industry_en"), line(120), max_length=120),
        _field(
            "signatories_en",
            project_label("signatories_en"),
            lambda value: _signatories(value, _SIGNATORY_SEPARATORS_EN),
            item_length=PERSON_MAX,
        ),
        # the golden key's contact: the import's 服务专员 and 专员电话 are these same two fields
        _CONTACT_NAME,
        _CONTACT_PHONE,
        _field("contact_title", N_("职务"), line(80), max_length=80),
        _field("contact_email", N_("电子邮箱"), _email, max_length=120),
        _field("contact_wechat", N_("微信号"), line(60), max_length=60),
        _field("services", N_("服务清单"), _services, max_items=SERVICES_MAX, item_length=SERVICE_MAX),
        _field("notes", N_("备注"), paragraph(500), max_length=500, multiline=True),
        # the event
        _field("title", N_("活动名称"), line(120), max_length=120),
        _field("subtitle", N_("副标题"), line(200), max_length=200),
        _field("date", N_("日期"), _date),
        _field("timezone", N_("时区"), _timezone, max_length=TIMEZONE_MAX),
        _field("venue", N_("地点"), line(120), max_length=120),
        _field("host", N_("主办单位"), line(160), max_length=160),
        _field("language", N_("屏幕语言"), choice(LANGUAGES), choices=LANGUAGES),
        _field("theme", N_("大屏主题"), choice(THEMES), choices=THEMES),
        _field("primary_color", N_("主色（背景）"), _color, max_length=7, pattern=COLOR_PATTERN),
        _field("accent_color", N_("强调色（文字、金线）"), _color, max_length=7, pattern=COLOR_PATTERN),
        _field("money_unit", N_("金额单位"), choice(MONEY_UNITS), choices=MONEY_UNITS),
        _field("money_decimals", N_("金额小数位"), _decimals),
        _field("publish_in_advance", N_("提前公开项目数字"), _flag),
        _field("show_goal", N_("目标进度"), _flag),
        _field("calm", N_("大屏动效"), _flag),
        # the event's English forms, each with its Chinese field's limit
        _field("title_en", N_("活动名称（英文）"), line(120), max_length=120),
        _field("subtitle_en", N_("副标题（英文）"), line(200), max_length=200),
        _field("venue_en", N_("地点（英文）"), line(120), max_length=120),
        _field("host_en", N_("主办单位（英文）"), line(160), max_length=160),
        # the 签约图 and the signing rules
        _field(
            "certificate_template",
            N_("签约图样式"),
            choice(CERTIFICATE_TEMPLATES),
            choices=CERTIFICATE_TEMPLATES,
        ),
        _field("ink_color", N_("签名墨色"), _color, max_length=7, pattern=COLOR_PATTERN),
        _field("signatures_required", N_("签名后方可确认签约"), _flag),
        _field("sign_on_submit", N_("最后一位签名提交后自动签约"), _flag),
        # a signing pad
        _field("pad_name", N_("签约代表"), line(PERSON_MAX), max_length=PERSON_MAX),
        _field("pad_party", N_("签约方"), choice(PARTIES), choices=PARTIES),
        _field("pad_remote_place", N_("远程签约地点"), line(40), max_length=40),
        _field("pad_project", N_("所属项目"), line(MAX_ID), max_length=MAX_ID),
        # a cue of the agenda, as its import names the columns (its 序号 is the project's "order")
        _field("cue_kind", agenda_label("cue_kind"), _cue_kind, choices=CUE_KINDS),
        _field("cue_title", agenda_label("cue_title"), line(120), max_length=120),
        _field("cue_person", agenda_label("cue_person"), line(PERSON_MAX), max_length=PERSON_MAX),
        _field("cue_role", agenda_label("cue_role"), line(120), max_length=120),
        _field("cue_projects", agenda_label("cue_projects"), _project_orders, max_items=MAX_ROUND),
        _field("cue_time", agenda_label("cue_time"), _clock_time, max_length=5, pattern=TIME_PATTERN),
        _field("cue_minutes", agenda_label("cue_minutes"), _cue_minutes),
        _field("cue_script", agenda_label("cue_script"), paragraph(4000), max_length=4000, multiline=True),
        # a cue's English forms, each with its Chinese field's limit
        _field("cue_title_en", agenda_label("cue_title_en"), line(120), max_length=120),
        _field("cue_person_en", agenda_label("cue_person_en"), line(PERSON_MAX), max_length=PERSON_MAX),
        _field("cue_role_en", agenda_label("cue_role_en"), line(120), max_length=120),
        _field(
            "cue_script_en", agenda_label("cue_script_en"), paragraph(4000), max_length=4000, multiline=True
        ),
    )
}
# The import format's names for the contact's two fields.
FIELDS["concierge_name"] = _CONTACT_NAME
FIELDS["concierge_phone"] = _CONTACT_PHONE


def parse(key: str, raw: object) -> object:
    """One field's value from raw input; raises ``FieldError``. Blank input is the caller's business."""
    if isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS:
        raise FieldError("excel_error", value=raw.strip().upper())
    return FIELDS[key].parse(raw)


def limits(*keys: str) -> dict[str, dict]:
    """What the pages may know of these fields (for ``maxlength`` and friends), from the one definition."""
    return {key: FIELDS[key].limits() for key in keys}


def clean(
    payload: dict, keys: tuple[str, ...], required: frozenset[str] = frozenset(), partial: bool = False
) -> dict[str, object]:
    """Validate ``payload``'s fields among ``keys``; blank means None (or missing when ``required``).

    ``partial``: only the keys given are returned (an edit of some fields); otherwise every key is.
    Raises ``FieldErrors`` with every problem, unknown keys included.
    """
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for key in keys:
        if partial and key not in payload:
            continue
        raw = payload.get(key)
        if is_blank(raw):
            if key in required:
                problems.append(Problem(key, "required"))
            else:
                out[key] = () if key == "services" and raw == [] else None
            continue
        try:
            value = parse(key, raw)
        except FieldError as err:
            problems.append(Problem(key, err.code, err.params))
            continue
        if value in ("", ()) and key in required:
            problems.append(Problem(key, "required"))
            continue
        out[key] = value if value not in ("", ()) or key == "services" else None
    problems.extend(Problem(k, "unknown_field") for k in sorted(set(payload) - set(keys)))
    if problems:
        raise FieldErrors(problems, out)
    return out


# -- a project ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDraft:
    """A validated project, not yet stored. Money is an integer of 万元; land is an exact Decimal."""

    name: str
    investor: str
    amount_wan: int
    order: int | None = None
    land_mu: Decimal | None = None
    industry: str | None = None
    signatories: tuple[str, ...] = ()
    concierge_name: str | None = None
    concierge_phone: str | None = None
    summary: str | None = None
    name_en: str = ""
    investor_en: str = ""
    industry_en: str = ""
    signatories_en: tuple[str, ...] = ()


ENGLISH_PROJECT_KEYS = ("name_en", "investor_en", "industry_en", "signatories_en")
# The import format's columns, in its order (CONTRACT.md); the English forms, optional, after them.
PROJECT_KEYS: tuple[str, ...] = (
    "order",
    "name",
    "investor",
    "amount_yi",
    "amount_wan",
    "land_mu",
    "industry",
    "signatories",
    "concierge_name",
    "concierge_phone",
    "summary",
    *ENGLISH_PROJECT_KEYS,
)
_PROJECT_REQUIRED = frozenset({"name", "investor"})


def draft_from_cells(cells: dict[str, object]) -> ProjectDraft:
    """Validate one project's raw cells and build its ``ProjectDraft``.

    ``cells`` maps field keys (``PROJECT_KEYS``) to raw values: ``str``, ``int``, ``float`` (as openpyxl
    returns numeric cells), ``Decimal``, ``None`` or blank. Missing keys count as blank; an unknown key is
    a programming error (``ValueError``), so a typo in a caller cannot silently drop a field.

    Money is exact and never touches float arithmetic: an Excel float becomes a ``Decimal`` of its 15
    significant digits (what Excel itself keeps), and ``amount_wan`` is ``amount_yi × 10000`` by shifting
    the decimal exponent. Thousands separators are accepted only in the unambiguous ``1,234,567.5`` shape;
    anything else with a comma, or a unit such as "100亿", is rejected with a clear reason.

    Raises ``FieldErrors`` with every problem of the cells, not just the first.
    """
    unknown = set(cells) - set(PROJECT_KEYS)
    if unknown:
        raise ValueError(f"unknown field keys: {sorted(unknown)}")
    problems: list[Problem] = []
    try:
        values = clean(cells, PROJECT_KEYS, required=_PROJECT_REQUIRED)
    except FieldErrors as err:
        values, problems = err.values, err.problems
    amount_wan = _resolve_amount(cells, values, problems)
    if problems:
        problems.sort(key=lambda p: PROJECT_KEYS.index(p.field))
        raise FieldErrors(problems, values)
    assert amount_wan is not None
    return ProjectDraft(
        name=str(values["name"]),
        investor=str(values["investor"]),
        amount_wan=amount_wan,
        order=values.get("order"),
        land_mu=values.get("land_mu"),
        industry=values.get("industry"),
        signatories=values.get("signatories") or (),
        concierge_name=values.get("concierge_name"),
        concierge_phone=values.get("concierge_phone"),
        summary=values.get("summary"),
        name_en=values.get("name_en") or "",
        investor_en=values.get("investor_en") or "",
        industry_en=values.get("industry_en") or "",
        signatories_en=values.get("signatories_en") or (),
    )


def _resolve_amount(
    cells: dict[str, object], values: dict[str, object], problems: list[Problem]
) -> int | None:
    """The amount in 万元 from whichever of the two columns is filled; appends to ``problems``."""
    yi, wan = values.get("amount_yi"), values.get("amount_wan")
    if is_blank(cells.get("amount_yi")) and is_blank(cells.get("amount_wan")):
        problems.append(Problem("amount_yi", "amount_missing"))
        return None
    if isinstance(yi, Decimal):
        from_yi = yi_to_wan(yi)  # integral: _amount_yi allowed at most 4 places
        if isinstance(wan, int) and wan != from_yi:
            problems.append(
                Problem("amount_wan", "amount_mismatch", {"yi": _plain_number(yi), "wan": int(from_yi)})
            )
            return None
        return int(from_yi)
    return wan if isinstance(wan, int) else None


CARD_KEYS = (
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_wechat",
    "services",
    "notes",
)
# The event's English forms ("" where not given).
ENGLISH_EVENT_KEYS = ("title_en", "subtitle_en", "venue_en", "host_en")
EVENT_KEYS = (
    "title",
    "subtitle",
    "date",
    "timezone",
    "venue",
    "host",
    "language",
    "theme",
    "primary_color",
    "accent_color",
    "money_unit",
    "money_decimals",
    "publish_in_advance",
    "show_goal",
    "calm",
    *ENGLISH_EVENT_KEYS,
)
# The 签约图's look and the signing rules (stored on the event).
CERTIFICATE_KEYS = ("certificate_template", "ink_color", "signatures_required", "sign_on_submit")
PAD_KEYS = ("pad_name", "pad_party", "pad_remote_place")
ENGLISH_CUE_KEYS = ("cue_title_en", "cue_person_en", "cue_role_en", "cue_script_en")
# A cue's fields (kiosk.setup.agenda.CueDraft), in the agenda's column order.
CUE_KEYS = (
    "cue_kind",
    "cue_title",
    "cue_person",
    "cue_role",
    "cue_projects",
    "cue_time",
    "cue_minutes",
    "cue_script",
    *ENGLISH_CUE_KEYS,
)
