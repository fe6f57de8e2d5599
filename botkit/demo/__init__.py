"""``botkit demo``: a local chat server, a small organization, the real runtime with the receipts
and audit plugins, and a short story played on it (see ``story``)."""

from botkit.demo.story import play

__all__ = ["play"]
