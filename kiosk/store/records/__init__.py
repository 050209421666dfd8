"""The SQL of each kind of record, one mixin per kind; ``kiosk.store.sqlite.Storage`` is all of them on
one engine (and ``kiosk.store.postgres`` the same on a database server). Written in the SQL both engines
take: ``?`` and ``:name`` parameters, RETURNING, ON CONFLICT, FILTER, no json_each."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any


class Rows:
    """What every kind of record works through, given by the engine: its connection (``_db``, used under
    ``_lock`` for a read) and ``transaction()`` for a write (it joins the one around it)."""

    _lock: threading.RLock
    _db: Any

    def _one(self, sql: str, params=(), make=None):
        """The first row a read finds (``make(row)`` when given), or None."""
        with self._lock:
            row = self._db.execute(sql, params).fetchone()
        return row if row is None or make is None else make(row)

    def _all(self, sql: str, params=()) -> list:
        with self._lock:
            return self._db.execute(sql, params).fetchall()


def record(cls, row, **decoded):
    """A ``cls`` from a row whose columns are named as its fields (an ordered record's ``order`` is the
    row's ``position``); ``decoded`` gives the fields whose column is stored otherwise (JSON, text)."""
    columns = {f.name: "position" if f.name == "order" else f.name for f in dataclasses.fields(cls)}
    return cls(**{f: row[c] for f, c in columns.items() if f not in decoded}, **decoded)
