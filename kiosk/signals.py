"""What happened, announced for whoever listens (the broadcaster, later the audit and card makers).

The service sends these after the change is committed; it never imports Socket.IO.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Ceremony service; kwargs: snapshot (the new public state)
state_changed = _signals.signal("state-changed")
# sender: the Ceremony service; kwargs: entry (the LogEntry appended), snapshot
command_applied = _signals.signal("command-applied")
# sender: the Flask app; every operator session was just invalidated
operators_signed_out = _signals.signal("operators-signed-out")
