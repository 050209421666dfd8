"""What happened, announced for whoever listens (the broadcaster, later the audit and card makers).

The service sends these after the change is committed; it never imports Socket.IO. Listeners read what
they need from the sender (``sender.view(audience)``): each audience's view is built once per change.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Ceremony service; the ceremony changed (a command, a setup edit, another process's write)
state_changed = _signals.signal("state-changed")
# sender: the Ceremony service; kwargs: entry (the LogEntry appended)
command_applied = _signals.signal("command-applied")
# sender: the Flask app; every operator session and token was just invalidated
operators_signed_out = _signals.signal("operators-signed-out")
# sender: the Flask app; kwargs: device_id (one session, token or screen was just signed out)
device_signed_out = _signals.signal("device-signed-out")
# sender: the Ceremony service; kwargs: pad_id, project_id, signature_id, batch, points (a batch of ink
# just stored: the walls draw it at once)
ink_added = _signals.signal("ink-added")
# sender: the Ceremony service; kwargs: pad_id, signature_id (a signatory pressed 重签)
ink_cleared = _signals.signal("ink-cleared")
