"""What each audience is shown, built by the server: one builder per audience, tested as a table.

A view is plain JSON-ready data with every figure already written in the event's language (through
``kiosk.words.format``) and every state-derived answer already worked out — which project is up, what undo
would take back, what a button would do — so the pages only draw. The public view is what the room, the
livestream and any script may see; the operator view adds what the console and the admin pages need.
Neither carries a card's address or a contact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ...certificate.ink import PEN
from ...certificate.layout import label_end, marks, remote_line
from ...certificate.layout import layout as certificate_layout
from ...core.access import edits_locked
from ...core.model import (
    CUE_KINDS,
    LAYOUTS,
    PARTIES,
    SCREENS,
    SETUP_ACTION,
    Ceremony,
    Cue,
    Pad,
    Project,
    State,
)
from ...words import format as fmt
from ...words.catalogue import gettext, language, ngettext, pgettext, word
from ...words.show import CUE_KIND_LABELS, cue_heading
from ...words.views import (
    BY_DEVICE,
    CUE_STATES,
    EDITS_LOCKED,
    EDITS_UNLOCKED,
    GO_END,
    GO_NEXT,
    GO_WAITS,
    GOAL,
    HINT_ALL_DONE,
    HINT_ANNOUNCED,
    HINT_NO_PROJECTS,
    HINT_OTHER_ON_AIR,
    HINT_PENDING,
    HINT_SIGNED,
    KNOWN_INDUSTRIES,
    LAST_CHANGE,
    LAST_CHANGE_PADS,
    LAYOUT_LABELS,
    MILESTONE,
    MISSING_ENGLISH,
    MISSING_JOIN,
    NEXT_ACTION,
    ON_AIR_NOTES,
    ON_AIR_UNCONFIRMED,
    OPERATOR_STATUS,
    OUT_OF_ORDER,
    OUT_OF_ORDER_GO,
    PAD_HINTS,
    PAD_STATE_LABELS,
    PANIC_ON,
    PARTY_LABELS,
    PLACEHOLDERS,
    PLANNED,
    PROGRESS,
    PUBLIC_STATUS,
    REMOTE_PLACE,
    ROUND_LINE,
    SCREEN_LABELS,
    UNDO_FACTS,
    WAITING_SIGNATURES,
    device_text,
)
from ..english import in_language
from ..rules import (
    GO_GUARD_MS,
    cue_index,
    figures,
    following_id,
    in_order,
    is_public,
    milestone_crossed,
    milestones,
    missing_english,
    next_pending_id,
    ordered,
    pad_state,
    placeholder_fields,
    round_of,
    round_signed,
    speaking,
    standby_cue,
    status_of,
    undo_target,
    unsigned_in_round,
    unsubmitted,
    up_now_id,
    yi,
)


def industry_label(name: str, lang: str) -> str:
    return word(name, lang) if name in KNOWN_INDUSTRIES else name


class _Words:
    """The event's way of writing figures, bound once per view."""

    def __init__(self, ceremony: Ceremony):
        e = ceremony.event
        self.lang = language(e.language)
        self.zone = e.timezone
        self.unit, self.decimals = e.money_unit, e.money_decimals

    def money(self, wan: int) -> dict:
        return fmt.money(wan, self.lang, self.unit, self.decimals).json()

    def money_text(self, wan: int) -> str:
        return fmt.money(wan, self.lang, self.unit, self.decimals).text

    def land(self, mu, approx: bool = False) -> dict | None:
        figure = fmt.land(mu, self.lang, approx=approx)
        return None if figure is None else figure.json()

    def t(self, msgid: str | tuple[str, str], **params) -> str:
        if isinstance(msgid, tuple):
            return pgettext(*msgid, self.lang, **params)
        return gettext(msgid, self.lang, **params)

    def projects(self, n: int) -> str:
        return fmt.count(n, "project", self.lang)

    def listing(self, items: list[str]) -> str:
        return fmt.listing(items, self.lang)

    def listing_parts(self, items: list[str]) -> list[str]:
        return fmt.listing_parts(items, self.lang)


def _project(p: Project, state: State, w: _Words, statuses: dict) -> dict:
    status = status_of(state, p.id)
    signed_at = state.signed[p.id].at if p.id in state.signed else None
    return {
        "id": p.id,
        "order": p.order,
        "name": p.name,
        "investor": p.investor,
        "amount_wan": p.amount_wan,
        "amount_yi": yi(p.amount_wan),
        "amount": w.money(p.amount_wan),
        "land_mu": None if p.land_mu is None else format(p.land_mu.normalize(), "f"),
        "land": w.land(p.land_mu),
        "industry": p.industry,
        "industry_label": industry_label(p.industry, w.lang) if p.industry else None,
        "signatories": list(p.signatories),
        # The names as the wall lists them, each with the separator after it (a name never breaks inside).
        "signatories_listed": w.listing_parts([n for n in p.signatories if n]),
        "summary": p.summary,
        "status": status,
        "status_text": w.t(statuses[status]),
        # Every instant a view carries is on the venue's clock (the event's zone), with its offset.
        "signed_at": fmt.iso_in(signed_at, w.zone),
        "signed_time": fmt.time(signed_at, w.zone),
    }


