"""The SQL of each kind of record, one mixin per kind; ``kiosk.store.sqlite.Storage`` is all of them on
one engine (and ``kiosk.store.postgres`` the same on a database server). Written in the SQL both engines
take: ``?`` and ``:name`` parameters, RETURNING, ON CONFLICT, FILTER, no json_each."""

from __future__ import annotations

import threading
from typing import Any


class Rows:
    """What every kind of record works through, given by the engine: its connection (``_db``, used under
    ``_lock`` for a read) and ``transaction()`` for a write (it joins the one around it)."""

    _lock: threading.RLock
    _db: Any
