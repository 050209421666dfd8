"""Several server processes as one ceremony, through Redis (``KIOSK_MESSAGE_QUEUE=redis://…``).

- ``RedisShared``: the ``Shared`` interface (``kiosk.store.shared``) in Redis, so the login throttle, the
  screens and sockets connected, the AV desk's double-press memory… are the same for every process.
- ``QueueManager``: python-socketio's Redis pub/sub manager (Flask-SocketIO's ``message_queue``) with a
  listener that reports on itself. The library's listener can die or go deaf silently (python-socketio
  #1581, #826) and backs off up to 60 s after an outage; this one retries within a second, and each process
  sends itself a heartbeat through the channel every second, so ``/healthz`` says when its own messages stop
  coming back (a dead listener, a stalled connection, Redis gone).
- ``RedisCluster``: what the rest of the server asks of "the other processes" (``kiosk.store.shared.LocalCluster``
  is the single-process one): tell every process to do something (sign-outs reach sockets held elsewhere),
  claim the announcement of a change so exactly one process broadcasts it, which processes are alive.

Every key and the channel carry the ceremony's own id (kept in the database), so two ceremonies on one
Redis never mix.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import secrets
import time
from collections.abc import Callable

import redis
import socketio
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..logs import LogBudget
from .shared import Value

log = logging.getLogger("kiosk.cluster")

# Every process publishes a beat this often and expects its own back within STALL_S.
BEAT_S = 1.0
STALL_S = 3.0
# A process that stopped beating (killed) is taken as gone this long after its last beat: its sockets and
# screens stop being listed.
HOST_TTL_S = 6.0
# How long the claim on a change's announcement is kept: long past any process catching up with it.
CLAIM_TTL_S = 3600
# Tried again within a second: a Redis restart must not leave screens stale for the library's 60 s.
RETRY_CAP_S = 1.0

OPTIONS = {
    # An unreachable Redis must answer a request in about a second, not hang it: every page touches it.
    "socket_connect_timeout": 1.0,
    "socket_timeout": 2.0,
    "retry": Retry(ExponentialBackoff(cap=0.2, base=0.05), 2),
    "health_check_interval": 5,
}


class RedisShared:
    """``Shared`` in Redis. A value's type is kept with it (``s`` text, ``b`` bytes), so a reader gets back
    what was stored, as from ``MemoryShared``; counters are Redis integers (read back as text)."""

    def __init__(self, client: redis.Redis, prefix: str, down: Callable[[], bool] = lambda: False):
        self.r, self.prefix = client, prefix
        self.down = down

    def _k(self, key: str) -> str:
        # While the heartbeat finds Redis unreachable, fail at once: a Redis host that vanished would
        # otherwise hold every request for its connect timeout and retries.
        if self.down():
            raise redis.ConnectionError("Redis is unreachable (the message queue's heartbeat says so)")
        return self.prefix + key

    @staticmethod
    def _enc(value: Value) -> bytes:
        return b"b" + value if isinstance(value, bytes) else b"s" + value.encode()

    @staticmethod
    def _dec(raw: bytes | None) -> Value | None:
        if raw is None:
            return None
        if raw[:1] == b"b":
            return raw[1:]
        if raw[:1] == b"s":
            return raw[1:].decode()
        return raw.decode()  # a counter

    @staticmethod
    def _ms(ttl: float | None) -> int | None:
        return None if ttl is None else max(1, int(ttl * 1000))

    def get(self, key: str) -> Value | None:
        return self._dec(self.r.get(self._k(key)))

    def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        self.r.set(self._k(key), self._enc(value), px=self._ms(ttl))

    def add(self, key: str, value: Value, ttl: float | None = None) -> bool:
        return bool(self.r.set(self._k(key), self._enc(value), px=self._ms(ttl), nx=True))

    def delete(self, key: str) -> None:
        self.r.delete(self._k(key))

    def incr(self, key: str, ttl: float | None = None) -> int:
        if ttl is None:
            return int(self.r.incr(self._k(key)))
        # One transaction: a new counter gets its time to live, later increments keep it (MemoryShared's rule).
        pipe = self.r.pipeline(transaction=True)
        pipe.set(self._k(key), 0, px=self._ms(ttl), nx=True)
        pipe.incr(self._k(key))
        return int(pipe.execute()[1])

    def ttl(self, key: str) -> float | None:
        left = self.r.pttl(self._k(key))
        return None if left < 0 else left / 1000

    def hset(self, name: str, field: str, value: Value) -> None:
        self.r.hset(self._k(name), field, self._enc(value))

    def hget(self, name: str, field: str) -> Value | None:
        return self._dec(self.r.hget(self._k(name), field))

    def hdel(self, name: str, field: str) -> bool:
        return bool(self.r.hdel(self._k(name), field))

    def hgetall(self, name: str) -> dict[str, Value]:
        return {k.decode(): self._dec(v) for k, v in self.r.hgetall(self._k(name)).items()}


# Per thread and per greenlet: only the emits of the block that set it stay in this process.
_HERE_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("kiosk_here_only", default=False)


class QueueManager(socketio.RedisManager):
    """The Socket.IO message queue, with a listener that knows whether it hears its own channel."""

    name = "kiosk-redis"

    def __init__(self, url: str, channel: str, cluster: RedisCluster):
        super().__init__(url, channel=channel, redis_options=dict(OPTIONS))
        self.cluster = cluster
        self.heard_at: float | None = None  # when this process's own beat last came back
        self.started_at = time.monotonic()
        self.redis_error: str | None = None
        self.reconnects = 0
        self.dead_since: float | None = None
        self.closed = False
        self._resubscribe = False
        self._pubsub = None

    def initialize(self):
        super().initialize()
        self.watchdog = self.server.start_background_task(self._watch)

    @contextlib.contextmanager
    def here_only(self):
        """Emits in this block reach this process's clients only (what they missed while it was deaf)."""
        token = _HERE_ONLY.set(True)
        try:
            yield
        finally:
            _HERE_ONLY.reset(token)

    def _publish(self, data):
        if _HERE_ONLY.get():
            return None  # the library has delivered it here already, before publishing
        if self.redis_error is not None:
            # Lost either way while Redis is away; the clients' heartbeat (check, then sync) catches up.
            self.cluster.said.warn("message queue: Redis unreachable, '%s' not sent", data.get("method"))
            return None
        return super()._publish(data)

    def _redis_connect(self):
        # One client for publishing, made once (redis-py reconnects per command); the listener takes its own
        # connection from it. The library's version made a new client on every retry.
        if self.redis is None:
            self.redis = redis.Redis.from_url(self.redis_url, **self.redis_options)
        self.connected = True

    def _listen(self):
        channel = self.channel.encode()
        wait = 0.1
        while not self.closed:
            try:
                if self._pubsub is None:
                    self._redis_connect()
                    self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                    self._pubsub.subscribe(self.channel)
                    self.redis_error = None  # back: publish again now, not at the next beat
                    # A new subscription is given its own STALL_S to hear a beat: judged by the last beat
                    # heard before an outage, it was dropped again at every beat, before the beat sent
                    # just then could come back, and never recovered.
                    self.heard_at, self.started_at = None, time.monotonic()
                    self._resubscribe = False
                    self.reconnects += 1
                    if self.reconnects > 1:
                        log.warning("message queue: listening again (reconnect %d)", self.reconnects - 1)
                        # What was published while we were away is lost to this process's clients.
                        self.cluster.received("reconnected", {})
                # A bounded wait, so a request to resubscribe is acted on even on a silent channel.
                message = self._pubsub.get_message(timeout=BEAT_S)
                wait = 0.1
                if message and message.get("type") == "message" and message.get("channel") == channel:
                    # Handled before a resubscription is acted on: this may be the very beat it waits for.
                    data = json.loads(message["data"])
                    if isinstance(data, dict) and data.get("method") == "kiosk":
                        self._control(data)
                    elif isinstance(data, dict):
                        yield data
                if self._resubscribe:
                    self._resubscribe = False
                    if time.monotonic() - (self.heard_at or self.started_at) > STALL_S:
                        raise ConnectionError("no heartbeat came back: resubscribing")
            except (redis.RedisError, ConnectionError, OSError) as exc:
                self._drop_pubsub()
                log.error("message queue: cannot receive (%s); retrying in %.1f s", exc, wait)
                time.sleep(wait)
                wait = min(RETRY_CAP_S, wait * 2)
            except ValueError:
                log.exception("message queue: unreadable message")
        self._drop_pubsub()
        # Closed (the server stopping): stay parked, as the library logs a listener that returns as an error.
        while True:
            self.server.sleep(60)

    def _drop_pubsub(self) -> None:
        # Not listening: nothing heard on a subscription counts any more (/healthz says so at once, rather
        # than "ok" on a beat heard before the outage while no subscription is open).
        self.heard_at = None
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            try:
                pubsub.close()
            except Exception:  # the connection is being thrown away either way
                log.debug("closing the old subscription failed", exc_info=True)

    def _control(self, data: dict) -> None:
        if data.get("kind") == "beat":
            if data.get("host_id") == self.host_id:
                self.heard_at = time.monotonic()
            return
        if data.get("host_id") == self.host_id:
            return  # done here already, when it was sent
        self.cluster.received(str(data.get("kind")), data.get("data") or {})

    def publish_control(self, kind: str, data: dict | None = None) -> None:
        message = {"method": "kiosk", "kind": kind, "data": data or {}, "host_id": self.host_id}
        self._redis_connect()
        self.redis.publish(self.channel, json.dumps(message))

    def listener_alive(self) -> bool:
        thread = getattr(self, "thread", None)
        if thread is None:
            return False
        dead = getattr(thread, "dead", None)  # a greenlet under gevent, a thread otherwise
        return not dead if dead is not None else thread.is_alive()

    def beat(self) -> None:
        """Publish this process's heartbeat and look after the listener: restart it once it has been dead
        longer than STALL_S (so /healthz has said so), resubscribe when its beats stop coming back."""
        now = time.monotonic()
        try:
            self.publish_control("beat")
            self.cluster.alive()
            self.redis_error = None
        except (redis.RedisError, OSError) as exc:
            if self.redis_error is None:
                log.error("message queue: Redis unreachable (%s)", exc)
            self.redis_error = str(exc) or type(exc).__name__
        if not self.listener_alive():
            if self.dead_since is None:
                self.dead_since = now
                log.error("message queue: the listener has died")
            elif now - self.dead_since > STALL_S:
                log.warning("message queue: starting the listener again")
                self.dead_since = None
                self._pubsub = None
                self.heard_at, self.started_at = None, now
                self.thread = self.server.start_background_task(self._thread)
            return
        self.dead_since = None
        age = now - (self.heard_at or self.started_at)
        if self.redis_error is None and age > STALL_S and not self._resubscribe:
            log.error("message queue: no heartbeat back for %.1f s; resubscribing", age)
            self._resubscribe = True

    def _watch(self) -> None:
        while not self.closed:
            try:
                self.beat()
            except Exception:
                log.exception("message queue: the heartbeat failed")
            self.server.sleep(BEAT_S)

    def health(self) -> dict:
        now = time.monotonic()
        age = None if self.heard_at is None else round(now - self.heard_at, 2)
        if not self.listener_alive():
            listener = "dead"
        elif age is not None and age <= STALL_S:
            listener = "ok"
        elif age is None and now - self.started_at <= STALL_S:
            listener = "starting"
        else:
            listener = "stalled"
        return {
            "ok": listener == "ok" and self.redis_error is None,
            "listener": listener,
            "heartbeat_age_s": age,
            "redis": "ok" if self.redis_error is None else "error",
            "reconnects": max(0, self.reconnects - 1),
            "host": self.host_id,
        }

    def close(self) -> None:
        # The listener leaves within BEAT_S and closes its own connection (closing it from here would
        # pull the socket from under a read in progress).
        self.closed = True