def _figures(projects: list[Project], w: _Words) -> dict:
    f = figures(projects)
    land = f["land_mu"] if f["has_land"] else None
    return {
        "total_wan": f["total_wan"],
        "total_yi": yi(f["total_wan"]),
        "total": w.money(f["total_wan"]),
        "land_mu": None if land is None else format(land.normalize(), "f"),
        "land": w.land(land, approx=True),
        "count": f["count"],
        "count_text": w.projects(f["count"]),
        "tiers": [
            {
                "min_yi": floor,
                "label": fmt.tier_label(floor, w.lang, w.unit, w.decimals),
                "count": n,
                "count_text": w.projects(n),
            }
            for floor, n in f["tiers"]
        ],
        "industries": [
            {
                "name": r["name"],
                "label": industry_label(r["name"], w.lang),
                "count": r["count"],
                "count_text": w.projects(r["count"]),
                "amount_wan": r["amount_wan"],
                "amount_yi": yi(r["amount_wan"]),
                "amount": w.money(r["amount_wan"]),
            }
            for r in f["industries"]
        ],
        "industries_in_order": f["industries_in_order"],
        # The charts' alternative text: what each bar says, listed.
        "tiers_text": w.listing(
            [
                f"{fmt.tier_label(floor, w.lang, w.unit, w.decimals)} {w.projects(n)}"
                # The bars the chart draws: the tiers holding a project (all while none does).
                for floor, n in ([t for t in f["tiers"] if t[1]] or f["tiers"])
            ]
        ),
        "industries_text": w.listing(
            [f"{industry_label(r['name'], w.lang)} {w.money_text(r['amount_wan'])}" for r in f["industries"]]
        ),
    }


def _event(c: Ceremony, w: _Words) -> dict:
    e = c.event
    return {
        "title": e.title,
        "subtitle": e.subtitle,
        "date": e.date,
        "date_text": fmt.date(e.date, w.lang) if e.date else "",
        "timezone": e.timezone,
        "venue": e.venue,
        "host": e.host,
        "language": w.lang,
        "theme": e.theme,
        "colors": {"primary": e.primary_color, "accent": e.accent_color},
        "logo_url": f"/media/{e.logo}" if e.logo else None,
        "background_url": f"/media/{e.background}" if e.background else None,
        "money_unit": e.money_unit,
        "money_decimals": e.money_decimals,
        "publish_in_advance": e.publish_in_advance,
        "show_goal": e.show_goal,
        "calm": e.calm,
    }


def cue_title(c: Cue, lang: str, names: dict[str, str]) -> str:
    """A cue's title, or (a cue the agenda made from the projects) what it is: its projects' names, else
    its kind. ``names``: project id -> name. The console, the MC and the AV desk all name it so."""
    if c.title:
        return c.title
    found = [names[pid] for pid in c.project_ids if pid in names]
    return fmt.listing(found, lang) or word(CUE_KIND_LABELS[c.kind], lang)


def _cues(c: Ceremony, w: _Words, projects: list[dict]) -> tuple[list[dict], dict]:
    """Every view's run of show: the agenda's cues (what anyone may know of them) and where the show is."""
    # (made once: every cue made from the projects is titled by its projects' names)
    names = {p["id"]: p["name"] for p in projects}
    state = c.state
    standby = standby_cue(state, c.cues)
    current = next((q for q in c.cues if q.id == state.cue_id), None)
    caption = None
    if current is not None and speaking(current) and state.caption_cue_id == current.id and not state.panic:
        caption = {"cue_id": current.id, "name": current.person, "role": current.role}
    rows = [
        {
            "id": q.id,
            "order": q.order,
            "kind": q.kind,
            "kind_label": w.t(CUE_KIND_LABELS[q.kind]),
            "title": cue_title(q, w.lang, names),
            "project_ids": list(q.project_ids),
        }
        for q in c.cues
    ]
    cue = {
        "current_id": current.id if current else None,
        "standby_id": standby.id if standby else None,
        "started_at": fmt.iso_in(state.cue_at, w.zone) if current else None,
        "panic": state.panic,
        # The speaker's name and title over the wall, while the wall shows the speech's look.
        "lower_third": caption,
    }
    return rows, cue


def _call_up(
    person: str | None, projects: list[dict], pads: Sequence[Pad], w: _Words
) -> tuple[list[str], list[dict]]:
    """Who the MC calls to the stage (the cue's ``person`` first), and who signs from elsewhere. A project with pads is signed
    by its pads' people: those at the table are called up (the district's first, each name once though one
    signs several projects), the remote ones are named apart with their place. A project without pads
    falls back to the signatories the organiser typed."""
    names = [person] if person else []
    remote: list[dict] = []
    ids = {p["id"] for p in projects}
    signing = sorted(
        (d for d in pads if d.project_id in ids), key=lambda d: (PARTIES.index(d.party), d.order)
    )
    for p in projects:
        if not any(d.project_id == p["id"] for d in signing):
            names.extend(p["signatories"])
    for d in signing:
        if d.remote_place:
            if not any(r["name"] == d.name for r in remote):
                remote.append(
                    {"name": d.name, "place": d.remote_place, "text": w.t(REMOTE_PLACE, place=d.remote_place)}
                )
        elif d.name not in names:
            names.append(d.name)
    return names, remote


def _cue_detail(
    q: Cue | None, row: dict | None, w: _Words, by_id: dict, place: str, pads: Sequence[Pad] = ()
) -> dict | None:
    """A cue as the console and the MC read it: people, times, the script, the projects to call up and
    the figure to announce. Not for the room: the script and the figures come before the moment."""
    if q is None or row is None:
        return None
    projects = [by_id[pid] for pid in q.project_ids if pid in by_id]
    amount = sum(p["amount_wan"] for p in projects) if projects else None
    names, remote = _call_up(q.person, projects, pads, w)
    return {
        **row,
        "heading": cue_heading(row["kind_label"], row["title"]),
        "person": q.person,
        "role": q.role,
        "planned_time": q.planned_time,
        "minutes": q.minutes,
        "planned_seconds": q.minutes * 60 if q.minutes else None,
        "script": q.script,
        "projects": [_brief(p) for p in projects],
        "amount": w.money(amount) if amount is not None else None,
        "names": names,
        "remote": remote,
        "place": place,
        "place_text": w.t(CUE_STATES[place]),
    }


