"""The ceremony's rules, in plain Python: no Flask, no Socket.IO, no SQL.

Everything the audience sees is derived from an append-only log of accepted commands. ``decide`` checks a
command against the current state and returns the log entry it would append (or raises ``CeremonyError``
with a stable code); ``apply_entry`` folds one entry into the state; ``replay`` folds a whole log. Because
``apply_entry`` never validates, replaying a stored log always reproduces the state that was acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

SCREENS = ("title", "spotlight", "roll", "finale", "blank")
ACTIONS = ("announce", "confirm", "undo", "show")
# Log entries that change the setup (projects, event) rather than the show; they only move seq.
SETUP_ACTION = "setup"

WAN_PER_YI = 10_000
# The article counts projects "100亿元以上、50亿元以上…" as exclusive bands: each project in its highest tier.
TIERS_YI = (100, 50, 20, 10)


class CeremonyError(Exception):
    """A command that makes no sense now. ``code`` is stable: clients and tests match on it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Event:
    title: str
    subtitle: str = ""
    date: str = ""
    venue: str = ""
    host: str = ""
    language: str = "zh"
    theme: str = "red"
    primary_color: str | None = None
    accent_color: str | None = None
    logo: str | None = None
    background: str | None = None


@dataclass(frozen=True)
class Project:
    id: str
    order: int
    name: str
    investor: str
    amount_wan: int
    land_mu: Decimal | None = None
    industry: str | None = None
    signatories: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True)
class Command:
    command_id: str
    action: str
    project_id: str | None = None
    screen: str | None = None
    expected_seq: int | None = None


@dataclass(frozen=True)
class LogEntry:
    seq: int
    action: str
    at: str
    command_id: str | None = None
    project_id: str | None = None
    screen: str | None = None
    undoes: int | None = None  # for an undo: the seq of the confirm it takes back
    device: str | None = None


@dataclass(frozen=True)
class State:
    seq: int = 0
    screen: str = "title"
    spotlight_id: str | None = None
    # project id -> the confirm entry that signed it; insertion order is signing order.
    signed: dict[str, LogEntry] = field(default_factory=dict)
    last: LogEntry | None = None


def apply_entry(state: State, entry: LogEntry) -> State:
    """Fold one accepted log entry into the state. Never raises: the log is the truth."""
    if entry.action == "confirm":
        signed = dict(state.signed)
        signed[entry.project_id] = entry
        return replace(
            state, seq=entry.seq, screen="spotlight", spotlight_id=entry.project_id, signed=signed, last=entry
        )
    if entry.action == "announce":
        return replace(state, seq=entry.seq, screen="spotlight", spotlight_id=entry.project_id, last=entry)
    if entry.action == "undo":
        signed = {pid: e for pid, e in state.signed.items() if e.seq != entry.undoes}
        return replace(state, seq=entry.seq, signed=signed, last=entry)
    if entry.action == "show":
        spotlight = entry.project_id if entry.screen == "spotlight" else state.spotlight_id
        return replace(state, seq=entry.seq, screen=entry.screen, spotlight_id=spotlight, last=entry)
    # setup entries and anything unknown to this version only advance seq
    return replace(state, seq=entry.seq)


def replay(entries) -> State:
    state = State()
    for entry in entries:
        state = apply_entry(state, entry)
    return state


def decide(state: State, projects: list[Project], command: Command, at: str, device: str | None) -> LogEntry:
    """Return the entry ``command`` appends, or raise ``CeremonyError``. Pure: changes nothing."""
    by_id = {p.id: p for p in projects}
    seq = state.seq + 1
    base = {"seq": seq, "at": at, "command_id": command.command_id, "device": device}

    if command.expected_seq is not None and command.expected_seq != state.seq:
        raise CeremonyError(
            "seq_conflict", f"画面已更新（当前 {state.seq}，请求基于 {command.expected_seq}），请核对后重试"
        )

    def project(pid: str | None) -> Project:
        if not pid:
            raise CeremonyError("missing_project", "请指定项目")
        if pid not in by_id:
            raise CeremonyError("unknown_project", f"没有编号为 {pid} 的项目")
        return by_id[pid]

    if command.action == "announce":
        p = project(command.project_id)
        if p.id in state.signed:
            raise CeremonyError("already_signed", f"「{p.name}」已签约")
        return LogEntry(action="announce", project_id=p.id, **base)

    if command.action == "confirm":
        p = project(command.project_id)
        if p.id in state.signed:
            raise CeremonyError("already_signed", f"「{p.name}」已签约")
        return LogEntry(action="confirm", project_id=p.id, **base)

    if command.action == "undo":
        # Projects deleted from the running order keep their log entries; only live ones can be taken back.
        live = [e for e in state.signed.values() if e.project_id in by_id]
        if not live:
            raise CeremonyError("nothing_to_undo", "没有可撤销的签约")
        latest = max(live, key=lambda e: e.seq)
        return LogEntry(action="undo", project_id=latest.project_id, undoes=latest.seq, **base)

    if command.action == "show":
        screen = command.screen
        if screen not in SCREENS:
            raise CeremonyError("unknown_screen", f"没有「{screen}」画面；可选：{'、'.join(SCREENS)}")
        pid = None
        if screen == "spotlight":
            candidate = command.project_id or state.spotlight_id or next_pending_id(state, projects)
            if candidate is None:
                raise CeremonyError("missing_project", "没有可聚焦的项目")
            pid = project(candidate).id
        return LogEntry(action="show", screen=screen, project_id=pid, **base)

    raise CeremonyError("unknown_action", f"未知指令「{command.action}」")


