"""The /live projection handed to nginx's nchan module (``KIOSK_LIVE_PUBLISH``), which fans it out to the
viewers at /live/sub: 14 µs of CPU per delivered frame against 311 in a kiosk process, and a p99 of 421 ms
against 1,376 ms at 10,000 viewers (docs/BENCHMARK.md, finding 10).

One POST per change, from the process whose ``state_changed`` fired (one per change in the cluster), sent
by a thread of its own (a greenlet under gevent): a slow or dead nginx delays only the stream, never a
command. Only the newest projection is worth sending: one that is waiting is replaced by a newer one, and
a failed one is retried unless a newer one came meanwhile.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

log = logging.getLogger("kiosk.live")

TIMEOUT_S = 2.0
# Between retries of a failed POST, and between looks at whether nchan still holds the channel (an nginx
# restarted between two changes holds none: a newcomer would wait for the next change to see anything).
RETRY_S = (0.5, 1.0, 2.0, 5.0)
CHECK_S = 5.0


class Publisher:
    def __init__(self, url: str, current: Callable[[], dict] | None = None, timeout: float = TIMEOUT_S):
        parts = urlsplit(url)
        self.url = url
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.current = current
        self.timeout = timeout
        self._newest: dict | None = None
        self._ready = threading.Condition()
        self._stopping = threading.Event()
        self.failures = 0
        self.sent = 0
        self._thread = threading.Thread(target=self._run, name="live publisher", daemon=True)
        self._thread.start()

    def put(self, data: dict) -> None:
        """Publish ``data`` soon; never waits."""
        with self._ready:
            self._newest = data
            self._ready.notify()

    def close(self, timeout: float = 1.0) -> None:
        with self._ready:
            self._stopping.set()
            self._ready.notify()
        self._thread.join(timeout)

    def _request(self, method: str, body: bytes | None = None) -> int:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {"Accept": "text/json"}
            conn.request(method, self.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def _publish(self, data: dict) -> str | None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            status = self._request("POST", body)
        except (OSError, http.client.HTTPException) as err:
            return str(err) or type(err).__name__
        # 201: a new channel, 202: a message queued on an existing one.
        return None if 200 <= status < 300 else f"HTTP {status}"

    def _missing(self) -> dict | None:
        """The projection to publish when nchan holds no channel (nginx restarted or started last)."""
        if self.current is None:
            return None
        try:
            status = self._request("GET")
        except (OSError, http.client.HTTPException):
            return None  # unreachable: nothing to learn; the next change or look tries again
        # Between this look and the POST another process may publish a newer change; the window is one
        # round trip on the servers' network, and the next change puts the newest back.
        return self.current() if status == 404 else None

    def _run(self) -> None:
        attempt, looked = 0, False
        while not self._stopping.is_set():
            with self._ready:
                # The first look at once: a process started after nginx fills an empty channel right away.
                if self._newest is None and looked:
                    self._ready.wait(CHECK_S)
                looked = True
                if self._stopping.is_set():
                    return
                data, self._newest = self._newest, None
            if data is None:
                try:
                    data = self._missing()
                except Exception:
                    log.exception("live stream: looking at the channel failed")
                if data is None:
                    continue
            problem = self._publish(data)
            if problem is None:
                if self.failures:
                    log.warning("live stream: publishing again after %d failures", self.failures)
                self.failures, attempt = 0, 0
                self.sent += 1
                continue
            self.failures += 1
            attempt += 1
            with self._ready:
                if self._newest is None:
                    self._newest = data
            # The 1st, 10th, 100th...: an nginx down all evening says so without burying the other lines.
            if str(self.failures).strip("0") == "1":
                log.warning(
                    "live stream: POST %s failed (%s), %d failures so far; the newest is retried",
                    self.url,
                    problem,
                    self.failures,
                )
            self._stopping.wait(RETRY_S[min(attempt, len(RETRY_S)) - 1])
