"""One project's fields as organisers type them, validated the same way for every way in.

Pure Python: the importer (CSV/XLSX), the admin pages and the CLI all turn raw cells into a
``ProjectDraft`` through here, so one rule set decides what a valid project is.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ProjectDraft:
    """A validated project, not yet stored. Money is an integer of 万元; land is an exact Decimal."""

    name: str
    investor: str
    amount_wan: int
    order: int | None = None
    land_mu: Decimal | None = None
    industry: str | None = None
    signatories: tuple[str, ...] = field(default_factory=tuple)
    concierge_name: str | None = None
    concierge_phone: str | None = None
    summary: str | None = None


# The canonical Chinese header of every field, in the column order of the import format.
FIELD_LABELS: dict[str, str] = {
    "order": "序号",
    "name": "项目名称",
    "investor": "签约企业",
    "amount_yi": "投资额（亿元）",
    "amount_wan": "投资额（万元）",
    "land_mu": "用地（亩）",
    "industry": "产业类别",
    "signatories": "签约代表",
    "concierge_name": "服务专员",
    "concierge_phone": "专员电话",
    "summary": "项目简介",
}
FIELD_KEYS: tuple[str, ...] = tuple(FIELD_LABELS)

TEXT_MAX = 120
SUMMARY_MAX = 500
# Sanity caps, far above any real project, so a slip of the keyboard cannot overflow a 64-bit column.
MAX_AMOUNT_WAN = 10**12
MAX_LAND_MU = 10**9
MAX_ORDER = 10**6

REQUIRED = "必填"
AMOUNT_MISSING = "投资额（亿元）或投资额（万元）必填一项"
BAD_AMOUNT_YI = "必须是不小于 0 的数字，最多 4 位小数"
BAD_AMOUNT_WAN = "必须是不小于 0 的整数"
BAD_LAND = "必须是不小于 0 的数字"
BAD_ORDER = "必须是正整数"
BAD_PHONE = "不是有效的电话号码（5–20 位数字，可含空格、-、括号、开头的 +，分机写“转”或 ext）"
NO_UNITS = "只填数字，不要带单位或文字"
TOO_BIG = "数值过大"
CONTROL_CHARS = "不能包含换行或其他控制字符"
LINE_CONTROL_CHARS = "不能包含控制字符"

# What Excel shows for a formula that failed; an import must not take these for names or numbers.
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)

_SIGNATORY_SEPARATORS = re.compile(r"[、，;；]")
# Grouping commas are accepted only in the strict 1,234,567 shape: "1,5" stays an error rather than a guess.
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_PHONE = re.compile(r"\+?[0-9(][0-9() \-]*(?:(?:转|ext\.?) *[0-9]+)?", re.IGNORECASE)
_CJK_OR_LETTER = re.compile(r"[^\W\d_]")


class FieldErrors(ValueError):
    """Every problem found in one set of cells.

    ``errors`` is a list of ``(field_key, reason)`` pairs in field order, reasons in Chinese.
    ``values`` holds the fields that did parse, so callers can still run cross-row checks
    (duplicate names, 序号) on a row that is otherwise invalid.
    """

    def __init__(self, errors: list[tuple[str, str]], values: dict[str, object] | None = None):
        self.errors = list(errors)
        self.values = dict(values or {})
        super().__init__("; ".join(f"{key}: {reason}" for key, reason in self.errors))


class _Invalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
    """True for a cell with nothing in it: None, empty or whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


def _raw_text(value: object) -> str:
    """Any cell as trimmed text; numbers read as typed."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | Decimal) and _finite(value):
        return _plain_number(value)
    return str(value).strip()


def _has_control(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def _line(value: object, limit: int = TEXT_MAX) -> str:
    text = _raw_text(value)
    if _has_control(text):
        raise _Invalid(CONTROL_CHARS)
    if len(text) > limit:
        raise _Invalid(f"不能超过 {limit} 个字符")
    return text


def _summary(value: object) -> str:
    # Alt+Enter line breaks are fine in a summary; CSV may bring them as \r\n.
    text = _raw_text(value).replace("\r\n", "\n").replace("\r", "\n")
    if _has_control(text, allowed="\n\t"):
        raise _Invalid(LINE_CONTROL_CHARS)
    if len(text) > SUMMARY_MAX:
        raise _Invalid(f"不能超过 {SUMMARY_MAX} 个字符")
    return text


def _signatories(value: object) -> tuple[str, ...]:
    names = tuple(part.strip() for part in _SIGNATORY_SEPARATORS.split(_raw_text(value)))
    names = tuple(name for name in names if name)
    for name in names:
        if _has_control(name):
            raise _Invalid(CONTROL_CHARS)
        if len(name) > TEXT_MAX:
            raise _Invalid(f"每个姓名不能超过 {TEXT_MAX} 个字符")
    return names


def _decimal(value: object, reason: str) -> Decimal:
    """A non-negative exact Decimal from a cell, or _Invalid(reason)."""
    if isinstance(value, bool):
        raise _Invalid(reason)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        if not _finite(value):
            raise _Invalid(reason)
        number = _float_decimal(value) if isinstance(value, float) else value
    elif isinstance(value, str):
        # NFKC turns full-width digits and points typed with a Chinese IME into ASCII.
        text = unicodedata.normalize("NFKC", value).strip()
        if not _NUMBER.fullmatch(text):
            raise _Invalid(NO_UNITS if _CJK_OR_LETTER.search(text) else reason)
        number = Decimal(text.replace(",", ""))
    else:
        raise _Invalid(reason)
    if number < 0:
        raise _Invalid(reason)
    return number


def _places(number: Decimal) -> int:
    """Decimal places that carry information: 1.50 has one, 100 has none."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0 or not number:
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def _integer(value: object, reason: str, maximum: int) -> int:
    number = _decimal(value, reason)
    if number > maximum:
        raise _Invalid(TOO_BIG)
    if _places(number):
        raise _Invalid(reason)
    return int(number)


