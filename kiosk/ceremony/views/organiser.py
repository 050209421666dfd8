"""What the organisers' lists show beside the operator view: the pads with their links, the running order
with the concierges' contacts, the runs so far, a file's import preview. Built here, as every view is; the
routes (``kiosk.web``) only hand them over. Each takes the ceremony service and asks only its public side.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ...setup.agenda import kept_orders
from ...words import format as fmt
from ...words.catalogue import gettext, word
from ...words.messages import PARTY_ROLE, ROLE_LABELS, SCOPE_LABELS
from ...words.show import CUE_KIND_LABELS
from ...words.views import IMPORT_AGENDA_NOTES
from . import PAD_STATE_LABELS

if TYPE_CHECKING:
    from ...core.access import Device
    from ...core.model import Pad, Run
    from ...setup.agenda import WorkbookRead
    from ..service import Ceremony


def pads(c: Ceremony, listed: list[Pad], base: str) -> list[dict]:
    """``listed`` as ``GET /api/v1/pads`` lists them (CONTRACT.md): the operator view's row, the links
    under ``base``, the state with "signing" (strokes held, not yet submitted), read once for the list."""
    held = c.signing.links()
    rows = {r["id"]: r for r in c.view("operator")["pads"]}
    names = {p.id: p.name for p in c.projects}
    out = []
    for pad in listed:
        secret = held.get(pad.id, {})
        state = c.signing.state_of(pad)
        out.append(
            {
                **rows.get(pad.id, {}),
                "order": pad.order,
                "project_name": names.get(pad.project_id, ""),
                "url": f"{base}/sign/{secret.get('token', '')}",
                "remote_url": None,
                "remote_active": secret.get("remote", False),
                "claimed": secret.get("claimed", False),
                "state": state,
                "state_text": word(PAD_STATE_LABELS[state], c.lang),
            }
        )
    return out


def projects(c: Ceremony) -> list[dict]:
    """The running order with what only organisers see (the concierge's name and phone), for the editor."""
    cards = c.cards()
    # The names as typed, both languages (the view's are the screens', English in an English event).
    typed = {
        p.id: {
            "name": p.name,
            "investor": p.investor,
            "industry": p.industry,
            "signatories": list(p.signatories),
            "name_en": p.name_en,
            "investor_en": p.investor_en,
            "industry_en": p.industry_en,
            "signatories_en": list(p.signatories_en),
        }
        for p in c.projects
    }
    rows = []
    for p in c.view("operator")["projects"]:
        card = cards.get(p["id"])
        rows.append(
            p
            | typed[p["id"]]
            | {
                "concierge_name": card.contact_name if card else None,
                "concierge_phone": card.contact_phone if card else None,
            }
        )
    return rows


def run(r: Run, lang: str, zone: str) -> dict:
    return {
        "id": r.id,
        "mode": r.mode,
        "started_at": fmt.iso_in(r.started_at, zone),
        "started_text": fmt.moment(r.started_at, lang, zone),
    }


def runs(c: Ceremony) -> dict:
    """Every run so far (rehearsals and live), oldest first, each with its times written; and the current."""
    lang, zone = c.lang, c.zone
    rows = [
        r
        | {
            "started_at": fmt.iso_in(r["started_at"], zone),
            "ended_at": fmt.iso_in(r["ended_at"], zone),
            "started_text": fmt.moment(r["started_at"], lang, zone),
            "ended_text": fmt.moment(r["ended_at"], lang, zone),
        }
        for r in c.runs()
    ]
    return {"runs": rows, "current": c.run.id}


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float | Decimal):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def import_preview(c: Ceremony, preview, appended, header) -> dict:
    """A file read for import, every row with its problems in words (``kiosk.setup.importer``'s preview),
    and the rows named like a project already in the running order (``appended``'s ``name_exists``):
    those can be imported only by replacing the running order. ``header(key, lang)`` names a column."""
    lang = c.lang
    clashes = [
        {"row": p.row, "name": p.params.get("name"), "text": p.sentence(lang)}
        for p in appended.all_problems()
        if p.code == "name_exists"
    ]
    return {
        "ok": preview.ok,
        "columns": preview.columns,
        "ignored_columns": preview.ignored_columns,
        "problems": [p.sentence(lang) for p in preview.problems],
        "clashes": clashes,
        "clash_names": fmt.listing([str(x["name"]) for x in clashes], lang),
        "rows": [
            {
                "row": r.row,
                "cells": {k: _plain(v) for k, v in r.cells.items()},
                "amount_wan": r.draft.amount_wan if r.draft else None,
                "amount": c.money(r.draft.amount_wan) if r.draft else None,
                "problems": [
                    {
                        "field": p.key,
                        "column": p.column or header(p.key, lang),
                        "reason": p.reason(lang),
                        "text": p.sentence(lang),
                    }
                    for p in r.problems
                ],
            }
            for r in preview.rows
        ],
        "count": len(preview.drafts()) if preview.ok else 0,
        "total": c.money(sum(d.amount_wan for d in preview.drafts())) if preview.ok else None,
        "signed": c.snapshot()["signed_count"],
    }


