"""The paragraph the press will print, in the article's own style, from the signed projects.

From the sample fully signed it is the seed article's sentence, word for word:
"此次签约的7个项目，总投资206亿元，总用地约4150亩。其中，100亿元以上项目1个，…所涉及的产业均来自新能源汽车、
生物医药、现代农业、新材料等。" Both languages are always written (the release goes out in both); each
sentence is a message of the catalogue, each figure comes from the formatter.
"""

from __future__ import annotations

from ..ceremony.model import Ceremony
from ..ceremony.rules import figures, ordered
from ..ceremony.views import industry_label
from ..words import format as fmt
from ..words.catalogue import LANGUAGES, N_, NP_, gettext, ngettext

# Industries are named in running order, at most four, then "等" (as the article does).
MAX_INDUSTRIES_NAMED = 4

OPENING = N_("%(date)s，%(title)s举行。")
OPENING_UNDATED = N_("%(title)s举行。")
NOT_STARTED = N_("签约尚未开始。")
TOTALS = NP_("此次签约的%(count)s，总投资%(total)s", "此次签约的%(count)s，总投资%(total)s")
TOTALS_LAND = N_("%(totals)s，总用地%(land)s。")
TOTALS_END = N_("%(totals)s。")
TIER = NP_("%(amount)s以上项目%(n)s个", "%(amount)s以上项目%(n)s个")
TIERS = N_("其中，%(tiers)s。")
TIER_JOIN = N_("，")
INDUSTRIES = N_("所涉及的产业均来自%(list)s。")
INDUSTRIES_MORE = N_("所涉及的产业均来自%(list)s等。")


def _join(parts: list[str], lang: str) -> str:
    if lang == "en":
        return fmt.listing(parts, lang)
    return gettext(TIER_JOIN, lang).join(parts)


def paragraph(c: Ceremony, lang: str) -> str:
    event = c.event
    unit, decimals = event.money_unit, event.money_decimals
    signed = [p for p in ordered(c.projects) if p.id in c.state.signed]
    if event.date:
        text = gettext(OPENING, lang, date=fmt.date(event.date, lang), title=event.title)
    else:
        text = gettext(OPENING_UNDATED, lang, title=event.title)
    if not signed:
        return f"{text} {gettext(NOT_STARTED, lang)}" if lang == "en" else text + gettext(NOT_STARTED, lang)
    f = figures(signed)
    count = len(signed)
    sentences = []
    totals = ngettext(
        TOTALS[0],
        TOTALS[1],
        count,
        lang,
        count=fmt.count(count, "project", lang),
        total=fmt.money(f["total_wan"], lang, unit, decimals).text,
    )
    if f["has_land"] and f["land_mu"] > 0:
        sentences.append(
            gettext(TOTALS_LAND, lang, totals=totals, land=fmt.land(f["land_mu"], lang, True).text)
        )
    else:
        sentences.append(gettext(TOTALS_END, lang, totals=totals))
    tiers = [
        ngettext(TIER[0], TIER[1], n, lang, n=n, amount=fmt.money(floor * 10_000, lang, unit, decimals).text)
        for floor, n in f["tiers"]
        if n
    ]
    if tiers:
        sentences.append(gettext(TIERS, lang, tiers=_join(tiers, lang)))
    industries = f["industries_in_order"]
    named = [industry_label(name, lang) for name in industries[:MAX_INDUSTRIES_NAMED]]
    if named:
        more = len(industries) > MAX_INDUSTRIES_NAMED
        sentences.append(
            gettext(INDUSTRIES_MORE if more else INDUSTRIES, lang, list=fmt.listing(named, lang))
        )
    glue = " " if lang == "en" else ""
    return text + glue + glue.join(sentences)


def press_summary(c: Ceremony) -> dict[str, str]:
    """``{"zh": ..., "en": ...}``: the paragraph in each language."""
    return {lang: paragraph(c, lang) for lang in LANGUAGES}