def _run_of_show(c: Ceremony, w: _Words, view: dict) -> dict:
    """The operator's and the MC's run of show: every cue in full, the running one, the standby."""
    by_id = {p["id"]: p for p in view["projects"]}
    rows = {r["id"]: r for r in view["cues"]}
    cue = view["cue"]
    here = cue_index(c.cues, cue["current_id"])

    def place(i: int, q: Cue) -> str:
        if q.id == cue["current_id"]:
            return "current"
        if q.id == cue["standby_id"]:
            return "standby"
        if here is None or i >= here:
            return "later"
        # A round passed by a jump, or taken back by an undo, is not done while a project of it is unsigned.
        return "unsigned" if q.kind == "signing" and not round_signed(c.state, c.projects, q) else "done"

    detail = [_cue_detail(q, rows[q.id], w, by_id, place(i, q), c.pads) for i, q in enumerate(c.cues)]
    current = next((d for d in detail if d["place"] == "current"), None)
    standby = next((d for d in detail if d["place"] == "standby"), None)
    waiting = unsigned_in_round(c.state, c.projects, c.cues)
    if waiting:
        go_line, blocked = w.t(GO_WAITS), True
    elif standby is None:
        go_line, blocked = w.t(GO_END), True
    else:
        go_line, blocked = w.t(GO_NEXT, title=standby["heading"]), False
    # The round on the wall that a hold of "confirm" signs at one moment.
    pending_round = None
    on_wall = set(view["wall"]["project_ids"]) if view["wall"]["screen"] == "spotlight" else set()
    # Only a round the wall shows together is signed together; one signed from the list goes one by one.
    if waiting and current is not None and {p.id for p in waiting} <= on_wall:
        total = sum(p.amount_wan for p in waiting)
        pending_round = {
            "cue_id": current["id"],
            "project_ids": [p.id for p in waiting],
            "names": w.listing([p.name for p in waiting]),
            "amount": w.money(total),
            "confirm_wait": _confirm_wait(c, w, [p.id for p in waiting]),
        }
    return {
        "cues": detail,
        "current": current,
        # What the MC reads while the wall shows other projects than the running cue: see _on_wall.
        "on_wall": _on_wall(c, w, view, by_id, current),
        "standby": standby,
        "go": {"cue_id": standby["id"] if standby else None, "blocked": blocked, "line": go_line},
        "round": pending_round,
        "guard_ms": GO_GUARD_MS,
        "panic_text": w.t(PANIC_ON, screen=w.t(SCREEN_LABELS["safe"])) if cue["panic"] else "",
        "note": {
            "text": c.state.note.text,
            "at": fmt.iso_in(c.state.note.at, w.zone),
            "time": fmt.time(c.state.note.at, w.zone),
        }
        if c.state.note
        else None,
    }


def _on_wall(c: Ceremony, w: _Words, view: dict, by_id: dict, current: dict | None) -> dict | None:
    """The cue as the MC reads it while the wall spotlights projects other than the running cue's (part of
    its round, or a project announced out of order): the wall's projects, their figure and their
    signatories to call up. Within the running round it keeps the round's title and script; outside it, it
    is a signing of those projects alone. None while the wall shows what the running cue put there (or no
    project): the running cue is what the MC reads."""
    wall = view["wall"]
    ids = wall["project_ids"] if wall["screen"] == "spotlight" else []
    if not ids:
        return None
    if current is not None and current["kind"] == "signing" and set(ids) == set(current["project_ids"]):
        return None
    projects = [by_id[pid] for pid in ids if pid in by_id]
    # Called up as the running cue's people are: the pads at the table, the remote ones apart.
    names, remote = _call_up(None, projects, c.pads, w)
    mine = {
        "projects": [_brief(p) for p in projects],
        "amount": w.money(sum(p["amount_wan"] for p in projects)),
        "names": names,
        "remote": remote,
        "project_ids": list(ids),
    }
    if current is not None and current["kind"] == "signing" and set(ids) <= set(current["project_ids"]):
        return {**current, **mine, "in_cue": True}
    kind_label = w.t(CUE_KIND_LABELS["signing"])
    title = w.listing([p["name"] for p in projects])
    return {
        **mine,
        "id": None,
        "kind": "signing",
        "kind_label": kind_label,
        "title": title,
        "heading": cue_heading(kind_label, title),
        "person": None,
        "role": None,
        "script": None,
        "in_cue": False,
    }


def _out_of_order(c: Ceremony, view: dict, w: _Words, p: dict) -> str | None:
    """What announcing ``p`` would do to the agenda when that is out of order (``rules.in_order``): its
    round and the unsigned rounds before it named, and where GO still goes. The console asks with it."""
    round_ = round_of(c.cues, p["id"])
    if round_ is None or in_order(c.state, c.projects, c.cues, round_):
        return None
    rows = {r["id"]: r for r in view["cues"]}
    here = cue_index(c.cues, round_.id) or 0
    skipped = [
        rows[q.id]["title"]
        for q in c.cues[:here]
        if q.kind == "signing" and not round_signed(c.state, c.projects, q)
    ]
    said = {"name": p["name"], "round": rows[round_.id]["title"], "skipped": w.listing(skipped)}
    standby = standby_cue(c.state, c.cues)
    if standby is None:
        return w.t(OUT_OF_ORDER, **said)
    row = rows[standby.id]
    return w.t(OUT_OF_ORDER_GO, cue=cue_heading(row["kind_label"], row["title"]), **said)


