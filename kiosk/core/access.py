"""Who may do what: the roles, the rights each grants, and the scopes of API tokens. Plain Python.

The edge (``kiosk.web.auth``) finds the caller's role once per request or socket, from a PIN session, a
token or a paired screen's key, and asks ``allows`` here; nothing else in the code decides a right.
"""

from __future__ import annotations

from dataclasses import dataclass

# Lowest first: each role has every right of the ones before it.
ROLES = ("viewer", "operator", "editor")
RANK = {role: n for n, role in enumerate(ROLES)}

# A right, and the least role that holds it.
RIGHTS = {
    # The operator view and what it lists: the console page, the devices, the report.
    "watch": "viewer",
    # Running the show: commands, rehearsal and live runs, pairing screens, signing devices out.
    "run": "operator",
    # Preparing the event: settings, pictures, projects, imports, cards, tokens, unlocking a locked show.
    "prepare": "editor",
}

# A token's scope and the role it acts with: an AV desk that fires commands, or a script that only reads.
SCOPES = {"read": "viewer", "control": "operator"}
# A PIN is digits typed on the PIN pad, at most this many.
PIN_MAX_DIGITS = 12


def pin_pad_types(pin: str) -> bool:
    """Whether the PIN pad can enter ``pin``: digits only, at most PIN_MAX_DIGITS. A configured PIN that is
    not still works through ``POST /api/v1/session`` (the contract sets no shape), but not on a tablet."""
    return pin.isascii() and pin.isdigit() and len(pin) <= PIN_MAX_DIGITS


# What a device is: a browser logged in with a PIN, a token, or a paired big screen.
KINDS = ("session", "token", "screen")


def allows(role: str | None, right: str) -> bool:
    return role in RANK and RANK[role] >= RANK[RIGHTS[right]]


def best_role(roles: list[str]) -> str | None:
    return max(roles, key=RANK.__getitem__) if roles else None


@dataclass(frozen=True)
class Device:
    """One thing that holds credentials: listed on the console, and signed out one by one."""

    id: str
    kind: str
    name: str
    role: str | None  # a screen acts with no role: it may only report what it has drawn
    created_at: str
    revoked_at: str | None = None
    scope: str | None = None  # tokens only
    addr: str | None = None
    layout: str | None = None  # screens only: the layout chosen on the console (None: by its shape)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def edits_locked(mode: str, signing_started: bool, unlocked: bool) -> bool:
    """Once a live run has its first signing, the running order and its figures change only after an
    editor unlocks them (the unlock is logged): the wall and the total must not move under the room."""
    return mode == "live" and signing_started and not unlocked
