"""What the server remembers between requests but does not keep in the database: the login throttle,
the AV desk's double-press memory, files waiting between preview and import, the big screens connected
now, rendered PDFs.

All of it goes through one small interface, in the manner of Flask-Limiter's storage backends: keys with
an optional time to live, counters, and hashes. ``MemoryShared`` serves one process; a Redis
implementation with the same calls serves several ("Beyond one machine"). Values are ``str`` or ``bytes``
(JSON where structured), so that either backend keeps them the same way.
"""

from __future__ import annotations

import threading
from typing import Protocol

from ..core.clock import Clock

Value = str | bytes


class Shared(Protocol):
    def get(self, key: str) -> Value | None: ...
    def set(self, key: str, value: Value, ttl: float | None = None) -> None: ...
    def add(self, key: str, value: Value, ttl: float | None = None) -> bool: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: float | None = None) -> int: ...
    def ttl(self, key: str) -> float | None: ...
    def hset(self, name: str, field: str, value: Value) -> None: ...
    def hget(self, name: str, field: str) -> Value | None: ...
    def hdel(self, name: str, field: str) -> bool: ...
    def hgetall(self, name: str) -> dict[str, Value]: ...


class MemoryShared:
    """One process's memory. Expired keys are dropped when touched and swept now and then, so tables
    that only ever grow (a throttle entry per address that ever failed) cannot."""

    SWEEP_EVERY = 500
    # Past this many keys, those with the most time left to live go first, so even a guesser from a million
    # addresses (one IPv6 prefix) cannot grow the tables without bound: the short-lived ones are windows
    # being counted now (the login throttle's overall cap). Keys without a time to live are kept.
    MAX_KEYS = 100_000

    def __init__(self, clock: Clock | None = None, max_keys: int | None = None):
        self.clock = clock or Clock()
        self.max_keys = max_keys or self.MAX_KEYS
        self._lock = threading.Lock()
        self._values: dict[str, tuple[Value | int, float | None]] = {}
        self._hashes: dict[str, dict[str, Value]] = {}
        self._writes = 0

    def _alive(self, key: str) -> bool:
        item = self._values.get(key)
        if item is None:
            return False
        expires = item[1]
        if expires is not None and expires <= self.clock.monotonic():
            del self._values[key]
            return False
        return True

    def _expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self.clock.monotonic() + ttl

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % self.SWEEP_EVERY == 0 or len(self._values) > self.max_keys:
            now = self.clock.monotonic()
            for key in [k for k, (_, exp) in self._values.items() if exp is not None and exp <= now]:
                del self._values[key]
        if len(self._values) > self.max_keys:
            expiring = sorted(
                ((exp, k) for k, (_, exp) in self._values.items() if exp is not None), reverse=True
            )
            for _, key in expiring[: len(self._values) - self.max_keys * 9 // 10]:
                del self._values[key]

    def get(self, key: str) -> Value | None:
        with self._lock:
            if not self._alive(key):
                return None
            value = self._values[key][0]
            return str(value) if isinstance(value, int) else value

    def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        with self._lock:
            self._values[key] = (value, self._expiry(ttl))
            self._wrote()

    def add(self, key: str, value: Value, ttl: float | None = None) -> bool:
        """Set ``key`` only if it is not there (Redis ``SET NX``); True when this call set it."""
        with self._lock:
            if self._alive(key):
                return False
            self._values[key] = (value, self._expiry(ttl))
            self._wrote()
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def incr(self, key: str, ttl: float | None = None) -> int:
        """Add one; a new counter starts at 1 and lives ``ttl`` seconds (kept on later increments)."""
        with self._lock:
            if self._alive(key):
                value, expires = self._values[key]
                count = int(value) + 1
            else:
                count, expires = 1, self._expiry(ttl)
            self._values[key] = (count, expires)
            self._wrote()
            return count

    def ttl(self, key: str) -> float | None:
        with self._lock:
            if not self._alive(key):
                return None
            expires = self._values[key][1]
            return None if expires is None else max(0.0, expires - self.clock.monotonic())

    def hset(self, name: str, field: str, value: Value) -> None:
        with self._lock:
            self._hashes.setdefault(name, {})[field] = value

    def hget(self, name: str, field: str) -> Value | None:
        with self._lock:
            return self._hashes.get(name, {}).get(field)

    def hdel(self, name: str, field: str) -> bool:
        with self._lock:
            table = self._hashes.get(name)
            if not table or field not in table:
                return False
            del table[field]
            if not table:
                del self._hashes[name]
            return True

    def hgetall(self, name: str) -> dict[str, Value]:
        with self._lock:
            return dict(self._hashes.get(name, {}))


class LocalCluster:
    """One server process: the whole "cluster". ``kiosk.store.redis_shared.RedisCluster`` has the same calls
    for several processes on one store: ``tell`` runs a handler in every process (a sign-out reaches sockets
    held elsewhere), ``claim`` picks the one process that announces a change, ``hosts_alive`` says whose
    sockets and screens are still there (None: everyone's)."""

    host_id = "local"

    def __init__(self):
        self._handlers: dict[str, list] = {}

    def on(self, kind: str, handler) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    def tell(self, kind: str, **data) -> None:
        for handler in self._handlers.get(kind, ()):
            handler(**data)

    def tell_others(self, kind: str, **data) -> None:
        """Nobody else to tell."""

    def claim(self, head: tuple[str, int]) -> bool:
        return True

    def hosts_alive(self) -> set[str] | None:
        return None

    def health(self) -> dict:
        return {"ok": True}

    def close(self) -> None:
        """Nothing runs in the background."""
