"""Chinese broken across lines only between words, in what the server typesets itself: the card page and
the printed card (WeasyPrint, whose Pango breaks Chinese between any two characters and knows no
``word-break: keep-all``). The pages the browser draws do the same with static/js/common/fit.js; both cut a
text into the same units.

The words come from ICU's dictionary break iterator, the one Chromium's ``Intl.Segmenter`` runs, called
through ctypes in the system's libicu (libxml2 and PostgreSQL depend on it: every machine the project sets
up has it): no Python package, the same dictionary as the pages, ~50 µs a name. Without libicu a text is
left as it was (Pango's breaks, as before)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re

from markupsafe import Markup, escape

OPENING = "（(“‘「『《【〈["
CLOSING = "）)”’」』》】〉]，,、。.：:；;！!？?·"
# A character the dictionary leaves alone after a word usually ends a name ("产业园", "新区"): these few join
# the word before them; any other lone character starts the next word ("新高地").
SUFFIXES = "园区城厂港站馆村镇路街场库院所楼店湖山"
HAN = re.compile(r"[\u3400-\u9fff]")
# A short part in brackets or quotes is one term ("“双循环”", "（一期）"): no break inside it.
BRACKETS = "）)”’」』》】〉]"
SHORT_BRACKETED = 8
WORD_JOINER = "\u2060"
_UBRK_WORD = 1
_DONE = -1


@functools.cache
def _icu():
    """libicu's word break iterator (ubrk_open, ubrk_next, ubrk_close), or None."""
    name = ctypes.util.find_library("icuuc")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    # libicu's symbols carry its major version (ubrk_open_72); a build without renaming has none.
    suffix = next((f"_{v}" for v in range(99, 49, -1) if hasattr(lib, f"ubrk_open_{v}")), "")
    try:
        open_, next_, close = (getattr(lib, n + suffix) for n in ("ubrk_open", "ubrk_next", "ubrk_close"))
    except AttributeError:
        return None
    open_.restype = ctypes.c_void_p
    open_.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_int32,
        ctypes.POINTER(ctypes.c_int),
    ]
    next_.restype = ctypes.c_int32
    next_.argtypes = [ctypes.c_void_p]
    close.argtypes = [ctypes.c_void_p]
    return open_, next_, close


def segments(text: str) -> list[str]:
    """ICU's Chinese words of ``text`` (the whole text as one piece without libicu)."""
    icu = _icu()
    if icu is None or not text:
        return [text] if text else []
    open_, next_, close = icu
    data = text.encode("utf-16-le")
    buffer = ctypes.create_string_buffer(data, len(data) + 2)
    status = ctypes.c_int(0)
    it = open_(_UBRK_WORD, b"zh", buffer, len(data) // 2, ctypes.byref(status))
    if status.value > 0 or not it:
        return [text]
    out, start = [], 0
    try:
        while (end := next_(it)) != _DONE:
            out.append(data[2 * start : 2 * end].decode("utf-16-le"))
            start = end
    finally:
        close(it)
    return out


def _single(segment: str | None) -> bool:
    return segment is not None and len(segment) == 1 and bool(HAN.match(segment))


def rule() -> dict:
    """The rule's characters, for the pages (templates/base.html hands them to static/js/common/fit.js):
    one list for the server's units and the pages'."""
    return {
        "opening": OPENING,
        "closing": CLOSING,
        "suffixes": SUFFIXES,
        "brackets": BRACKETS,
        "short_bracketed": SHORT_BRACKETED,
    }


def _bracketed(text: str) -> set[int]:
    """The positions a line must not break before: inside a short part in brackets or quotes, one term
    ("“双循环”", "（一期）")."""
    keep: set[int] = set()
    for i, ch in enumerate(text):
        if ch not in OPENING:
            continue
        for j in range(i + 1, min(len(text), i + SHORT_BRACKETED + 1)):
            if text[j] in BRACKETS:
                keep.update(range(i + 1, j + 1))
                break
    return keep


def units(text: str) -> list[str]:
    """The pieces a line may break between: the dictionary's words, with runs of single characters (names
    it does not know) kept together, a lone character joined to a word, punctuation kept with its word, a
    short part in brackets whole and a number with its unit. static/js/common/fit.js wordUnits is the same rule."""
    if not HAN.search(text or ""):
        return [text] if text else []
    parts = segments(text)
    keep = _bracketed(text)
    out: list[str] = []
    last_single = False
    pending = ""
    at = 0
    for i, seg in enumerate(parts):
        one = _single(seg)
        after = parts[i + 1] if i + 1 < len(parts) else None
        lone = one and not last_single and not _single(after)
        prev = out[-1] if out else None
        inside = at in keep
        at += len(seg)
        glue = (
            prev is not None
            and not pending
            and (
                inside
                or (one and last_single)
                or (lone and seg in SUFFIXES)
                or prev[-1] in OPENING
                or seg[0] in CLOSING
                or seg.isspace()
                or prev[-1].isdigit()
            )
        )
        last_single = one
        if glue:
            out[-1] = prev + seg
        elif lone and after is not None and HAN.match(after):
            pending += seg
        else:
            out.append(pending + seg)
            pending = ""
    if pending:
        out.append(pending)
    return out


def words_html(text: str | None) -> Markup:
    """For a page: the text with <wbr> between its units, for a box with ``word-break: keep-all``."""
    return Markup("<wbr>").join(escape(u) for u in units(text or ""))


def words_print(text: str | None) -> str:
    """For WeasyPrint: a word joiner between the characters of each unit, so Pango breaks only between
    units (it honours the joiner, not ``keep-all`` or <wbr>)."""
    out = []
    for unit in units(text or ""):
        for i, ch in enumerate(unit):
            if i and not ch.isspace() and not unit[i - 1].isspace():
                out.append(WORD_JOINER)
            out.append(ch)
    return "".join(out)


def words(text: str | None, printed: object = False) -> Markup:
    """The template filter: ``{{ name|words }}`` on a page, ``{{ name|words(inline_css) }}`` where the same
    template also makes the PDF (true there)."""
    return escape(words_print(text)) if printed else words_html(text)