def _confirm_wait(c: Ceremony, w: _Words, ids: list[str]) -> dict | None:
    """What a confirm of ``ids`` waits for, said before the press (the hold button shows it and looks not
    ready): with every signature required, the pads still to submit ("等待签名 3/5"). None: ready."""
    if not c.event.signatures_required:
        return None
    missing = unsubmitted(c.state, c.pads, ids)
    if not missing:
        return None
    required = sum(1 for d in c.pads if d.project_id in ids)
    submitted = required - len(missing)
    return {
        "code": "signatures_missing",
        "submitted": submitted,
        "required": required,
        "text": w.t(WAITING_SIGNATURES, done=submitted, all=required),
    }


def _round(ids: list[str], order: list[Project], w: _Words) -> dict:
    chosen = [p for p in order if p.id in ids]
    total = sum(p.amount_wan for p in chosen)
    return {
        "count": len(chosen),
        "text": w.t(ROUND_LINE, count=w.projects(len(chosen))),
        "names": w.listing([p.name for p in chosen]),
        "amount": w.money(total),
    }


def _base(c: Ceremony, w: _Words, statuses: dict) -> dict:
    order = ordered(c.projects)
    ids = {p.id for p in order}
    state = c.state
    signed = [p for p in order if p.id in state.signed]
    done, planned = _figures(signed, w), _figures(order, w)
    last = None
    if state.last is not None and state.last.action != SETUP_ACTION:
        last = {
            "seq": state.last.seq,
            "action": state.last.action,
            "project_id": state.last.project_id,
            "screen": state.last.screen,
            "at": fmt.iso_in(state.last.at, w.zone),
        }
    spotlight = state.spotlight_id if state.spotlight_id in ids else None
    spot_ids = [pid for pid in (state.spotlight_ids or (state.spotlight_id,)) if pid in ids]
    if spotlight is None and spot_ids:
        spotlight = spot_ids[0]
    # What the wall draws: a spotlight without a project (it was deleted) falls back to the title, and the
    # safe look (panic) is the title whatever else was up.
    wall = state.screen if state.screen in SCREENS else "title"
    if wall in ("spotlight", "keys") and not spot_ids:
        wall = "title"
    if state.panic:
        wall = "title"
    projects = [_project(p, state, w, statuses) for p in order]
    cue_rows, cue = _cues(c, w, projects)
    return {
        "seq": state.seq,
        "log_id": c.run.id,
        # "rehearsal" or "live": the console shows it large; the big screen never does.
        "mode": c.run.mode,
        "lang": w.lang,
        "event": _event(c, w),
        "projects": projects,
        "total_wan": done["total_wan"],
        "total_yi": done["total_yi"],
        "total": done["total"],
        "signed_count": done["count"],
        "signed_text": done["count_text"],
        "signed_figure": fmt.count_figure(done["count"], w.lang).json(),
        "project_count": len(order),
        "land_mu": done["land_mu"],
        "land": done["land"],
        "tiers": done["tiers"],
        "tiers_text": done["tiers_text"],
        "industries": done["industries"],
        "industries_text": done["industries_text"],
        "planned": {k: planned[k] for k in ("total_wan", "total_yi", "total", "land_mu", "land", "count")},
        "screen": state.screen,
        "wall": {
            "screen": wall,
            "project_id": spotlight if wall == "spotlight" else None,
            # Every project on it: a round's spotlight, a handover's golden keys.
            "project_ids": spot_ids if wall in ("spotlight", "keys") else [],
            "panic": state.panic,
            # A round signing at one moment: how many and their total, for the wall's line under it.
            "round": _round(spot_ids, order, w) if wall == "spotlight" and len(spot_ids) > 1 else None,
        },
        "spotlight_id": spotlight,
        "next_id": next_pending_id(state, order),
        "last": last,
        # Newest signing first: lets a screen show "just signed" without re-sorting.
        "signing_order": [pid for pid in reversed(list(state.signed)) if pid in ids],
        "goal": _goal(c, done["total_wan"], w),
        "cues": cue_rows,
        "cue": cue,
        "signing": _signing(c, w, wall, spot_ids),
    }


def _pad_row(d: Pad, state: State, w: _Words, drawing: frozenset[str] = frozenset()) -> dict:
    st = pad_state(state, d, d.id in drawing)
    return {
        "id": d.id,
        "name": d.name,
        "project_id": d.project_id,
        "party": d.party,
        "party_text": w.t(PARTY_LABELS[d.party]),
        "remote_place": d.remote_place,
        "remote_text": w.t(REMOTE_PLACE, place=d.remote_place) if d.remote_place else None,
        "state": st,
        "state_text": w.t(PAD_STATE_LABELS[st]),
    }


def _pads_focus(view: dict, pads) -> list[str]:
    """The projects whose pads the console shows: those the wall is signing, else those in its spotlight
    (a round just signed)."""
    with_pads = {d.project_id for d in pads}
    signing = view["signing"]
    ids = [i for i in (x["project_id"] for x in signing["certificates"]) if i in with_pads] if signing else []
    wall = view["wall"]
    if not ids and wall["screen"] == "spotlight":
        ids = [i for i in wall["project_ids"] or [wall["project_id"]] if i in with_pads]
    return ids


def certificate_version(cert) -> str:
    """Changes exactly when the picture does: the wall fetches it again then, not at every change."""
    return hashlib.sha256(repr(cert).encode()).hexdigest()[:12]


