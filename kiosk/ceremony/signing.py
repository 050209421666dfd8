"""The signing pads as the transports see them: setting pads up, their links, and the signature itself —
an attempt, its strokes batch by batch, 重签, and the submission that goes into the log.

A pad's strokes are not log entries (a signature is hundreds of points): they are stored per attempt as
the pad sends them, each batch once, so a pad that re-sends after a cut changes nothing. What the show
depends on is in the log: arming a round (GO, announce, ``arm``), each pad's submission, ``reopen``. Every
write is checked against the state inside the store's transaction, like a command.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from ..certificate.ink import validate_points
from ..core.model import MAX_COMMAND_ID, SUBMIT, Command, Pad
from ..core.model import Ceremony as Snapshot
from ..setup.cards import new_token
from ..setup.fields import CERTIFICATE_KEYS, PAD_KEYS, FieldErrors, Problem, clean
from . import signals
from .rules import CeremonyError, is_public, pad_state, signing_group

if TYPE_CHECKING:
    from .service import Ceremony

SIGNATURE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# A signing field is a few hundred CSS pixels; anything outside this is not a pad's field.
FIELD_PX = (50, 10_000)
MAX_BATCH = 10_000  # batches of one attempt: a long signature is a few hundred


class Signing:
    """The pads' part of the service: every change goes through ``Ceremony.deciding`` (or
    ``changing_setup``), so it is checked against the ceremony as it stands inside the store's transaction."""

    def __init__(self, ceremony: Ceremony):
        self.c = ceremony
        # pad id -> the open attempt holds strokes (the pad is "signing"): the console's chip, no I/O
        self._drawing: dict[str, str] = {}

    @property
    def storage(self):
        return self.c.storage

    # -- pads (the organiser's setup) ---------------------------------------------------------------------

    def pad(self, pad_id: str) -> Pad | None:
        return _pad(self.c.current(), pad_id)

    def _fields(self, payload: object, partial: bool = False) -> dict:
        body = payload if isinstance(payload, dict) else {}
        cells = {f"pad_{k}": body[k] for k in ("name", "party", "remote_place") if k in body}
        # A name or party given in an edit may not be blanked; a remote place may (the party comes after all).
        required = frozenset({"pad_name", "pad_party"})
        out = clean(cells, PAD_KEYS, required=required, partial=partial)
        return {k[4:]: v for k, v in out.items()}

    def add_pad(self, payload: object) -> Pad:
        """A pad for one signatory (raises ``FieldErrors``): ``{"name", "project_id", "party",
        "remote_place"?}``."""
        problems = []
        try:
            fields = self._fields(payload)
        except FieldErrors as err:
            problems, fields = list(err.problems), {}
        project_id = payload.get("project_id") if isinstance(payload, dict) else None
        with self.c.changing_setup() as now:
            if not project_id:
                problems.append(Problem("pad_project", "required"))
            elif not isinstance(project_id, str) or not any(p.id == project_id for p in now.projects):
                problems.append(
                    Problem("pad_project", "unknown_project", {"project_id": str(project_id)[:40]})
                )
            if problems:
                raise FieldErrors(problems)
            pad = Pad(
                id="d" + secrets.token_hex(5),
                order=0,
                name=fields["name"],
                project_id=project_id,
                party=fields["party"],
                remote_place=fields.get("remote_place") or "",
            )
            self.storage.add_pad(pad, new_token(), self.c.clock.now_iso())
        return self.pad(pad.id)

    def update_pad(self, pad_id: str, payload: object) -> Pad:
        fields = self._fields(payload, partial=True)
        with self.c.changing_setup() as now:
            pad = _known(now, pad_id)
            self.storage.update_pad(
                pad_id,
                fields.get("name") or pad.name,
                fields.get("party") or pad.party,
                (fields["remote_place"] or "") if "remote_place" in fields else pad.remote_place,
                self.c.clock.now_iso(),
            )
        return self.pad(pad_id)

    def delete_pad(self, pad_id: str) -> None:
        with self.c.changing_setup() as now:
            pad = _known(now, pad_id)
            if pad.project_id in now.state.armed and pad.id not in now.state.submitted:
                # Its signatory may be signing right now: disarm the round first.
                raise CeremonyError("pad_armed", name=pad.name)
            self.storage.delete_pad(pad_id, self.c.clock.now_iso())

    def from_signatories(self, host_name: object = None) -> list[Pad]:
        """A pad for each of a project's named signatories that has none yet: the import's 签约代表 are
        the company's (乙方). ``host_name``, the official signing for the district (甲方), makes a host's
        pad for every project that has none."""
        host = self._fields({"name": host_name, "party": "host"})["name"] if host_name else None
        made = []
        with self.c.changing_setup() as now:
            for p in sorted(now.projects, key=lambda p: p.order):
                have = {(d.party, d.name) for d in now.pads if d.project_id == p.id}
                wanted = [("host", host)] if host and not any(party == "host" for party, _ in have) else []
                wanted += [("investor", name) for name in p.signatories if ("investor", name) not in have]
                for party, name in wanted:
                    pad = Pad(id="d" + secrets.token_hex(5), order=0, name=name, project_id=p.id, party=party)
                    self.storage.add_pad(pad, new_token(), self.c.clock.now_iso())
                    made.append(pad.id)
        return [d for d in self.c.current().pads if d.id in made]

    def new_link(self, pad_id: str) -> str:
        """A new local link: the old one, and the tablet that holds it, stop working now."""
        token = new_token()
        self._set_secret(pad_id, token=token)
        return token

    def new_remote(self, pad_id: str, digest) -> str:
        """A remote link's secret (云签约), returned once: only ``digest(secret)`` is kept."""
        secret = "r" + new_token()
        self._set_secret(pad_id, remote_hash=digest(secret))
        return secret

    def revoke_remote(self, pad_id: str) -> None:
        self._set_secret(pad_id, remote_hash=None)

    def _set_secret(self, pad_id: str, **secret) -> None:
        with self.c.changing_setup() as now:
            _known(now, pad_id)
            self.storage.set_pad_secret(pad_id, self.c.clock.now_iso(), **secret)

    def links(self) -> dict[str, dict]:
        """pad id -> its local link's token, whether a browser holds it, whether a remote link is live."""
        return self.storage.pad_secrets()

    def local_link(self, pad_id: str) -> str:
        """The local link's token (for its QR code on the console)."""
        token = self.links().get(_known(self.c.current(), pad_id).id, {}).get("token")
        if token is None:
            raise CeremonyError("unknown_pad")
        return token

    def by_link(self, token: str, digest) -> tuple[Pad, str, str | None] | None:
        """(pad, "local" or "remote", the local link's claim hash) for a link's token, or None."""
        if not token or len(token) > 100:
            return None
        found = self.storage.pad_by_token(token, digest(token))
        pad = self.pad(found[0]) if found is not None else None
        return None if pad is None else (pad, found[1], found[2])

    def claim(self, pad_id: str, claim_hash: str) -> bool:
        """The first browser to open a local link keeps it; True when the one holding ``claim_hash`` does."""
        return self.storage.claim_pad(pad_id, claim_hash)

    # -- the 签约图's look and the rules ------------------------------------------------------------------

    def update_settings(self, payload: object):
        """The organiser's choice of template, ink and rules (raises ``FieldErrors``)."""
        body = payload if isinstance(payload, dict) else {}
        names = {"template": "certificate_template", "ink": "ink_color"}
        cells = {names.get(k, k): v for k, v in body.items()}
        changes = clean(cells, CERTIFICATE_KEYS, partial=True)
        return self.c.edit_event(**{k: v for k, v in changes.items() if v is not None})

    # -- a signature --------------------------------------------------------------------------------------

    def state_of(self, pad: Pad) -> str:
        return pad_state(self.c.state, pad, pad.id in self._drawing)

    def drawing(self) -> frozenset[str]:
        return frozenset(self._drawing)

    def begin(self, pad_id: str, signature_id: object, width: object, height: object, via: str, device: str):
        """Open an attempt (the pad's first stroke, or after 重签). Idempotent per signature id."""
        if not isinstance(signature_id, str) or not SIGNATURE_ID.fullmatch(signature_id):
            raise CeremonyError("bad_signature")
        size = []
        for value in (width, height):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not FIELD_PX[0] <= value <= FIELD_PX[1]
            ):
                raise CeremonyError("bad_signature")
            size.append(float(value))
        with self.c.deciding() as now:
            known = self.storage.signature(signature_id)
            if known is not None:
                # A pad re-sending its attempt after a cut (even one since submitted): nothing new.
                if known["pad_id"] != pad_id:
                    raise CeremonyError("bad_signature")
                return
            pad = _signable(now, pad_id)
            # One open attempt per pad: an older one left behind (a tab reloaded mid-signature, a pad
            # reopened) is set aside, so the wall never shows it again.
            stale = self.storage.open_signatures().get(pad_id)
            if stale is not None:
                self.storage.mark_signature(stale["id"], "cleared_at", self.c.clock.now_iso())
            self.storage.begin_signature(
                {
                    "id": signature_id,
                    "pad_id": pad.id,
                    "project_id": pad.project_id,
                    "started_at": self.c.clock.now_iso(),
                    "width": size[0],
                    "height": size[1],
                    "via": via,
                    "device": device,
                }
            )

    def add_ink(self, pad_id: str, signature_id: object, batch: object, points: object) -> bool:
        """Store one batch of strokes and tell the walls; False (and nothing told) for a batch stored
        before. Raises ``CeremonyError`` for a batch that does not belong (not armed, another pad's)."""
        if isinstance(batch, bool) or not isinstance(batch, int) or not 0 < batch <= MAX_BATCH:
            raise CeremonyError("bad_points", reason="batch")
        try:
            clean_points = validate_points(points)
        except ValueError as err:
            raise CeremonyError("bad_points", reason=str(err)) from None
        with self.c.deciding() as now:
            row = self._attempt(now, pad_id, signature_id)
            if row["submitted"]:
                return False  # a re-sent batch of a signature already in: nothing new
            _signable(now, pad_id)
            fresh = self.storage.add_strokes(signature_id, batch, clean_points, self.c.clock.now_iso())
        if fresh:
            self._drawing[pad_id] = signature_id
            signals.ink_added.send(
                self.c,
                pad_id=pad_id,
                project_id=row["project_id"],
                signature_id=signature_id,
                batch=batch,
                points=clean_points,
            )
        return fresh

    def clear(self, pad_id: str, signature_id: object) -> None:
        """重签: the attempt is set aside (it stays in the record) and the pad starts a new one."""
        with self.c.deciding() as now:
            row = self._attempt(now, pad_id, signature_id)
            if row["submitted"]:
                raise CeremonyError("already_submitted", name=_known(now, pad_id).name)
            if row["cleared_at"] is None:
                self.storage.mark_signature(signature_id, "cleared_at", self.c.clock.now_iso())
        self._drawing.pop(pad_id, None)
        signals.ink_cleared.send(self.c, pad_id=pad_id, signature_id=signature_id)

    def submit(self, pad_id: str, signature_id: object, batches: object, command_id: object, device: str):
        """确认签名: the attempt becomes the pad's signature, a ``submit`` entry in the log. When the
        organiser chose so, the last pad of the round to submit signs the round in the same transaction.
        Returns (http status, answer) like a command; a repeated ``command_id`` gets the same answer."""
        if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
            raise CeremonyError("bad_signature")
        pad = _known(self.c.current(), pad_id)

        def check(now):
            row = self._attempt(now, pad_id, signature_id)
            if row["cleared_at"] is not None:
                raise CeremonyError("signature_cleared")
            stored, points = self.storage.strokes(signature_id)
            if not points:
                raise CeremonyError("empty_signature")
            if (
                isinstance(batches, bool)
                or not isinstance(batches, int)
                or stored != list(range(1, batches + 1))
            ):
                raise CeremonyError("strokes_incomplete", have=len(stored), want=batches)

        def follow(now, state):
            if not now.event.sign_on_submit:
                return None
            group = signing_group(state, now.pads, pad.project_id)
            if not group:
                return None
            return Command(command_id=f"{command_id}:sign", action="confirm", project_ids=group)

        def recorded(at):
            self.storage.mark_signature(signature_id, "submitted_at", at)

        command = Command(command_id=command_id, action=SUBMIT, pad_id=pad_id, signature_id=str(signature_id))
        payload = {"command_id": command_id, "action": SUBMIT, "pad_id": pad_id, "signature_id": signature_id}
        status, answer = self.c.run_command(command, payload, device, check, follow, recorded)
        if status == 200:
            self._drawing.pop(pad_id, None)
        return status, answer

    def ink_of(self, pad_ids) -> dict[str, dict | None]:
        """Each pad's ink as the wall should show it now: its open attempt, else its standing submission."""
        now = self.c.current()
        open_ = self.storage.open_signatures()
        out: dict[str, dict | None] = {}
        for pad_id in pad_ids:
            standing = now.state.submitted.get(pad_id)
            sig = standing.signature_id if standing is not None else (open_.get(pad_id) or {}).get("id")
            if not sig:
                out[pad_id] = None
                continue
            batches, points = self.storage.strokes(sig)
            # The batches held without a gap (1..n): a wall knows which it has from that.
            whole = next((n for n, b in enumerate(batches) if b != n + 1), len(batches))
            out[pad_id] = {"signature_id": sig, "batches": whole, "points": points}
        return out

    def picture_open_to(self, project_id: str, watches: bool, card_token: str, blank: bool) -> bool:
        """Who may have a project's 签约图: whoever may watch the show, the company holding the project's
        card token, and for the picture without ink anyone once the room may read the project (the wall
        draws it while the project is announced)."""
        if watches:
            return True
        card = self.c.card_by_token(card_token) if card_token else None
        if card is not None and card.project_id == project_id:
            return True
        return blank and is_public(self.c.state, project_id, self.c.event.publish_in_advance)

    def signed_ink(self, project_id: str) -> dict[str, list]:
        """The standing signatures of a project's pads, pad id -> points (what its 签约图 is drawn from)."""
        now = self.c.current()
        out = {}
        for pad in now.pads:
            entry = now.state.submitted.get(pad.id)
            if pad.project_id == project_id and entry is not None:
                out[pad.id] = self.storage.strokes(entry.signature_id)[1]
        return out

    def _attempt(self, now: Snapshot, pad_id: str, signature_id: object) -> dict:
        row = self.storage.signature(signature_id) if isinstance(signature_id, str) else None
        if row is None or row["pad_id"] != pad_id:
            raise CeremonyError("unknown_signature")
        standing = now.state.submitted.get(pad_id)
        row["submitted"] = standing is not None and standing.signature_id == signature_id
        return row


def _pad(now: Snapshot, pad_id: str) -> Pad | None:
    return next((d for d in now.pads if d.id == pad_id), None)


def _known(now: Snapshot, pad_id: str) -> Pad:
    pad = _pad(now, pad_id)
    if pad is None:
        raise CeremonyError("unknown_pad")
    return pad


def _signable(now: Snapshot, pad_id: str) -> Pad:
    pad = _known(now, pad_id)
    state = now.state
    name = next((p.name for p in now.projects if p.id == pad.project_id), "")
    if pad.project_id in state.signed:
        raise CeremonyError("already_signed", name=name)
    if pad.id in state.submitted:
        raise CeremonyError("already_submitted", name=pad.name)
    if pad.project_id not in state.armed:
        raise CeremonyError("not_armed", name=name)
    return pad
