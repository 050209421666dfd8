"""The ceremony as the transports see it: run a command, read the state, load projects.

It ties the pure rules (``domain``) to storage: under one lock it checks a command, commits its log entry
and its answer in one transaction, and only then updates the in-memory state and announces the change. The
HTTP API, Socket.IO handlers and the CLI all come through here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace

from . import signals
from .cards import DEFAULT_SERVICES, Card, clean_edit, clean_services, looks_like_token
from .clock import now_iso
from .domain import ACTIONS, CeremonyError, Command, Event, State, apply_entry, decide, replay, snapshot
from .eventinfo import clean_event, prepare_image
from .fields import FieldErrors, ProjectDraft, draft_from_cells
from .storage import Storage

MAX_COMMAND_ID = 100


class CommandRejected(Exception):
    """Input that is not a command at all (never stored: it has no usable command_id)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def parse_command(payload: object) -> Command:
    if not isinstance(payload, dict):
        raise CommandRejected("invalid_request", "请求体必须是 JSON 对象")
    command_id = payload.get("command_id")
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
        raise CommandRejected("invalid_request", f"command_id 必须是 1–{MAX_COMMAND_ID} 个字符的字符串")
    action = payload.get("action")
    if action not in ACTIONS:
        raise CommandRejected("invalid_request", f"action 必须是 {' / '.join(ACTIONS)} 之一")
    for key in ("project_id", "screen"):
        value = payload.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 100):
            raise CommandRejected("invalid_request", f"{key} 必须是字符串")
    expected = payload.get("expected_seq")
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise CommandRejected("invalid_request", "expected_seq 必须是整数")
    return Command(
        command_id=command_id,
        action=action,
        project_id=payload.get("project_id") or None,
        screen=payload.get("screen") or None,
        expected_seq=expected,
    )


