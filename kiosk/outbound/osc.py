"""OSC over UDP for sound and light desks (QLab, Bitfocus Companion, grandMA, ...): a few short messages
per event, each address meaning one thing so a desk can trigger on the address alone.

Integers go as OSC int32: every figure is a count or 万元, and 2^31 万元 is more than any ceremony signs
(python-osc would switch to int64, which several desks cannot read, only past that).
"""

from __future__ import annotations

import socket

from pythonosc.osc_message_builder import OscMessageBuilder

from .targets import OscTarget


def messages(doc: dict, prefix: str) -> list[tuple[str, list]]:
    """The (address, arguments) the document becomes, in the order they are sent."""
    event = doc["event"]
    orders = [p["order"] for p in doc["projects"]]
    if event.startswith("cue."):
        cue = doc["cue"] or {}
        args = [cue.get("order", 0), cue.get("kind", ""), cue.get("title", "")]
        out = [(f"{prefix}/cue/{event[4:]}", args)]
        if cue.get("kind"):
            # One address per kind: a Companion button for "every video cue" matches on the address alone.
            out.append((f"{prefix}/cue/{cue['kind']}", args))
        return out
    if event in ("sign", "undo"):
        figures = [len(orders), doc["round_wan"], doc["total_wan"], doc["signed_count"]]
        return [
            (f"{prefix}/{event}", [*figures, *orders]),
            # The total alone, after each change to it: a counter on the desk follows one address.
            (f"{prefix}/total", [doc["total_wan"], doc["signed_count"]]),
        ]
    if event == "announce":
        return [(f"{prefix}/announce", [len(orders), *orders])]
    if event == "show":
        return [(f"{prefix}/show", [doc["screen"]])]
    return [(f"{prefix}/{event}", [])]  # panic, unpanic


def encode(address: str, args: list) -> bytes:
    builder = OscMessageBuilder(address=address)
    for arg in args:
        builder.add_arg(arg)
    return builder.build().dgram


class OscSender:
    """Sends each document's messages to one desk. A UDP send does not wait for the desk, but the name
    lookup of a host name can, so this runs on the target's own worker too."""

    def __init__(self, target: OscTarget, prefix: str, number: int = 1):
        self.target, self.prefix = target, prefix
        self.label = f"osc {number} ({target.label})"
        self._sock: socket.socket | None = None

    def deliver(self, doc: dict, stopping) -> str | None:
        try:
            packets = [encode(address, args) for address, args in messages(doc, self.prefix)]
            infos = socket.getaddrinfo(self.target.host, self.target.port, type=socket.SOCK_DGRAM)
            family, _, _, _, address = infos[0]
            if self._sock is None or self._sock.family != family:
                if self._sock is not None:
                    self._sock.close()
                self._sock = socket.socket(family, socket.SOCK_DGRAM)
            for packet in packets:
                self._sock.sendto(packet, address)
        except OSError as err:
            # A desk not on the network yet. UDP has no retry worth the name: the next cue tries again.
            return str(err) or type(err).__name__
        return None

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
