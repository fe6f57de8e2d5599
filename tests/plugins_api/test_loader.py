"""Loading plugins: discovery, validation, and errors that name the plugin and the problem."""

from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path
from typing import Any

import pytest

from botkit import loader
from botkit.loader import bundled_dir, discover, load_given, load_plugins
from botkit.plugin_check import PluginConfigError

from .conftest import FIXTURES, load, make_settings, write_plugins

GOOD = """
    from botkit.plugin import command

    @command("ok")
    async def ok(ctx):
        return "ok"
"""


def errors_of(tmp_path: Path, files: dict[str, str], **sections: object) -> list[str]:
    settings = make_settings(write_plugins(tmp_path / "plugins", files), **sections)
    return [str(error) for error in load(settings)[1]]


def test_a_broken_plugin_does_not_stop_the_others(tmp_path: Path) -> None:
    settings = make_settings(
        write_plugins(
            tmp_path / "p",
            {
                "good.py": GOOD,
                "broken.py": "def oops(:\n    pass\n",
                "crashing.py": "from botkit.plugin import command\nraise RuntimeError('no db')\n",
            },
        )
    )
    loaded, errors = load(settings)
    assert [plugin.name for plugin in loaded] == ["good"]
    messages = sorted(str(error) for error in errors)
    assert messages[0].startswith("plugin 'broken': syntax error in ")
    assert "broken.py, line 1" in messages[0]
    assert messages[1].startswith("plugin 'crashing': import failed (at ")
    assert messages[1].endswith("crashing.py, line 2): RuntimeError: no db")
    assert sorted(error.plugin for error in errors) == ["broken", "crashing"]


def test_two_plugin_classes_are_refused(tmp_path: Path) -> None:
    code = """
        from botkit.plugin import Plugin

        class One(Plugin):
            pass

        class Two(Plugin):
            pass
    """
    assert errors_of(tmp_path, {"double.py": code}) == [
        "plugin 'double': defines 2 Plugin classes (One, Two): keep one"
    ]


def test_mixed_or_empty_plugins_are_refused(tmp_path: Path) -> None:
    mixed = """
        from botkit.plugin import Plugin, command

        class One(Plugin):
            pass

        @command
        async def loose(ctx):
            pass
    """
    assert errors_of(tmp_path, {"mixed.py": mixed, "empty.py": "x = 1\n"}) == [
        "plugin 'empty': defines no Plugin subclass and no decorated handlers",
        "plugin 'mixed': defines a Plugin class (One) and module-level handlers (loose): "
        "use one style",
    ]


CONFIGURED = """
    from pydantic import BaseModel
    from botkit.plugin import Plugin, command

    class Greeter(Plugin):
        class Config(BaseModel):
            greeting: str = "Hello"
            times: int = 1

        @command
        async def greet(self, ctx):
            return self.config.greeting
"""


def test_config_section_is_validated(tmp_path: Path) -> None:
    settings = make_settings(
        write_plugins(tmp_path / "p", {"greeter.py": CONFIGURED}),
        plugins={"greeter": {"greeting": "Hi"}},
    )
    (plugin,), errors = load(settings)
    assert errors == []
    config: Any = plugin.config
    assert (config.greeting, config.times) == ("Hi", 1)


def test_config_errors_name_plugin_key_and_problem(tmp_path: Path) -> None:
    assert errors_of(
        tmp_path,
        {"greeter.py": CONFIGURED},
        plugins={"greeter": {"greting": "Hi", "times": "many"}},
    ) == [
        "plugin 'greeter': invalid configuration: plugins.greeter.times: must be an integer; "
        "plugins.greeter.greting: unknown key (did you mean greeting?)"
    ]


def test_config_errors_are_one_line_each_in_the_core_wording(tmp_path: Path) -> None:
    settings = make_settings(
        write_plugins(tmp_path / "p", {"greeter.py": CONFIGURED}),
        plugins={"greeter": {"greting": "Hi", "times": 0.5}},
    )
    [error] = load(settings)[1]
    assert isinstance(error, PluginConfigError)
    assert error.plugin == "greeter"
    assert error.lines(lambda loc: "config.toml", lambda loc: False) == [
        "config.toml: plugins.greeter.times: must be a whole number",
        "config.toml: plugins.greeter.greting: unknown key (did you mean greeting?)",
    ]


def test_settings_for_a_plugin_without_config_are_refused(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"ok.py": GOOD}, plugins={"ok": {"colour": "red"}}) == [
        "plugin 'ok': [plugins.ok] sets colour, but the plugin takes none"
    ]


def test_duplicate_command_names_name_both_plugins(tmp_path: Path) -> None:
    other = """
        from botkit.plugin import command

        @command("other", aliases=["ok"])
        async def other(ctx):
            pass
    """
    helper = """
        from botkit.plugin import command

        @command("help")
        async def my_help(ctx):
            pass
    """
    assert errors_of(tmp_path, {"a.py": GOOD, "b.py": other, "c.py": helper}) == [
        "plugin 'b': command 'ok' is also defined by plugin 'a'",
        "plugin 'c': command 'help' is built into botkit",
    ]


