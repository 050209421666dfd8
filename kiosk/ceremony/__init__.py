"""The ceremony itself: its rules (plain Python on ``kiosk.core``'s model), the views each audience gets,
and the service that runs a command inside the store's transaction and announces the change."""
