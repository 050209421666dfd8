"""The one catalogue of words: gettext, with the Chinese text as the message id and English as its
translation (``translations/en/LC_MESSAGES/messages.po``).

Flask-Babel reads the same compiled catalogue for the templates (``_()`` in Jinja); Python code outside a
request (the CLI, the views built after a command) asks here with an explicit language, which is the
event's. Placeholders are gettext's ``%(name)s``, the same in Python, Jinja and the pages' ``t()``.
"""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

TRANSLATIONS = Path(__file__).with_name("translations")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Marks a message id for extraction (``pybabel extract -k N_``) where it is only named, not translated."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with plural forms (``pybabel extract -k NP_:1,2``). Chinese has one form, so both
    are usually the same text; English says "1 project", "2 projects"."""
    return (singular, plural)


def NC_(context: str, msgid: str) -> tuple[str, str]:
    """Marks a message id that needs a context (``pybabel extract -k NC_:1c,2``): the same Chinese word
    that English says two ways ("大屏": the walls' list, a row's "on screen" tag)."""
    return (context, msgid)


def language(code: object) -> str:
    """A supported language for ``code`` (anything unknown is Chinese, the first language)."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()  # the message ids are the Chinese text
    return Translations.load(str(TRANSLATIONS), [lang], domain=DOMAIN)


def gettext(msgid: str, lang: str, /, **params: object) -> str:
    text = translations(language(lang)).gettext(msgid)
    return text % params if params else text


def pgettext(context: str, msgid: str, lang: str, /, **params: object) -> str:
    text = translations(language(lang)).pgettext(context, msgid)
    return text % params if params else text


def word(entry: str | tuple[str, str], lang: str) -> str:
    """A marked entry (``N_`` or ``NC_``) in ``lang``, without filling its placeholders."""
    if isinstance(entry, tuple):
        return translations(language(lang)).pgettext(*entry)
    return translations(language(lang)).gettext(entry)


def ngettext(singular: str, plural: str, n: int, lang: str, /, **params: object) -> str:
    text = translations(language(lang)).ngettext(singular, plural, n)
    return text % {"num": n, **params}
