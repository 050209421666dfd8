"""Devices and their credentials, decided in plain Python: whose PIN, token or screen key a secret is, a
PIN session begun, a token made, a screen paired, and signing out (one device, or every session and token
at once, in one transaction).

The edge (``kiosk.web.auth``, ``kiosk.web.devices``) finds the secret in a request or socket and asks here;
which role holds which right is ``kiosk.ceremony.access``'s.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from ..core.access import RANK, ROLES, SCOPES, Device, best_role
from ..core.clock import Clock
from .rules import CeremonyError

ENV_DEVICE_ID = "env-token"
TOKEN_NAME_MAX = 40
SCREEN_NAME_MAX = 40
TOKEN_PREFIX = "kt_"  # noqa: S105 - a marker that makes a leaked token recognisable, not a secret
# Meta keys: sessions carry the epoch they were made in; the environment's token is refused while its
# hash is kept here (it cannot be changed from the console, only in the variable).
EPOCH = "session_epoch"
ENV_REVOKED = "env_token_revoked"


def secret_hash(secret: str) -> str:
    # Tokens and screen keys are 32 random bytes: a plain SHA-256 is enough (no password to stretch).
    return hashlib.sha256(secret.encode()).hexdigest()


def env_token_device() -> Device:
    """``KIOSK_API_TOKEN`` as the device list shows it: a token with the control scope."""
    return Device(
        id=ENV_DEVICE_ID,
        kind="token",
        name="KIOSK_API_TOKEN",
        role="operator",
        created_at="",
        scope="control",
    )


def name_of(value: object, limit: int) -> str | None:
    """A token's or screen's name as given (trimmed), or None when it is empty or longer than ``limit``."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        return None
    return value.strip()


class Credentials:
    """Every device that holds credentials, in the store; ``pins`` by role and the environment's token
    as configured."""

    def __init__(self, storage, clock: Clock, pins: dict[str, str], env_token: str):
        self.storage, self.clock = storage, clock
        self.pins, self.env_token = pins, env_token

    # -- who a secret is ----------------------------------------------------------------------------------

    def role_of_pin(self, pin: object) -> str | None:
        """The role whose PIN this is, compared in constant time against every role's."""
        if not isinstance(pin, str):
            return None
        found = [role for role in ROLES if hmac.compare_digest(pin.encode(), self.pins[role].encode())]
        return best_role(found)

    def epoch(self) -> str:
        """Sessions carry the epoch they were made in; "sign out every device" starts a new one."""
        return self.storage.get_meta(EPOCH) or "0"

    def bearer(self, secret: str) -> tuple[str | None, Device | None]:
        """(role, device) of a bearer token; (None, None) for one that is not, or no longer, good."""
        digest = secret_hash(secret)
        if hmac.compare_digest(secret.encode(), self.env_token.encode()):
            if self.storage.get_meta(ENV_REVOKED) == digest:
                return None, None
            return "operator", env_token_device()
        device = self.storage.device_by_secret(digest)
        if device is None or not device.active or device.kind != "token":
            return None, None
        return SCOPES[device.scope], device

    def session(self, role: object, device_id: object, epoch: object) -> Device | None:
        """The device of a PIN session, while the session and its device are good."""
        if role not in RANK or not device_id or epoch != self.epoch():
            return None
        device = self.storage.device(device_id)
        return device if device is not None and device.active else None

    def screen(self, key: str) -> Device | None:
        """The paired screen holding ``key``."""
        device = self.storage.device_by_secret(secret_hash(key))
        return device if device is not None and device.active and device.kind == "screen" else None

    # -- devices made -------------------------------------------------------------------------------------

    def _add(
        self, kind: str, name: str, role: str | None, addr: str | None, secret: str | None = None, scope=None
    ):
        device = Device(
            id=secrets.token_hex(8),
            kind=kind,
            name=name,
            role=role,
            created_at=self.clock.now_iso(),
            scope=scope,
            addr=addr,
        )
        self.storage.add_device(device, secret_hash=secret_hash(secret) if secret is not None else None)
        return device

    def begin_session(self, role: str, name: str, addr: str | None) -> Device:
        return self._add("session", name, role, addr)

    def rename(self, device_id: str, name: str) -> None:
        self.storage.rename_device(device_id, name)

    def new_token(self, name: object, scope: object, addr: str | None) -> tuple[str, Device]:
        """A named token with a scope (``read`` or ``control``): (the token, shown once; its device)."""
        name = name_of(name, TOKEN_NAME_MAX)
        if name is None:
            raise CeremonyError("invalid_token_name", max=TOKEN_NAME_MAX)
        if not isinstance(scope, str) or scope not in SCOPES:
            raise CeremonyError("invalid_scope")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        return secret, self._add("token", name, SCOPES[scope], addr, secret, scope)

    def pair_screen(self, name: str, addr: str | None) -> str:
        """A paired screen named ``name``: its key (kept by its browser; the store keeps the hash). A
        screen acts with no role: it may only report what it has drawn."""
        key = secrets.token_urlsafe(32)
        self._add("screen", name, None, addr, key)
        return key

    def set_layout(self, device_id: str, layout: str | None, layouts) -> None:
        """What a paired screen draws (None: the layout its shape calls for)."""
        if layout is not None and layout not in layouts:
            raise CeremonyError("invalid_layout", choices=" / ".join(layouts))
        if not self.storage.set_layout(device_id, layout):
            raise CeremonyError("unknown_device")

    # -- the list, and signing out --------------------------------------------------------------------------

    def listed(self, seen: dict[str, str], lifetime: timedelta) -> list[Device]:
        """The devices holding credentials now: a session idle longer than a session lives cannot come
        back and is no longer listed; the environment's token while it is good."""
        horizon = self.clock.now() - lifetime
        devices = [
            d
            for d in self.storage.devices()
            if d.kind != "session" or datetime.fromisoformat(seen.get(d.id) or d.created_at) > horizon
        ]
        if self.env_token_active():
            devices.append(env_token_device())
        return devices

    def env_token_active(self) -> bool:
        return self.storage.get_meta(ENV_REVOKED) != secret_hash(self.env_token)

    def sign_out(self, device_id: str) -> bool:
        """One device's credentials stop working now; False when there is no such device signed in."""
        if device_id == ENV_DEVICE_ID:
            self.storage.set_meta(ENV_REVOKED, secret_hash(self.env_token))
            return True
        return bool(self.storage.revoke_devices(self.clock.now_iso(), device_id=device_id))

    def sign_out_everyone(self) -> list[str]:
        """Every PIN session and every token, the environment's too, in one transaction: a failure half way
        must not leave the sessions void and the tokens good. Paired screens stay paired (they can only
        report what they drew, and the wall must not drop out mid-ceremony)."""
        with self.storage.transaction():
            self.storage.set_meta(EPOCH, secrets.token_hex(8))
            ids = self.storage.revoke_devices(self.clock.now_iso(), kinds=("session", "token"))
            self.storage.set_meta(ENV_REVOKED, secret_hash(self.env_token))
        return ids
