"""The signing pads at the edge: the organiser's pads and the pad's page (``routes``), the signed
picture's files and the press folder (``pictures``), and the pad's socket with its strokes (``sockets``)."""

from . import pictures, sockets
from .routes import bp

__all__ = ["bp", "pictures", "sockets"]
