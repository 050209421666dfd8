"""The engines the several-process tests run against, as ``scripts/services.sh`` starts them.

A test that needs PostgreSQL or Redis takes its address from here: ``KIOSK_TEST_DATABASE_URL`` /
``KIOSK_TEST_REDIS_URL``. When one is missing the test is skipped, unless ``KIOSK_REQUIRE_SERVICES=1``
(``scripts/test.sh`` sets it), where a missing engine fails the run instead of quietly testing less.

Every PostgreSQL test gets a database of its own (``fresh_database``), made empty and dropped after, so no
test sees another's data. ``store`` is the fixture that runs a test once on each engine, ``pg_url`` a
fresh database's address; a test module imports them as ``store_fixture`` and ``pg_url_fixture``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from harness import LiveServer, fill

STORES = ("sqlite", "postgres")


def service_url(variable: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if os.environ.get("KIOSK_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{variable} is not set and KIOSK_REQUIRE_SERVICES=1: run `bash scripts/services.sh`")
    pytest.skip(f'{variable} is not set: `eval "$(bash scripts/services.sh)"` to run this test')


def postgres_url() -> str:
    return service_url("KIOSK_TEST_DATABASE_URL")


def redis_url() -> str:
    return service_url("KIOSK_TEST_REDIS_URL")


def with_database(url: str, name: str) -> str:
    """``url`` naming another database on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextmanager
def fresh_database() -> Iterator[str]:
    """An empty database of its own on the test server (its address), dropped afterwards."""
    import psycopg

    base = postgres_url()
    name = "kiosk_test_" + uuid.uuid4().hex[:16]
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base, name)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            # FORCE: a server process a test killed may still hold a connection for a moment.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(name="pg_url")
def pg_url_fixture() -> Iterator[str]:
    """The address of a fresh PostgreSQL database for this test."""
    with fresh_database() as url:
        yield url


class Store:
    """One engine as a test uses it: what a server process needs in its environment, the store of a data
    folder, and a ceremony made in it."""

    def __init__(self, kind: str, url: str | None = None):
        self.kind, self.url = kind, url

    def __repr__(self) -> str:
        return f"Store({self.kind})"

    @property
    def env(self) -> dict:
        """For ``python -m kiosk …`` processes: the variable that picks this store."""
        return {"KIOSK_DATABASE_URL": self.url} if self.url else {}

    def open(self, folder: Path):
        from kiosk.store import open_storage

        return open_storage(folder, None, self.url)

    def prepare(self, folder: Path, specs=None, event=None) -> list[str]:
        """A data folder (and, on PostgreSQL, the database) holding this ceremony; its project ids."""
        from kiosk.ceremony.service import Ceremony

        folder.mkdir(parents=True, exist_ok=True)
        storage = self.open(folder)
        try:
            return fill(Ceremony(storage), specs, event)
        finally:
            storage.close()

    def server(self, folder: Path, specs=None, event=None, env: dict | None = None) -> LiveServer:
        """A started ``python -m kiosk serve`` on this store (``.made_ids``: the projects made)."""
        ids = self.prepare(folder, specs, event)
        server = LiveServer(folder, env={**self.env, **(env or {})}).start()
        server.made_ids = ids
        return server

    def seqs(self, folder: Path) -> list[int]:
        """The current run's seq numbers, in order, as stored."""
        storage = self.open(folder)
        try:
            return [e.seq for e in storage.load_log()]
        finally:
            storage.close()


@pytest.fixture(name="store", params=STORES)
def store_fixture(request) -> Iterator[Store]:
    """The test runs once on SQLite (a file in the data folder) and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield Store("sqlite")
        return
    with fresh_database() as url:
        yield Store("postgres", url)
