"""Outbound cues for the AV desk: every fired cue, signing, undo, panic, announcement and screen change is
told to the configured webhooks (JSON POSTs) and OSC desks (UDP), so QLab or a Companion button can fire
the fanfare, the lights or the confetti on the operator's press (docs/API.md, "Outbound cues").

A command never waits for any of it: the signal handler only builds one small document and queues it.
The package itself imports nothing, so kiosk/config.py can read the targets (``targets``) cheaply.
"""
