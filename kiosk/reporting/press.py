"""The paragraph the press will print, in the article's own style, from the signed projects.

From the sample fully signed it is the seed article's sentence, word for word:
"此次签约的7个项目，总投资206亿元，总用地约4150亩。其中，100亿元以上项目1个，…所涉及的产业均来自新能源汽车、
生物医药、现代农业、新材料等。" Both languages are always written (the release goes out in both); each
sentence is a message of the catalogue, each figure comes from the formatter.

Then who spoke, as the article names them — "高新区党工委书记、天元区委书记周建光致辞。", "万洋众创城投资集团有限公司
总裁吴建明、深圳市北科生物有限公司副董事长包磊作为企业代表发言。" — from the speeches (致辞) and remarks (发言) of
the agenda that actually started in the run's log, in the order they first did.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ceremony.english import in_language
from ..ceremony.rules import figures, ordered
from ..ceremony.views import industry_label
from ..core.model import Ceremony, LogEntry
from ..words import format as fmt
from ..words.catalogue import LANGUAGES, N_, NP_, gettext, ngettext
from .agenda import starts

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
# A speaker as the article names one: the title before the name ("区委书记周建光"); English after it.
SPEAKER = N_("%(role)s%(person)s")
SPOKE = {
    "speech": NP_("%(people)s致辞。", "%(people)s分别致辞。"),
    "remarks": NP_("%(people)s作为企业代表发言。", "%(people)s作为企业代表发言。"),
}


def speakers(c: Ceremony, log: Sequence[LogEntry]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The speeches and remarks that started in ``log``: ``[(kind, [(role, person), ...]), ...]``, each
    kind once, kinds and people in the order they first started; a speaker named twice is named once."""
    by_id = {q.id: q for q in c.cues}
    spoken: dict[str, list[tuple[str, str]]] = {}
    for entry in starts(log):
        q = by_id.get(entry.cue_id)
        if q is None or q.kind not in SPOKE or not q.person:
            continue
        people = spoken.setdefault(q.kind, [])
        if (q.role, q.person) not in people:
            people.append((q.role, q.person))
    return list(spoken.items())


def speaker(role: str, person: str, lang: str) -> str:
    """ "区委书记周建光" / "周建光 (区委书记)"; the name alone without a title ("" without a name)."""
    if not person:
        return ""
    return gettext(SPEAKER, lang, role=role, person=person) if role else person


def _spoke(c: Ceremony, log: Sequence[LogEntry], lang: str) -> list[str]:
    sentences = []
    for kind, people in speakers(c, log):
        names = [speaker(role, person, lang) for role, person in people]
        singular, plural = SPOKE[kind]
        sentences.append(ngettext(singular, plural, len(people), lang, people=fmt.listing(names, lang)))
    return sentences


def _join(parts: list[str], lang: str) -> str:
    if lang == "en":
        return fmt.listing(parts, lang)
    return gettext(TIER_JOIN, lang).join(parts)


def paragraph(c: Ceremony, lang: str, log: Sequence[LogEntry] = ()) -> str:
    c = in_language(c, lang)
    event = c.event
    unit, decimals = event.money_unit, event.money_decimals
    signed = [p for p in ordered(c.projects) if p.id in c.state.signed]
    # The English sentence puts "the" before the title, so a title that has its own drops it.
    title = event.title[4:] if lang == "en" and event.title.lower().startswith("the ") else event.title
    if event.date:
        text = gettext(OPENING, lang, date=fmt.date(event.date, lang), title=title)
    else:
        text = gettext(OPENING_UNDATED, lang, title=title)
    glue = " " if lang == "en" else ""
    if not signed:
        return text + glue + glue.join([gettext(NOT_STARTED, lang), *_spoke(c, log, lang)])
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
    sentences.extend(_spoke(c, log, lang))
    return text + glue + glue.join(sentences)


def press_summary(c: Ceremony, log: Sequence[LogEntry] = ()) -> dict[str, str]:
    """``{"zh": ..., "en": ...}``: the paragraph in each language. ``log``: the run's entries, for who
    spoke (without it, no one is named)."""
    return {lang: paragraph(c, lang, log) for lang in LANGUAGES}
