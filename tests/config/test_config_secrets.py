"""Secrets never appear in errors, reprs or summaries, whichever source they came from."""

from __future__ import annotations

import pytest

from botkit.errors import ConfigError

from .conftest import WriteConfig, load

SECRET = "s3cr3t-DO-NOT-PRINT"


def test_repr_of_loaded_config_hides_secrets(write_config: WriteConfig) -> None:
    path = write_config(f'[rocketchat]\nusername = "bot"\npassword = "{SECRET}"\n')
    loaded = load(path, {"BOTKIT_ZULIP__API_KEY": SECRET})
    assert SECRET not in repr(loaded)
    assert SECRET not in str(loaded.settings)
    assert SECRET not in repr(loaded.overrides)


@pytest.mark.parametrize(
    ("toml", "env"),
    [
        # a secret of the wrong type, in the file and from the environment
        (f'[zulip]\napi_key = ["{SECRET}"]\n', {}),
        ("", {"BOTKIT_ROCKETCHAT__AUTH_TOKEN": '{"t": "' + SECRET + '"}'}),
        # a secret next to another error in its section
        (f'[zulip]\napi_key = "{SECRET}"\nzuliprc = "rc"\n', {}),
        # a secret in a misspelt key
        (f'[zulip]\napi_kee = "{SECRET}"\n', {"BOTKIT_ZULIP__APIKEY": SECRET}),
    ],
)
def test_errors_never_echo_secrets(
    write_config: WriteConfig, toml: str, env: dict[str, str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(write_config(toml), env)
    shown = "\n".join([str(caught.value), *caught.value.problems])
    assert caught.value.problems
    assert SECRET not in shown
