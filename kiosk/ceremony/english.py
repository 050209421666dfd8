"""An English ceremony's names: the one place that swaps each name and title the organiser typed for its
English form. Plain Python on the model; every view, the report and the press release of an English event
build from what this returns, so no screen has its own fallback.

Where an English form is blank the Chinese stays: a screen is never blank for want of a translation (the
admin and the console count what is missing: ``kiosk.ceremony.rules.missing_english``).
"""

from __future__ import annotations

from dataclasses import replace

from ..core.model import Ceremony, Cue, Event, Pad, Project


def in_language(c: Ceremony, lang: str) -> Ceremony:
    """``c`` as a screen in ``lang`` names it: for "en" each name with its English form where given."""
    if lang != "en":
        return c
    projects = english_projects(c.projects)
    by_id = {p.id: (p, q) for p, q in zip(c.projects, projects, strict=True)}
    return replace(
        c,
        event=english_event(c.event),
        projects=projects,
        cues=tuple(english_cue(q) for q in c.cues),
        pads=tuple(_english_pad(d, by_id.get(d.project_id)) for d in c.pads),
    )


def english_event(e: Event) -> Event:
    return replace(
        e,
        title=e.title_en or e.title,
        subtitle=e.subtitle_en or e.subtitle,
        venue=e.venue_en or e.venue,
        host=e.host_en or e.host,
    )


def english_projects(projects: tuple[Project, ...]) -> tuple[Project, ...]:
    """Each project with its English names. An industry's English given on one project names that
    industry on every project (the finale's chart sums by industry, so one industry must read as one)."""
    industries = {p.industry: p.industry_en for p in projects if p.industry and p.industry_en}
    return tuple(
        replace(
            p,
            name=p.name_en or p.name,
            investor=p.investor_en or p.investor,
            industry=industries.get(p.industry, p.industry) if p.industry else p.industry,
            signatories=english_names(p.signatories, p.signatories_en),
        )
        for p in projects
    )


def english_names(names: tuple[str, ...], names_en: tuple[str, ...]) -> tuple[str, ...]:
    """The signatories in English, person by person: the Nth English name is the Nth person's."""
    count = max(len(names), len(names_en))
    return tuple(
        names_en[i] if i < len(names_en) and names_en[i] else names[i] if i < len(names) else ""
        for i in range(count)
    )


def english_cue(q: Cue) -> Cue:
    return replace(
        q,
        title=q.title_en or q.title,
        person=q.person_en or q.person,
        role=q.role_en or q.role,
        script=q.script_en or q.script,
    )


def _english_pad(d: Pad, pair: tuple[Project, Project] | None) -> Pad:
    """A pad's signatory as the wall names them: the project's signatory it names, in English."""
    if pair is None:
        return d
    chinese, english = pair
    if d.name in chinese.signatories:
        return replace(d, name=english.signatories[chinese.signatories.index(d.name)])
    return d
