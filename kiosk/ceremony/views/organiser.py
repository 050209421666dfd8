"""What the organisers' lists show beside the operator view: the pads with their links, the running order
with the concierges' contacts, the runs so far, a file's import preview. Built here, as every view is; the
routes (``kiosk.web``) only hand them over. Each takes the ceremony service and asks only its public side.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ...words import format as fmt
from ...words.catalogue import gettext, word
from ...words.messages import PARTY_ROLE, ROLE_LABELS, SCOPE_LABELS
from . import PAD_STATE_LABELS

if TYPE_CHECKING:
    from ...core.access import Device
    from ...core.model import Pad, Run
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
    rows = []
    for p in c.view("operator")["projects"]:
        card = cards.get(p["id"])
        rows.append(
            p
            | {
                "concierge_name": card.contact_name if card else None,
                "concierge_phone": card.contact_phone if card else None,
            }
        )
    return rows


def run(r: Run, lang: str) -> dict:
    return {
        "id": r.id,
        "mode": r.mode,
        "started_at": r.started_at,
        "started_text": fmt.moment(r.started_at, lang),
    }


def runs(c: Ceremony) -> dict:
    """Every run so far (rehearsals and live), oldest first, each with its times written; and the current."""
    lang = c.lang
    rows = [
        r | {"started_text": fmt.moment(r["started_at"], lang), "ended_text": fmt.moment(r["ended_at"], lang)}
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


def device_row(d: Device, seen: dict, online: dict, me: str | None, lang: str) -> dict:
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
        "created_at": d.created_at,
        "created_text": fmt.moment(d.created_at, lang) if d.created_at else "",
        "last_seen": last,
        "last_seen_text": fmt.moment(last, lang) if last else "",
        "online": online.get(d.id, 0),
        "this_device": d.id == me,
    }


def devices(c: Ceremony, listed: list[Device], seen: dict, online: dict, me: str | None) -> list[dict]:
    """Who holds credentials now, as ``GET /api/v1/devices`` lists them: each session, token and paired
    screen (``listed``), and the signing pads a browser holds; this device first, then what is connected
    now (``online``: sockets by device id), then the most recently active (``seen``)."""
    lang = c.lang
    rows = [device_row(d, seen, online, me, lang) for d in listed]
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
                "last_seen": last,
                "last_seen_text": fmt.moment(last, lang) if last else "",
                "online": online.get(key, 0),
                "this_device": False,
            }
        )
    return rows
