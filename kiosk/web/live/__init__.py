"""The public live page at /live for remote viewers: the page (``routes``), its Socket.IO namespace
(``sockets``), and the stream handed to nginx's nchan (``stream``)."""

from .routes import bp
from .sockets import register

__all__ = ["bp", "register"]
