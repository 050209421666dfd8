"""The agenda as it actually ran: when each cue started, for how long, against the plan. No words here.

Read from the run's log, by the rules the state itself follows (``kiosk.ceremony.rules.apply_entry``): a
cue starts when it is fired (``go``, ``jump``, ``back``), and a signing round also starts when an operator
working from the project list announces or signs one of its projects while another cue is running (the
console and the MC's monitor then follow that round). A cue's length is from its first start until another
cue starts; the last cue to start ran until the run's last entry, or is still running when nothing came
after it. Lengths are between instants (the offsets the log wrote them with); a cue's planned "HH:MM" is on
the venue's clock, the event's time zone, whatever zone the server recorded in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

from ..ceremony.rules import FIRING, replay
from ..core.model import SETUP_ACTION, Cue, LogEntry
from ..words.format import local, zone_info

# An announce or a confirm that names a round makes it the running cue when another one was running.
STARTING_SIGNINGS = ("announce", "confirm")


@dataclass(frozen=True)
class Firing:
    """One start of a cue: the log entry that started it, and when the next cue (any) started after it."""

    seq: int
    action: str
    at: str
    until: str | None  # None: nothing came after it (still running)


@dataclass(frozen=True)
class CueRun:
    """One cue of the agenda and what the log says became of it."""

    cue: Cue
    firings: tuple[Firing, ...]
    # From the first start until another cue started (the last to start: until the run's last entry).
    ended_at: str | None
    # "done", "running" (started last, nothing after it), "skipped" (never started while a later cue
    # did) or "not_reached" (never started, and nothing after it either: the show had not got there).
    status: str
    # A signing round's confirms that still stand (not undone), oldest first.
    confirms: tuple[LogEntry, ...] = ()

    @property
    def started_at(self) -> str | None:
        return self.firings[0].at if self.firings else None

    @property
    def refired(self) -> int:
        """How many times it started again after its first start (a back, a jump, a chosen standby)."""
        return max(0, len(self.firings) - 1)


def starts(log: Sequence[LogEntry]) -> list[LogEntry]:
    """The entries that started a cue, in order (see the module's rules)."""
    found: list[LogEntry] = []
    current: str | None = None
    for entry in log:
        if not entry.cue_id:
            continue
        if entry.action in FIRING or (entry.action in STARTING_SIGNINGS and entry.cue_id != current):
            found.append(entry)
            current = entry.cue_id
    return found


def show_entries(log: Sequence[LogEntry]) -> list[LogEntry]:
    """The run's entries about the show (setup entries — an editor unlocking the order — are not)."""
    return [e for e in log if e.action != SETUP_ACTION]


def run_of(cues: Sequence[Cue], log: Sequence[LogEntry]) -> list[CueRun]:
    """Every cue of ``cues`` (the agenda, in order) with its starts, length and state in ``log``."""
    entries = show_entries(log)
    last_at = entries[-1].at if entries else None
    begun = starts(entries)
    signed = replay(log).signed

    def after(i: int, other_only: bool) -> str | None:
        here = begun[i]
        for later in begun[i + 1 :]:
            if not other_only or later.cue_id != here.cue_id:
                return later.at
        # The last start: it ran until the run's last entry, if anything came after it.
        return last_at if last_at is not None and seconds(here.at, last_at) > 0 else None

    firings: dict[str, list[Firing]] = {}
    ends: dict[str, str | None] = {}
    for i, entry in enumerate(begun):
        if entry.cue_id not in firings:
            ends[entry.cue_id] = after(i, other_only=True)
        firings.setdefault(entry.cue_id, []).append(
            Firing(entry.seq, entry.action, entry.at, after(i, other_only=False))
        )
    # The furthest cue in the agenda that ever started: a cue before it that never did was skipped.
    reached = max((i for i, c in enumerate(cues) if c.id in firings), default=-1)

    runs = []
    for i, c in enumerate(cues):
        mine = tuple(firings.get(c.id, ()))
        if not mine:
            status = "skipped" if i < reached else "not_reached"
        elif ends[c.id] is None:
            status = "running"
        else:
            status = "done"
        confirms: tuple[LogEntry, ...] = ()
        if c.kind == "signing":
            standing = {signed[pid].seq: signed[pid] for pid in c.project_ids if pid in signed}
            confirms = tuple(standing[seq] for seq in sorted(standing))
        runs.append(CueRun(c, mine, ends.get(c.id), status, confirms))
    return runs


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def seconds(start: str, end: str) -> int:
    """Whole seconds from ``start`` to ``end`` (ISO times with their offsets)."""
    return int((moment(end) - moment(start)).total_seconds())


def planned_moment(planned_time: str, day: date, tz) -> datetime:
    hours, minutes = (int(part) for part in planned_time.split(":"))
    return datetime.combine(day, clock(hours, minutes), tzinfo=tz)


def planned_at(c: Cue, event_date: str, zone: str) -> str | None:
    """The cue's planned start as an ISO time: its "HH:MM" on the event's date in the venue's time zone
    (``zone``, an IANA name). None without a date or a time."""
    if not c.planned_time or not event_date:
        return None
    try:
        day = date.fromisoformat(event_date)
    except ValueError:
        return None
    return planned_moment(c.planned_time, day, zone_info(zone)).isoformat(timespec="seconds")


def delay(c: Cue, started_at: str | None, zone: str) -> int | None:
    """Seconds from the planned start to the actual one (negative: early), or None when the cue has no
    planned time or never started. The plan is the cue's "HH:MM" on the day it ran on the venue's clock
    (``zone``): on the event's date that is the event's plan; a run on another day (a rehearsal the evening
    before) or an event without a date is compared by the time of day."""
    if not c.planned_time or not started_at:
        return None
    start = local(started_at, zone)
    gap = start - planned_moment(c.planned_time, start.date(), start.tzinfo)
    # By the time of day, a cue planned for 23:55 that started at 00:05 is 10 minutes late.
    if abs(gap) > timedelta(hours=12):
        gap -= timedelta(days=round(gap / timedelta(days=1)))
    return int(gap.total_seconds())