def _yi_to_wan(number: Decimal) -> Decimal:
    # Shift the exponent instead of multiplying, so no context precision can ever round it.
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent + 4))


def _amount_yi(value: object) -> Decimal:
    number = _decimal(value, BAD_AMOUNT_YI)
    if _places(number) > 4:
        raise _Invalid(BAD_AMOUNT_YI)
    if _yi_to_wan(number) > MAX_AMOUNT_WAN:
        raise _Invalid(TOO_BIG)
    return number


def _amount_wan(value: object) -> int:
    return _integer(value, BAD_AMOUNT_WAN, MAX_AMOUNT_WAN)


def _order(value: object) -> int:
    number = _integer(value, BAD_ORDER, MAX_ORDER)
    if number < 1:
        raise _Invalid(BAD_ORDER)
    return number


def _land(value: object) -> Decimal:
    number = _decimal(value, BAD_LAND)
    if number > MAX_LAND_MU:
        raise _Invalid(TOO_BIG)
    return number


def _phone(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number-typed cell: its digits are the phone (a lost leading 0 cannot be recovered).
        text = _plain_number(value) if isinstance(value, float) else str(value)
    else:
        text = unicodedata.normalize("NFKC", _raw_text(value))
    digits = sum(ch.isascii() and ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text) or not 5 <= digits <= 20:
        raise _Invalid(BAD_PHONE)
    return text


_PARSERS = {
    "order": _order,
    "name": _line,
    "investor": _line,
    "amount_yi": _amount_yi,
    "amount_wan": _amount_wan,
    "land_mu": _land,
    "industry": _line,
    "signatories": _signatories,
    "concierge_name": _line,
    "concierge_phone": _phone,
    "summary": _summary,
}
_REQUIRED_KEYS = frozenset({"name", "investor"})


def draft_from_cells(cells: dict[str, object]) -> ProjectDraft:
    """Validate one project's raw cells and build its ``ProjectDraft``.

    ``cells`` maps field keys (see ``FIELD_KEYS``) to raw values: ``str``, ``int``, ``float`` (as
    openpyxl returns numeric cells), ``Decimal``, ``None`` or blank. Missing keys count as blank;
    an unknown key is a programming error (``ValueError``), so a typo in a caller cannot silently
    drop a field.

    Money is exact and never touches float arithmetic: an Excel float becomes a ``Decimal`` of its
    15 significant digits (what Excel itself keeps, and the same as ``repr`` for anything typed),
    and ``amount_wan`` is ``amount_yi × 10000`` by shifting the decimal exponent. Thousands
    separators are accepted only in the unambiguous ``1,234,567.5`` shape; anything else with a
    comma, or a unit such as "100亿", is rejected with a clear reason.

    Raises ``FieldErrors`` with every problem of the cells, not just the first.
    """
    unknown = set(cells) - set(FIELD_KEYS)
    if unknown:
        raise ValueError(f"unknown field keys: {sorted(unknown)}")

    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    for key, parse in _PARSERS.items():
        raw = cells.get(key)
        if is_blank(raw):
            if key in _REQUIRED_KEYS:
                errors.append((key, REQUIRED))
            continue
        if isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS:
            errors.append((key, f"是 Excel 错误值 {raw.strip().upper()}，请检查公式"))
            continue
        try:
            parsed = parse(raw)
        except _Invalid as problem:
            errors.append((key, problem.reason))
            continue
        # Text that is blank once cleaned (e.g. a lone "、" in 签约代表) is as good as missing.
        if parsed == "" or parsed == ():
            if key in _REQUIRED_KEYS:
                errors.append((key, REQUIRED))
            continue
        values[key] = parsed

    amount_wan = _resolve_amount(cells, values, errors)
    if errors:
        raise FieldErrors(sorted(errors, key=lambda error: FIELD_KEYS.index(error[0])), values)
    assert amount_wan is not None
    return ProjectDraft(
        name=str(values["name"]),
        investor=str(values["investor"]),
        amount_wan=amount_wan,
        order=values.get("order"),
        land_mu=values.get("land_mu"),
        industry=values.get("industry"),
        signatories=values.get("signatories", ()),
        concierge_name=values.get("concierge_name"),
        concierge_phone=values.get("concierge_phone"),
        summary=values.get("summary"),
    )


def _resolve_amount(
    cells: dict[str, object], values: dict[str, object], errors: list[tuple[str, str]]
) -> int | None:
    """The amount in 万元 from whichever of the two columns is filled; appends to ``errors``."""
    yi, wan = values.get("amount_yi"), values.get("amount_wan")
    if is_blank(cells.get("amount_yi")) and is_blank(cells.get("amount_wan")):
        errors.append(("amount_yi", AMOUNT_MISSING))
        return None
    if isinstance(yi, Decimal):
        from_yi = _yi_to_wan(yi)  # integral: _amount_yi allowed at most 4 places
        if isinstance(wan, int) and wan != from_yi:
            errors.append(
                ("amount_wan", f"与投资额（亿元）不一致：{_plain_number(yi)} 亿元 = {int(from_yi)} 万元")
            )
            return None
        return int(from_yi)
    return wan if isinstance(wan, int) else None
