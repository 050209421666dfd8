"""PostgreSQL storage (``KIOSK_DATABASE_URL=postgresql://…``): the SQLite store's SQL, on a database server.

Every query is ``kiosk.store.sqlite``'s, written in the SQL both engines take; what differs is kept here
and nowhere else:

- ``_Connection`` turns SQLite's ``?`` and ``:name`` parameters into psycopg's ``%s`` and ``%(name)s``,
  and hands back rows that read like ``sqlite3.Row`` (by name or by position).
- ``postgres_ddl`` turns a schema step into PostgreSQL's dialect: ``AUTOINCREMENT`` becomes an identity
  column, ``INTEGER`` and ``REAL`` keep SQLite's 64-bit widths, and every table gains the ``rowid`` SQLite
  gives it implicitly (queries order by insertion with it; rows never show it).
- The schema's version is a row of ``schema_version`` (SQLite keeps it in ``PRAGMA user_version``).
- A write transaction is ``BEGIN`` plus ``pg_advisory_xact_lock``: one writer at a time across every
  process on the database, and it decides against what is committed (READ COMMITTED: each statement after
  the lock sees every commit before it), as SQLite's ``BEGIN IMMEDIATE`` does.
- ``data_version()`` is a counter moved by ``NOTIFY``: every transaction that wrote notifies at commit
  (PostgreSQL delivers it only if the commit happens), and a second connection listens. Reading it takes
  no round trip: what the server has sent is read from the listener's socket without blocking.

psycopg cooperates with gevent by itself (3.1.14 and later) once the standard library is monkey-patched,
which ``kiosk.serve`` does first.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

from ..core.clock import Clock
from . import sqlite

# The advisory lock every write transaction takes; advisory locks are per database, so two ceremonies on
# one server never wait for each other.
WRITE_LOCK = 0x6B696F736B  # "kiosk"
CHANNEL = "kiosk_changed"
# As SQLite's busy timeout: a writer waits this long for another to finish, then fails.
LOCK_TIMEOUT = "30s"


class PostgresStorage(sqlite.Storage):
    def __init__(self, url: str, clock: Clock | None = None):
        self.url = url
        self._changes = 0
        self._listen_lock = threading.Lock()
        self._listener: psycopg.Connection | None = None
        super().__init__(url, clock)

    def _connect(self) -> _Connection:
        with self._listen_lock:
            self._listen()
        return _Connection(self._open_writer)

    def _open_writer(self) -> psycopg.Connection:
        conn = psycopg.connect(self.url, autocommit=True, row_factory=_rows)
        # The schema keeps flags as 0/1 integers (as SQLite does): a Python bool must arrive as one.
        conn.adapters.register_dumper(bool, _BoolAsInteger)
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        return conn

    def _listen(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self._listener = psycopg.connect(self.url, autocommit=True)
        self._listener.execute(f"LISTEN {CHANNEL}")
        # Whatever was committed while nobody listened is unknown: count it as a change.
        self._changes += 1

    def close(self) -> None:
        with self._lock:
            self._db.close()
        with self._listen_lock:
            if self._listener is not None:
                self._listener.close()

    # -- the engine's part -----------------------------------------------------------------------------

    def _read_version(self, db) -> int:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "version INTEGER NOT NULL)"
        )
        return db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

    def _write_version(self, db, version: int) -> None:
        db.execute(
            "INSERT INTO schema_version(id, version) VALUES (1, ?) "
            "ON CONFLICT(id) DO UPDATE SET version = excluded.version",
            (int(version),),
        )

    def _predates_ladder(self, db) -> bool:
        return False  # kiosk 0.1 knew only SQLite

    def _schema_statements(self, sql: str) -> list[str]:
        return sqlite._statements(postgres_ddl(sql))

    def _begin(self) -> None:
        self._db.run_alone(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        self._db.in_transaction = True

    def _end(self, commit: bool) -> None:
        conn = self._db.conn
        self._db.in_transaction = False
        if not commit:
            if not conn.broken:
                conn.execute("ROLLBACK")
            return
        try:
            # A transaction that only read was given no transaction id: it tells nobody.
            conn.execute(
                f"SELECT pg_notify('{CHANNEL}', '') WHERE pg_current_xact_id_if_assigned() IS NOT NULL; COMMIT"
            )
        except BaseException:
            if not conn.broken:
                conn.execute("ROLLBACK")
            raise

    def data_version(self) -> int:
        """Moves when another connection committed a write (its NOTIFY reached the listener)."""
        with self._listen_lock:
            own = self._db.conn.info.backend_pid if not self._db.conn.closed else None
            try:
                pgconn = self._listener.pgconn
                # Twice: a server ending the session sends its farewell first and closes after, and only
                # the second read sees the close (without it a dead listener would pass for a quiet one).
                pgconn.consume_input()
                pgconn.consume_input()
                while (note := pgconn.notifies()) is not None:
                    if note.be_pid != own:
                        self._changes += 1
            except psycopg.Error:
                try:
                    self._listen()
                except psycopg.Error:
                    # Unreachable now: every call says "changed", so nobody keeps trusting what it holds.
                    self._changes += 1
            return self._changes

    def writable(self) -> bool:
        """The write lock can be taken and the server accepts writes (not a read-only standby)."""
        try:
            with self.transaction() as db:
                row = db.execute(
                    "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"
                ).fetchone()
                return bool(row[0])
        except psycopg.Error:
            return False

    def checkpoint(self) -> None:
        """Nothing to fold back: the server keeps its own write-ahead log, and every commit is in it."""

    def integrity_check(self) -> str:
        """'ok' when the schema is the one this code knows and every run's log is seq 1..M; else what is wrong.

        The server guards its pages itself; what it cannot know is the ceremony's own invariant."""
        with self.transaction() as db:
            version = self._read_version(db)
            if version != sqlite.SCHEMA_VERSION:
                return f"schema version {version}, expected {sqlite.SCHEMA_VERSION}"
            bad = db.execute(
                "SELECT run FROM log GROUP BY run HAVING MIN(seq) <> 1 OR MAX(seq) <> COUNT(*)"
            ).fetchall()
        return "ok" if not bad else "log with gaps: " + ", ".join(r[0] for r in bad)