def test_enabled_names_must_exist_and_limit_what_loads(tmp_path: Path) -> None:
    settings = make_settings(
        write_plugins(tmp_path / "p", {"a.py": GOOD, "broken.py": "def (:\n"}),
        plugins={"enabled": ["a", "ghost"]},
    )
    loaded, errors = load(settings)
    assert [plugin.name for plugin in loaded] == ["a"]
    # "broken" is not enabled, so its syntax error is not reported
    assert [str(e) for e in errors] == [
        "plugin 'ghost': is in [plugins] enabled but does not exist (found: a, broken)"
    ]


def test_tables_for_unknown_plugins_are_reported(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"a.py": GOOD}, plugins={"nosuch": {"x": 1}}) == [
        "plugin 'nosuch': [plugins.nosuch] configures a plugin that does not exist"
    ]


def test_bad_handlers_are_reported(tmp_path: Path) -> None:
    cron = """
        from botkit.plugin import scheduled

        @scheduled("0 9 * * 8")
        async def tick(ctx):
            pass
    """
    typed = """
        from botkit.plugin import command

        @command
        async def add(ctx, numbers: list[int]):
            pass
    """
    no_ctx = """
        from botkit.plugin import on_message

        @on_message("x")
        async def seen():
            pass
    """
    assert errors_of(tmp_path, {"cron.py": cron, "typed.py": typed, "noctx.py": no_ctx}) == [
        "plugin 'cron': scheduled handler 'tick': bad day of week '8' in '0 9 * * 8': "
        "use 0-7 (0 and 7 are Sunday)",
        "plugin 'noctx': handler 'seen' must take ctx as its only argument",
        "plugin 'typed': command 'add': parameter 'numbers' has the unsupported type "
        "list[int]: use str, int, float, bool, Literal[...] or one of those | None",
    ]


def test_package_plugins_names_and_relative_paths(tmp_path: Path) -> None:
    write_plugins(
        tmp_path / "conf" / "extra",
        {
            "weather/__init__.py": """
                from botkit.plugin import Plugin, command
                from .forecast import forecast

                class Weather(Plugin):
                    '''Tells the weather.'''
                    name = "wx"

                    @command
                    async def weather(self, ctx):
                        return forecast()
            """,
            "weather/forecast.py": "def forecast():\n    return 'sunny'\n",
            "_private.py": "raise SystemExit('never imported')\n",
            "notes.txt": "not a plugin",
        },
    )
    settings = make_settings(plugins={"paths": ["extra"]})
    loaded, errors = load_plugins(settings, tmp_path / "conf", bundled=False, entry_points=False)
    assert errors == []
    (plugin,) = loaded
    assert (plugin.name, plugin.source.name, plugin.description) == (
        "wx",
        "weather",
        "Tells the weather.",
    )
    assert [info.name for info in plugin.commands] == ["weather"]


def test_a_missing_plugin_path_is_an_error(tmp_path: Path) -> None:
    settings = make_settings(plugins={"paths": [str(tmp_path / "nowhere")]})
    assert [str(e) for e in load(settings)[1]] == [
        f"plugin '{tmp_path / 'nowhere'}': [plugins] paths: {tmp_path / 'nowhere'} does not exist"
    ]


def test_the_checkout_plugins_folder_is_bundled() -> None:
    folder = bundled_dir()
    assert folder == Path(loader.__file__).resolve().parent.parent / "plugins"
    names = {source.name for source in discover(make_settings(), entry_points=False)}
    assert {path.name for path in folder.iterdir() if (path / "__init__.py").exists()} <= names


def test_entry_point_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ep_echo.py").write_text(
        textwrap.dedent(
            """
            from botkit.plugin import Plugin, command

            class Echo(Plugin):
                @command
                async def echo(self, ctx, *words: str):
                    return " ".join(words)
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    point = importlib.metadata.EntryPoint("echo", "ep_echo:Echo", loader.ENTRY_POINT_GROUP)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [point])
    loaded, errors = load_plugins(make_settings(), bundled=False)
    assert errors == []
    assert [(p.name, p.source.origin) for p in loaded] == [("echo", "entry point")]


def test_descriptions_come_from_the_class_or_its_module() -> None:
    loaded, errors = load(make_settings(FIXTURES))
    assert errors == []
    assert {p.name: p.description for p in loaded} == {
        "counter": "Counts (a module plugin with its own name, config and plugin-private storage).",
        "greeter": "Greets people (a class plugin in a package, with config, setup and teardown).",
    }


def test_plugins_given_in_code_are_checked_like_found_ones() -> None:
    from pydantic import BaseModel

    from botkit.plugin import Plugin, command

    class Echo(Plugin):
        class Config(BaseModel):
            loud: bool = False

        @command
        async def echo(self, ctx: object, *words: str) -> str:
            return " ".join(words)

    class Copycat(Plugin):
        @command("copy", aliases=["echo"])
        async def copy(self, ctx: object) -> None:
            pass

    loaded, errors = load_given(make_settings(plugins={"echo": {"loud": True}}), [Echo, Copycat])
    assert [(p.name, getattr(p.config, "loud", None), p.source.origin) for p in loaded] == [
        ("echo", True, "given")
    ]
    assert [str(e) for e in errors] == [
        "plugin 'copycat': command 'echo' is also defined by plugin 'echo'"
    ]
