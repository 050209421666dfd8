"""Listens to the ceremony's commands and hands each one's document to every target's worker."""

from __future__ import annotations

import logging
import time

from ..ceremony import signals, views
from .message import document
from .osc import OscSender
from .webhook import WebhookSender
from .worker import Worker

log = logging.getLogger("kiosk.outbound")

# At shutdown: how long messages still queued may take to leave before the process goes.
STOP_GRACE_S = 2.0


class Outbound:
    def __init__(self, senders):
        self.workers = [Worker(sender) for sender in senders]

    def on_command(self, ceremony, entry, **_kwargs) -> None:
        # In the command's own path, after its commit: nothing may raise into it (the command has
        # happened; a 500 would make the operator press again) and nothing may wait.
        try:
            # Under gevent nothing runs between the commit and this call, so this is the state the entry
            # made; with real threads a command committed in between would lend its (newer) figures.
            # (named as the console and the screens name it: in English in an English event)
            snap = views.shown(ceremony.current())
            doc = document(entry, snap, lambda wan: ceremony.money(wan)["text"])
        except Exception:
            log.exception("outbound: no message for seq %s", entry.seq)
            return
        if doc is None:
            return
        for worker in self.workers:
            worker.put(doc)

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Let what is queued leave (one attempt each, no more waits), for at most ``grace`` seconds."""
        deadline = time.monotonic() + grace
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            if not worker.join(deadline):
                log.warning("%s: stopped with %d messages unsent", worker.sender.label, worker.pending + 1)


def register(app, ceremony) -> Outbound | None:
    """Start the targets' workers and listen to ``ceremony``'s commands; None (nothing runs) without any."""
    config = app.config
    # Numbered as listed in the variable: logs never show a webhook's path, so two on one host need it.
    secret = config.get("WEBHOOK_SECRET")
    senders = [WebhookSender(h, secret, n) for n, h in enumerate(config.get("WEBHOOKS") or (), start=1)]
    prefix = config.get("OSC_PREFIX", "/kiosk")
    senders += [OscSender(t, prefix, n) for n, t in enumerate(config.get("OSC_TARGETS") or (), start=1)]
    if not senders:
        return None
    outbound = Outbound(senders)
    # command_applied comes only from the process that ran the command, so two servers (or a CLI import)
    # on one database never fire the cannons twice.
    signals.command_applied.connect(outbound.on_command, sender=ceremony, weak=False)
    app.extensions["kiosk_outbound"] = outbound
    log.info("outbound cues to %s", ", ".join(s.label for s in senders))
    return outbound