def import_agenda(c: Ceremony, read: WorkbookRead, replacing: bool) -> dict:
    return _listed(_import_agenda(c, read, replacing), c.lang)


def _import_agenda(c: Ceremony, read: WorkbookRead, replacing: bool) -> dict:
    """What importing ``read`` one way (``replacing`` the running order, or appending to it) does to the
    agenda, cue by cue as the agenda will be: each cue's projects by number and name in the running order
    as the import leaves it, and ``change`` against the cue now in its place ("same", "changed", "added");
    ``removed``: the cues that go. A workbook's 流程 sheet replaces the agenda; without one the agenda stays,
    its rounds on the same running-order numbers (``Ceremony.import_projects``)."""
    lang = c.lang
    names = {p["id"]: p["name"] for p in c.view("operator")["projects"]}
    before = [names.get(p.id, p.name) for p in c.projects]
    new = [d.name for d in read.projects.drafts()]
    after = new if replacing else before + new
    order_of = {p.id: p.order for p in c.projects}
    made = bool(c.cues) and all(q.id.startswith("auto-") for q in c.cues)
    now = [] if made else c.cues

    def row(kind: str, title: str, person: str, orders: tuple[int, ...], time: str | None) -> dict:
        return {
            "kind": kind,
            "kind_text": word(CUE_KIND_LABELS[kind], lang),
            "title": title,
            "person": person,
            "projects": [{"order": n, "name": after[n - 1] if 0 < n <= len(after) else ""} for n in orders],
            "time": time or "",
        }

    def key(cue: dict) -> tuple:
        return cue["kind"], cue["title"], cue["person"], tuple(p["name"] for p in cue["projects"])

    current = [
        row(q.kind, q.title, q.person, tuple(order_of.get(i, 0) for i in q.project_ids), q.planned_time)
        for q in now
    ]
    # The names the current agenda's projects have now, to tell a round whose projects change.
    current_names = [tuple(names.get(i, "") for i in q.project_ids) for q in now]
    if read.has_agenda:
        if read.agenda is None:
            return {
                "ok": False,
                "sheet": True,
                "note": gettext(IMPORT_AGENDA_NOTES["sheet_bad"], lang),
                "problems": [p.sentence(lang) for p in read.agenda_problems],
                "cues": [],
                "removed": [],
                "count": 0,
            }
        cues = [row(d.kind, d.title, d.person, d.project_orders, d.planned_time) for d in read.agenda]
        for i, cue in enumerate(cues):
            old = current[i] if i < len(current) else None
            same = old is not None and key(old)[:3] == key(cue)[:3] and current_names[i] == key(cue)[3]
            cue["change"] = "added" if old is None else "same" if same else "changed"
        note = gettext(IMPORT_AGENDA_NOTES["sheet"], lang, count=len(cues), before=len(current))
        removed = [q["title"] for q in current[len(cues) :]]
        return {
            "ok": True,
            "sheet": True,
            "note": note,
            "problems": [],
            "cues": cues,
            "removed": removed,
            "count": len(cues),
        }
    if made or not now:
        return {
            "ok": True,
            "sheet": False,
            "note": gettext(IMPORT_AGENDA_NOTES["made"], lang),
            "problems": [],
            "cues": [],
            "removed": [],
            "count": 0,
        }
    cues = []
    for cue, was in zip(current, current_names, strict=True):
        if replacing:
            kept = kept_orders((p["order"] for p in cue["projects"]), len(after))
            cue["projects"] = [p for p in cue["projects"] if p["order"] in kept]
        cue["change"] = "same" if tuple(p["name"] for p in cue["projects"]) == was else "changed"
        if was and not cue["projects"]:
            cue["change"] = "emptied"  # a round with nobody to sign: the console would show it empty
        cues.append(cue)
    changed = any(cue["change"] != "same" for cue in cues)
    note = gettext(IMPORT_AGENDA_NOTES["kept_changed" if changed else "kept"], lang)
    return {
        "ok": True,
        "sheet": False,
        "note": note,
        "problems": [],
        "cues": cues,
        "removed": [],
        "count": len(cues),
    }


