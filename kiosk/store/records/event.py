"""The ceremony as prepared: the event's settings, the running order, each project's golden-key card,
the agenda. Each write is a setup entry in the log (it moves ``seq``), except a card's contact details,
which no screen shows."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from decimal import Decimal

from ...core.model import Cue, Event, Project
from ...setup.cards import Card, new_token
from ...setup.fields import CARD_KEYS, ProjectDraft
from . import Rows, record
from .log import append_setup


class EventRecord(Rows):
    """The event's one row."""

    def load_event(self) -> Event | None:
        row = self._one("SELECT * FROM event WHERE id = 1")
        if row is None:
            return None
        values = {k: row[k] for k in _EVENT_COLUMNS}
        for flag in ("publish_in_advance", "show_goal", "calm", "signatures_required", "sign_on_submit"):
            values[flag] = bool(values[flag])  # SQLite keeps 0/1
        return Event(**values)

    def save_event(self, event: Event, at: str) -> int:
        values = [getattr(event, k) for k in _EVENT_COLUMNS]
        updates = ", ".join(f"{k} = excluded.{k}" for k in _EVENT_COLUMNS)  # fixed names, never input
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO event(id, {', '.join(_EVENT_COLUMNS)}) VALUES (1, {', '.join('?' * len(values))}) "  # noqa: S608
                f"ON CONFLICT(id) DO UPDATE SET {updates}",
                values,
            )
            return append_setup(db, "event", at)


class Projects(Rows):
    """The running order."""

    def load_projects(self) -> list[Project]:
        rows = self._all("SELECT * FROM projects ORDER BY position")
        return [_project(row) for row in rows]

    def update_project(self, project_id: str, d: ProjectDraft, at: str) -> int:
        """Replace a project's fields (and its card's name and phone) in place; its id and card address stay."""
        with self.transaction() as db:
            db.execute(
                "UPDATE projects SET name = ?, investor = ?, amount_wan = ?, land_mu = ?, industry = ?, "
                "signatories = ?, summary = ?, name_en = ?, investor_en = ?, industry_en = ?, "
                "signatories_en = ? WHERE id = ?",
                (*_project_values(d), project_id),
            )
            db.execute(
                "UPDATE cards SET contact_name = ?, contact_phone = ? WHERE project_id = ?",
                (d.concierge_name, d.concierge_phone, project_id),
            )
            return append_setup(db, "project", at)

    def delete_project(self, project_id: str, at: str) -> int:
        with self.transaction() as db:
            db.execute("DELETE FROM projects WHERE id = ?", (project_id,))  # its card goes with it
            db.execute("DELETE FROM pads WHERE project_id = ?", (project_id,))
            _renumber(db, [r[0] for r in db.execute("SELECT id FROM projects ORDER BY position")])
            return append_setup(db, "delete", at)

    def reorder_projects(self, ids: list[str], at: str) -> int:
        with self.transaction() as db:
            _renumber(db, ids)
            return append_setup(db, "order", at)

    def add_projects(self, drafts: list[ProjectDraft], at: str, replace_all: bool = False) -> int:
        """Append ``drafts`` to the running order (or replace it) in one transaction; returns the new seq."""
        with self.transaction() as db:
            if replace_all:
                db.execute("DELETE FROM projects")
                start = 0
            else:
                start = db.execute("SELECT COALESCE(MAX(position), 0) FROM projects").fetchone()[0]
            for offset, d in enumerate(drafts, start=1):
                pk = db.execute(
                    "INSERT INTO projects(id, position, name, investor, amount_wan, land_mu, industry, "
                    "signatories, summary, name_en, investor_en, industry_en, signatories_en) "
                    "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
                    (start + offset, *_project_values(d)),
                ).fetchall()[0][0]
                # Ids come from an AUTOINCREMENT key, so a replaced running order never reuses an old id
                # that the log (or an AV desk's button) still names.
                pid = f"p{pk}"
                db.execute("UPDATE projects SET id = ? WHERE pk = ?", (pid, pk))
                # The card's address is made now and kept for good: cards are printed before the day.
                db.execute(
                    "INSERT INTO cards(project_id, token, contact_name, contact_phone) VALUES (?, ?, ?, ?)",
                    (pid, new_token(), d.concierge_name, d.concierge_phone),
                )
            return append_setup(db, "import", at)