def _signing(c: Ceremony, w: _Words, wall: str, spot_ids: list[str]) -> dict | None:
    """The 签约图 of each project on the wall that is still to sign and has pads, with each pad's place
    on it: the wall draws the live ink there (签名上墙). None when no such project is up."""
    if wall != "spotlight":
        return None
    state = c.state
    certificates = []
    for p in ordered(c.projects):
        own = [d for d in c.pads if d.project_id == p.id]
        if p.id not in spot_ids or p.id in state.signed or not own:
            continue
        cert = certificate_layout(c.event, p, own, w.lang)
        rows = {d.id: _pad_row(d, state, w) for d in own}
        certificates.append(
            {
                "project_id": p.id,
                "url": f"/api/v1/projects/{p.id}/certificate.svg?blank=1&v={certificate_version(cert)}",
                "width": cert.width,
                "height": cert.height,
                "places": [
                    {
                        "pad_id": place.pad_id,
                        "party": place.party,
                        "name": place.name,
                        "aspect": place.aspect,
                        "box": list(place.box),
                        "remote_text": place.remote_text,
                        "label_end": label_end(place),
                        "remote_line": remote_line(place),
                        "marks": marks(place),
                        "state": rows[place.pad_id]["state"],
                        "state_text": rows[place.pad_id]["state_text"],
                    }
                    for place in cert.places
                ],
            }
        )
    if not certificates:
        return None
    return {"pen": dict(PEN), "ink": c.event.ink_color, "certificates": certificates}