class Ceremony:
    def __init__(self, storage: Storage):
        self.storage = storage
        self._lock = threading.RLock()
        self._data_version = None
        self.reload()

    # -- reading ------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild everything from the database: at start, and when another process changed it."""
        with self._lock:
            self._data_version = self.storage.data_version()
            self.event = self.storage.load_event() or Event(title="签约仪式")
            self.projects = self.storage.load_projects()
            self.state: State = replay(self.storage.load_log())
            self.run = self.storage.current_run()
            self.log_id = self.run["id"]
            self._snapshot = snapshot(self.event, self.projects, self.state, self.log_id, self.run["mode"])

    def snapshot(self) -> dict:
        return self._snapshot

    def is_empty(self) -> bool:
        return not self.projects and self.storage.load_event() is None

    def reload_if_changed_elsewhere(self) -> bool:
        """True (and state reloaded and announced) when another connection committed since we last looked."""
        with self._lock:
            if self.storage.data_version() == self._data_version:
                return False
            self.reload()
            snap = self._snapshot
        signals.state_changed.send(self, snapshot=snap)
        return True

    # -- commands -----------------------------------------------------------------------------------------

    def execute(self, payload: object, device: str | None = None) -> tuple[int, dict]:
        """Run one command; returns (http status, answer). Raises ``CommandRejected`` for malformed input."""
        command = parse_command(payload)
        with self._lock:
            stored = self.storage.find_command(command.command_id)
            if stored is not None:
                return stored
            at = now_iso()
            try:
                entry = decide(self.state, self.projects, command, at, device)
            except CeremonyError as err:
                status, answer = _error_answer(err, self._snapshot)
                self.storage.record_command(command.command_id, payload, device, at, status, answer, None)
                return status, answer
            state = apply_entry(self.state, entry)
            snap = snapshot(self.event, self.projects, state, self.log_id, self.run["mode"])
            answer = {"status": "ok", "seq": entry.seq, "state": snap}
            # Commit first: only a command on disk is acknowledged or shown.
            self.storage.record_command(command.command_id, payload, device, at, 200, answer, entry)
            self._data_version = self.storage.data_version()
            self.state, self._snapshot = state, snap
        signals.command_applied.send(self, entry=entry, snapshot=snap)
        signals.state_changed.send(self, snapshot=snap)
        return 200, answer

    # -- runs: rehearsal and live -------------------------------------------------------------------------

    def start_run(self, mode: str, confirmed: bool = False) -> dict:
        """Start a clean log in ``mode`` ("rehearsal" or "live"); the current one is archived, not deleted.

        Leaving a live run that has commands in it needs ``confirmed``: that is the real ceremony's record.
        """
        if mode not in ("rehearsal", "live"):
            raise CeremonyError("invalid_mode", "模式只能是 rehearsal（彩排）或 live（正式）")
        with self._lock:
            if self.run["mode"] == "live" and self.storage.audit() and not confirmed:
                raise CeremonyError(
                    "confirm_required", "正式签约记录已有操作：重置将把它归档并从头开始，请明确确认"
                )
            self.storage.start_run(mode, now_iso())
        self._after_setup()
        return self.run

    def report(self) -> dict:
        """The current run's report: projects with contacts, totals, breakdowns, audit, press summary."""
        from . import report

        with self._lock:
            return report.build(self._snapshot, self.storage.load_cards(), self.storage.audit(), self.run)

    # -- concierge cards ----------------------------------------------------------------------------------

    def default_services(self) -> tuple[str, ...]:
        raw = self.storage.get_meta("card_services")
        return DEFAULT_SERVICES if raw is None else tuple(json.loads(raw))

    def set_default_services(self, services: list) -> tuple[str, ...]:
        items = clean_services(services)
        self.storage.set_meta("card_services", json.dumps(list(items), ensure_ascii=False))
        return items

    def project(self, project_id: str):
        return next((p for p in self.projects if p.id == project_id), None)

    def card(self, project_id: str) -> Card | None:
        return self.storage.card_for(project_id) if self.project(project_id) else None

    def card_by_token(self, token: str) -> Card | None:
        return self.storage.card_by_token(token) if looks_like_token(token) else None

    def update_card(self, project_id: str, payload: object) -> Card:
        """Apply an operator's edit (raises ``CardInvalid``); returns the card as stored."""
        fields = clean_edit(payload)
        with self._lock:
            self.storage.update_card(project_id, fields)
            return self.storage.card_for(project_id)

    def rotate_card(self, project_id: str) -> Card:
        """A new address for the card; the old one is 404 from now on (e.g. a printed card went astray)."""
        with self._lock:
            self.storage.rotate_token(project_id, now_iso())
            card = self.storage.card_for(project_id)
        self._after_setup()  # the wall's QR image is keyed on seq: it fetches the new code at once
        return card

    # -- setup --------------------------------------------------------------------------------------------

    def import_projects(self, drafts: list[ProjectDraft], replace_all: bool = False) -> int:
        with self._lock:
            if replace_all and self.state.signed:
                raise CeremonyError("already_signed", "已有项目签约，不能替换整个签约顺序；请先撤销签约")
            self.storage.add_projects(drafts, now_iso(), replace_all=replace_all)
        self._after_setup()
        return len(drafts)

    def save_event(self, event: Event) -> None:
        with self._lock:
            self.storage.save_event(event, now_iso())
        self._after_setup()

    def update_event(self, payload: object) -> Event:
        """An organiser's edit of the event (raises ``EventInvalid``); the screens redraw at once."""
        event = clean_event(payload, self.event)
        self.save_event(event)
        return event

    def set_media(self, kind: str, data: bytes | None, media_dir) -> Event:
        """Store (or with ``None`` clear) the logo or the background picture."""
        if data is None:
            event = replace(self.event, **{kind: None})
        else:
            name, body = prepare_image(kind, data)
            media_dir.mkdir(parents=True, exist_ok=True)
            (media_dir / name).write_bytes(body)
            event = replace(self.event, **{kind: name})
        self.save_event(event)
        return event

    # -- projects, one at a time (the admin pages) ---------------------------------------------------------

    def add_project(self, cells: dict) -> str:
        """Validate like an import row (raises ``FieldErrors``) and append to the running order."""
        draft = draft_from_cells(cells)
        with self._lock:
            self._check_unique_name(draft.name)
            self.storage.add_projects([draft], now_iso())
            new_id = self.storage.load_projects()[-1].id
        self._after_setup()
        return new_id

    def update_project(self, project_id: str, cells: dict) -> None:
        draft = draft_from_cells(cells)
        with self._lock:
            self._known(project_id)
            self._check_unique_name(draft.name, besides=project_id)
            self.storage.update_project(project_id, draft, now_iso())
        self._after_setup()

    def delete_project(self, project_id: str) -> None:
        with self._lock:
            project = self._known(project_id)
            if project_id in self.state.signed:
                raise CeremonyError("already_signed", f"「{project.name}」已签约，不能删除；请先撤销签约")
            self.storage.delete_project(project_id, now_iso())
        self._after_setup()

    def reorder_projects(self, ids: object) -> None:
        with self._lock:
            current = [p.id for p in self.projects]
            if (
                not isinstance(ids, list)
                or sorted(map(str, ids)) != sorted(current)
                or len(ids) != len(current)
            ):
                raise CeremonyError("invalid_order", "新顺序必须恰好包含每个项目一次")
            self.storage.reorder_projects([str(i) for i in ids], now_iso())
        self._after_setup()

    def _known(self, project_id: str):
        project = self.project(project_id)
        if project is None:
            raise CeremonyError("unknown_project", f"没有编号为 {project_id} 的项目")
        return project

    def _check_unique_name(self, name: str, besides: str | None = None) -> None:
        if any(p.name == name and p.id != besides for p in self.projects):
            raise FieldErrors([("name", "已有同名项目")])

    def _after_setup(self) -> None:
        with self._lock:
            self.reload()
            snap = self._snapshot
        signals.state_changed.send(self, snapshot=snap)


def _error_answer(err: CeremonyError, snap: dict) -> tuple[int, dict]:
    if err.code == "seq_conflict":
        return 409, {"status": "error", "reason": err.code, "message": err.message, "state": snap}
    return 400, {"status": "error", "reason": err.code, "message": err.message}
