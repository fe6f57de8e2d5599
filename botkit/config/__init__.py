"""Configuration: the schema, the root ``Settings`` model, and loading with clear errors."""

from botkit.config.schema import parse_duration
from botkit.config.settings import Settings

__all__ = ["Settings", "parse_duration"]
