"""The ceremony itself: its model, its rules (plain Python), the views each audience gets, and the service
that runs a command inside the store's transaction and announces the change."""