class _BoolAsInteger(Dumper):
    oid = psycopg.postgres.types["int8"].oid
    format = Format.TEXT

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _Row:
    """A row as ``sqlite3.Row`` offers it: by column name or position, and ``dict(row)``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple):
        self._index = index
        self._values = values

    def __getitem__(self, key):
        return self._values[self._index[key]] if isinstance(key, str) else self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _rows(cursor: psycopg.Cursor):
    names = [c.name for c in cursor.description or ()]
    # SQLite's implicit rowid is not part of ``SELECT *``; PostgreSQL's explicit one must not be either.
    keep = [i for i, n in enumerate(names) if n != "rowid"]
    index = {names[i]: pos for pos, i in enumerate(keep)}
    if len(keep) == len(names):
        return lambda values: _Row(index, values)
    return lambda values: _Row(index, tuple(values[i] for i in keep))


class _Connection:
    """What ``kiosk.store.sqlite`` calls on its connection, on a psycopg one; a new link to the server
    when the old one died between transactions (a server restart, a dropped network)."""

    def __init__(self, connect):
        self._connect = connect
        self.conn: psycopg.Connection = connect()
        self.in_transaction = False

    def execute(self, sql: str, params=()):
        # Always with parameters (even none): psycopg then reads the query's %% as the % it means.
        if self.in_transaction:
            return self.conn.execute(placeholders(sql), params)
        return self.run_alone(placeholders(sql), params)

    def run_alone(self, query: str, params=None):
        """A statement outside a transaction (a read, or BEGIN): on a dead link nothing was done, so it
        is sent again on a new one. Writes happen only inside transactions and are never resent."""
        try:
            return self.conn.execute(query, params)
        except psycopg.OperationalError:
            if not self.conn.broken:
                raise
            self.conn = self._connect()
            return self.conn.execute(query, params)

    def executemany(self, sql: str, seq) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(placeholders(sql), list(seq))

    def close(self) -> None:
        self.conn.close()


_TOKENS = re.compile(r"('(?:[^']|'')*')|(\?)|(?<!:):([A-Za-z_]\w*)|(%)")


@lru_cache(maxsize=512)
def placeholders(sql: str) -> str:
    """SQLite's ``?`` and ``:name`` as psycopg's ``%s`` and ``%(name)s``; literals are left alone."""

    def one(m: re.Match) -> str:
        literal, mark, name, _percent = m.groups()
        if literal:
            return literal.replace("%", "%%")
        if mark:
            return "%s"
        if name:
            return f"%({name})s"
        return "%%"

    return _TOKENS.sub(one, sql)


def postgres_ddl(sql: str) -> str:
    """A schema step (written for SQLite) in PostgreSQL's dialect."""
    sql = re.sub(
        r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql
    )
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return re.sub(
        r"(CREATE TABLE IF NOT EXISTS \w+ \()",
        r"\1\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,",
        sql,
    )
