"""The ceremony's rules, in plain Python: no Flask, no Socket.IO, no SQL, no words.

Everything the audience sees is derived from an append-only log of accepted commands. ``decide`` checks a
command against the current state and returns the log entry it would append (or raises ``CeremonyError``
with a stable code and its parameters; the edge turns them into words); ``apply_entry`` folds one entry
into the state; ``replay`` folds a whole log. Because ``apply_entry`` never validates, replaying a stored
log always reproduces the state that was acknowledged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from .model import LOCK, SCREENS, SETUP_ACTION, UNLOCK, WAN_PER_YI, Command, LogEntry, Project, State

# The article counts projects "100亿元以上、50亿元以上…" as exclusive bands: each project in its highest tier.
TIERS_YI = (100, 50, 20, 10)


class CeremonyError(Exception):
    """A command that makes no sense now. ``code`` is stable (clients and tests match on it); ``params``
    carry what the message names (a project's name, a seq), for the edge to put into words."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def apply_entry(state: State, entry: LogEntry) -> State:
    """Fold one accepted log entry into the state. Never raises: the log is the truth."""
    if entry.action == "confirm":
        signed = dict(state.signed)
        signed[entry.project_id] = entry
        return replace(
            state,
            seq=entry.seq,
            screen="spotlight",
            spotlight_id=entry.project_id,
            signed=signed,
            last=entry,
            shown=state.shown | {entry.project_id},
            signing_started=True,
        )
    if entry.action == "announce":
        return replace(
            state,
            seq=entry.seq,
            screen="spotlight",
            spotlight_id=entry.project_id,
            last=entry,
            shown=state.shown | {entry.project_id},
        )
    if entry.action == "undo":
        signed = {pid: e for pid, e in state.signed.items() if e.seq != entry.undoes}
        return replace(state, seq=entry.seq, signed=signed, last=entry)
    if entry.action == "show":
        spotlight = entry.project_id if entry.screen == "spotlight" else state.spotlight_id
        shown = state.shown | {spotlight} if entry.screen == "spotlight" and spotlight else state.shown
        return replace(
            state, seq=entry.seq, screen=entry.screen, spotlight_id=spotlight, last=entry, shown=shown
        )
    if entry.action == SETUP_ACTION and entry.screen in (UNLOCK, LOCK):
        return replace(state, seq=entry.seq, edits_unlocked=entry.screen == UNLOCK)
    # other setup entries and anything unknown to this version only advance seq
    return replace(state, seq=entry.seq)


def replay(entries: Iterable[LogEntry]) -> State:
    state = State()
    for entry in entries:
        state = apply_entry(state, entry)
    return state


def decide(
    state: State, projects: Sequence[Project], command: Command, at: str, device: str | None
) -> LogEntry:
    """Return the entry ``command`` appends, or raise ``CeremonyError``. Pure: changes nothing."""
    by_id = {p.id: p for p in projects}
    seq = state.seq + 1
    base = {"seq": seq, "at": at, "command_id": command.command_id, "device": device}

    if command.expected_seq is not None and command.expected_seq != state.seq:
        raise CeremonyError("seq_conflict", current=state.seq, expected=command.expected_seq)

    def project(pid: str | None) -> Project:
        if not pid:
            raise CeremonyError("missing_project")
        if pid not in by_id:
            raise CeremonyError("unknown_project", project_id=pid)
        return by_id[pid]

    if command.action in ("announce", "confirm"):
        p = project(command.project_id)
        if p.id in state.signed:
            raise CeremonyError("already_signed", name=p.name)
        return LogEntry(action=command.action, project_id=p.id, **base)

    if command.action == "undo":
        latest = undo_target(state, projects)
        if latest is None:
            raise CeremonyError("nothing_to_undo")
        return LogEntry(action="undo", project_id=latest.project_id, undoes=latest.seq, **base)

    if command.action == "show":
        screen = command.screen
        if screen not in SCREENS:
            raise CeremonyError("unknown_screen", screen=screen or "")
        pid = None
        if screen == "spotlight":
            candidate = command.project_id or state.spotlight_id or next_pending_id(state, projects)
            if candidate is None:
                raise CeremonyError("missing_project", nothing_pending=True)
            pid = project(candidate).id
        return LogEntry(action="show", screen=screen, project_id=pid, **base)

    raise CeremonyError("unknown_action", action=command.action)


def undo_target(state: State, projects: Sequence[Project]) -> LogEntry | None:
    """The confirm an undo would take back now: the most recent signing of a project still in the order.

    Projects deleted from the running order keep their log entries; only live ones can be taken back.
    """
    ids = {p.id for p in projects}
    live = [e for e in state.signed.values() if e.project_id in ids]
    return max(live, key=lambda e: e.seq) if live else None


def ordered(projects: Iterable[Project]) -> list[Project]:
    return sorted(projects, key=lambda p: p.order)


def next_pending_id(state: State, projects: Sequence[Project]) -> str | None:
    """The first unsigned project in running order after the one on screen (wrapping to the start)."""
    order = ordered(projects)
    pending = [p for p in order if p.id not in state.signed]
    if not pending:
        return None
    current = next((p for p in order if p.id == state.spotlight_id), None)
    if current is not None and current.id not in state.signed and state.screen != "spotlight":
        # Announced, then the wall switched to the title or the roll: it is still the one to sign next.
        return current.id
    if current is not None:
        after = [p for p in pending if p.order > current.order]
        if after:
            return after[0].id
    return pending[0].id


def following_id(state: State, projects: Sequence[Project], project_id: str) -> str | None:
    """The first unsigned project after ``project_id`` in running order (None: it is the last one waiting)."""
    order = ordered(projects)
    here = next((p for p in order if p.id == project_id), None)
    if here is None:
        return None
    return next((p.id for p in order if p.order > here.order and p.id not in state.signed), None)


def up_now_id(state: State, projects: Sequence[Project]) -> str | None:
    """The project an operator acts on next by default: the one announced on the wall; else one announced
    and left unsigned when the wall moved away (title, roll…); else the next in the running order."""
    ids = {p.id for p in projects}
    if state.spotlight_id in ids and state.spotlight_id not in state.signed:
        return state.spotlight_id
    return next_pending_id(state, projects)


# What a stand-in name carries: the sample ships with them, and an organiser may type one while a name is
# not yet public. None of them may reach the wall unnoticed.
PLACEHOLDER_MARKS = ("占位", "示例", "待公布", "待定", "placeholder", "sample", "tbd", "xxx")


def placeholder_fields(project: Project) -> tuple[str, ...]:
    """The fields of ``project`` that read like a stand-in ("（示例企业名）", "…·占位"), for the warning."""
    return tuple(
        key
        for key in ("name", "investor")
        if any(mark in getattr(project, key).lower() for mark in PLACEHOLDER_MARKS)
    )


def is_public(state: State, project_id: str, publish_in_advance: bool) -> bool:
    """Whether the room may read a project's figures: once the wall has shown it, or when the organiser
    publishes the running order in advance. Its order, name and investor are always public."""
    return publish_in_advance or project_id in state.shown or project_id in state.signed


def status_of(state: State, project_id: str) -> str:
    if project_id in state.signed:
        return "signed"
    if project_id == state.spotlight_id and state.screen == "spotlight":
        return "announced"
    return "pending"


def yi(amount_wan: int) -> str:
    """万元 as an exact 亿元 string without trailing zeros: 2060000 -> '206', 523000 -> '52.3'."""
    value = (Decimal(amount_wan) / WAN_PER_YI).normalize()
    return format(value, "f")


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def tier_of(amount_wan: int) -> int | None:
    for floor in TIERS_YI:
        if amount_wan >= floor * WAN_PER_YI:
            return floor
    return None


def figures(projects: Iterable[Project]) -> dict:
    """Totals, land, tier and industry counts over ``projects``: exact ints and Decimals, no text.

    Industries: most projects first; among equals the one met first in the running order.
    """
    projects = ordered(projects)
    total = sum(p.amount_wan for p in projects)
    land = sum((p.land_mu for p in projects if p.land_mu is not None), Decimal(0))
    has_land = any(p.land_mu is not None for p in projects)
    tiers = {floor: 0 for floor in TIERS_YI}
    industries: dict[str, dict] = {}
    for p in projects:
        floor = tier_of(p.amount_wan)
        if floor is not None:
            tiers[floor] += 1
        if p.industry:
            row = industries.setdefault(p.industry, {"name": p.industry, "count": 0, "amount_wan": 0})
            row["count"] += 1
            row["amount_wan"] += p.amount_wan
    return {
        "total_wan": total,
        "land_mu": land,
        "has_land": has_land,
        "count": len(projects),
        "tiers": [(floor, tiers[floor]) for floor in TIERS_YI],
        "industries": sorted(industries.values(), key=lambda r: -r["count"]),
        "industries_in_order": list(industries),
    }


# Milestone steps for the goal gauge, in 亿元: the largest that still marks at least two milestones.
MILESTONE_STEPS_YI = (1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)


def milestones(planned_wan: int) -> list[int]:
    """Round figures (万元) on the way to the planned total worth a cheer: 206 亿 -> 100 亿 and 200 亿."""
    for step_yi in MILESTONE_STEPS_YI:
        step = step_yi * WAN_PER_YI
        if planned_wan // step >= 2:
            return [step * n for n in range(1, planned_wan // step + 1)]
    return []


def milestone_crossed(state: State, projects: Sequence[Project], marks: Sequence[int]) -> int | None:
    """The highest milestone the latest signing carried the total past (its confirm is the last entry)."""
    last = state.last
    if last is None or last.action != "confirm" or last.project_id not in state.signed:
        return None
    by_id = {p.id: p for p in projects}
    after = sum(by_id[pid].amount_wan for pid in state.signed if pid in by_id)
    before = after - by_id[last.project_id].amount_wan if last.project_id in by_id else after
    passed = [m for m in marks if before < m <= after]
    return passed[-1] if passed else None
