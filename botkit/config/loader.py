"""Load the configuration: one TOML file, then ``BOTKIT_<SECTION>__<KEY>`` overrides.

Which file: the path given (``-c/--config``), else ``$BOTKIT_CONFIG``, else ``./config.toml``.
A file the user named must exist; ``./config.toml`` may be missing where that makes sense
(``require_file=False``): defaults and the environment are then the whole configuration.

Relative ``bot.data_dir``, ``zulip.zuliprc`` and ``plugins.paths`` from the file resolve against
the file's folder (so a bot runs the same from any working directory); relative paths from the
environment resolve against the working directory, like any path typed in a shell.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from botkit.config.environment import CONFIG_ENV, EnvOverride, apply_overrides, read_overrides
from botkit.config.errors import format_toml_error, format_validation_error
from botkit.config.settings import Settings
from botkit.errors import ConfigError

__all__ = ["DEFAULT_CONFIG_FILE", "InvalidConfig", "LoadedConfig", "load_config", "load_settings"]

DEFAULT_CONFIG_FILE = Path("config.toml")

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedConfig:
    """The settings plus where they came from."""

    settings: Settings
    #: The file read (absolute), or None when there was none.
    path: Path | None
    #: The folder relative paths in the file resolve against (the file's, else the cwd).
    base_dir: Path
    #: How messages name the file: as the user wrote it (``config.toml``).
    label: str
    #: The environment variables that set a value, in the order they were applied.
    overrides: tuple[EnvOverride, ...] = ()
    _file_data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def env_var_for(self, loc: Loc) -> str | None:
        """The variable that set the value at ``loc`` (or a table holding it), if any."""
        keys = tuple(str(part) for part in loc)
        found = None
        for override in self.overrides:
            if keys[: len(override.keys)] == override.keys:
                found = override.var
        return found

    def is_from_env(self, loc: Loc) -> bool:
        return self.env_var_for(loc) is not None

    def source_of(self, loc: Loc) -> str:
        """What to name in a message about ``loc``: the variable, the file, or both."""
        var = self.env_var_for(loc)
        if var is not None:
            return var
        keys = tuple(str(part) for part in loc)
        names = [o.var for o in self.overrides if o.keys[: len(keys)] == keys]
        if self.path is not None and (not names or _contains(self._file_data, keys)):
            names.append(self.label)
        return ", ".join(names) or f"{self.label} (not found)"


class InvalidConfig(ConfigError):
    """The configuration has problems. ``partial`` is the configuration with every section that
    had one left at its defaults (None when even that does not validate), so that a check can go
    on and report the problems of the other sections too (``botkit check-config``)."""

    def __init__(
        self,
        message: str,
        problems: list[str],
        *,
        partial: LoadedConfig | None = None,
        invalid_sections: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(message, problems)
        self.partial = partial
        self.invalid_sections = invalid_sections


def _contains(data: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    node: Any = data
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return True


class _NoImplicitSources(Settings):
    """Settings that read only what they are given.

    ``Settings`` is a ``BaseSettings``: validating it directly would also read ``os.environ``,
    behind the loader's back (and ignoring ``env=``). The loader applies the environment itself.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _choose_file(path: Path | None, env: Mapping[str, str]) -> tuple[Path, str | None]:
    """The file to read, and why it was chosen when the user named it (None: the default)."""
    if path is not None:
        return Path(path), "given"
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]), f"from {CONFIG_ENV}"
    return DEFAULT_CONFIG_FILE, None


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {label}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some editors write
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: not a UTF-8 text file") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = format_toml_error(label, text, exc)
        raise ConfigError(f"{label} is not valid TOML", [line]) from None


def _absolute(path: Path, root: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else Path(os.path.normpath(root / path))


def _resolve_paths(loaded: LoadedConfig) -> Settings:
    settings = loaded.settings
    cwd = Path.cwd()

    def root(*loc: str | int) -> Path:
        return cwd if loaded.env_var_for(loc) else loaded.base_dir

    bot = settings.bot.model_copy(
        update={"data_dir": _absolute(settings.bot.data_dir, root("bot", "data_dir"))}
    )
    zulip = settings.zulip
    if zulip.zuliprc is not None:
        rc = _absolute(zulip.zuliprc, root("zulip", "zuliprc"))
        zulip = zulip.model_copy(update={"zuliprc": rc})
    paths = [
        _absolute(path, root("plugins", "paths", index))
        for index, path in enumerate(settings.plugins.paths)
    ]
    plugins = settings.plugins.model_copy(update={"paths": paths})
    return settings.model_copy(update={"bot": bot, "zulip": zulip, "plugins": plugins})


def load_config(
    path: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    require_file: bool = False,
) -> LoadedConfig:
    """Read, merge and validate the configuration; raise ``ConfigError`` listing every problem.

    ``env`` defaults to ``os.environ``. ``require_file``: a missing ``./config.toml`` is an error
    too (a file named by ``path`` or ``$BOTKIT_CONFIG`` must always exist).
    """
    env = os.environ if env is None else env
    chosen, named = _choose_file(None if path is None else Path(path), env)
    label = str(chosen)
    if chosen.is_file():
        data = _read_toml(chosen, label)
        file_path: Path | None = chosen.resolve()
        base_dir = chosen.resolve().parent
    elif named is not None or require_file or chosen.exists():
        why = f" ({named})" if named and named != "given" else ""
        what = "is not a file" if chosen.exists() else "not found"
        hint = "" if named else "; create one with `botkit init` or pass -c FILE"
        raise ConfigError(f"config file {what}: {label}{why}{hint}")
    else:
        data, file_path, base_dir = {}, None, Path.cwd()

    overrides, env_problems = read_overrides(env)
    loaded = LoadedConfig(
        settings=Settings.model_construct(),
        path=file_path,
        base_dir=base_dir,
        label=label,
        overrides=tuple(overrides),
        _file_data=data,
    )
    problems = list(env_problems)
    merged = apply_overrides(data, overrides)
    try:
        validated = _NoImplicitSources(**merged)
    except ValidationError as exc:
        problems += format_validation_error(exc, loaded.source_of, loaded.is_from_env)
        raise _invalid(problems, loaded, merged, exc) from None
    if problems:
        raise _invalid(problems, loaded, merged, None)
    return _finish(loaded, validated)


def _finish(loaded: LoadedConfig, validated: Settings) -> LoadedConfig:
    # Back to the public class: same validated values, but no trace of the private subclass.
    public = Settings.model_construct(_fields_set=validated.model_fields_set, **dict(validated))
    loaded = replace(loaded, settings=public)
    return replace(loaded, settings=_resolve_paths(loaded))


def _invalid(
    problems: list[str],
    loaded: LoadedConfig,
    merged: dict[str, Any],
    error: ValidationError | None,
) -> InvalidConfig:
    """The error to raise, with the configuration minus its invalid sections when that loads."""
    bad = {str(detail["loc"][0]) for detail in error.errors() if detail["loc"]} if error else set()
    partial: LoadedConfig | None
    try:
        rest = _NoImplicitSources(**{k: v for k, v in merged.items() if k not in bad})
        partial = _finish(loaded, rest)
    except ValidationError:
        partial = None
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    return InvalidConfig(
        f"invalid configuration ({count})",
        problems,
        partial=partial,
        invalid_sections=frozenset(bad),
    )


def load_settings(
    path: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    require_file: bool = False,
) -> Settings:
    """The validated ``Settings`` (see ``load_config`` for where they came from)."""
    return load_config(path, env=env, require_file=require_file).settings
