"""The ceremony as the transports see it: run a command, read a view, change the setup.

Every change happens inside one store transaction: the service first catches up with anything another
process committed (a ``python -m kiosk import`` while the server runs, a second server), then decides
against that state, then records the entry and its answer — so no other writer can slip in between the
decision and the record, and ``seq`` never has a gap or a duplicate. Only after the commit does the
in-memory state move and the change get announced (blinker signals); the HTTP API, Socket.IO handlers and
the CLI all come through here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from ..core.access import edits_locked
from ..core.clock import Clock
from ..core.model import (
    ACTIONS,
    LOCK,
    MAX_COMMAND_ID,
    MAX_ID,
    MAX_ROUND,
    MODES,
    UNLOCK,
    Command,
    Cue,
    Event,
    Run,
    State,
)
from ..core.model import Ceremony as Snapshot
from ..setup.agenda import CueDraft, kept_orders
from ..setup.cards import DEFAULT_SERVICES, Card, clean_edit, looks_like_token
from ..setup.event import clean_event, prepare_image
from ..setup.fields import FieldErrors, Problem, ProjectDraft, draft_from_cells
from ..setup.importer import fold_name
from ..store.base import Store
from ..words import format as fmt
from ..words import messages
from ..words.catalogue import N_, gettext
from . import signals, views
from .rules import CeremonyError, agenda, apply_entry, decide, replay
from .signing import Signing

DEFAULT_TITLE = N_("签约仪式")


class CommandRejected(Exception):
    """Input that is not a command at all (never stored: it has no usable command_id)."""

    def __init__(self, variant: str, **params: object):
        super().__init__(variant)
        self.code = "invalid_request"
        self.params = {"variant": variant, **params}


def parse_command(payload: object) -> Command:
    if not isinstance(payload, dict):
        raise CommandRejected("not_object")
    command_id = payload.get("command_id")
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
        raise CommandRejected("command_id", max=MAX_COMMAND_ID)
    action = payload.get("action")
    if action not in ACTIONS:
        raise CommandRejected("action", choices=" / ".join(ACTIONS))
    for key in ("project_id", "screen", "cue_id", "pad_id"):
        value = payload.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_ID):
            raise CommandRejected("text", key=key)
    text = payload.get("text")
    if text is not None and (not isinstance(text, str) or len(text) > 1000):
        raise CommandRejected("text", key="text")
    ids = payload.get("project_ids")
    if ids is not None and (
        not isinstance(ids, list)
        or len(ids) > MAX_ROUND
        or not all(isinstance(i, str) and 0 < len(i) <= MAX_ID for i in ids)
    ):
        raise CommandRejected("project_ids", max=MAX_ROUND)
    expected = payload.get("expected_seq")
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise CommandRejected("expected_seq")
    return Command(
        command_id=command_id,
        action=action,
        project_id=payload.get("project_id") or None,
        screen=payload.get("screen") or None,
        expected_seq=expected,
        project_ids=tuple(dict.fromkeys(ids or ())),
        cue_id=payload.get("cue_id") or None,
        text=text,
        pad_id=payload.get("pad_id") or None,
    )


class Ceremony:
    def __init__(self, storage: Store, clock: Clock | None = None, claim=None):
        self.storage = storage
        self.clock = clock or storage.clock
        # ``claim(head) -> bool``: whether this process announces the change that brought the log to ``head``
        # (run id, seq). Alone it always does; with several processes on one store exactly one does (the
        # committer, or for another program's write the first process to claim it), so every listener of
        # ``state_changed`` acts once per change across them all (kiosk.store.redis_shared).
        self.claim = claim or (lambda _head: True)
        self._lock = threading.RLock()
        self._head: tuple[str, int] | None = None
        self._data_version = None
        self.reload()
        self.signing = Signing(self)

    # -- reading ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild everything from the database: at start, and when another process changed it."""
        with self._lock, self.storage.transaction():
            self._data_version = self.storage.data_version()
            self._head = self.storage.head()
            self.event = self.storage.load_event() or Event(title=gettext(DEFAULT_TITLE, "zh"))
            self.projects = self.storage.load_projects()
            self.cues = agenda(self.storage.load_cues(), self.projects)
            self.pads = self.storage.load_pads()
            self.state: State = replay(self.storage.load_log())
            self.run: Run = self.storage.current_run()
            self._install(self.state)

    def _install(self, state: State) -> None:
        self.state = state
        self._snap = Snapshot(self.event, tuple(self.projects), state, self.run, self.cues, tuple(self.pads))
        self._views: dict[str, dict] = {}

    def view(self, audience: str = "public") -> dict:
        """The view ``audience`` sees now (built once per change, then shared). A change another process
        committed is picked up here at once, and announced to every client."""
        if self.catch_up():
            self._announce_caught_up()
        with self._lock:
            if audience not in self._views:
                if audience.startswith("party:"):
                    # One signing pad's view (``party:<pad id>``); None for a pad that is gone.
                    self._views[audience] = views.party(self._snap, audience[6:])
                else:
                    self._views[audience] = views.AUDIENCES[audience](self._snap)
            return self._views[audience]

    def on_air(self, walls: list[dict]) -> dict:
        """The console's on-air line from what the paired walls report drawing (``views.on_air``), against
        the operator view as it stands."""
        with self._lock:
            view = self.view("operator")  # (caught up first: the snapshot below is the one it was built from)
            return views.on_air(self._snap, view, walls)

    def current(self) -> Snapshot:
        """The ceremony as it stands (the model every view is built from)."""
        self.catch_up()
        return self._snap

    def snapshot(self) -> dict:
        """The public view (CONTRACT.md's ``GET /api/v1/state`` without credentials)."""
        return self.view("public")

    @property
    def lang(self) -> str:
        return self.event.language

    @property
    def zone(self) -> str:
        """The venue's time zone (an IANA name): every time shown is written in it."""
        return self.event.timezone

    def money(self, wan: int) -> dict:
        """An amount as this event writes it (``kiosk.words.format.money``), as JSON."""
        return fmt.money(wan, self.lang, self.event.money_unit, self.event.money_decimals).json()

    def is_empty(self) -> bool:
        return not self.projects and self.storage.load_event() is None

    def catch_up(self) -> bool:
        """Reload (without announcing) when another connection committed since we last looked.

        Cheap when nothing happened: SQLite's data_version moves only for other connections' commits.
        """
        with self._lock:
            if self.storage.data_version() == self._data_version:
                return False
            self.reload()
            return True

    def reload_if_changed_elsewhere(self) -> bool:
        """The server's watcher: True when another process changed the ceremony (and every client is told,
        by this process if it claims the change)."""
        if self.catch_up():
            self._announce_caught_up()
            return True
        return False

    def _announce_caught_up(self) -> None:
        # The committer announced its own change already (it claimed it in its transaction); a change from
        # a program that announces nothing (the CLI) is announced by the first process to claim it.
        if self.claim(self._head):
            signals.state_changed.send(self)

    def _catch_up_in(self) -> None:
        """Inside a transaction: make sure the state decided against is the one on disk."""
        if self.storage.head() != self._head:
            self.reload()

    # -- deciding: the way in for the service's own changes and for its features (the pads' signing) ------

    @contextmanager
    def deciding(self) -> Iterator[Snapshot]:
        """``with ceremony.deciding() as now:`` — one store transaction under the service's lock, caught up
        with whatever another process committed first: ``now`` is the ceremony to decide against, and
        what is written inside commits with the decision or not at all (an exception rolls it back).
        A check made before it opens is a race with every other writer."""
        with self._lock, self.storage.transaction():
            self._catch_up_in()
            yield self._snap

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """``with ceremony.reading() as now:`` — the ceremony as it stands, held still in this process
        while what goes with it is read from the store (the report's cards, audit, log and strokes)."""
        with self._lock:
            self._catch_up_in()
            yield self._snap

    @contextmanager
    def changing_setup(self) -> Iterator[Snapshot]:
        """``deciding`` for a change of the setup (projects, cues, pads, the event, a card's address):
        after the commit everything is read again and every client told."""
        with self.deciding() as now:
            yield now
        self._after_setup()

    # -- commands -----------------------------------------------------------------------------------------

    def execute(self, payload: object, device: str | None = None) -> tuple[int, dict]:
        """Run one command; returns (http status, answer). Raises ``CommandRejected`` for malformed input.

        Only operators send commands, so the answer carries the operator view (the public one plus what
        the console needs). A repeated ``command_id`` gets the stored answer, verbatim.
        """
        return self.run_command(parse_command(payload), payload, device)

    def run_command(
        self, command: Command, payload: dict, device: str | None, check=None, follow=None, recorded=None
    ):
        """Decide ``command`` and record it, inside one transaction. ``check(now)`` may refuse it first
        (raise ``CeremonyError``) against the ceremony as it stands; ``follow(now, state)`` may name a
        second command the first one brings about (the last pad's submission signing its round), decided
        and recorded in the same transaction; ``recorded(at)`` writes what goes with an accepted command,
        in that transaction too."""
        with self._lock:
            with self.deciding() as now:
                stored = self.storage.find_command(command.command_id)
                if stored is not None:
                    return stored
                at = self.clock.now_iso()
                try:
                    if check is not None:
                        check(now)
                    entry = self._decide(self.state, command, at, device)
                except CeremonyError as err:
                    status, answer = self._error_answer(err)
                    self.storage.record_command(command.command_id, payload, device, at, status, answer, None)
                    return status, answer
                state = apply_entry(self.state, entry)
                entries = [(command, payload, entry)]
                then = follow(now, state) if follow is not None else None
                if then is not None:
                    try:
                        extra = self._decide(state, then, at, device)
                    except CeremonyError:
                        extra = None  # the first command stands on its own
                    if extra is not None:
                        state = apply_entry(state, extra)
                        entries.append((then, {"action": then.action, "command_id": then.command_id}, extra))
                snap = Snapshot(
                    self.event, tuple(self.projects), state, self.run, self.cues, tuple(self.pads)
                )
                seen = views.operator(snap)
                answer = {"status": "ok", "seq": entry.seq, "state": seen}
                # Recorded in the same transaction it was decided in: only a command on disk is
                # acknowledged or shown.
                for cmd, body, done in entries:
                    reply = answer if done is entry else {"status": "ok", "seq": done.seq}
                    self.storage.record_command(cmd.command_id, body, device, at, 200, reply, done)
                if recorded is not None:
                    recorded(at)
                # Claimed before the commit, so no other process that catches up with it announces it too.
                self.claim((self.run.id, entries[-1][2].seq))
            self._head = (self.run.id, entries[-1][2].seq)
            self._data_version = self.storage.data_version()
            self._install(state)
            self._views["operator"] = seen
        for _, _, done in entries:
            signals.command_applied.send(self, entry=done)
        signals.state_changed.send(self)
        return 200, answer

    def _decide(self, state: State, command: Command, at: str, device: str | None):
        return decide(
            state,
            self.projects,
            command,
            at,
            device,
            self.cues,
            pads=self.pads,
            signatures_required=self.event.signatures_required,
        )

    def preview(self, payload: object) -> tuple[int, dict]:
        """What the room would see after a command, without running it: ``{"status": "ok", "state": the
        public view as it would be}``, or the error the command would meet. The console's preview monitor
        draws it with the wall's own code. Nothing is stored."""
        body = {**payload, "command_id": "preview"} if isinstance(payload, dict) else payload
        command = parse_command(body)
        with self._lock:
            self.catch_up()
            try:
                entry = self._decide(self.state, command, self.clock.now_iso(), None)
            except CeremonyError as err:
                return self._error_answer(err)
            snap = Snapshot(
                self.event,
                tuple(self.projects),
                apply_entry(self.state, entry),
                self.run,
                self.cues,
                tuple(self.pads),
            )
            return 200, {"status": "ok", "action": command.action, "state": views.public(snap)}

    def _error_answer(self, err: CeremonyError) -> tuple[int, dict]:
        body = {
            "status": "error",
            "reason": err.code,
            "message": messages.text(err.code, self.lang, err.params),
            "params": {k: v for k, v in err.params.items() if k != "variant"},
            # The state the command was refused against: a console stops showing the refusal once the
            # ceremony has moved past it (the missing signature came in).
            "seq": self.state.seq,
        }
        if err.code == "seq_conflict":
            return 409, {**body, "state": views.operator(self._snap)}
        return 400, body

    def message(self, code: str, params: dict | None = None) -> str:
        """``code`` in the event's words (for the edges' own errors)."""
        return messages.text(code, self.lang, params)

    # -- runs: rehearsal and live -------------------------------------------------------------------------

    def start_run(self, mode: str, confirmed: bool = False) -> Run:
        """Start a clean log in ``mode`` ("rehearsal" or "live"); the current one is archived, not deleted.

        Leaving a live run that has commands in it needs ``confirmed``: that is the real ceremony's record.
        """
        if mode not in MODES:
            raise CeremonyError("invalid_mode")
        with self.changing_setup() as now:
            if now.run.mode == "live" and self.storage.audit() and not confirmed:
                raise CeremonyError("confirm_required")
            self.storage.start_run(mode, self.clock.now_iso())
        return self.run

    def runs(self) -> list[dict]:
        """Every run so far (rehearsals and live), oldest first: nothing is ever deleted."""
        return self.storage.runs()

    def store_ok(self, deep: bool = False) -> bool:
        """The store takes writes now (``deep``: and its integrity check passes), for monitoring."""
        return self.storage.writable() and (not deep or self.storage.integrity_check() == "ok")

    # -- concierge cards ----------------------------------------------------------------------------------

    def default_services(self) -> tuple[str, ...]:
        """What a golden key opens when its card names nothing of its own, in the event's words."""
        return tuple(gettext(s, self.lang) for s in DEFAULT_SERVICES)

    def project(self, project_id: str):
        self.catch_up()
        return next((p for p in self.projects if p.id == project_id), None)

    def card(self, project_id: str) -> Card | None:
        return self.storage.card_for(project_id) if self.project(project_id) else None

    def cards(self) -> dict[str, Card]:
        """Every project's card, by project id (the editor's list shows their contacts)."""
        return self.storage.load_cards()

    def card_by_token(self, token: str) -> Card | None:
        return self.storage.card_by_token(token) if looks_like_token(token) else None

    def services_of(self, card: Card) -> tuple[str, ...]:
        return card.services if card.services is not None else self.default_services()

    def update_card(self, project_id: str, payload: object) -> Card:
        """Apply an operator's edit (raises ``FieldErrors``); returns the card as stored."""
        fields = clean_edit(payload)
        with self._lock:
            self.storage.update_card(project_id, fields)
            return self.storage.card_for(project_id)

    def rotate_card(self, project_id: str) -> Card:
        """A new address for the card; the old one is 404 from now on (e.g. a printed card went astray)."""
        # A setup change: the wall's QR image is keyed on seq, so it fetches the new code at once.
        with self.changing_setup():
            self.storage.rotate_token(project_id, self.clock.now_iso())
            card = self.storage.card_for(project_id)
        return card

    # -- setup --------------------------------------------------------------------------------------------

    def import_projects(
        self,
        drafts: list[ProjectDraft],
        replace_all: bool = False,
        allow_same_name: bool = True,
        agenda: list[CueDraft] | None = None,
    ) -> int:
        """Add ``drafts`` to the running order (or replace it). ``allow_same_name=False`` refuses a draft
        named like a project already there (``FieldErrors`` with ``name_exists``) — the importer checks
        that per row first; this is the last word, inside the transaction.

        ``agenda`` (a workbook's 流程 sheet) replaces the agenda in the same transaction, its project
        numbers read against the running order as it will be. Replacing the running order without one
        keeps the agenda's rounds on the same running-order numbers."""
        with self.changing_setup() as now:
            _check_unlocked(now)
            if replace_all and now.state.signed:
                raise CeremonyError("already_signed", variant="replace")
            if not replace_all and not allow_same_name:
                taken = {fold_name(p.name): p.name for p in now.projects}
                clash = [
                    Problem("name", "name_exists", {"name": taken[fold_name(d.name)]})
                    for d in drafts
                    if fold_name(d.name) in taken
                ]
                if clash:
                    raise FieldErrors(clash)
            kept = self.storage.load_cues()
            old_orders = {p.id: p.order for p in now.projects}
            self.storage.add_projects(drafts, self.clock.now_iso(), replace_all=replace_all)
            if agenda is not None:
                self._store_agenda(agenda)
            elif replace_all and kept:
                new_ids = {p.order: p.id for p in self.storage.load_projects()}
                self.storage.replace_cues(
                    [
                        replace(
                            c,
                            project_ids=tuple(
                                new_ids[n]
                                for n in kept_orders(
                                    (old_orders.get(pid, 0) for pid in c.project_ids), len(new_ids)
                                )
                            ),
                        )
                        for c in kept
                    ],
                    self.clock.now_iso(),
                )
        return len(drafts)

    def import_agenda(self, drafts: list[CueDraft]) -> int:
        """Replace the agenda with ``drafts`` (raises ``FieldErrors`` for a project number not in the
        running order, ``CeremonyError("show_locked")`` once a live run has signed). Returns the count."""
        with self.changing_setup() as now:
            _check_unlocked(now)
            self._store_agenda(drafts)
        return len(drafts)

    def _store_agenda(self, drafts: list[CueDraft]) -> None:
        """Inside a transaction: resolve the drafts' running-order numbers and store them as the agenda."""
        by_order = {p.order: p.id for p in self.storage.load_projects()}
        missing = sorted({n for d in drafts for n in d.project_orders if n not in by_order})
        if missing:
            raise FieldErrors(
                [
                    Problem(
                        "projects",
                        "unknown_order",
                        {"order": missing, "value": missing[0]},
                    )
                ]
            )
        keeps = _kept_ids(drafts, self.storage.load_cues())
        cues = [
            Cue(
                id=keeps[i],
                order=i,
                kind=d.kind,
                title=d.title,
                person=d.person,
                role=d.role,
                project_ids=tuple(by_order[n] for n in d.project_orders),
                planned_time=d.planned_time,
                minutes=d.minutes,
                script=d.script,
                title_en=d.title_en,
                person_en=d.person_en,
                role_en=d.role_en,
                script_en=d.script_en,
            )
            for i, d in enumerate(drafts, start=1)
        ]
        self.storage.replace_cues(cues, self.clock.now_iso())

    def save_event(self, event: Event) -> None:
        with self.changing_setup():
            self.storage.save_event(event, self.clock.now_iso())

    def edit_event(self, **changes) -> Event:
        """The event with ``changes`` (checked already) applied to it as it stands inside the
        transaction, so an edit from another process in between is kept, not overwritten."""
        with self.changing_setup() as now:
            event = replace(now.event, **changes)
            self.storage.save_event(event, self.clock.now_iso())
        return event

    def update_event(self, payload: object) -> Event:
        """An organiser's edit of the event (raises ``FieldErrors``); the screens redraw at once."""
        with self.changing_setup() as now:
            event = clean_event(payload, now.event)
            self.storage.save_event(event, self.clock.now_iso())
        return event

    def set_media(self, kind: str, data: bytes | None, media_dir) -> Event:
        """Store (or with ``None`` clear) the logo or the background picture. Raises ``FieldError``."""
        if data is None:
            return self.edit_event(**{kind: None})
        name, body = prepare_image(kind, data)
        media_dir.mkdir(parents=True, exist_ok=True)
        (media_dir / name).write_bytes(body)
        return self.edit_event(**{kind: name})

    # -- projects, one at a time (the admin pages) ---------------------------------------------------------

    def add_project(self, cells: dict) -> str:
        """Validate like an import row (raises ``FieldErrors``) and append to the running order."""
        draft = draft_from_cells(cells)
        with self.changing_setup() as now:
            _check_unlocked(now)
            _check_unique_name(now, draft.name)
            self.storage.add_projects([draft], self.clock.now_iso())
            new_id = self.storage.load_projects()[-1].id
        return new_id

    def update_project(self, project_id: str, cells: dict) -> None:
        draft = draft_from_cells(cells)
        with self.changing_setup() as now:
            _check_unlocked(now)
            _known(now, project_id)
            _check_unique_name(now, draft.name, besides=project_id)
            self.storage.update_project(project_id, draft, self.clock.now_iso())

    def delete_project(self, project_id: str) -> None:
        with self.changing_setup() as now:
            _check_unlocked(now)
            project = _known(now, project_id)
            if project_id in now.state.signed:
                raise CeremonyError("already_signed", variant="delete", name=project.name)
            self.storage.delete_project(project_id, self.clock.now_iso())

    def reorder_projects(self, ids: object) -> None:
        with self.changing_setup() as now:
            _check_unlocked(now)
            current = [p.id for p in now.projects]
            if (
                not isinstance(ids, list)
                or sorted(map(str, ids)) != sorted(current)
                or len(ids) != len(current)
            ):
                raise CeremonyError("invalid_order")
            self.storage.reorder_projects([str(i) for i in ids], self.clock.now_iso())

    def set_edits_unlocked(self, unlocked: bool, device: str | None = None) -> bool:
        """Open (or close again) a locked show for editing the running order: one setup entry in the log
        and one line in the audit, with the device that did it. Returns whether anything changed."""
        with self.deciding() as now:
            if now.state.edits_unlocked == unlocked:
                return False
            self.storage.record_setup(UNLOCK if unlocked else LOCK, self.clock.now_iso(), device)
        self._after_setup()
        return True

    def _after_setup(self) -> None:
        self.reload()
        self.claim(self._head)
        self._announce()

    def _announce(self) -> None:
        signals.state_changed.send(self)