class RedisCluster:
    """Several processes on one store and one Redis; see ``kiosk.store.shared.LocalCluster``."""

    def __init__(self, url: str, ceremony_id: str):
        self.url = url
        self.prefix = f"kiosk:{ceremony_id}:"
        self.channel = self.prefix + "socketio"
        self.client = redis.Redis.from_url(url, **OPTIONS)
        self.manager = QueueManager(url, self.channel, self)
        self.shared = RedisShared(self.client, self.prefix, lambda: self.manager.redis_error is not None)
        self.said = LogBudget(log, lines=5, window_s=60)
        self.host_id = self.manager.host_id
        self._handlers: dict[str, list[Callable[..., None]]] = {}
        self.wrap: Callable[[Callable[[], None]], None] = lambda work: work()

    def on(self, kind: str, handler: Callable[..., None]) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    def tell(self, kind: str, **data) -> None:
        """Run ``kind``'s handlers here and in every other process (through the queue)."""
        self.received(kind, data)
        self.tell_others(kind, **data)

    def tell_others(self, kind: str, **data) -> None:
        if self.manager.redis_error is not None:
            self.said.warn("message queue: Redis unreachable, '%s' not told to the other processes", kind)
            return
        try:
            self.manager.publish_control(kind, data)
        except (redis.RedisError, OSError) as exc:
            log.error("message queue: could not tell the other processes '%s' (%s)", kind, exc)

    def received(self, kind: str, data: dict) -> None:
        for handler in self._handlers.get(kind, ()):

            def work(handler=handler):
                handler(**data)

            try:
                self.wrap(work)
            except Exception:
                log.exception("message queue: handling '%s' failed", kind)

    def claim(self, head: tuple[str, int]) -> bool:
        """True for the one process that announces the change that made ``head`` (SET NX). With Redis
        unreachable every process announces to its own clients: the queue does not carry them then."""
        if self.manager.redis_error is not None:
            return True
        try:
            return bool(
                self.client.set(
                    f"{self.prefix}announced:{head[0]}:{head[1]}", self.host_id, nx=True, ex=CLAIM_TTL_S
                )
            )
        except (redis.RedisError, OSError):
            return True

    def alive(self) -> None:
        """This process is alive for HOST_TTL_S more (each beat says so again)."""
        pipe = self.client.pipeline(transaction=False)
        pipe.set(f"{self.prefix}host:{self.host_id}", "1", px=int(HOST_TTL_S * 1000))
        pipe.sadd(f"{self.prefix}hosts", self.host_id)
        pipe.execute()

    def hosts_alive(self) -> set[str] | None:
        """The processes beating now (None: cannot tell, Redis unreachable)."""
        if self.manager.redis_error is not None:
            return None
        try:
            hosts = [h.decode() for h in self.client.smembers(f"{self.prefix}hosts")]
            beating = self.client.mget([f"{self.prefix}host:{h}" for h in hosts]) if hosts else []
            gone = [h for h, b in zip(hosts, beating, strict=True) if b is None and h != self.host_id]
            if gone:
                self.client.srem(f"{self.prefix}hosts", *gone)
        except (redis.RedisError, OSError):
            return None
        return {h for h, b in zip(hosts, beating, strict=True) if b is not None} | {self.host_id}

    def health(self) -> dict:
        return self.manager.health()

    def close(self) -> None:
        self.manager.close()
        try:
            # Gone now rather than when its last beat runs out: its sockets and screens leave the lists.
            self.client.delete(f"{self.prefix}host:{self.host_id}")
            self.client.srem(f"{self.prefix}hosts", self.host_id)
        except (redis.RedisError, OSError):
            log.debug("could not say this process is gone", exc_info=True)


def ceremony_id(storage) -> str:
    """The ceremony's own id, made once and kept in its database: every process on that store reads the
    same one, a different ceremony (another data folder or database) has another."""
    with storage.transaction():
        found = storage.get_meta("cluster_id")
        if found is None:
            found = secrets.token_hex(8)
            storage.set_meta("cluster_id", found)
    return found
