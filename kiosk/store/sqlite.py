"""SQLite storage: the only module that writes SQL.

One connection, guarded by a lock, shared by the process: commands are serialised anyway, and reads of the
live state come from memory (see ``kiosk.ceremony.service``). WAL with ``synchronous=FULL`` so a commit
that returned has reached the disk: a ``kill -9`` after an acknowledgement loses nothing.

Transactions nest: ``with store.transaction():`` around several calls makes them one ``BEGIN IMMEDIATE …
COMMIT``, which is how the service decides a command inside the same transaction that records it — no
other process (a CLI import, a second server) can write in between.

The schema is ``schema/NNNN_*.sql``, applied in order, once each; ``PRAGMA user_version`` is the number of
the last one applied (a database made before the ladder existed is at 1).

The queries are written in the SQL PostgreSQL takes too (RETURNING, ON CONFLICT DO NOTHING, FILTER, no
json_each): ``kiosk.store.postgres`` runs these same methods on a database server, overriding only the
engine's part (connecting, the schema's version and dialect, BEGIN and COMMIT, ``data_version``).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import sqlite3
import threading
import uuid
from decimal import Decimal
from importlib import resources
from pathlib import Path

from ..core.access import Device
from ..core.clock import Clock
from ..core.model import Cue, Event, LogEntry, Pad, Project, Run
from ..setup.cards import Card, new_token
from ..setup.fields import CARD_KEYS, ProjectDraft


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every schema step, in order."""
    folder = resources.files("kiosk.store").joinpath("schema")
    steps = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            steps.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(steps)


SCHEMA_VERSION = migrations()[-1][0]


def _statements(sql: str) -> list[str]:
    out, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(part.strip().startswith("--") for part in buffer.strip().splitlines()):
        out.append(buffer.strip())
    return out