def next_pending_id(state: State, projects: list[Project]) -> str | None:
    """The first unsigned project in running order after the one on screen (wrapping to the start)."""
    ordered = sorted(projects, key=lambda p: p.order)
    pending = [p for p in ordered if p.id not in state.signed]
    if not pending:
        return None
    current = next((p for p in ordered if p.id == state.spotlight_id), None)
    if current is not None and current.id not in state.signed and state.screen != "spotlight":
        # Announced, then the wall switched to the title or the roll: it is still the one to sign next.
        return current.id
    if current is not None:
        after = [p for p in pending if p.order > current.order]
        if after:
            return after[0].id
    return pending[0].id


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


def figures(projects: list[Project]) -> dict:
    """Totals, land, tier and industry counts over ``projects`` (exact: ints and Decimals only)."""
    total = sum(p.amount_wan for p in projects)
    land = sum((p.land_mu for p in projects if p.land_mu is not None), Decimal(0))
    tiers = {floor: 0 for floor in TIERS_YI}
    industries: dict[str, dict] = {}
    for p in sorted(projects, key=lambda p: p.order):
        floor = tier_of(p.amount_wan)
        if floor is not None:
            tiers[floor] += 1
        if p.industry:
            row = industries.setdefault(p.industry, {"name": p.industry, "count": 0, "amount_wan": 0})
            row["count"] += 1
            row["amount_wan"] += p.amount_wan
    # Most projects first; among equals the one met first in the running order (dicts keep insertion order).
    ranked = sorted(industries.values(), key=lambda r: -r["count"])
    return {
        "total_wan": total,
        "total_yi": yi(total),
        "land_mu": decimal_text(land),
        "count": len(projects),
        "tiers": [
            {"min_yi": floor, "label": f"{floor}亿元以上", "count": tiers[floor]} for floor in TIERS_YI
        ],
        "industries": [{**r, "amount_yi": yi(r["amount_wan"])} for r in ranked],
    }


def snapshot(
    event: Event, projects: list[Project], state: State, log_id: str = "", mode: str = "live"
) -> dict:
    """The public picture of the ceremony: what /api/v1/state returns and Socket.IO broadcasts.

    It holds nothing secret: no concierge contact, no card address.
    """
    ordered = sorted(projects, key=lambda p: p.order)
    signed = [p for p in ordered if p.id in state.signed]
    done = figures(signed)
    planned = figures(ordered)
    last = None
    if state.last is not None and state.last.action != SETUP_ACTION:
        last = {
            "seq": state.last.seq,
            "action": state.last.action,
            "project_id": state.last.project_id,
            "at": state.last.at,
        }
    return {
        "seq": state.seq,
        "log_id": log_id,
        # "rehearsal" or "live": the console shows it large; the big screen never does.
        "mode": mode,
        "event": {
            "title": event.title,
            "subtitle": event.subtitle,
            "date": event.date,
            "venue": event.venue,
            "host": event.host,
            "language": event.language,
            "theme": event.theme,
            "colors": {"primary": event.primary_color, "accent": event.accent_color},
            "logo_url": f"/media/{event.logo}" if event.logo else None,
            "background_url": f"/media/{event.background}" if event.background else None,
        },
        "projects": [
            {
                "id": p.id,
                "order": p.order,
                "name": p.name,
                "investor": p.investor,
                "amount_wan": p.amount_wan,
                "amount_yi": yi(p.amount_wan),
                "land_mu": decimal_text(p.land_mu),
                "industry": p.industry,
                "signatories": list(p.signatories),
                "summary": p.summary,
                "status": status_of(state, p.id),
                "signed_at": state.signed[p.id].at if p.id in state.signed else None,
            }
            for p in ordered
        ],
        "total_wan": done["total_wan"],
        "total_yi": done["total_yi"],
        "signed_count": done["count"],
        "project_count": len(ordered),
        "land_mu": done["land_mu"],
        "tiers": done["tiers"],
        "industries": done["industries"],
        "planned": {k: planned[k] for k in ("total_wan", "total_yi", "land_mu", "count")},
        "screen": state.screen,
        "spotlight_id": state.spotlight_id if state.spotlight_id in {p.id for p in ordered} else None,
        "next_id": next_pending_id(state, ordered),
        "last": last,
        # Newest signing first: lets a screen show "just signed" without re-sorting.
        "signing_order": [pid for pid in reversed(list(state.signed)) if pid in {p.id for p in ordered}],
    }
