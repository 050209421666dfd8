"""Where the ceremony is kept: the database (the only SQL, with its schema migrations) and the shared
in-process state behind one small interface."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.clock import Clock
    from .base import Store

# The schemes ``KIOSK_DATABASE_URL`` may name (libpq takes both spellings).
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_storage(folder: Path, clock: Clock | None = None, url: str | None = None) -> Store:
    """The ceremony's store: PostgreSQL when ``url`` names one, else the SQLite file in the data folder."""
    if url:
        if not url.startswith(POSTGRES_SCHEMES):
            raise ValueError(f"not a postgresql:// address: {url.split('://', 1)[0]}://…")
        from .postgres import PostgresStorage

        return PostgresStorage(url, clock)
    from .sqlite import Storage

    return Storage(Path(folder) / "kiosk.sqlite3", clock)
