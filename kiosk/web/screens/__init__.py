"""The room's screens at the edge: the big screen's page, the overlay and the charts (``routes``), pairing
a screen and choosing its layout (``pairing``), and the screens' sockets: walls and pages waiting for
pairing, what each has drawn (``sockets``)."""

from . import pairing, sockets
from .routes import bp

__all__ = ["bp", "pairing", "sockets"]
