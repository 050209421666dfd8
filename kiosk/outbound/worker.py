"""One worker per target: a bounded queue in front of a thread (a greenlet once gevent has patched
threading), so a slow or dead desk only ever delays its own messages, in their order, and never a command.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

log = logging.getLogger("kiosk.outbound")

# A whole ceremony is a few hundred events; a target this far behind has been dead for minutes, and the
# newest cues are the ones still worth sending.
QUEUE_SIZE = 100


class Worker:
    def __init__(self, sender, size: int = QUEUE_SIZE):
        self.sender = sender
        self.size = size
        self._queue: deque = deque()
        self._ready = threading.Condition()
        # Set at shutdown: retries stop waiting, and the worker leaves once its queue is empty.
        self.stopping = threading.Event()
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name=f"outbound {sender.label}", daemon=True)
        self._thread.start()

    def put(self, doc: dict) -> None:
        """Queue ``doc``; never waits. A full queue loses its oldest message."""
        with self._ready:
            dropped = self._queue.popleft() if len(self._queue) >= self.size else None
            self._queue.append(doc)
            self._ready.notify()
            if dropped is not None:
                self.dropped += 1
            count = self.dropped
        # The 1st, 10th, 100th...: a desk dead all evening says so without burying the other lines.
        if dropped is not None and str(count).strip("0") == "1":
            log.warning(
                "%s: queue full (%d): dropped %s of seq %s, %d dropped so far",
                self.sender.label,
                self.size,
                dropped["event"],
                dropped["seq"],
                count,
            )

    def _run(self) -> None:
        label, unsent = self.sender.label, 0
        while True:
            with self._ready:
                while not self._queue and not self.stopping.is_set():
                    self._ready.wait()
                if not self._queue:
                    break
                doc = self._queue.popleft()
            try:
                problem = self.sender.deliver(doc, self.stopping)
            except Exception:
                # A bug here must not end the worker: every later cue would go unsent.
                log.exception("%s: sending %s failed", label, doc.get("event"))
                continue
            if problem is None:
                continue
            if self.stopping.is_set():
                unsent += 1  # one line at the end, not one per message still queued at shutdown
            else:
                log.warning("%s: %s of seq %s dropped: %s", label, doc["event"], doc["seq"], problem)
        if unsent:
            log.warning("%s: %d messages not delivered at shutdown", label, unsent)
        self.sender.close()

    @property
    def pending(self) -> int:
        return len(self._queue)

    def stop(self) -> None:
        with self._ready:
            self.stopping.set()
            self._ready.notify()

    def join(self, deadline: float) -> bool:
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return not self._thread.is_alive()
