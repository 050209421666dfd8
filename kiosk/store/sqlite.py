"""SQLite storage: the engine, under the SQL of each kind of record (``kiosk.store.records``), the only
modules that write SQL.

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
``Storage`` is ``kiosk.store.base.Store``: this engine with every kind of record's mixin.
"""

from __future__ import annotations

import sqlite3
import threading
from importlib import resources
from pathlib import Path

from ..core.clock import Clock
from .records.devices import Devices, Meta
from .records.event import Cards, Cues, EventRecord, Projects
from .records.log import Log, Runs
from .records.pads import Pads, Signatures


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


class Storage(EventRecord, Projects, Cards, Cues, Pads, Signatures, Runs, Log, Devices, Meta):
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
        row = self._one(
            "SELECT m.value AS run, COALESCE(MAX(l.seq), 0) AS seq FROM meta m "
            "LEFT JOIN log l ON l.run = m.value WHERE m.key = 'run_id' GROUP BY m.value"
        )
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
