"""Log lines on a budget: the one helper the edge (sockets, sessions) and the store's message queue share."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("kiosk")


class LogBudget:
    """At most ``lines`` log lines per ``window_s``; the rest are counted and reported in one line, so a
    client that misbehaves (or reconnects) thousands of times cannot drown what the operators read."""

    def __init__(self, logger: logging.Logger | None = None, lines: int = 20, window_s: float = 10.0):
        self.logger = logger or log
        self.lines, self.window_s = lines, window_s
        self.started, self.used, self.suppressed = 0.0, 0, 0
        self._lock = threading.Lock()

    def warn(self, message: str, *args) -> None:
        self.say(logging.WARNING, message, *args)

    def info(self, message: str, *args) -> None:
        self.say(logging.INFO, message, *args)

    def say(self, level: int, message: str, *args) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self.started >= self.window_s:
                if self.suppressed:
                    self.logger.warning(
                        "%d more such lines left out in the last %.0f s", self.suppressed, now - self.started
                    )
                self.started, self.used, self.suppressed = now, 0, 0
            if self.used >= self.lines:
                self.suppressed += 1
                return
            self.used += 1
        self.logger.log(level, message, *args)
