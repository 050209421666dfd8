"""Crash safety: SIGKILL at random moments during a stream of confirmations and undos.

Knobs: ``KIOSK_CRASH_KILLS``, the kills per store: 50 on SQLite and 15 on PostgreSQL when not given
(SQLite's durability is ours to prove: its file, the WAL, synchronous=FULL; PostgreSQL's is the engine's,
and ours there is the lock and the commit, which fewer kills exercise as well), the number given on both
(CI uses the defaults; a long soak: ``KIOSK_CRASH_KILLS=500``); and ``KIOSK_CRASH_SEED``: the kill moments
and the stream's choices are drawn from one seed, printed at the start (and in the failure message), so a
failure replays with ``KIOSK_CRASH_SEED=<seed>``.
After every restart, and at the end: every acknowledged command is in the log with the seq it was
acknowledged with, nothing is counted twice, replaying the log gives the state the server serves, and
the store's integrity check is ``ok``. On both stores: the SQLite file, and a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
import uuid

import pytest
import requests
from harness import LiveServer
from services import store_fixture  # noqa: F401 - the fixture `store`

from kiosk.ceremony.rules import replay

pytestmark = pytest.mark.live

KILLS = {"sqlite": 50, "postgres": 15}


def kills(store_kind: str) -> int:
    """The kills for this store: ``KIOSK_CRASH_KILLS`` when given (for both), else the store's default."""
    given = os.environ.get("KIOSK_CRASH_KILLS")
    return int(given) if given else KILLS[store_kind]


class Stream(threading.Thread):
    """Sends confirms and undos as fast as the server answers; remembers what was acknowledged."""

    def __init__(self, server, rng: random.Random):
        super().__init__(daemon=True)
        self.server, self.rng = server, rng
        self.acked: dict[str, int] = {}  # command_id -> seq it was acknowledged with
        self.stop = threading.Event()
        # Held while one command is on its way: the checker takes it to look at a store that stands still.
        self.gate = threading.Lock()
        self.headers = {"Authorization": f"Bearer {server.api_token}"}

    def run(self):
        url = self.server.url + "/api/v1/commands"
        state = None
        while not self.stop.is_set():
            with self.gate:
                state = self._one(url, state)

    def _one(self, url, state):
        """Send one command; return the state it produced (None: ask again next time)."""
        try:
            if state is None:
                state = requests.get(self.server.url + "/api/v1/state", timeout=2).json()
            pending = [p["id"] for p in state["projects"] if p["status"] != "signed"]
            if pending and self.rng.random() < 0.65:
                body = {"action": "confirm", "project_id": self.rng.choice(pending)}
            else:
                body = {"action": "undo"}
            body["command_id"] = uuid.uuid4().hex
            r = requests.post(url, json=body, headers=self.headers, timeout=2)
        except requests.RequestException:
            time.sleep(0.02)  # the server is down: keep trying, as a console would
            return None
        answer = r.json()
        if r.status_code == 200:
            self.acked[body["command_id"]] = answer["seq"]
            return answer["state"]
        return None


def check_store(storage, acked: dict[str, int], served: dict) -> None:
    try:
        assert storage.integrity_check() == "ok"
        log = storage.load_log()
        by_id = {e.command_id: e.seq for e in log if e.command_id}
        missing = {cid: seq for cid, seq in acked.items() if by_id.get(cid) != seq}
        assert not missing, f"acknowledged but not stored as acknowledged: {missing}"
        assert [e.seq for e in log] == list(range(1, len(log) + 1))
        state = replay(log)
        assert state.seq == served["seq"]
        signed_ids = sorted(p["id"] for p in served["projects"] if p["status"] == "signed")
        assert sorted(state.signed) == signed_ids
        amounts = {p["id"]: p["amount_wan"] for p in served["projects"]}
        assert served["total_wan"] == sum(amounts[pid] for pid in state.signed)
        assert served["signed_count"] == len(set(state.signed))
    finally:
        storage.close()


def crash_seed() -> int:
    """The seed of this run: KIOSK_CRASH_SEED when given, else a new one (printed either way)."""
    given = os.environ.get("KIOSK_CRASH_SEED")
    return int(given) if given else random.SystemRandom().randrange(1, 2**32)


def kill_moments(seed: int, kills: int) -> list[float]:
    """When to kill, after each restart: drawn from the seed alone, so a seed replays the same moments."""
    moments = random.Random(seed)
    return [round(moments.uniform(0.05, 0.4), 3) for _ in range(kills)]


def test_the_kills_are_the_stores_unless_given(monkeypatch):
    monkeypatch.delenv("KIOSK_CRASH_KILLS", raising=False)
    assert (kills("sqlite"), kills("postgres")) == (50, 15)
    monkeypatch.setenv("KIOSK_CRASH_KILLS", "500")
    assert (kills("sqlite"), kills("postgres")) == (500, 500)


def test_the_crash_seed_replays_the_same_kill_moments(monkeypatch):
    monkeypatch.setenv("KIOSK_CRASH_SEED", "1234")
    assert crash_seed() == 1234
    assert kill_moments(crash_seed(), 5) == kill_moments(1234, 5)
    assert kill_moments(1234, 5) != kill_moments(1235, 5)
    monkeypatch.delenv("KIOSK_CRASH_SEED")
    assert len({crash_seed() for _ in range(5)}) > 1  # a fresh seed each run (and printed)


@pytest.fixture
def live_server(store, tmp_path):
    """The sample ceremony (its first start loads it), on the store under test."""
    server = LiveServer(tmp_path / "live-data", env=store.env).start()
    yield server
    server.stop()


def test_sigkill_at_random_moments_loses_nothing(live_server, store, capsys):
    seed, count = crash_seed(), kills(store.kind)
    with capsys.disabled():
        print(f"\n  crash test on {store.kind}: KIOSK_CRASH_SEED={seed} KIOSK_CRASH_KILLS={count}")
    rng = random.Random(seed + 1)  # the stream's choices, apart from the kill moments
    stream = Stream(live_server, rng)
    stream.start()
    folder = live_server.data_dir
    try:
        for moment in kill_moments(seed, count):
            time.sleep(moment)
            live_server.kill()
            live_server.start()
            with stream.gate:
                try:
                    check_store(store.open(folder), dict(stream.acked), live_server.state())
                except AssertionError as failed:
                    raise AssertionError(f"{failed} (replay: KIOSK_CRASH_SEED={seed})") from None
    finally:
        stream.stop.set()
        stream.join(10)
    assert len(stream.acked) > count  # the stream really ran between the kills
    check_store(store.open(folder), stream.acked, live_server.state())
    if store.kind == "sqlite":
        db = sqlite3.connect(folder / "kiosk.sqlite3")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
