"""The runs (rehearsals and the live one), the log of accepted changes, and the answer to every command
received (the audit)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import uuid

from ...core.model import LogEntry, Run
from . import Rows, record


class Runs(Rows):
    """Rehearsals and the live run; the current one names the log."""

    def current_run(self) -> Run | None:
        """The run now being shown. Its id names the log to clients."""
        row = self._one("SELECT r.* FROM runs r JOIN meta m ON m.key = 'run_id' AND m.value = r.id")
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
        """Every run, oldest first, with how many entries its log holds and how many projects it left
        signed (a round's confirm signs several at once, its undo takes them all back)."""
        rows = self._all(
            "SELECT r.*, COUNT(l.seq) AS entries, "
            "(SELECT COUNT(*) FROM commands c WHERE c.run = r.id) AS commands "
            "FROM runs r LEFT JOIN log l ON l.run = r.id GROUP BY r.id ORDER BY r.rowid"
        )
        signed: dict[str, set[str]] = {}
        for e in self._all(
            "SELECT run, action, project_id, project_ids FROM log WHERE action IN ('confirm', 'undo') "
            "ORDER BY run, seq"
        ):
            ids = set(json.loads(e["project_ids"])) if e["project_ids"] else {e["project_id"]}
            held = signed.setdefault(e["run"], set())
            if e["action"] == "confirm":
                held |= ids
            else:
                held -= ids
        return [dict(r) | {"signed": len(signed.get(r["id"], ()))} for r in rows]


class Log(Rows):
    """The log and the commands."""

    def load_log(self, run_id: str | None = None) -> list[LogEntry]:
        """The entries of ``run_id`` (default: the current run), in order."""
        rows = self._all(
            "SELECT * FROM log WHERE run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
            "ORDER BY seq",
            (run_id,),
        )
        return [_entry(row) for row in rows]

    def find_command(self, command_id: str) -> tuple[int, dict] | None:
        row = self._one(
            "SELECT http_status, response FROM commands WHERE command_id = ? "
            "AND run = (SELECT value FROM meta WHERE key = 'run_id')",
            (command_id,),
        )
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
                insert_entry(db, entry)
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
            seq = append_setup(db, what, at, device=device, command_id=command_id)
            db.execute(
                "INSERT INTO commands(run, command_id, received_at, device, request, outcome, http_status, "
                "response, seq) VALUES ((SELECT value FROM meta WHERE key = 'run_id'), ?, ?, ?, ?, 'ok', 200, "
                '\'{"status": "ok"}\', ?)',
                (command_id, at, device, json.dumps({"action": what}), seq),
            )
        return seq

    def audit(self, run_id: str | None = None) -> list[dict]:
        """Every command received in a run (default: the current one), accepted or not, oldest first."""
        rows = self._all(
            "SELECT command_id, received_at, device, request, outcome, http_status, seq "
            "FROM commands WHERE run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
            "ORDER BY received_at, rowid",
            (run_id,),
        )
        return [dict(r) | {"request": json.loads(r["request"])} for r in rows]


def append_setup(
    db: sqlite3.Connection, what: str, at: str, device: str | None = None, command_id: str | None = None
) -> int:
    seq = db.execute(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM log WHERE run = (SELECT value FROM meta WHERE key = 'run_id')"
    ).fetchone()[0]
    insert_entry(
        db, LogEntry(seq=seq, action="setup", at=at, screen=what, device=device, command_id=command_id)
    )
    return seq


def insert_entry(db: sqlite3.Connection, e: LogEntry) -> None:
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
    ids = row["project_ids"]
    return record(LogEntry, row, project_ids=tuple(json.loads(ids)) if ids else ())
