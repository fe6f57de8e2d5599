"""Configuration: the schema (``schema``), the root model (``settings``) and loading (``loader``)."""

from botkit.config.schema import parse_duration
from botkit.config.settings import Settings

__all__ = ["Settings", "parse_duration"]
