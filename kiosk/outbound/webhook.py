"""JSON POSTs to the AV desk's receivers (a show-control bridge, Node-RED, a press-room feed, ...).

http.client, not urllib: a webhook must not follow redirects (a POST would turn into a GET) or go through
the machine's HTTP proxy (the desk is on the venue LAN), and requests is only a test dependency.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import ssl

from .targets import Webhook

log = logging.getLogger("kiosk.outbound")

TIMEOUT_S = 2.0
# Waits before the second and third attempt; after the third the message is dropped. A cue worth sending
# is worth little ten seconds late, and every later cue of this target waits behind it.
BACKOFF_S = (0.5, 2.0)
# Answers worth another attempt: the receiver is busy or restarting. Any other 4xx will say the same again.
RETRY_STATUSES = {408, 425, 429}
USER_AGENT = "kiosk-outbound/1"


def body_of(doc: dict) -> bytes:
    # Chinese kept legible, as in every JSON the server answers (app.json.ensure_ascii).
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookSender:
    """POSTs each document to one URL, retrying with backoff, on the target's own worker."""

    def __init__(self, hook: Webhook, secret: str | None = None, number: int = 1):
        self.hook, self.secret = hook, secret
        self.label = f"webhook {number} ({hook.label})"
        self._tls = ssl.create_default_context() if hook.scheme == "https" else None

    def deliver(self, doc: dict, stopping) -> str | None:
        """Send ``doc``; None once the receiver took it, else why it was given up."""
        body = body_of(doc)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Kiosk-Event": doc["event"],
            "X-Kiosk-Delivery": doc["id"],
        }
        if self.secret:
            headers["X-Kiosk-Signature"] = signature(self.secret, body)
        attempts = len(BACKOFF_S) + 1
        for attempt in range(1, attempts + 1):
            headers["X-Kiosk-Attempt"] = str(attempt)
            try:
                status = self.post(body, headers)
            except (OSError, http.client.HTTPException) as err:
                problem = str(err) or type(err).__name__
            else:
                if 200 <= status < 300:
                    return None
                problem = f"HTTP {status}"
                if status < 500 and status not in RETRY_STATUSES:
                    return f"refused ({problem})"
            if attempt == attempts or stopping.is_set():
                break
            delay = BACKOFF_S[attempt - 1]
            # Debug only: a desk switched off for the evening would otherwise write three lines per cue.
            log.debug(
                "%s: %s attempt %d failed (%s), again in %s s",
                self.label,
                doc["event"],
                attempt,
                problem,
                delay,
            )
            if stopping.wait(delay):
                break
        return f"{attempt} attempt{'s' if attempt > 1 else ''} failed, the last: {problem}"

    def post(self, body: bytes, headers: dict) -> int:
        hook = self.hook
        if self._tls is not None:
            conn = http.client.HTTPSConnection(hook.host, hook.port, timeout=TIMEOUT_S, context=self._tls)
        else:
            conn = http.client.HTTPConnection(hook.host, hook.port, timeout=TIMEOUT_S)
        try:
            conn.request("POST", hook.path, body=body, headers=headers)
            response = conn.getresponse()
            # Read what little the receiver says, so its server is not left with a reset connection.
            response.read(64 * 1024)
            return response.status
        finally:
            conn.close()

    def close(self) -> None:
        pass
