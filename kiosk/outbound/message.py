"""The one document an outbound cue is: built from the log entry and the ceremony as it stood right after
it, the same for every webhook and the source of every OSC message (docs/API.md, "Outbound cues").

Built in the command's own path (it must read the snapshot of that very change), so it is only dicts
and sums: no words looked up beyond the total's text and a cue's label, no I/O.
"""

from __future__ import annotations

import uuid

from ..ceremony import views
from ..core.model import Ceremony, Cue, LogEntry
from ..words.format import iso_in

VERSION = 1
# Log action -> event name (the X-Kiosk-Event header, and the OSC address after the prefix with "." as "/").
# standby, note and setup are the operators' own business: nothing on stage happens.
EVENTS = {
    "go": "cue.go",
    "jump": "cue.jump",
    "back": "cue.back",
    "confirm": "sign",
    "undo": "undo",
    "announce": "announce",
    "show": "show",
    "panic": "panic",
    "unpanic": "unpanic",
}


def cue_title(cue: Cue, ceremony: Ceremony) -> str:
    """The cue's title as the console shows it (``views.cue_title``)."""
    return views.cue_title(cue, ceremony.event.language, {p.id: p.name for p in ceremony.projects})


def document(entry: LogEntry, ceremony: Ceremony, money_text) -> dict | None:
    """The message for ``entry`` (None when the AV desk has nothing to hear), ``ceremony`` being the
    snapshot right after it. ``money_text(wan)`` writes an amount as the wall does."""
    event = EVENTS.get(entry.action)
    if event is None:
        return None
    state = ceremony.state
    projects = {p.id: p for p in ceremony.projects}
    # The running order decides the order of a round's projects, whatever order the entry names them in.
    concerned = sorted((projects[pid] for pid in entry.projects if pid in projects), key=lambda p: p.order)
    signed = [p for p in ceremony.projects if p.id in state.signed]
    total = sum(p.amount_wan for p in signed)
    running = next((c for c in ceremony.cues if c.id == state.cue_id), None)
    doc = {
        "v": VERSION,
        # One id per event, the same to every target and on every retry: receivers dedupe on it.
        "id": uuid.uuid4().hex,
        "event": event,
        "seq": entry.seq,
        "at": iso_in(entry.at, ceremony.event.timezone),  # (on the venue's clock, as every view's instants)
        "run": {"id": ceremony.run.id, "mode": ceremony.run.mode},
        "screen": state.screen,
        "panic": state.panic,
        "cue": None
        if running is None
        else {
            "id": running.id,
            "order": running.order,
            "kind": running.kind,
            "title": cue_title(running, ceremony),
            "person": running.person,
            "role": running.role,
        },
        "projects": [
            {
                "id": p.id,
                "order": p.order,
                "name": p.name,
                "investor": p.investor,
                "amount_wan": p.amount_wan,
                "signed": p.id in state.signed,
            }
            for p in concerned
        ],
        "round_wan": sum(p.amount_wan for p in concerned),
        "total_wan": total,
        "total_text": money_text(total),
        "signed_count": len(signed),
        "project_count": len(ceremony.projects),
    }
    if entry.action == "undo":
        doc["undoes"] = entry.undoes
    return doc
