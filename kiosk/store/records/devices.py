"""Sessions, tokens and paired screens; settings and kept secrets by name."""

from __future__ import annotations

import sqlite3

from ...core.access import Device
from . import Rows, record


class Devices(Rows):
    """Sessions, tokens and paired screens."""

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
        return self._one("SELECT * FROM devices WHERE id = ?", (device_id,), make=_device)

    def device_by_secret(self, secret_hash: str) -> Device | None:
        return self._one("SELECT * FROM devices WHERE secret_hash = ?", (secret_hash,), make=_device)

    def devices(self, include_revoked: bool = False) -> list[Device]:
        rows = self._all(
            "SELECT * FROM devices WHERE revoked_at IS NULL OR ? = 1 ORDER BY created_at, rowid",
            (int(include_revoked),),
        )
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


class Meta(Rows):
    """Settings and kept secrets."""

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else row["value"]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=?",
                (key, value, value),
            )


def _device(row: sqlite3.Row) -> Device:
    return record(Device, row)
