"""kiosk: runs an investment signing ceremony — operator console, big screen, concierge cards.

``create_app`` is imported lazily so that ``python -m kiosk serve`` can monkey-patch for gevent before Flask
or anything that touches sockets and threads is imported.
"""


def create_app(test_config: dict | None = None):
    """Application factory (flaskr style); ``test_config`` overrides settings, e.g. ``{"DATA_DIR": ...}``."""
    from .app import build

    return build(test_config)
