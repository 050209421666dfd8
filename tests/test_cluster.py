"""Several server processes as one ceremony through Redis (``KIOSK_MESSAGE_QUEUE``): the shared state in
Redis, broadcasts across processes (once per change), sign-outs reaching sockets held by another process,
and ``/healthz`` telling a dead listener or a stopped Redis, which the processes get over by themselves (in
about a second here: bench/recovery.py measures it, docs/BENCHMARK.md finding 12).

The two-process tests run ``python -m kiosk serve`` twice (gevent, as in production) on one data folder and
a Redis of their own on a free port, so that they can stop and restart it."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid

import pytest
import redis
import requests
from harness import LiveServer, Recorder, free_port, prepare_data, projects, wait_until
from services import redis_url

from kiosk.core.clock import Clock
from kiosk.store.redis_shared import BEAT_S, RETRY_CAP_S, STALL_S, RedisShared
from kiosk.store.shared import MemoryShared

pytestmark = pytest.mark.live

# A Redis outage is noticed, and got over, within the listener's own timers (a stall, a retry, a beat): twice
# that is the bound. What exceeds it is a real fault: python-socketio's own backoff (up to 60 s) or a listener
# that stays deaf.
OVER_REDIS_S = 2 * (STALL_S + RETRY_CAP_S + BEAT_S)


class FakeClock(Clock):
    def __init__(self):
        super().__init__()
        self.t = 1000.0

    def monotonic(self) -> float:
        return self.t


# -- the Shared interface in Redis behaves like the one in memory ----------------------------------------


def test_redis_shared_keeps_what_memory_shared_keeps():
    client = redis.Redis.from_url(redis_url())
    prefix = f"kiosk:test-{uuid.uuid4().hex}:"
    stores = [RedisShared(client, prefix), MemoryShared(FakeClock())]
    try:
        for s in stores:
            s.set("text", "签约")
            s.set("raw", b"\x00\xffpdf")
            assert s.get("text") == "签约" and isinstance(s.get("text"), str)
            assert s.get("raw") == b"\x00\xffpdf"
            assert s.get("missing") is None and s.ttl("missing") is None
            assert s.ttl("text") is None
            assert s.add("once", "first", ttl=30) is True
            assert s.add("once", "second", ttl=30) is False
            assert s.get("once") == "first"
            assert 29 < s.ttl("once") <= 30
            assert [s.incr("n", ttl=60), s.incr("n", ttl=5)] == [1, 2]
            assert s.get("n") == "2" and 59 < s.ttl("n") <= 60  # a later increment keeps the first TTL
            assert s.incr("plain") == 1 and s.ttl("plain") is None
            s.delete("text")
            assert s.get("text") is None
            s.hset("table", "a", "一")
            s.hset("table", "b", b"\x01")
            assert s.hget("table", "a") == "一"
            assert s.hgetall("table") == {"a": "一", "b": b"\x01"}
            assert s.hdel("table", "a") is True and s.hdel("table", "a") is False
            assert s.hgetall("missing") == {}
        # Time to live in Redis is Redis's own: a key with 50 ms is gone after it.
        stores[0].set("short", "x", ttl=0.05)
        wait_until(lambda: stores[0].get("short") is None, 5, "the key outlived its time to live")
        # Keys carry the prefix, so another ceremony on the same Redis sees none of them.
        other = RedisShared(client, f"kiosk:test-{uuid.uuid4().hex}:")
        assert other.get("raw") is None and other.hgetall("table") == {}
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


# -- a Redis of the tests' own, and two server processes on it --------------------------------------------


class PrivateRedis:
    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), *args, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        wait_until(lambda: _pings(client), 10, "redis-server did not start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis(tmp_path):
    redis_url()  # the services are required (or the test skipped) like every engine test
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not on PATH: run `bash scripts/services.sh`")
    r = PrivateRedis(tmp_path).start()
    yield r
    r.stop()


@pytest.fixture
def pair(tmp_path, private_redis):
    """Two ``python -m kiosk serve`` processes on one data folder and one Redis."""
    data = tmp_path / "data"
    ids = prepare_data(data, projects("52", "30", "5", "12"))
    env = {"KIOSK_MESSAGE_QUEUE": private_redis.url}
    servers = [LiveServer(data, env=env).start(), LiveServer(data, env=env).start()]
    servers[0].made_ids = ids
    yield servers
    for s in servers:
        s.stop()


def test_a_command_on_one_process_reaches_the_clients_of_both_once(pair):
    a, b = pair
    on_a, on_b = Recorder(a), Recorder(b)
    try:
        r = a.command("confirm", project_id=a.made_ids[0])
        assert r.status_code == 200
        seq = r.json()["seq"]
        for client in (on_a, on_b):
            assert client.wait_for(lambda s: s["seq"] == seq)["signed_count"] == 1
        # The other process caught up as well, and a command through it decides against the new state.
        assert b.state()["seq"] == seq
        r = b.command("confirm", project_id=a.made_ids[1])
        assert r.status_code == 200
        seq2 = r.json()["seq"]
        for client in (on_a, on_b):
            assert client.wait_for(lambda s: s["seq"] == seq2)["signed_count"] == 2
        settled(pair, (on_a, on_b))  # nothing is announced a second time
        for client in (on_a, on_b):
            assert client.seqs.count(seq) == 1 and client.seqs.count(seq2) == 1, client.seqs
        # The event's time zone set through one process is the other's too: its views and its clock.
        web = b.editor()
        assert web.put(b.url + "/api/v1/event", json={"timezone": "Europe/London"}, timeout=10).ok
        web.close()
        wait_until(lambda: a.state()["event"]["timezone"] == "Europe/London", 5, "zone not shared")
        assert requests.get(a.url + "/api/v1/time", timeout=5).json()["timezone"] == "Europe/London"
    finally:
        on_a.close()
        on_b.close()


def test_a_cli_write_is_broadcast_by_exactly_one_process(pair, tmp_path):
    a, b = pair
    on_a, on_b = Recorder(a), Recorder(b)
    try:
        csv = tmp_path / "more.csv"
        from harness import csv_bytes, project, run_kiosk

        csv.write_bytes(csv_bytes([project(9, "7")]))
        done = run_kiosk(a.data_dir, "import", str(csv))
        assert done.returncode == 0, done.stdout + done.stderr
        for client in (on_a, on_b):
            got = client.wait_for(lambda s: s["project_count"] == 5, timeout=5)
        seq = got["seq"]
        settled(pair, (on_a, on_b))  # the watcher of the process that lost the claim announces nothing
        for client in (on_a, on_b):
            assert client.seqs.count(seq) == 1, client.seqs
    finally:
        on_a.close()
        on_b.close()


def test_sign_outs_reach_sockets_held_by_the_other_process(pair):
    a, b = pair
    web = a.editor()
    made = web.post(a.url + "/api/v1/tokens", json={"name": "AV 台", "scope": "read"}, timeout=5).json()
    script = Recorder(b, {"token": made["token"]})
    console = Recorder(b, {"role": "console", "token": a.api_token})
    wall = Recorder(b)
    try:
        # Both processes list the sockets, wherever they are held.
        listed = {d["id"]: d["online"] for d in a.devices()}
        assert listed[made["device"]["id"]] == 1
        # One device signed out through process A: its socket on B closes.
        assert web.delete(a.url + f"/api/v1/devices/{made['device']['id']}", timeout=5).status_code == 200
        wait_until(lambda: script.disconnected, 5, "the revoked token's socket on the other process stayed")
        assert not console.disconnected
        # Every operator device signed out through A: the console on B closes, the wall stays.
        assert web.post(a.url + "/api/v1/session/sign-out-all", timeout=5).status_code == 200
        wait_until(lambda: console.disconnected, 5, "the console on the other process stayed connected")
        # B handles the sign-out before a later broadcast from A (one Redis channel, in order): the wall
        # getting that change was not signed out with the console. (Through a new login: the sign-out took
        # the API token too.)
        note = {"command_id": uuid.uuid4().hex, "action": "note", "text": "after the sign-out"}
        seq = a.editor().post(a.url + "/api/v1/commands", json=note, timeout=5).json()["seq"]
        wall.wait_for(lambda s: s["seq"] == seq)
        assert not wall.disconnected
    finally:
        for c in (script, console, wall):
            c.close()


def settled(pair, clients) -> None:
    """Return once nothing more can arrive for the changes made so far: each process has caught up with
    them (a state asked of it catches up, and announces what it may claim, before it answers), and then a
    later change made through each process has reached every client. A process's clients get its own
    broadcasts at once and the other's through the one Redis channel, in the order they were sent, so an
    announcement either catch-up made comes before these."""
    for server in pair:
        server.state()
    markers = [server.command("note", text="marker").json()["seq"] for server in pair]
    for client in clients:
        for marker in markers:
            client.wait_for(lambda s, marker=marker: s["seq"] == marker)


def _health(server) -> tuple[int, dict]:
    r = requests.get(server.url + "/healthz", timeout=5)
    return r.status_code, r.json()


@pytest.mark.serial  # it times the recovery
def test_a_redis_restart_is_reported_and_got_over(pair, private_redis):
    a, b = pair
    for s in pair:
        status, body = _health(s)
        assert status == 200 and body["queue"]["listener"] == "ok", body
    on_b = Recorder(b)
    try:
        private_redis.stop()
        # The listener losing its subscription is said first ("stalled"), then the heartbeat finds Redis gone.
        wait_until(
            lambda: all(_health(s)[0] == 503 and _health(s)[1]["queue"]["redis"] == "error" for s in pair),
            OVER_REDIS_S,
            "healthz did not report Redis",
        )
        # Meanwhile each process still serves its own clients: B catches up with A's change by itself.
        r = a.command("confirm", project_id=a.made_ids[0])
        assert r.status_code == 200
        seq = r.json()["seq"]
        assert on_b.wait_for(lambda s: s["seq"] >= seq, timeout=OVER_REDIS_S)
        started = time.monotonic()
        private_redis.start()
        wait_until(
            lambda: _health(a)[0] == 200 and _health(b)[0] == 200,
            OVER_REDIS_S,
            "healthz not ok after restart",
        )
        r = a.command("confirm", project_id=a.made_ids[1])
        assert r.status_code == 200
        assert on_b.wait_for(lambda s: s["seq"] == r.json()["seq"], timeout=OVER_REDIS_S)
        assert time.monotonic() - started < OVER_REDIS_S
    finally:
        on_b.close()


# -- a listener that dies is reported, then started again --------------------------------------------------


# The listener's thread dies with its exception printed, as it would in production.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_healthz_reports_a_dead_listener_and_it_comes_back(tmp_path, private_redis):
    from kiosk import create_app
    from kiosk.store import redis_shared

    class Died(BaseException):
        """Escapes the library's ``except Exception`` in its listening thread, as a killed task does."""

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "MESSAGE_QUEUE": private_redis.url})
    cluster = app.extensions["kiosk_cluster"]
    manager = cluster.manager
    web = app.test_client()
    try:
        # Bounded by the listener's own timers, not a guess: on a loaded machine its first HELLO to Redis
        # timed out (2 s) once and the beat took its retry, past the 5 s this waited before.
        wait_until(lambda: web.get("/healthz").status_code == 200, OVER_REDIS_S, "not healthy at start")

        def die(_message):
            raise Died

        manager._handle_emit = die
        stray = {"method": "emit", "event": "x", "data": [{}], "namespace": "/", "room": "nobody"}
        redis.Redis.from_url(private_redis.url).publish(
            cluster.channel, json.dumps({**stray, "host_id": "x"})
        )
        wait_until(
            lambda: web.get("/healthz").status_code == 503, OVER_REDIS_S, "a dead listener went unreported"
        )
        assert web.get("/healthz").get_json()["queue"]["listener"] == "dead"
        del manager._handle_emit
        wait_until(
            lambda: web.get("/healthz").status_code == 200,
            redis_shared.STALL_S + 3 * redis_shared.BEAT_S,
            "the listener was not started again",
        )
    finally:
        cluster.close()