class Cards(Rows):
    """The golden keys: kept apart from ``Project`` so that tokens and contacts can never leak into the
    public state."""

    def card_for(self, project_id: str) -> Card | None:
        return self._one("SELECT * FROM cards WHERE project_id = ?", (project_id,), make=_card)

    def card_by_token(self, token: str) -> Card | None:
        return self._one("SELECT * FROM cards WHERE token = ?", (token,), make=_card)

    def load_cards(self) -> dict[str, Card]:
        rows = self._all("SELECT * FROM cards")
        return {r["project_id"]: _card(r) for r in rows}

    def update_card(self, project_id: str, fields: dict) -> None:
        if not fields:
            return
        columns = {k: v for k, v in fields.items() if k in CARD_KEYS}
        if "services" in columns and columns["services"] is not None:
            columns["services"] = json.dumps(list(columns["services"]), ensure_ascii=False)
        assignments = ", ".join(f"{k} = ?" for k in columns)  # keys from a fixed allow-list, never input
        with self.transaction() as db:
            db.execute(
                f"UPDATE cards SET {assignments} WHERE project_id = ?",  # noqa: S608
                (*columns.values(), project_id),
            )

    def rotate_token(self, project_id: str, at: str) -> str:
        """A new card address. It is a change the big screen must see (its QR code), so it moves seq."""
        token = new_token()
        with self.transaction() as db:
            db.execute(
                "UPDATE cards SET token = ?, rotated_at = ? WHERE project_id = ?", (token, at, project_id)
            )
            append_setup(db, "card", at)
        return token


class Cues(Rows):
    """The agenda."""

    def load_cues(self) -> list[Cue]:
        rows = self._all("SELECT * FROM cues ORDER BY position")
        return [_cue(row) for row in rows]

    def replace_cues(self, cues: list[Cue], at: str) -> int:
        """The agenda, replaced whole (an import, the admin's editor). A cue whose ``id`` names a cue of the
        agenda it replaces keeps it (each id once), so the cue the show is at stays where it is; every other
        cue gets a new id, never one the log named before. Returns the new seq."""
        with self.transaction() as db:
            known = {r[0] for r in db.execute("SELECT id FROM cues")}
            db.execute("DELETE FROM cues")
            for position, c in enumerate(cues, start=1):
                pk = db.execute(
                    "INSERT INTO cues(id, position, kind, title, person, role, project_ids, planned_time, "
                    "minutes, script, title_en, person_en, role_en, script_en) "
                    "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
                    (
                        position,
                        c.kind,
                        c.title,
                        c.person,
                        c.role,
                        json.dumps(list(c.project_ids)),
                        c.planned_time,
                        c.minutes,
                        c.script,
                        c.title_en,
                        c.person_en,
                        c.role_en,
                        c.script_en,
                    ),
                ).fetchall()[0][0]
                kept = c.id if c.id in known else None
                known.discard(c.id)
                db.execute("UPDATE cues SET id = ? WHERE pk = ?", (kept or f"c{pk}", pk))
            return append_setup(db, "agenda", at)


def _project_values(d: ProjectDraft) -> tuple:
    """A draft as the columns name, investor, amount_wan, land_mu, industry, signatories, summary, then
    the English forms name_en, investor_en, industry_en, signatories_en."""
    land = None if d.land_mu is None else str(d.land_mu)
    signatories = json.dumps(list(d.signatories), ensure_ascii=False)
    english = (
        d.name_en,
        d.investor_en,
        d.industry_en,
        json.dumps(list(d.signatories_en), ensure_ascii=False),
    )
    return (d.name, d.investor, d.amount_wan, land, d.industry, signatories, d.summary, *english)


def _renumber(db: sqlite3.Connection, ids: list[str]) -> None:
    for position, pid in enumerate(ids, start=1):
        db.execute("UPDATE projects SET position = ? WHERE id = ?", (position, pid))


def _cue(row: sqlite3.Row) -> Cue:
    return record(Cue, row, project_ids=tuple(json.loads(row["project_ids"])))


# The event table's columns are the Event dataclass's fields, one for one (schema/ keeps them in step).
_EVENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Event))


def _card(row: sqlite3.Row) -> Card:
    services = row["services"]
    return record(Card, row, services=None if services is None else tuple(json.loads(services)))


def _project(row: sqlite3.Row) -> Project:
    return record(
        Project,
        row,
        land_mu=None if row["land_mu"] is None else Decimal(row["land_mu"]),
        signatories=tuple(json.loads(row["signatories"] or "[]")),
        signatories_en=tuple(json.loads(row["signatories_en"] or "[]")),
    )
