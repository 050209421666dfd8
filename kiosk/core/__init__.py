"""What every other package shares and that imports nothing of kiosk's: ``model`` (the dataclasses a
ceremony is made of, and the names of its actions, screens, kinds and parties), ``clock`` (the one clock)
and ``access`` (the roles, the rights each holds, a device). The bottom layer: setup, the certificate and
the store build on it, the ceremony on them (README "How it is built")."""
