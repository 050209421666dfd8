"""The signing pads, and each pad's attempts with their strokes, batch by batch."""

from __future__ import annotations

import json
import sqlite3

from ...core.model import Pad
from . import Rows, record
from .log import append_setup


class Pads(Rows):
    """The pads and their links."""

    def load_pads(self) -> list[Pad]:
        """Every pad of a live project, in running order, the host's before the investor's."""
        rows = self._all(
            "SELECT d.* FROM pads d JOIN projects p ON p.id = d.project_id "
            "ORDER BY p.position, d.party = 'investor', d.position"
        )
        return [_pad(row) for row in rows]

    def pad_secrets(self) -> dict[str, dict]:
        """pad id -> its local token, whether a browser holds it, whether a remote link is live."""
        rows = self._all("SELECT id, token, claim_hash, remote_hash FROM pads")
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
            return append_setup(db, "pads", at)

    def update_pad(self, pad_id: str, name: str, party: str, remote_place: str, at: str) -> int:
        with self.transaction() as db:
            db.execute(
                "UPDATE pads SET name = ?, party = ?, remote_place = ? WHERE id = ?",
                (name, party, remote_place, pad_id),
            )
            return append_setup(db, "pads", at)

    def delete_pad(self, pad_id: str, at: str) -> int:
        with self.transaction() as db:
            db.execute("DELETE FROM pads WHERE id = ?", (pad_id,))
            return append_setup(db, "pads", at)

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
            return append_setup(db, "pads", at)

    def claim_pad(self, pad_id: str, claim_hash: str) -> bool:
        """The first browser to open a local link keeps it; True when this one holds it now."""
        with self.transaction() as db:
            db.execute(
                "UPDATE pads SET claim_hash = ? WHERE id = ? AND claim_hash IS NULL", (claim_hash, pad_id)
            )
            row = db.execute("SELECT claim_hash FROM pads WHERE id = ?", (pad_id,)).fetchone()
        return row is not None and row["claim_hash"] == claim_hash


class Signatures(Rows):
    """A pad's attempts and their strokes."""

    def signature(self, signature_id: str) -> dict | None:
        return self._one("SELECT * FROM signatures WHERE id = ?", (signature_id,), make=dict)

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
        rows = self._all(
            "SELECT batch, points FROM strokes WHERE signature_id = ? ORDER BY batch", (signature_id,)
        )
        points: list = []
        for r in rows:
            points.extend(json.loads(r["points"]))
        return [r["batch"] for r in rows], points

    def open_signatures(self) -> dict[str, dict]:
        """pad id -> its latest attempt in the current run that is neither cleared nor submitted."""
        rows = self._all(
            "SELECT * FROM signatures WHERE run = (SELECT value FROM meta WHERE key = 'run_id') "
            "AND cleared_at IS NULL AND submitted_at IS NULL ORDER BY rowid"
        )
        return {r["pad_id"]: dict(r) for r in rows}

    def signatures_of(self, run_id: str | None = None) -> list[dict]:
        """Every attempt of a run (default: the current one), oldest first, with its batch count."""
        rows = self._all(
            "SELECT s.*, (SELECT COUNT(*) FROM strokes t WHERE t.signature_id = s.id) AS batches "
            "FROM signatures s WHERE s.run = COALESCE(?, (SELECT value FROM meta WHERE key = 'run_id')) "
            "ORDER BY s.rowid",
            (run_id,),
        )
        return [dict(r) for r in rows]


def _pad(row: sqlite3.Row) -> Pad:
    return record(Pad, row)
