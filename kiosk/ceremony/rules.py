"""The ceremony's rules, in plain Python: no Flask, no Socket.IO, no SQL, no words.

Everything the audience sees is derived from an append-only log of accepted commands. ``decide`` checks a
command against the current state and returns the log entry it would append (or raises ``CeremonyError``
with a stable code and its parameters; the edge turns them into words); ``apply_entry`` folds one entry
into the state; ``replay`` folds a whole log. Because ``apply_entry`` never validates, replaying a stored
log always reproduces the state that was acknowledged.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from ..core.model import (
    CUE_SCREENS,
    LOCK,
    MAX_NOTE,
    SCREENS,
    SETUP_ACTION,
    SPEAKING_KINDS,
    SUBMIT,
    UNLOCK,
    WAN_PER_YI,
    Command,
    Cue,
    Event,
    LogEntry,
    Pad,
    Project,
    State,
)

# The article counts projects "100亿元以上、50亿元以上…" as exclusive bands: each project in its highest tier.
TIERS_YI = (100, 50, 20, 10)


class CeremonyError(Exception):
    """A command that makes no sense now. ``code`` is stable (clients and tests match on it); ``params``
    carry what the message names (a project's name, a seq, a list of names), for the edge to put into
    words."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def apply_entry(state: State, entry: LogEntry) -> State:
    """Fold one accepted log entry into the state. Never raises: the log is the truth."""
    ids = entry.projects
    # A signing or announcement of a round's project makes that round the running cue when decide named
    # it (only in order: ``in_order``), so the MC's monitor follows an operator who works from the list.
    cue = {"cue_id": entry.cue_id, "cue_at": entry.at, "standby_id": None} if entry.cue_id else {}
    if entry.action == "confirm":
        signed = dict(state.signed)
        for pid in ids:
            signed[pid] = entry
        return replace(
            state,
            seq=entry.seq,
            screen="spotlight",
            spotlight_id=ids[0],
            spotlight_ids=ids,
            signed=signed,
            last=entry,
            shown=state.shown | set(ids),
            signing_started=True,
            panic=False,
            caption_cue_id=None,
            armed=state.armed - set(ids),
            **(cue if entry.cue_id != state.cue_id else {}),
        )
    if entry.action == "announce":
        return replace(
            state,
            seq=entry.seq,
            screen="spotlight",
            spotlight_id=ids[0],
            spotlight_ids=ids,
            last=entry,
            shown=state.shown | set(ids),
            panic=False,
            caption_cue_id=None,
            # An announced project's pads may sign (GO on its round does the same).
            armed=state.armed | set(ids),
            **(cue if entry.cue_id != state.cue_id else {}),
        )
    if entry.action == "undo":
        # The round is taken back and its pads live again; their submitted signatures stay standing.
        signed = {pid: e for pid, e in state.signed.items() if e.seq != entry.undoes}
        return replace(state, seq=entry.seq, signed=signed, last=entry, armed=state.armed | set(ids))
    if entry.action == "show":
        if entry.screen in ("spotlight", "keys") and ids:
            spotlight, spot_ids = ids[0], ids
        else:
            spotlight, spot_ids = state.spotlight_id, state.spotlight_ids
        shown = state.shown | set(ids) if entry.screen == "spotlight" else state.shown
        return replace(
            state,
            seq=entry.seq,
            screen=entry.screen,
            spotlight_id=spotlight,
            spotlight_ids=spot_ids,
            last=entry,
            shown=shown,
            panic=False,
            caption_cue_id=None,
        )
    if entry.action in FIRING:
        # A fired cue: the wall takes the cue's look (decide wrote it into the entry).
        spot = {"spotlight_id": ids[0], "spotlight_ids": ids} if ids else {}
        shown = state.shown | set(ids) if entry.screen == "spotlight" else state.shown
        return replace(
            state,
            seq=entry.seq,
            screen=entry.screen or state.screen,
            last=entry,
            shown=shown,
            cue_id=entry.cue_id,
            cue_at=entry.at,
            standby_id=None,
            panic=False,
            # The views name the speaker while the wall still shows this cue's look.
            caption_cue_id=entry.cue_id,
            # A line for the MC is about the moment it was sent in: the next cue takes it down.
            note=None,
            # A signing round's pads arm with it; any other cue puts every pad back to waiting.
            armed=frozenset(pid for pid in ids if pid not in state.signed)
            if entry.screen == "spotlight"
            else frozenset(),
            **spot,
        )
    if entry.action == "standby":
        return replace(state, seq=entry.seq, standby_id=entry.cue_id, last=entry)
    if entry.action in ("panic", "unpanic"):
        return replace(state, seq=entry.seq, panic=entry.action == "panic", last=entry)
    if entry.action == "note":
        return replace(state, seq=entry.seq, note=entry if entry.text else None, last=entry)
    if entry.action == "arm":
        return replace(state, seq=entry.seq, armed=state.armed | set(ids), last=entry)
    if entry.action == "disarm":
        return replace(state, seq=entry.seq, armed=state.armed - set(ids), last=entry)
    if entry.action == SUBMIT:
        return replace(state, seq=entry.seq, submitted={**state.submitted, entry.pad_id: entry}, last=entry)
    if entry.action == "reopen":
        submitted = {k: e for k, e in state.submitted.items() if k != entry.pad_id}
        return replace(state, seq=entry.seq, submitted=submitted, armed=state.armed | set(ids), last=entry)
    if entry.action == SETUP_ACTION and entry.screen in (UNLOCK, LOCK):
        return replace(state, seq=entry.seq, edits_unlocked=entry.screen == UNLOCK)
    # other setup entries and anything unknown to this version only advance seq
    return replace(state, seq=entry.seq)


def replay(entries: Iterable[LogEntry]) -> State:
    state = State()
    for entry in entries:
        state = apply_entry(state, entry)
    return state


# The console takes no second GO this soon after one: a double tap fires one cue (the server's own guard
# is the standby id the GO names).
GO_GUARD_MS = 1000

# Log actions that fire a cue: the wall takes its look and it becomes the running cue.
FIRING = ("go", "jump", "back")


def decide(
    state: State,
    projects: Sequence[Project],
    command: Command,
    at: str,
    device: str | None,
    cues: Sequence[Cue] = (),
    pads: Sequence[Pad] = (),
    signatures_required: bool = False,
) -> LogEntry:
    """Return the entry ``command`` appends, or raise ``CeremonyError``. Pure: changes nothing.

    ``cues`` is the agenda in order (``agenda``): the cue commands act on it, and a signing names the
    round it belongs to. ``pads`` are the signing pads; with ``signatures_required`` a project with pads
    is confirmed only once each of them has submitted."""
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

    def cue(cue_id: str | None) -> Cue:
        if not cue_id:
            raise CeremonyError("missing_cue")
        found = next((c for c in cues if c.id == cue_id), None)
        if found is None:
            raise CeremonyError("unknown_cue", cue_id=cue_id)
        return found

    if command.action in ("announce", "confirm"):
        wanted = command.project_ids or ((command.project_id,) if command.project_id else ())
        if not wanted:
            raise CeremonyError("missing_project")
        chosen = sorted({project(pid).id: project(pid) for pid in wanted}.values(), key=lambda p: p.order)
        for p in chosen:
            if p.id in state.signed:
                raise CeremonyError("already_signed", name=p.name)
        ids = tuple(p.id for p in chosen)
        if command.action == "confirm" and signatures_required:
            missing = unsubmitted(state, pads, ids)
            if missing:
                raise CeremonyError("signatures_missing", names=[d.name for d in missing])
        round_ = round_of(cues, ids[0])
        return LogEntry(
            action=command.action,
            project_id=ids[0],
            project_ids=ids if len(ids) > 1 else (),
            # Named only when the run may follow it there (``in_order``); out of order the agenda stays.
            cue_id=round_.id if round_ is not None and in_order(state, projects, cues, round_) else None,
            **base,
        )

    if command.action == "undo":
        latest = undo_target(state, projects)
        if latest is None:
            raise CeremonyError("nothing_to_undo")
        return LogEntry(
            action="undo",
            project_id=latest.project_id,
            project_ids=latest.project_ids,
            undoes=latest.seq,
            **base,
        )

    if command.action == "show":
        screen = command.screen
        if screen not in SCREENS:
            raise CeremonyError("unknown_screen", screen=screen or "", choices=SCREENS)
        ids: tuple[str, ...] = ()
        if screen == "spotlight":
            if command.project_ids:
                ids = tuple(project(pid).id for pid in command.project_ids)
            else:
                candidate = command.project_id or state.spotlight_id or next_pending_id(state, projects)
                if candidate is None:
                    raise CeremonyError("missing_project", nothing_pending=True)
                ids = (project(candidate).id,)
                if candidate == state.spotlight_id and state.spotlight_ids:
                    ids = tuple(i for i in state.spotlight_ids if i in by_id) or ids
        elif screen == "keys":
            ids = keys_of(state, projects, command.project_ids)
            if not ids:
                raise CeremonyError("no_keys")
        return LogEntry(
            action="show",
            screen=screen,
            project_id=ids[0] if ids else None,
            project_ids=ids if len(ids) > 1 else (),
            **base,
        )

    if command.action in FIRING:
        if not cues:
            raise CeremonyError("no_agenda")
        if command.action == "go":
            target = standby_cue(state, cues)
            if target is None:
                raise CeremonyError("end_of_show")
            if command.cue_id and command.cue_id != target.id:
                # The operator's GO named the standby it saw: a second tap, or a colleague's change,
                # must not fire the cue after it.
                raise CeremonyError("standby_moved", title=target.title)
            waiting = unsigned_in_round(state, projects, cues)
            if waiting:
                raise CeremonyError("round_unsigned", names=[p.name for p in waiting])
        elif command.action == "jump":
            target = cue(command.cue_id)
        else:
            here = cue_index(cues, state.cue_id)
            if here is None or here == 0:
                raise CeremonyError("at_first_cue")
            target = cues[here - 1]
        screen, ids = look_of(target, state, projects)
        return LogEntry(
            action=command.action,
            cue_id=target.id,
            screen=screen,
            project_id=ids[0] if ids else None,
            project_ids=ids if len(ids) > 1 else (),
            **base,
        )

    if command.action == "standby":
        target = cue(command.cue_id)
        return LogEntry(action="standby", cue_id=target.id, **base)

    if command.action == "panic":
        if state.panic:
            raise CeremonyError("already_panic")
        return LogEntry(action="panic", **base)

    if command.action == "unpanic":
        if not state.panic:
            raise CeremonyError("not_panic")
        return LogEntry(action="unpanic", **base)

    if command.action == "note":
        text = " ".join((command.text or "").split())
        if len(text) > MAX_NOTE:
            raise CeremonyError("note_too_long", max=MAX_NOTE)
        if not text and state.note is None:
            raise CeremonyError("no_note")
        return LogEntry(action="note", text=text, **base)

    if command.action in ("arm", "disarm"):
        with_pads = {d.project_id for d in pads}
        if command.action == "disarm":
            wanted = command.project_ids or tuple(state.armed)
            ids = tuple(p.id for p in ordered(projects) if p.id in wanted and p.id in state.armed)
            if not ids:
                raise CeremonyError("nothing_armed")
        else:
            wanted = command.project_ids or ((command.project_id,) if command.project_id else ())
            wanted = wanted or state.spotlight_ids or ((state.spotlight_id,) if state.spotlight_id else ())
            if not wanted:
                raise CeremonyError("missing_project")
            chosen = [project(pid) for pid in wanted]
            for p in chosen:
                if p.id in state.signed:
                    raise CeremonyError("already_signed", name=p.name)
            if not any(p.id in with_pads for p in chosen):
                raise CeremonyError("no_pads", name=chosen[0].name)
            ids = tuple(p.id for p in ordered(chosen) if p.id in with_pads)
        return LogEntry(
            action=command.action, project_id=ids[0], project_ids=ids if len(ids) > 1 else (), **base
        )

    if command.action in ("reopen", SUBMIT):
        pad = next((d for d in pads if d.id == command.pad_id), None)
        if pad is None:
            raise CeremonyError("unknown_pad")
        owner = project(pad.project_id)
        if owner.id in state.signed:
            raise CeremonyError("already_signed", name=owner.name)
        if command.action == "reopen":
            if pad.id not in state.submitted:
                raise CeremonyError("not_submitted", name=pad.name)
        else:
            if owner.id not in state.armed:
                raise CeremonyError("not_armed", name=owner.name)
            if pad.id in state.submitted:
                raise CeremonyError("already_submitted", name=pad.name)
            if not command.signature_id:
                raise CeremonyError("empty_signature")
        return LogEntry(
            action=command.action,
            project_id=owner.id,
            pad_id=pad.id,
            signature_id=command.signature_id if command.action == SUBMIT else None,
            **base,
        )

    raise CeremonyError("unknown_action", action=command.action)


# -- the signing pads ---------------------------------------------------------------------------------------


def pad_state(state: State, pad: Pad, drawing: bool = False) -> str:
    """What a pad is at now (model.PAD_STATES): ``drawing`` says its open attempt holds strokes."""
    if pad.project_id in state.signed:
        return "signed"
    if pad.id in state.submitted:
        return "submitted"
    if pad.project_id in state.armed:
        return "signing" if drawing else "armed"
    return "waiting"


def unsubmitted(state: State, pads: Sequence[Pad], ids: Iterable[str]) -> list[Pad]:
    """The pads of the projects ``ids`` still to submit: with signatures required, what their confirm
    waits for (decide refuses it, the console's hold button says it before the press)."""
    wanted = set(ids)
    return [d for d in pads if d.project_id in wanted and d.id not in state.submitted]


def signing_group(state: State, pads: Sequence[Pad], project_id: str) -> tuple[str, ...]:
    """The projects signed together with ``project_id`` (the round on the wall, else the project alone),
    once every pad of each has submitted: what the last submission signs when the organiser chose so.
    Empty while a pad is still to submit, or a project of the round has no pads."""
    group = state.spotlight_ids or ((state.spotlight_id,) if state.spotlight_id else ())
    if project_id not in group:
        group = (project_id,)
    group = tuple(pid for pid in group if pid not in state.signed)
    for pid in group:
        own = [d for d in pads if d.project_id == pid]
        if not own or any(d.id not in state.submitted for d in own):
            return ()
    return group


# -- the run of show ----------------------------------------------------------------------------------------


def agenda(cues: Sequence[Cue], projects: Sequence[Project]) -> tuple[Cue, ...]:
    """The agenda the show runs on: the organiser's, in order; or, for a ceremony without one, one made
    from its projects: the opening, one signing round per project, the close."""
    if cues:
        live = {p.id for p in projects}
        return tuple(
            replace(c, project_ids=tuple(pid for pid in c.project_ids if pid in live))
            for c in sorted(cues, key=lambda c: c.order)
        )
    order = ordered(projects)
    if not order:
        return ()
    made = [Cue(id="auto-opening", order=1, kind="opening", title="")]
    made += [
        Cue(id=f"auto-{p.id}", order=i, kind="signing", title=p.name, title_en=p.name_en, project_ids=(p.id,))
        for i, p in enumerate(order, start=2)
    ]
    made.append(Cue(id="auto-closing", order=len(order) + 2, kind="closing", title=""))
    return tuple(made)


def cue_index(cues: Sequence[Cue], cue_id: str | None) -> int | None:
    return next((i for i, c in enumerate(cues) if c.id == cue_id), None)


def standby_cue(state: State, cues: Sequence[Cue]) -> Cue | None:
    """The cue GO fires: the one the operator chose, else the one after the running cue (the first cue
    before any has run, or when the running one left the agenda)."""
    chosen = cue_index(cues, state.standby_id)
    if chosen is not None:
        return cues[chosen]
    here = cue_index(cues, state.cue_id)
    if here is None:
        return cues[0] if cues else None
    return cues[here + 1] if here + 1 < len(cues) else None


def round_of(cues: Sequence[Cue], project_id: str) -> Cue | None:
    """The signing round a project belongs to."""
    return next((c for c in cues if c.kind == "signing" and project_id in c.project_ids), None)


def round_signed(state: State, projects: Sequence[Project], c: Cue) -> bool:
    """Whether every project of the round ``c`` (still in the running order) is signed."""
    live = {p.id for p in projects}
    return all(pid in state.signed for pid in c.project_ids if pid in live)


def in_order(state: State, projects: Sequence[Project], cues: Sequence[Cue], round_: Cue) -> bool:
    """Whether an announce or confirm in ``round_`` takes the run there: the round is running already, or
    every signing round before it in the agenda is signed (what GO would reach without leaving a round
    unsigned behind). Otherwise the signing is out of order: the running cue and the standby stay, so GO
    still fires the round that was skipped, and no unsigned round is passed as done."""
    if round_.id == state.cue_id:
        return True
    here = cue_index(cues, round_.id)
    if here is None:
        return False
    return all(round_signed(state, projects, c) for c in cues[:here] if c.kind == "signing")


def unsigned_in_round(state: State, projects: Sequence[Project], cues: Sequence[Cue]) -> list[Project]:
    """The projects of the running signing round still unsigned: GO waits for its confirm (or a jump)."""
    here = cue_index(cues, state.cue_id)
    if here is None or cues[here].kind != "signing":
        return []
    by_id = {p.id: p for p in projects}
    return [by_id[pid] for pid in cues[here].project_ids if pid in by_id and pid not in state.signed]


def keys_of(state: State, projects: Sequence[Project], wanted: Sequence[str] = ()) -> tuple[str, ...]:
    """The golden keys a handover shows: the named projects that are signed, or (none named) every
    signed project, in running order. A key is only handed over for a signed project."""
    signed = [p.id for p in ordered(projects) if p.id in state.signed]
    return tuple(pid for pid in signed if pid in wanted) if wanted else tuple(signed)


def look_of(c: Cue, state: State, projects: Sequence[Project]) -> tuple[str, tuple[str, ...]]:
    """What the wall shows when ``c`` fires: its screen and the projects on it."""
    screen = CUE_SCREENS[c.kind]
    if c.kind == "signing":
        live = {p.id for p in projects}
        ids = tuple(pid for pid in c.project_ids if pid in live)
        return (screen, ids) if ids else ("title", ())
    if c.kind == "handover":
        ids = keys_of(state, projects, c.project_ids)
        return (screen, ids) if ids else ("title", ())
    return screen, ()


def speaking(c: Cue | None) -> bool:
    return c is not None and c.kind in SPEAKING_KINDS


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


def missing_english(
    event: Event, projects: Sequence[Project], cues: Sequence[Cue], known_industries: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """What an English ceremony would show in Chinese, as codes: ``event``, the event's fields typed
    without their English; ``projects``, the ids of projects whose name, investor or a signatory has no
    English; ``industries``, the industries beyond ``known_industries`` (the catalogue's, which have their
    English there) that no project names in English; ``cues``, the ids of the organiser's cues whose
    title, speaker, speaker's title or script has no English."""
    fields = ("title", "subtitle", "venue", "host")
    given = {p.industry for p in projects if p.industry and p.industry_en}
    return {
        "event": tuple(k for k in fields if getattr(event, k) and not getattr(event, f"{k}_en")),
        "projects": tuple(
            p.id
            for p in ordered(projects)
            if not p.name_en
            or not p.investor_en
            or any(
                n and not (i < len(p.signatories_en) and p.signatories_en[i])
                for i, n in enumerate(p.signatories)
            )
        ),
        "industries": tuple(
            dict.fromkeys(
                p.industry
                for p in ordered(projects)
                if p.industry and p.industry not in known_industries and p.industry not in given
            )
        ),
        "cues": tuple(
            q.id
            for q in cues
            if not q.id.startswith("auto-")
            and any(
                getattr(q, k) and not getattr(q, f"{k}_en") for k in ("title", "person", "role", "script")
            )
        ),
    }


def is_public(state: State, project_id: str, publish_in_advance: bool) -> bool:
    """Whether the room may read a project's figures: once the wall has shown it, or when the organiser
    publishes the running order in advance. Its order, name and investor are always public."""
    return publish_in_advance or project_id in state.shown or project_id in state.signed


def status_of(state: State, project_id: str) -> str:
    if project_id in state.signed:
        return "signed"
    on_spot = project_id in state.spotlight_ids or project_id == state.spotlight_id
    if on_spot and state.screen == "spotlight":
        return "announced"
    return "pending"


def yi(amount_wan: int) -> str:
    """万元 as an exact 亿元 string without trailing zeros: 2060000 -> '206', 523000 -> '52.3'."""
    value = (Decimal(amount_wan) / WAN_PER_YI).normalize()
    return format(value, "f")


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
    before = after - sum(by_id[pid].amount_wan for pid in last.projects if pid in by_id)
    passed = [m for m in marks if before < m <= after]
    return passed[-1] if passed else None
