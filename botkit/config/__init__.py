"""Configuration: the schema, the root ``Settings`` model, and loading with clear errors."""

from botkit.config.credentials import backend_problems, require_backend_credentials
from botkit.config.loader import LoadedConfig, load_config, load_settings
from botkit.config.schema import parse_duration
from botkit.config.settings import Settings

__all__ = [
    "LoadedConfig",
    "Settings",
    "backend_problems",
    "load_config",
    "load_settings",
    "parse_duration",
    "require_backend_credentials",
]
