"""The public live page at /live for remote viewers: its page and namespace (``routes``), and the stream
handed to nginx's nchan (``stream``)."""

from .routes import bp, register

__all__ = ["bp", "register"]
