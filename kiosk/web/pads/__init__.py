"""The signing pads at the edge: the organiser's pads and the pad's page (``routes``)."""

from .routes import bp

__all__ = ["bp"]
