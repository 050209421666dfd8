"""Where outbound cues go, as the installer writes it in ``KIOSK_WEBHOOKS``, ``KIOSK_OSC`` and
``KIOSK_OSC_PREFIX``. Each parser raises ``ValueError`` with a sentence naming the bad piece; kiosk/config.py
adds the variable's name. Nothing here resolves a name or opens a socket: the venue network may not be up
yet when the server starts, and a desk switched on later must still be reached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Space or comma: both are natural in a shell variable, and neither can be part of a URL or a host:port.
SEPARATORS = re.compile(r"[\s,]+")
DEFAULT_OSC_PREFIX = "/kiosk"
# OSC 1.0 reserves these in address parts (pattern matching); a prefix holding one would be matched, not
# compared, by the desk.
OSC_RESERVED = set(" #*,?[]{}")


@dataclass(frozen=True)
class Webhook:
    url: str
    scheme: str
    host: str
    port: int
    path: str  # with the query, as sent on the request line

    @property
    def label(self) -> str:
        """The target as logs name it: never the path, which often holds the receiver's own secret."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@dataclass(frozen=True)
class OscTarget:
    host: str
    port: int

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _items(value: str | None) -> list[str]:
    return [item for item in SEPARATORS.split(value or "") if item]


def webhook_urls(value: str | None) -> tuple[Webhook, ...]:
    hooks = []
    for item in _items(value):
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{item!r} is not an http:// or https:// address")
        if parts.username is not None or parts.password is not None:
            # Nothing would send them; the receiver would answer 401 and the desk never hear a cue.
            raise ValueError(f"{item!r} carries a user name or password; use KIOSK_WEBHOOK_SECRET instead")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ValueError(f"{item!r} has no valid port") from None
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        hooks.append(Webhook(item, parts.scheme, parts.hostname, port, path))
    return tuple(hooks)


def osc_targets(value: str | None) -> tuple[OscTarget, ...]:
    targets = []
    for item in _items(value):
        host, sep, port = item.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        elif ":" in host:
            raise ValueError(f"{item!r}: write an IPv6 address in brackets, [::1]:53000")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{item!r} is not host:port (e.g. 192.168.1.30:53000)")
        targets.append(OscTarget(host, int(port)))
    return tuple(targets)


def osc_prefix(value: str | None) -> str:
    prefix = (value or "").strip()
    if not prefix:
        return DEFAULT_OSC_PREFIX
    if prefix == "/":
        return ""  # the addresses start at the root: /cue/go
    prefix = prefix.rstrip("/")
    if not prefix.startswith("/") or "//" in prefix or OSC_RESERVED & set(prefix):
        raise ValueError(f"{value!r} is not an OSC address prefix (e.g. /kiosk or /venue/hall1)")
    return prefix
