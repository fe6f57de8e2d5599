"""The public surface: every name in ``botkit.__all__`` resolves, and nothing else leaks in."""

import pytest

import botkit


def test_every_public_name_resolves() -> None:
    for name in botkit.__all__:
        assert getattr(botkit, name) is not None, name


def test_all_is_sorted_and_unique() -> None:
    assert list(botkit.__all__) == sorted(set(botkit.__all__))


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="definitely_not_there"):
        botkit.definitely_not_there  # noqa: B018 - the lookup is the test


def test_plugin_api_is_reexported_from_its_module() -> None:
    from botkit import plugin

    assert botkit.Plugin is plugin.Plugin
    assert botkit.command is plugin.command
