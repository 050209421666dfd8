"""The room's screens at the edge: the big screen's page, the overlay and the charts (``routes``)."""

from .routes import bp

__all__ = ["bp"]
