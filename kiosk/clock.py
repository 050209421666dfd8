"""The venue's wall clock: every time people read (signing times, runs, the report) comes from here."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo


def now_iso() -> str:
    """The venue's wall-clock time with its offset.

    ``KIOSK_TIMEZONE`` (e.g. Asia/Shanghai) names the venue's zone when the server's own clock is set to
    another one (a laptop on UTC); otherwise the server's local zone.
    """
    zone = os.environ.get("KIOSK_TIMEZONE")
    now = datetime.now(ZoneInfo(zone)) if zone else datetime.now().astimezone()
    return now.isoformat(timespec="seconds")