def _goal(c: Ceremony, total_wan: int, w: _Words) -> dict | None:
    """The running total against the planned one, with the round figures on the way, when the organiser
    shows it (it makes the planned total public). ``crossed`` is the milestone the latest signing passed."""
    planned = sum(p.amount_wan for p in c.projects)
    if not c.event.show_goal or planned <= 0:
        return None
    marks = milestones(planned)
    crossed = milestone_crossed(c.state, c.projects, marks)
    return {
        "target": w.money(planned),
        "label": w.t(GOAL, total=w.money_text(planned)),
        "permille": min(1000, total_wan * 1000 // planned),
        "milestones": [
            {"permille": m * 1000 // planned, "text": w.money_text(m), "reached": total_wan >= m}
            for m in marks
        ],
        "crossed": {"seq": c.state.last.seq, "text": w.t(MILESTONE, amount=w.money_text(crossed))}
        if crossed
        else None,
    }


# What a project not yet shown carries in the public view: its order, name and investor, nothing more.
WITHHELD = {
    "amount_wan": None,
    "amount_yi": None,
    "amount": None,
    "land_mu": None,
    "land": None,
    "industry": None,
    "industry_label": None,
    "signatories": [],
    "summary": None,
}


def shown(c: Ceremony) -> Ceremony:
    """``c`` with the names its screens show: an English event's in English where given."""
    return in_language(c, language(c.event.language))


def public(c: Ceremony) -> dict:
    """The room's view: the big screen, the livestream overlay, monitoring scripts, ``/api/v1/state``
    without credentials. Anyone on the venue's Wi-Fi can read it, so a project's figures are in it only
    once the wall has shown that project, unless the organiser publishes the running order in advance."""
    c = shown(c)
    view = _base(c, _Words(c), PUBLIC_STATUS)
    advance = c.event.publish_in_advance
    view["projects"] = [
        p if is_public(c.state, p["id"], advance) else {**p, **WITHHELD} for p in view["projects"]
    ]
    if not advance:
        # The planned total would give the hidden amounts away by difference.
        view["planned"] = {"count": view["planned"]["count"]}
    return view


def operator(c: Ceremony) -> dict:
    """The console's and the admin pages' view: the public one with the operator's words, and what the
    console would otherwise have to work out for itself."""
    typed, c = c, shown(c)
    w = _Words(c)
    view = _base(c, w, OPERATOR_STATUS)
    state, order = c.state, ordered(c.projects)
    view["console"] = {
        "up_id": up_now_id(state, order),
        "rows": _rows(c, view, w),
        "undo": _undo(view, state, order, w),
        "idle_hint": w.t(HINT_ALL_DONE, n=len(order), screen=w.t(SCREEN_LABELS["finale"]))
        if order
        else w.t(HINT_NO_PROJECTS),
        # The ceremony's latest change, whoever made it: every console's status line can say it.
        "last_change": _last_change(c, view, w),
        # Unsigned projects whose name or investor reads like a stand-in: said before they reach the wall.
        "placeholders": _placeholders(state, order, w),
        # What was sent to the wall, not yet confirmed by it: the console says what a main wall reports
        # drawing once one has drawn this change (on_air, in the ``displays`` message).
        "on_air": _on_air_line(view, w, drawing_of(view), confirmed=False, reason="waiting"),
        "progress": _progress(view, w),
        "planned": w.t(PLANNED, total=view["planned"]["total"]["text"]),
    }
    _operator_setup(c, view, w)
    _typed(typed, view, w)
    return view


def _typed(c: Ceremony, view: dict, w: _Words) -> None:
    """What the organiser typed, both languages, for the admin's editors (the view's names are the
    screens' ones); and what an English ceremony still lacks, said before the show."""
    e = c.event
    view["event"]["typed"] = {k: getattr(e, k) for k in EVENT_TYPED}
    typed = {q.id: {k: getattr(q, k) for k in CUE_TYPED} for q in c.cues}
    for row in view["run_of_show"]["cues"]:
        row["typed"] = typed[row["id"]]
    typed = {p.id: {k: getattr(p, k) for k in PROJECT_TYPED} for p in c.projects}
    for row in view["projects"]:
        row["typed"] = typed[row["id"]]
    missing = missing_english(c.event, c.projects, c.cues, KNOWN_INDUSTRIES)
    lines = [w.t(MISSING_ENGLISH["event"])] if missing["event"] else []
    for key, noun in (("projects", "project"), ("industries", "industry"), ("cues", "cue")):
        n = len(missing[key])
        if n:
            count = fmt.count(n, noun, w.lang)
            lines.append(ngettext(*MISSING_ENGLISH[key], n, w.lang, count=count))
    view["missing_english"] = {
        **{key: list(value) for key, value in missing.items()},
        "text": w.t(MISSING_JOIN).join(lines),
        # The console says it only when the screens are English; the admin always, as information.
        "on_screens": w.lang == "en" and bool(lines),
    }


# The fields of the event and of a cue the organiser types in both languages (the admin's forms).
EVENT_TYPED = ("title", "subtitle", "venue", "host", "title_en", "subtitle_en", "venue_en", "host_en")
PROJECT_TYPED = (
    "name",
    "investor",
    "industry",
    "signatories",
    "name_en",
    "investor_en",
    "industry_en",
    "signatories_en",
)
CUE_TYPED = ("title", "person", "role", "script", "title_en", "person_en", "role_en", "script_en")


def _rows(c: Ceremony, view: dict, w: _Words) -> dict:
    """Each project's row on the console: what its button sends next, whether it may sign (and what its
    confirm still waits for), its hint."""
    state, order = c.state, ordered(c.projects)
    on_wall = view["wall"]
    rows = {}
    for p in view["projects"]:
        if p["status"] == "signed":
            hint = w.t(HINT_SIGNED, name=p["name"], time=p["signed_time"])
        elif p["status"] == "announced":
            hint = w.t(HINT_ANNOUNCED)
        elif on_wall["screen"] == "spotlight" and on_wall["project_id"] != p["id"]:
            hint = w.t(HINT_OTHER_ON_AIR)
        else:
            hint = w.t(HINT_PENDING)
        rows[p["id"]] = {
            # The command this project's main button sends next: what the preview monitor shows.
            "next_action": NEXT_ACTION[p["status"]],
            "following_id": following_id(state, order, p["id"]),
            "can_sign": p["status"] != "signed",
            "confirm_wait": _confirm_wait(c, w, [p["id"]]) if p["status"] != "signed" else None,
            "out_of_order": _out_of_order(c, view, w, p) if p["status"] == "pending" else None,
            "can_reshow": p["status"] == "signed" and on_wall["project_id"] != p["id"],
            "on_air": on_wall["project_id"] == p["id"],
            "hint": hint,
        }
    return rows


def _undo(view: dict, state: State, order: list[Project], w: _Words) -> dict | None:
    """What undo would take back now (a round as one), and the totals after it."""
    by_id = {p["id"]: p for p in view["projects"]}
    undo = None
    target = undo_target(state, order)
    if target is not None:
        p = by_id[target.project_id]
        # A round is taken back as it was signed: every project of it at once.
        taken = [by_id[pid] for pid in target.projects if pid in by_id]
        amount = sum(q["amount_wan"] for q in taken)
        undo = {
            "project_id": p["id"],
            "project_ids": [q["id"] for q in taken],
            "name": w.listing([q["name"] for q in taken]),
            "seq": target.seq,
            "facts": w.t(
                UNDO_FACTS,
                time=p["signed_time"],
                amount=w.money_text(amount),
                before=view["total"]["text"],
                after=w.money_text(view["total_wan"] - amount),
                count=w.projects(view["signed_count"] - len(taken)),
            ),
        }
    return undo


# The layouts that draw the show itself (a side screen keeps the roll, a lobby its codes): the room sees
# what a main wall draws, or a totem's where there is no main wall.
ON_AIR_LAYOUTS = ("main", "totem")


def drawing_of(view: dict) -> dict:
    """The picture a main wall draws of ``view``, as static/js/display/main.js works it out and reports it
    in its ``seen``: a code of DRAWN_SCREENS and the projects on it."""
    wall = view["wall"]
    screen, ids = wall["screen"], list(wall["project_ids"])
    if wall["panic"]:
        return {"screen": "safe", "project_ids": []}
    if screen == "spotlight" and view["signing"]:
        screen, ids = "signing", [cert["project_id"] for cert in view["signing"]["certificates"]]
    elif screen == "spotlight" and len(ids) > 1:
        screen = "round"
    return {
        "screen": screen,
        "project_ids": ids if screen in ("spotlight", "round", "signing", "keys") else [],
    }


def on_air(c: Ceremony, view: dict, walls: Sequence[dict]) -> dict:
    """The console's on-air line from what the paired walls report drawing (their ``seen``: seq, layout,
    picture, projects, the QR codes that arrived), for the operator ``view`` of ``c``: a main wall's picture
    once it reports this view's seq (a totem's where no main wall is paired). Else what was sent, said to be
    unconfirmed, and why: no such wall is there, or none has reported drawing this change yet."""
    w = _Words(c)
    paired = [x for x in walls if x.get("paired")]
    by_layout = [[x for x in paired if x.get("drawn_layout") == layout] for layout in ON_AIR_LAYOUTS]
    showing = next((found for found in by_layout if found), [])
    current = [x for x in showing if x.get("seq") == view["seq"] and x.get("drawn")]
    if not current:
        reason = "waiting" if showing else "none"
        return _on_air_line(view, w, drawing_of(view), confirmed=False, reason=reason)
    wall = min(current, key=lambda x: x["id"])
    return _on_air_line(view, w, wall["drawn"], confirmed=True) | {"wall": wall["name"]}


def _on_air_line(view: dict, w: _Words, drawn: dict, confirmed: bool, reason: str = "") -> dict:
    """The line for a picture (``drawn``: screen, project_ids, qr): its name, what is on it, and a note
    that says only what the picture shows (confirmed) or that it is not confirmed (``reason``)."""
    by_id = {p["id"]: p for p in view["projects"]}
    screen = drawn["screen"]
    shown = [by_id[pid] for pid in drawn["project_ids"] if pid in by_id]
    qr = [pid for pid in drawn.get("qr", ()) if pid in by_id]
    statuses = {p["status"] for p in shown}
    status = "signed" if shown and statuses == {"signed"} else "announced" if "announced" in statuses else ""
    title, note = "", ""
    if screen in ("title", "safe"):
        title = view["event"]["title"]
        note = w.t(ON_AIR_NOTES["safe"]) if screen == "safe" else ""
    elif screen == "spotlight" and shown:
        p = shown[0]
        title, status = p["name"], p["status"]
        key = "signed_qr" if status == "signed" and p["id"] in qr else status
        note = w.t(ON_AIR_NOTES[key], time=p["signed_time"])
    elif screen in ("round", "signing"):
        title = w.listing([p["name"] for p in shown])
        if screen == "signing":
            note = w.t(ON_AIR_NOTES["signing"])
        elif status == "signed":
            note = w.t(ON_AIR_NOTES["round_signed"], count=w.projects(len(shown)))
        else:
            note = w.t(ON_AIR_NOTES[status or "pending"])
    elif screen in ("keys", "lobby"):
        title = w.listing([p["name"] for p in shown]) if screen == "keys" else ""
        status = "signed" if qr else ""
        note = (
            w.t(ON_AIR_NOTES["keys_qr"], count=w.projects(len(qr))) if qr else w.t(ON_AIR_NOTES["keys_no_qr"])
        )
    elif screen == "roll":
        note = w.t(ON_AIR_NOTES["roll"], count=view["signed_text"])
    elif screen == "finale":
        note = w.t(ON_AIR_NOTES["finale"], total=view["total"]["text"], count=view["signed_text"])
    elif screen == "blank":
        note = w.t(ON_AIR_NOTES["blank"])
    if not confirmed:
        # What was sent is named; nothing is claimed of the picture (a QR code least of all).
        status, note = "", w.t(ON_AIR_UNCONFIRMED[reason])
    return {
        "seq": view["seq"],
        "log_id": view["log_id"],
        "confirmed": confirmed,
        "screen": screen,
        "label": w.t(SCREEN_LABELS[screen]),
        "title": title,
        "note": note,
        "status": status,
        "qr": len(qr),
        "wall": None,
    }


def _last_change(c: Ceremony, view: dict, w: _Words) -> dict | None:
    """The ceremony's latest change in words, with the device that made it."""
    state = c.state
    by_id = {p["id"]: p for p in view["projects"]}
    last_change = None
    entry = state.last
    if entry is not None and entry.action in LAST_CHANGE_PADS:
        pad = next((d for d in c.pads if d.id == entry.pad_id), None)
        names = [by_id[pid]["name"] for pid in entry.projects if pid in by_id]
        what = w.t(LAST_CHANGE_PADS[entry.action], name=w.listing(names), pad=pad.name if pad else "")
        last_change = _change_line(entry, what, w)
    if entry is not None and entry.action in LAST_CHANGE:
        p = by_id.get(entry.project_id)
        names = [by_id[pid]["name"] for pid in entry.projects if pid in by_id]
        key = "reshow" if entry.action == "show" and entry.screen == "spotlight" and p else entry.action
        # (the safe look is a picture of its own, named as every sentence names it)
        named = "safe" if entry.action == "panic" else entry.screen
        cue_row = next((r for r in view["cues"] if r["id"] == entry.cue_id), None)
        what = w.t(
            LAST_CHANGE[key],
            name=w.listing(names) if names else (p["name"] if p else ""),
            screen=w.t(SCREEN_LABELS[named]) if named in SCREEN_LABELS else "",
            cue=cue_heading(cue_row["kind_label"], cue_row["title"]) if cue_row else "",
        )
        last_change = _change_line(entry, what, w)
    return last_change


def _change_line(entry, what: str, w: _Words) -> dict:
    """A change in words (``what``), and the same with the device that made it, when one did."""
    device = device_text(entry.device, w.lang) if entry.device else None
    return {
        "seq": entry.seq,
        "time": fmt.time(entry.at, w.zone),
        "text": w.t(BY_DEVICE, what=what, device=device) if device else what,
        "what": what,
    }


def _placeholders(state: State, order: list[Project], w: _Words) -> dict | None:
    """Unsigned projects whose name or investor reads like a stand-in, and the sentence that says so."""
    stand_ins = [p for p in order if placeholder_fields(p) and p.id not in state.signed]
    placeholders = None
    if stand_ins:
        placeholders = {
            "project_ids": [p.id for p in stand_ins],
            "text": w.t(
                PLACEHOLDERS,
                count=w.projects(len(stand_ins)),
                orders=w.listing([str(p.order) for p in stand_ins]),
            ),
        }
    return placeholders


def _operator_setup(c: Ceremony, view: dict, w: _Words) -> None:
    """What the console's and the admin's settings need: the pads, the signing rules, the screens and
    layouts, the agenda's kinds, whether the running order may be edited now."""
    state = c.state
    view["run_of_show"] = _run_of_show(c, w, view)
    # Every pad with its state ("signing" is the console's own, from the ink it sees arrive).
    view["pads"] = [_pad_row(d, state, w) for d in c.pads]
    view["pads_focus"] = _pads_focus(view, c.pads)
    # Their names as the console's pending line and its toast name them, listed the event's way.
    by_id = {p.id: p.name for p in c.projects}
    view["pads_focus_names"] = w.listing([by_id[i] for i in view["pads_focus"] if i in by_id])
    view["signature_rules"] = {
        "required": c.event.signatures_required,
        "sign_on_submit": c.event.sign_on_submit,
    }
    view["screens"] = [{"id": s, "label": w.t(SCREEN_LABELS[s])} for s in SCREENS]
    view["layouts"] = [{"id": k, "label": w.t(LAYOUT_LABELS[k])} for k in LAYOUTS]
    # The agenda's kinds as the admin's editor offers them; whether the agenda is the organiser's.
    view["cue_kinds"] = [{"id": k, "label": w.t(CUE_KIND_LABELS[k])} for k in CUE_KINDS]
    view["agenda_made"] = bool(c.cues) and all(q.id.startswith("auto-") for q in c.cues)
    # Whether the running order may be edited now (a live run locks it at its first signing).
    lockable = c.run.mode == "live" and state.signing_started
    view["edits"] = {
        "locked": edits_locked(c.run.mode, state.signing_started, state.edits_unlocked),
        "unlocked": lockable and state.edits_unlocked,
        "note": w.t(EDITS_UNLOCKED if lockable and state.edits_unlocked else EDITS_LOCKED)
        if lockable
        else "",
    }


def _progress(view: dict, w: _Words) -> str:
    """ "已签约 2/7 项 · 82亿元": the console's and the MC's line of how far the ceremony has come."""
    return w.t(PROGRESS, done=view["signed_count"], all=view["project_count"], total=view["total"]["text"])


def _brief(p: dict | None) -> dict | None:
    """A project as the MC calls it up: who, what, the figure to announce; never a contact."""
    if p is None:
        return None
    keys = ("id", "order", "name", "investor", "signatories", "amount", "land", "industry_label", "status")
    return {k: p[k] for k in keys} | {"status_text": p["status_text"]}


def stage(c: Ceremony) -> dict:
    """The MC's confidence monitor (``/stage``, and a paired screen at the stage's edge): what the wall
    shows, the project to call up now and the one after, with the figures to announce. For credentialed
    devices only: it carries the figures before the room sees them, but no contact."""
    c = shown(c)
    w = _Words(c)
    view = _base(c, w, OPERATOR_STATUS)
    by_id = {p["id"]: p for p in view["projects"]}
    wall = view["wall"]
    drawn = drawing_of(view)
    now = by_id.get(wall["project_id"]) if wall["screen"] == "spotlight" else None
    state, order = c.state, ordered(c.projects)
    up = by_id.get(up_now_id(state, order))
    current = now or up
    after = by_id.get(following_id(state, order, current["id"])) if current else None
    view["stage"] = {
        # The picture a wall draws of this state, named as the console names it: a round with its pads up
        # is the signing picture (签约图), the safe look is not the title, though both were sent as others.
        "on_wall": {"screen": drawn["screen"], "label": w.t(SCREEN_LABELS[drawn["screen"]])},
        "current": _brief(current),
        "next": _brief(after),
        "progress": _progress(view, w),
    }
    view["run_of_show"] = _run_of_show(c, w, view)
    return view


def party(c: Ceremony, pad_id: str) -> dict | None:
    """What one signing pad shows its signatory: the project, the party they sign for, the round, the
    pad's state and its one line of guidance, the field's shape and the pen. None for an unknown pad."""
    c = shown(c)
    pad = next((d for d in c.pads if d.id == pad_id), None)
    project = next((p for p in c.projects if p.id == pad.project_id), None) if pad else None
    if pad is None or project is None:
        return None
    w = _Words(c)
    state = c.state
    st = pad_state(state, pad)
    place = next(
        (
            pl
            for pl in certificate_layout(
                c.event, project, [d for d in c.pads if d.project_id == project.id], w.lang
            ).places
            if pl.pad_id == pad.id
        ),
        None,
    )
    round_ = round_of(c.cues, project.id)
    names = {p.id: p.name for p in c.projects}
    standing = state.submitted.get(pad.id)
    return {
        "view": "party",
        "seq": state.seq,
        "log_id": c.run.id,
        "lang": w.lang,
        "event": {
            "title": c.event.title,
            "date_text": fmt.date(c.event.date, w.lang) if c.event.date else "",
        },
        "pad": {
            "id": pad.id,
            "name": pad.name,
            "party": pad.party,
            "party_text": w.t(PARTY_LABELS[pad.party]),
            "side_name": place.side_name if place else "",
            "remote": bool(pad.remote_place),
            "remote_text": w.t(REMOTE_PLACE, place=pad.remote_place) if pad.remote_place else None,
        },
        "project": {
            "id": project.id,
            "order": project.order,
            "name": project.name,
            "investor": project.investor,
        },
        "round": {
            "title": cue_title(round_, w.lang, names),
            "names": [names[pid] for pid in round_.project_ids if pid in names],
        }
        if round_ is not None and len(round_.project_ids) > 1
        else None,
        "state": st,
        "state_text": w.t(PAD_STATE_LABELS[st]),
        "hint": w.t(PAD_HINTS[st]),
        "signature": {
            "aspect": place.aspect if place else 2.5,
            "submitted_id": standing.signature_id if standing is not None else None,
        },
        "pen": dict(PEN),
        "ink": c.event.ink_color,
    }


AUDIENCES = {"public": public, "operator": operator, "stage": stage}