def _listed(agenda: dict, lang: str) -> dict:
    """The lists the page shows as one line, listed the language's way (a page joins no list)."""
    for cue in agenda["cues"]:
        cue["projects_text"] = fmt.listing(
            [f"{p['order']} {p['name']}".strip() for p in cue["projects"]], lang
        )
        cue["detail"] = " · ".join(
            part for part in (cue["time"], cue["person"], cue["projects_text"]) if part
        )
    agenda["removed_text"] = fmt.listing(agenda["removed"], lang)
    return agenda


def device_row(d: Device, seen: dict, online: dict, me: str | None, lang: str, zone: str) -> dict:
    """One device as the console's list shows it: its role and scope in words, its times written."""
    last = seen.get(d.id)
    return {
        "id": d.id,
        "kind": d.kind,
        "name": d.name,
        "role": d.role,
        "role_text": gettext(ROLE_LABELS[d.role], lang) if d.role else "",
        "scope": d.scope,
        "scope_text": gettext(SCOPE_LABELS[d.scope], lang) if d.scope else "",
        "addr": d.addr,
        "created_at": fmt.iso_in(d.created_at, zone),
        "created_text": fmt.moment(d.created_at, lang, zone) if d.created_at else "",
        "last_seen": fmt.iso_in(last, zone),
        "last_seen_text": fmt.moment(last, lang, zone) if last else "",
        "online": online.get(d.id, 0),
        "this_device": d.id == me,
    }


def devices(c: Ceremony, listed: list[Device], seen: dict, online: dict, me: str | None) -> list[dict]:
    """Who holds credentials now, as ``GET /api/v1/devices`` lists them: each session, token and paired
    screen (``listed``), and the signing pads a browser holds; this device first, then what is connected
    now (``online``: sockets by device id), then the most recently active (``seen``)."""
    lang = c.lang
    rows = [device_row(d, seen, online, me, lang, c.zone) for d in listed]
    rows += pad_devices(c, seen, online, lang)
    rows.sort(key=lambda d: d["last_seen"] or d["created_at"] or "", reverse=True)
    rows.sort(key=lambda d: (not d["this_device"], not d["online"]))
    return rows


PAD_DEVICE = "pad:"


def pad_devices(c: Ceremony, seen: dict, online: dict, lang: str) -> list[dict]:
    """The signing pads a browser holds (a local link opened, or a remote link made), listed with the other
    devices so that one list says what may act on the ceremony; they sign only their own signature."""
    held = c.signing.links()
    names = {p.id: p.name for p in c.projects}
    rows = []
    for pad in c.pads:
        secret = held.get(pad.id, {})
        if not (secret.get("claimed") or secret.get("remote")):
            continue
        key = PAD_DEVICE + pad.id
        last = seen.get(key)
        rows.append(
            {
                "id": key,
                "kind": "pad",
                "name": f"{pad.name} · {names.get(pad.project_id, '')}",
                "role": "party",
                "role_text": gettext(PARTY_ROLE, lang),
                "scope": None,
                "scope_text": "",
                "addr": None,
                "created_at": "",
                "created_text": "",
                "last_seen": fmt.iso_in(last, c.zone),
                "last_seen_text": fmt.moment(last, lang, c.zone) if last else "",
                "online": online.get(key, 0),
                "this_device": False,
            }
        )
    return rows