def _check_unlocked(now: Snapshot) -> None:
    if edits_locked(now.run.mode, now.state.signing_started, now.state.edits_unlocked):
        raise CeremonyError("show_locked")


def _known(now: Snapshot, project_id: str):
    project = next((p for p in now.projects if p.id == project_id), None)
    if project is None:
        raise CeremonyError("unknown_project", project_id=project_id)
    return project


def _check_unique_name(now: Snapshot, name: str, besides: str | None = None) -> None:
    if any(fold_name(p.name) == fold_name(name) and p.id != besides for p in now.projects):
        raise FieldErrors([Problem("name", "name_taken")])


def _kept_ids(drafts: list[CueDraft], current: list[Cue]) -> dict[int, str]:
    """Which cue of the agenda there is each draft (by its place, from 1) carries on: the one the editor
    names, else the only cue of the same kind and title (a file imported again with a script corrected).
    Unmatched drafts get ``""``: the store makes them a new id."""
    ids = {c.id for c in current}
    alike: dict[tuple[str, str], list[str]] = {}
    for c in current:
        alike.setdefault((c.kind, c.title), []).append(c.id)
    taken: set[str] = set()
    out: dict[int, str] = {}
    for i, d in enumerate(drafts, start=1):
        same = alike.get((d.kind, d.title), [])
        guess = d.keep if d.keep in ids else (same[0] if len(same) == 1 else "")
        if guess and guess not in taken:
            taken.add(guess)
            out[i] = guess
        else:
            out[i] = ""
    return out
