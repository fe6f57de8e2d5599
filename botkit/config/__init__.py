"""Configuration: the schema, the root ``Settings`` model, and loading with clear errors."""

from botkit.config.credentials import (
    backend_problems,
    placeholder_problems,
    require_backend_credentials,
)
from botkit.config.loader import InvalidConfig, LoadedConfig, load_config, load_settings
from botkit.config.schema import parse_duration
from botkit.config.settings import Settings

__all__ = [
    "InvalidConfig",
    "LoadedConfig",
    "Settings",
    "backend_problems",
    "load_config",
    "load_settings",
    "parse_duration",
    "placeholder_problems",
    "require_backend_credentials",
]