class Storage:
    def __init__(self, path: str | Path, clock: Clock | None = None):
        self.path = str(path)
        self.clock = clock or Clock()
        self._lock = threading.RLock()
        self._depth = 0
        self._db = self._connect()
        self.migrate()
        # Under the write lock: two processes starting on a new database make one run, not two.
        with self.transaction():
            if self.current_run() is None:
                self.start_run("live", self.clock.now_iso())

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False: the lock, not the thread, is what keeps use of the connection serial.
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- schema -------------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self._lock:
            return self._read_version(self._db)

    def migrate(self) -> list[str]:
        """Apply the schema steps this database lacks, each in its own transaction; returns their names.

        Two processes starting at once take turns: the version is read again under the write lock.
        """
        applied = []
        for version, name, sql in migrations():
            with self.transaction() as db:
                current = self._read_version(db)
                if current == 0 and self._predates_ladder(db):
                    # Made by kiosk 0.1, before this ladder: its schema is step 1.
                    self._write_version(db, 1)
                    current = 1
                if current >= version:
                    continue
                for statement in self._schema_statements(sql):
                    db.execute(statement)
                self._write_version(db, version)
                applied.append(name)
        return applied

    # What differs between engines: where the schema's version is kept, the dialect of its steps, how a
    # write transaction starts and ends. ``kiosk.store.postgres`` overrides these and nothing else of SQL.

    def _read_version(self, db) -> int:
        return db.execute("PRAGMA user_version").fetchone()[0]

    def _predates_ladder(self, db) -> bool:
        return _has_table(db, "meta")

    def _write_version(self, db, version: int) -> None:
        db.execute(f"PRAGMA user_version = {int(version)}")

    def _schema_statements(self, sql: str) -> list[str]:
        return _statements(sql)

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _end(self, commit: bool) -> None:
        self._db.execute("COMMIT" if commit else "ROLLBACK")

    # -- transactions -------------------------------------------------------------------------------------

    def transaction(self):
        """``with store.transaction() as db:`` — one BEGIN IMMEDIATE … COMMIT; nested uses join it."""
        return _Transaction(self)

    def head(self) -> tuple[str, int]:
        """(current run id, its last seq): what a process compares to know whether it is up to date."""
        with self._lock:
            row = self._db.execute(
                "SELECT m.value AS run, COALESCE(MAX(l.seq), 0) AS seq FROM meta m "
                "LEFT JOIN log l ON l.run = m.value WHERE m.key = 'run_id' GROUP BY m.value"
            ).fetchone()
        return (row["run"], row["seq"]) if row and row["run"] else ("", 0)

    def data_version(self) -> int:
        """Changes when another connection (the CLI importing while the server runs) commits."""
        with self._lock:
            return self._db.execute("PRAGMA data_version").fetchone()[0]

    def writable(self) -> bool:
        """Can we take the write lock right now? (BEGIN IMMEDIATE fails on a read-only or locked file.)"""
        try:
            with self.transaction():
                return True
        except sqlite3.Error:
            return False

    def checkpoint(self) -> None:
        """Fold the write-ahead log back into the database file (at a clean stop)."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_check(self) -> str:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0]

    # -- event --------------------------------------------------------------------------------------------

    def load_event(self) -> Event | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM event WHERE id = 1").fetchone()
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
            return _append_setup(db, "event", at)

    # -- projects -----------------------------------------------------------------------------------------

    def load_projects(self) -> list[Project]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM projects ORDER BY position").fetchall()
        return [_project(row) for row in rows]

    def update_project(self, project_id: str, d: ProjectDraft, at: str) -> int:
        """Replace a project's fields (and its card's name and phone) in place; its id and card address stay."""
        with self.transaction() as db:
            db.execute(
                "UPDATE projects SET name = ?, investor = ?, amount_wan = ?, land_mu = ?, industry = ?, "
                "signatories = ?, summary = ? WHERE id = ?",
                (*_project_values(d), project_id),
            )
            db.execute(
                "UPDATE cards SET contact_name = ?, contact_phone = ? WHERE project_id = ?",
                (d.concierge_name, d.concierge_phone, project_id),
            )
            return _append_setup(db, "project", at)

    def delete_project(self, project_id: str, at: str) -> int:
        with self.transaction() as db:
            db.execute("DELETE FROM projects WHERE id = ?", (project_id,))  # its card goes with it
            db.execute("DELETE FROM pads WHERE project_id = ?", (project_id,))
            _renumber(db, [r[0] for r in db.execute("SELECT id FROM projects ORDER BY position")])
            return _append_setup(db, "delete", at)

    def reorder_projects(self, ids: list[str], at: str) -> int:
        with self.transaction() as db:
            _renumber(db, ids)
            return _append_setup(db, "order", at)

    # -- cards --------------------------------------------------------------------------------------------
    # Kept apart from ``Project`` so that tokens and contacts can never leak into the public state.

    def card_for(self, project_id: str) -> Card | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM cards WHERE project_id = ?", (project_id,)).fetchone()
        return None if row is None else _card(row)

    def card_by_token(self, token: str) -> Card | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM cards WHERE token = ?", (token,)).fetchone()
        return None if row is None else _card(row)

    def load_cards(self) -> dict[str, Card]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM cards").fetchall()
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
            _append_setup(db, "card", at)
        return token

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
                    "signatories, summary) VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
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
            return _append_setup(db, "import", at)

    # -- the agenda ---------------------------------------------------------------------------------------

    def load_cues(self) -> list[Cue]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM cues ORDER BY position").fetchall()
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
                    "minutes, script) VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
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
                    ),
                ).fetchall()[0][0]
                kept = c.id if c.id in known else None
                known.discard(c.id)
                db.execute("UPDATE cues SET id = ? WHERE pk = ?", (kept or f"c{pk}", pk))
            return _append_setup(db, "agenda", at)

    # -- pads and their signatures ------------------------------------------------------------------------

    def load_pads(self) -> list[Pad]:
        """Every pad of a live project, in running order, the host's before the investor's."""
        with self._lock:
            rows = self._db.execute(
                "SELECT d.* FROM pads d JOIN projects p ON p.id = d.project_id "
                "ORDER BY p.position, d.party = 'investor', d.position"
            ).fetchall()
        return [_pad(row) for row in rows]

    def pad_secrets(self) -> dict[str, dict]:
        """pad id -> its local token, whether a browser holds it, whether a remote link is live."""
        with self._lock:
            rows = self._db.execute("SELECT id, token, claim_hash, remote_hash FROM pads").fetchall()
        return {
            r["id"]: {
                "token": r["token"],
                "claimed": r["claim_hash"] is not None,
                "remote": bool(r["remote_hash"]),
            }
            for r in rows
        }

    def pad_by_token(self, token: str, token_hash: str) -> tuple[str, str, str | None] | None:
        """(pad id, "local" or "remote", the local link's claim hash) for a link's token, or None."""
        with self._lock:
            row = self._db.execute("SELECT id, claim_hash FROM pads WHERE token = ?", (token,)).fetchone()
            if row is not None:
                return row["id"], "local", row["claim_hash"]
            row = self._db.execute("SELECT id FROM pads WHERE remote_hash = ?", (token_hash,)).fetchone()
        return None if row is None else (row["id"], "remote", None)

    def add_pad(self, pad: Pad, token: str, at: str) -> int:
        with self.transaction() as db:
            position = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM pads").fetchone()[0]
            db.execute(
                "INSERT INTO pads(id, position, name, project_id, party, remote_place, token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (pad.id, position, pad.name, pad.project_id, pad.party, pad.remote_place, token, at),
            )
            return _append_setup(db, "pads", at)

    def update_pad(self, pad_id: str, name: str, party: str, remote_place: str, at: str) -> int:
        with self.transaction() as db:
            db.execute(
                "UPDATE pads SET name = ?, party = ?, remote_place = ? WHERE id = ?",
                (name, party, remote_place, pad_id),
            )
            return _append_setup(db, "pads", at)

    def delete_pad(self, pad_id: str, at: str) -> int:
        with self.transaction() as db:
            db.execute("DELETE FROM pads WHERE id = ?", (pad_id,))
            return _append_setup(db, "pads", at)

    def set_pad_secret(
        self, pad_id: str, at: str, token: str | None = None, remote_hash: object = ...
    ) -> int:
        """A new local link (``token``: the old one and its tablet stop working), or a new or revoked
        remote link (``remote_hash``, None revokes)."""
        with self.transaction() as db:
            if token is not None:
                db.execute("UPDATE pads SET token = ?, claim_hash = NULL WHERE id = ?", (token, pad_id))
            if remote_hash is not ...:
                db.execute("UPDATE pads SET remote_hash = ? WHERE id = ?", (remote_hash, pad_id))
            return _append_setup(db, "pads", at)

    def claim_pad(self, pad_id: str, claim_hash: str) -> bool:
        """The first browser to open a local link keeps it; True when this one holds it now."""
        with self.transaction() as db:
            db.execute(
                "UPDATE pads SET claim_hash = ? WHERE id = ? AND claim_hash IS NULL", (claim_hash, pad_id)
            )
            row = db.execute("SELECT claim_hash FROM pads WHERE id = ?", (pad_id,)).fetchone()
        return row is not None and row["claim_hash"] == claim_hash

    def signature(self, signature_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM signatures WHERE id = ?", (signature_id,)).fetchone()
        return None if row is None else dict(row)

    def begin_signature(self, row: dict) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO signatures(id, run, pad_id, project_id, started_at, width, height, via, device) "
                "VALUES (:id, (SELECT value FROM meta WHERE key = 'run_id'), :pad_id, :project_id, :started_at, "
                ":width, :height, :via, :device)",
                row,
            )

    def mark_signature(self, signature_id: str, column: str, at: str) -> None:
        if column not in ("cleared_at", "submitted_at"):
            raise ValueError(column)
        with self.transaction() as db:
            db.execute(f"UPDATE signatures SET {column} = ? WHERE id = ?", (at, signature_id))  # noqa: S608

    def add_strokes(self, signature_id: str, batch: int, points: list, at: str) -> bool:
        """Store one batch; False when it was stored before (a pad re-sending after a cut)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO strokes(signature_id, batch, at, points) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (signature_id, batch, at, json.dumps(points, separators=(",", ":"))),
            )
            return cur.rowcount == 1

    def strokes(self, signature_id: str) -> tuple[list[int], list]:
        """The batch numbers stored and every point in batch order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT batch, points FROM strokes WHERE signature_id = ? ORDER BY batch", (signature_id,)
            ).fetchall()
        points: list = []
        for r in rows:
            points.extend(json.loads(r["points"]))
        return [r["batch"] for r in rows], points

    def open_signatures(self) -> dict[str, dict]:
        """pad id -> its latest attempt in the current run that is neither cleared nor submitted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM signatures WHERE run = (SELECT value FROM meta WHERE key = 'run_id') "
                "AND cleared_at IS NULL AND submitted_at IS NULL ORDER BY rowid"
            ).fetchall()
        return {r["pad_id"]: dict(r) for r in rows}

    def signatures_of(self, run_id: str | None = None) -> list[dict]:
        """Every attempt of a run (default: the current one), oldest first, with its batch count."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.*, (SELECT COUNT(*) FROM strokes t WHERE t.signature_id = s.id) AS batches "
                "FROM signatures s WHERE s.run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
                "ORDER BY s.rowid",
                (run_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    # -- runs ---------------------------------------------------------------------------------------------

    def current_run(self) -> Run | None:
        """The run now being shown. Its id names the log to clients."""
        with self._lock:
            row = self._db.execute(
                "SELECT r.* FROM runs r JOIN meta m ON m.key = 'run_id' AND m.value = r.id"
            ).fetchone()
        return None if row is None else Run(id=row["id"], mode=row["mode"], started_at=row["started_at"])

    def start_run(self, mode: str, at: str) -> str:
        """End the current run (its log stays, archived) and start a clean one."""
        run_id = secrets.token_hex(8)
        with self.transaction() as db:
            db.execute("UPDATE runs SET ended_at = ? WHERE ended_at IS NULL", (at,))
            db.execute("INSERT INTO runs(id, mode, started_at) VALUES (?, ?, ?)", (run_id, mode, at))
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('run_id', ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                (run_id, run_id),
            )
        return run_id

    def runs(self) -> list[dict]:
        """Every run, oldest first, with how many entries and signings its log holds."""
        with self._lock:
            rows = self._db.execute(
                "SELECT r.*, COUNT(l.seq) AS entries, COUNT(*) FILTER (WHERE l.action = 'confirm') "
                "- COUNT(*) FILTER (WHERE l.action = 'undo') AS signed, "
                "(SELECT COUNT(*) FROM commands c WHERE c.run = r.id) AS commands "
                "FROM runs r LEFT JOIN log l ON l.run = r.id GROUP BY r.id ORDER BY r.rowid"
            ).fetchall()
        return [dict(r) | {"signed": r["signed"] or 0} for r in rows]

    # -- the log ------------------------------------------------------------------------------------------

    def load_log(self, run_id: str | None = None) -> list[LogEntry]:
        """The entries of ``run_id`` (default: the current run), in order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM log WHERE run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
                "ORDER BY seq",
                (run_id,),
            ).fetchall()
        return [_entry(row) for row in rows]

    def find_command(self, command_id: str) -> tuple[int, dict] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT http_status, response FROM commands WHERE command_id = ? "
                "AND run = (SELECT value FROM meta WHERE key = 'run_id')",
                (command_id,),
            ).fetchone()
        return None if row is None else (row["http_status"], json.loads(row["response"]))

    def record_command(
        self,
        command_id: str,
        request: dict,
        device: str | None,
        at: str,
        http_status: int,
        response: dict,
        entry: LogEntry | None,
    ) -> None:
        """Store the answer to a command and, if it was accepted, its log entry: one transaction, both or none."""
        with self.transaction() as db:
            if entry is not None:
                _insert_entry(db, entry)
            db.execute(
                "INSERT INTO commands(run, command_id, received_at, device, request, outcome, http_status, "
                "response, seq) VALUES ((SELECT value FROM meta WHERE key = 'run_id'), ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    command_id,
                    at,
                    device,
                    json.dumps(request, ensure_ascii=False),
                    response.get("reason", "ok"),
                    http_status,
                    json.dumps(response, ensure_ascii=False),
                    None if entry is None else entry.seq,
                ),
            )

    def record_setup(self, what: str, at: str, device: str | None) -> int:
        """A setup entry that is also a line of the audit (unlocking a locked show): who, when, what."""
        command_id = "setup-" + uuid.uuid4().hex
        with self.transaction() as db:
            seq = _append_setup(db, what, at, device=device, command_id=command_id)
            db.execute(
                "INSERT INTO commands(run, command_id, received_at, device, request, outcome, http_status, "
                "response, seq) VALUES ((SELECT value FROM meta WHERE key = 'run_id'), ?, ?, ?, ?, 'ok', 200, "
                '\'{"status": "ok"}\', ?)',
                (command_id, at, device, json.dumps({"action": what}), seq),
            )
        return seq

    def audit(self, run_id: str | None = None) -> list[dict]:
        """Every command received in a run (default: the current one), accepted or not, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT command_id, received_at, device, request, outcome, http_status, seq "
                "FROM commands WHERE run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
                "ORDER BY received_at, rowid",
                (run_id,),
            ).fetchall()
        return [dict(r) | {"request": json.loads(r["request"])} for r in rows]

    # -- devices: sessions, tokens, paired screens -----------------------------------------------------------

    def add_device(self, device: Device, secret_hash: str | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO devices(id, kind, name, role, scope, secret_hash, addr, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    device.id,
                    device.kind,
                    device.name,
                    device.role,
                    device.scope,
                    secret_hash,
                    device.addr,
                    device.created_at,
                ),
            )

    def device(self, device_id: str) -> Device | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
        return None if row is None else _device(row)

    def device_by_secret(self, secret_hash: str) -> Device | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM devices WHERE secret_hash = ?", (secret_hash,)).fetchone()
        return None if row is None else _device(row)

    def devices(self, include_revoked: bool = False) -> list[Device]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM devices WHERE revoked_at IS NULL OR ? = 1 ORDER BY created_at, rowid",
                (int(include_revoked),),
            ).fetchall()
        return [_device(r) for r in rows]

    def rename_device(self, device_id: str, name: str) -> bool:
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE devices SET name = ? WHERE id = ? AND revoked_at IS NULL", (name, device_id)
                ).rowcount
                == 1
            )

    def set_layout(self, device_id: str, layout: str | None) -> bool:
        """Choose what a paired screen draws (``None``: the layout its shape calls for)."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE devices SET layout = ? WHERE id = ? AND kind = 'screen' AND revoked_at IS NULL",
                    (layout, device_id),
                ).rowcount
                == 1
            )

    def revoke_devices(self, at: str, device_id: str | None = None, kinds: tuple[str, ...] = ()) -> list[str]:
        """Sign out one device, or every active one of ``kinds``; returns the ids signed out."""
        with self.transaction() as db:
            if device_id is not None:
                rows = db.execute(
                    "SELECT id FROM devices WHERE id = ? AND revoked_at IS NULL", (device_id,)
                ).fetchall()
            elif kinds:
                marks = ", ".join("?" * len(kinds))
                rows = db.execute(
                    f"SELECT id FROM devices WHERE kind IN ({marks}) AND revoked_at IS NULL",  # noqa: S608
                    tuple(kinds),
                ).fetchall()
            else:
                rows = []
            ids = [r["id"] for r in rows]
            db.executemany("UPDATE devices SET revoked_at = ? WHERE id = ?", [(at, i) for i in ids])
        return ids

    # -- secrets and settings -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row["value"]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=?",
                (key, value, value),
            )


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT under the storage lock; ROLLBACK on any exception. Re-entrant: an inner
    one joins the outer (and an exception anywhere rolls the whole of it back)."""

    def __init__(self, store: Storage):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        store = self.store
        store._lock.acquire()
        if store._depth == 0:
            try:
                store._begin()
            except BaseException:
                store._lock.release()
                raise
        store._depth += 1
        return store._db

    def __exit__(self, exc_type, exc, tb) -> None:
        store = self.store
        try:
            store._depth -= 1
            if store._depth == 0:
                store._end(commit=exc_type is None)
            elif exc_type:
                # An inner block failed: the outer one will see the exception and roll everything back.
                pass
        finally:
            store._lock.release()


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def _project_values(d: ProjectDraft) -> tuple:
    """A draft as the columns name, investor, amount_wan, land_mu, industry, signatories, summary."""
    land = None if d.land_mu is None else str(d.land_mu)
    signatories = json.dumps(list(d.signatories), ensure_ascii=False)
    return (d.name, d.investor, d.amount_wan, land, d.industry, signatories, d.summary)


def _renumber(db: sqlite3.Connection, ids: list[str]) -> None:
    for position, pid in enumerate(ids, start=1):
        db.execute("UPDATE projects SET position = ? WHERE id = ?", (position, pid))


def _append_setup(
    db: sqlite3.Connection, what: str, at: str, device: str | None = None, command_id: str | None = None
) -> int:
    seq = db.execute(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM log WHERE run = (SELECT value FROM meta WHERE key = 'run_id')"
    ).fetchone()[0]
    _insert_entry(
        db, LogEntry(seq=seq, action="setup", at=at, screen=what, device=device, command_id=command_id)
    )
    return seq


def _insert_entry(db: sqlite3.Connection, e: LogEntry) -> None:
    db.execute(
        "INSERT INTO log(run, seq, command_id, action, project_id, screen, undoes, at, device, project_ids, "
        "cue_id, text, pad_id, signature_id) "
        "VALUES ((SELECT value FROM meta WHERE key = 'run_id'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.seq,
            e.command_id,
            e.action,
            e.project_id,
            e.screen,
            e.undoes,
            e.at,
            e.device,
            json.dumps(list(e.project_ids)) if e.project_ids else None,
            e.cue_id,
            e.text,
            e.pad_id,
            e.signature_id,
        ),
    )


def _entry(row: sqlite3.Row) -> LogEntry:
    return LogEntry(
        seq=row["seq"],
        action=row["action"],
        at=row["at"],
        command_id=row["command_id"],
        project_id=row["project_id"],
        screen=row["screen"],
        undoes=row["undoes"],
        device=row["device"],
        project_ids=tuple(json.loads(row["project_ids"])) if row["project_ids"] else (),
        cue_id=row["cue_id"],
        text=row["text"],
        pad_id=row["pad_id"],
        signature_id=row["signature_id"],
    )


def _pad(row: sqlite3.Row) -> Pad:
    return Pad(
        id=row["id"],
        order=row["position"],
        name=row["name"],
        project_id=row["project_id"],
        party=row["party"],
        remote_place=row["remote_place"],
    )


def _cue(row: sqlite3.Row) -> Cue:
    return Cue(
        id=row["id"],
        order=row["position"],
        kind=row["kind"],
        title=row["title"],
        person=row["person"],
        role=row["role"],
        project_ids=tuple(json.loads(row["project_ids"])),
        planned_time=row["planned_time"],
        minutes=row["minutes"],
        script=row["script"],
    )


# The event table's columns are the Event dataclass's fields, one for one (schema/ keeps them in step).
_EVENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Event))


def _device(row: sqlite3.Row) -> Device:
    return Device(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        role=row["role"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        scope=row["scope"],
        addr=row["addr"],
        layout=row["layout"],
    )


def _card(row: sqlite3.Row) -> Card:
    services = row["services"]
    return Card(
        project_id=row["project_id"],
        token=row["token"],
        services=None if services is None else tuple(json.loads(services)),
        **{k: row[k] for k in CARD_KEYS if k != "services"},
    )


def _project(row: sqlite3.Row) -> Project:
    return Project(
        id=row["id"],
        order=row["position"],
        name=row["name"],
        investor=row["investor"],
        amount_wan=row["amount_wan"],
        land_mu=None if row["land_mu"] is None else Decimal(row["land_mu"]),
        industry=row["industry"],
        signatories=tuple(json.loads(row["signatories"] or "[]")),
        summary=row["summary"],
    )
