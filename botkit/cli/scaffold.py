"""``botkit init`` and ``botkit new-plugin``: write a starting point from the templates.

The ``config.toml`` that ``init`` writes and the repository's ``config.example.toml`` come from
one template (a test keeps them in step), so the documented example cannot drift from it. Both
commands also write a ``pytest.ini`` (async tests, quietly) unless a pytest configuration exists.
"""

from __future__ import annotations

import importlib.util
import json
import keyword
import re
import sys
from importlib.resources import files
from pathlib import Path
from string import Template

import click

from botkit.cli.common import os_error_text
from botkit.errors import UsageError

__all__ = [
    "config_text",
    "init",
    "new_plugin",
    "plugin_files",
    "pytest_config_files",
    "render",
    "write_files",
]

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXAMPLE_PLUGIN = "hello"
#: Where pytest looks for its configuration, and the table that makes each file count.
PYTEST_CONFIGS = {
    "pytest.ini": "",
    ".pytest.ini": "",
    "pyproject.toml": "[tool.pytest.ini_options]",
    "tox.ini": "[pytest]",
    "setup.cfg": "[tool:pytest]",
}


def render(template: str, **values: str) -> str:
    """A file of ``botkit/cli/templates`` with ``${name}`` placeholders filled in."""
    text = files("botkit.cli").joinpath("templates", template).read_text(encoding="utf-8")
    return Template(text).substitute(values) if values else text


def config_text(plugin_paths: list[str]) -> str:
    """The commented configuration, every key documented, with these ``[plugins] paths``."""
    return render("config.toml.tmpl", plugin_paths=json.dumps(plugin_paths))


def check_plugin_name(name: str) -> str:
    """The name if it can be a plugin (and Python module) name; ``UsageError`` otherwise."""
    if not PLUGIN_NAME.match(name):
        raise UsageError(
            f"invalid plugin name {name!r}: use lower-case letters, digits and '_', "
            "starting with a letter (e.g. 'weather' or 'standup_notes')"
        )
    if keyword.iskeyword(name) or name in {"botkit", "test", "tests", "conftest"}:
        raise UsageError(f"invalid plugin name {name!r}: it is reserved, choose another")
    if name in sys.stdlib_module_names:
        raise UsageError(
            f"invalid plugin name {name!r}: it is also a Python standard library module, "
            "which the plugin's test would hide; choose another"
        )
    clash = _name_taken(name)
    if clash:
        raise UsageError(f"invalid plugin name {name!r}: {clash}; choose another")
    return name


def _name_taken(name: str) -> str | None:
    """Why ``name`` is already in use, if it is: by a built-in command, a plugin botkit finds
    anyway, or an importable module (which the plugin's test would import instead)."""
    from botkit.config import Settings
    from botkit.loader import discover
    from botkit.plugin_check import BUILTIN_COMMANDS

    command = name.replace("_", "-")
    if command in BUILTIN_COMMANDS or name in BUILTIN_COMMANDS:
        return f"the plugin's command !{command} would clash with botkit's built-in !{command}"
    for source in discover(Settings.model_construct(), bundled=True, entry_points=True):
        if source.name == name:
            return f"a {source.origin} plugin has that name ({source.describe()})"
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = True
    if found:
        return "an installed Python module has that name, and the plugin's test would import it"
    return None


def pytest_config_files(project: Path) -> dict[Path, str]:
    """``project/pytest.ini`` for quiet async tests, or nothing when pytest already has a
    configuration there or in a folder above (never replaced: it is the user's)."""
    if _pytest_config_of(project) is not None:
        return {}
    return {project / "pytest.ini": render("pytest.ini.tmpl")}


def _pytest_config_of(project: Path) -> Path | None:
    folder = project.resolve()
    for candidate in (folder, *folder.parents):
        for name, marker in PYTEST_CONFIGS.items():
            path = candidate / name
            try:
                if path.is_file() and marker in path.read_text(encoding="utf-8", errors="replace"):
                    return path
            except OSError:
                continue
    return None


def plugin_files(name: str, plugins_dir: Path) -> dict[Path, str]:
    """The plugin package and its test (in ``tests/`` next to the plugins folder)."""
    values = {
        "name": name,
        "class_name": "".join(part.capitalize() for part in name.split("_")) + "Plugin",
        "command": name.replace("_", "-"),
        "plugins_dir": plugins_dir.name,
    }
    return {
        plugins_dir / name / "__init__.py": render("plugin.py.tmpl", **values),
        plugins_dir.parent / "tests" / f"test_{name}.py": render("test_plugin.py.tmpl", **values),
    }


def write_files(contents: dict[Path, str], *, force: bool) -> None:
    """Write every file, or none when one exists already (unless ``force``)."""
    existing = [path for path in contents if path.exists()]
    if existing and not force:
        names = ", ".join(str(path) for path in existing)
        raise UsageError(f"not overwriting existing files: {names} (use --force to replace them)")
    for path, text in contents.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            what = "cannot create a folder" if not path.parent.is_dir() else "cannot write a file"
            raise UsageError(os_error_text(what, exc, exc.filename or path)) from None
        click.echo(f"wrote {path}")


@click.command()
@click.argument(
    "directory", default=".", type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]"
)
@click.option("--force", is_flag=True, help="Overwrite files that exist already.")
def init(directory: Path, force: bool) -> None:
    """Start a bot project in DIR (default: the current folder).

    Writes a commented config.toml (every key, with its default), a plugins/ folder with an
    example plugin, and a test for it. Existing files are never overwritten without --force.
    """
    contents = {directory / "config.toml": config_text(["plugins"])}
    contents |= plugin_files(EXAMPLE_PLUGIN, directory / "plugins")
    write_files(contents, force=force)
    _write_pytest_config(directory)
    config = directory / "config.toml"
    click.echo(
        f"\nNext: put your bot's credentials in {config} (or BOTKIT_ZULIP__API_KEY etc.),\n"
        f"then `botkit check-config -c {config}` and `botkit run -c {config}`."
    )


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "plugins_dir",
    default="plugins",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of plugins; the test goes to tests/ beside it.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist already.")
def new_plugin(name: str, plugins_dir: Path, force: bool) -> None:
    """Create a plugin NAME with one command, and a test for it.

    Writes PLUGINS_DIR/NAME/__init__.py (a Plugin subclass with a config model and a `!NAME`
    command) and tests/test_NAME.py (runs the plugin on botkit's in-memory chat; `pytest`
    passes out of the box). NAME: lower-case letters, digits and '_'.
    """
    name = check_plugin_name(name)
    write_files(plugin_files(name, plugins_dir), force=force)
    _write_pytest_config(plugins_dir.parent)
    click.echo(f"\nAdd {plugins_dir} to [plugins] paths in config.toml if it is not there yet.")


def _write_pytest_config(project: Path) -> None:
    """``pytest.ini`` unless pytest has a configuration already (which is left alone)."""
    contents = pytest_config_files(project)
    if contents:
        write_files(contents, force=False)
        return
    existing = _pytest_config_of(project)
    text = existing.read_text(encoding="utf-8", errors="replace") if existing else ""
    if "asyncio_default_fixture_loop_scope" in text:
        return
    click.echo(
        f"kept the pytest configuration in {existing}: the generated tests are async, and "
        'run quietly with asyncio_mode = "auto" and asyncio_default_fixture_loop_scope = '
        '"function" in it'
    )
