"""The one clock: every time people read (signing times, runs, the report) and every wait the server
keeps (throttles, double presses, uploads) comes from here, so a test can set it and nothing escapes it."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo


class Clock:
    """The server's wall clock, and a monotonic clock for waits.

    ``zone`` (``KIOSK_TIMEZONE``, e.g. Asia/Shanghai) is the offset instants are recorded with; unset, the
    server's local zone. A recorded instant is absolute either way: what people read is written in the
    event's time zone (``Event.timezone``) by ``kiosk.words.format``, so a laptop left on UTC shows the
    venue's clock all the same. ``KIOSK_TIMEZONE`` only makes the stored ISO strings read in local time.
    """

    def __init__(self, zone: str | None = None):
        self.zone = ZoneInfo(zone) if zone else None

    def now(self) -> datetime:
        return datetime.now(self.zone) if self.zone else datetime.now().astimezone()

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock(Clock):
    """A clock that moves only when told: for tests, and for replaying a day."""

    def __init__(self, iso: str = "2021-06-21T09:30:00+08:00", mono: float = 1000.0):
        super().__init__()
        self._now = datetime.fromisoformat(iso)
        self._mono = mono

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self._now += timedelta(seconds=seconds)
        self._mono += seconds
