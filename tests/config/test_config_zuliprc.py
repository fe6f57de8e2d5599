"""A zuliprc named by [zulip] zuliprc is read and checked, and its contents never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from botkit.config import backend_problems

from .conftest import WriteConfig, load

SECRET = "LEAKEDSEKRET123"
WHERE = "config.toml: zulip.zuliprc"


def _problems(
    write_config: WriteConfig, tmp_path: Path, zuliprc: str, extra: str = ""
) -> list[str]:
    (tmp_path / "zrc").write_text(zuliprc, encoding="utf-8")
    return backend_problems(load(write_config(f'[zulip]\nzuliprc = "zrc"\n{extra}')))


@pytest.mark.parametrize(
    "zuliprc",
    [
        f"key={SECRET}\n[api]\nemail=bot@x.org\nsite=https://x.org\n",  # key before [api]
        f"[api]\nemail=bot@x.org\n{SECRET}\n",  # a line that is no setting
        f"[api]\nkey={SECRET}\nkey={SECRET}2\n",  # a key twice
        f"[api]\n[api]\nkey={SECRET}\n",  # a section twice
    ],
)
def test_a_malformed_zuliprc_is_named_not_quoted(
    write_config: WriteConfig, tmp_path: Path, zuliprc: str
) -> None:
    assert _problems(write_config, tmp_path, zuliprc) == [
        f"{WHERE}: {tmp_path / 'zrc'}: not a zuliprc file "
        "(expected an [api] section with email, key and site)"
    ]


def test_a_zuliprc_without_api_section(write_config: WriteConfig, tmp_path: Path) -> None:
    assert _problems(write_config, tmp_path, f"[other]\nkey={SECRET}\n") == [
        f"{WHERE}: {tmp_path / 'zrc'}: no [api] section "
        "(expected an [api] section with email, key and site)"
    ]


def test_each_missing_key_is_one_line(write_config: WriteConfig, tmp_path: Path) -> None:
    assert _problems(write_config, tmp_path, "[api]\nemail=bot@x.org\nkey=\n") == [
        f"{WHERE}: {tmp_path / 'zrc'}: [api] key: missing",
        f"{WHERE}: {tmp_path / 'zrc'}: [api] site: missing",
    ]


def test_site_may_come_from_the_zulip_section(write_config: WriteConfig, tmp_path: Path) -> None:
    zuliprc = f"[api]\nemail=bot@x.org\nkey={SECRET}\n"
    assert _problems(write_config, tmp_path, zuliprc, 'site = "https://x.org"\n') == []


def test_a_percent_sign_is_named_not_quoted(write_config: WriteConfig, tmp_path: Path) -> None:
    zuliprc = f"[api]\nemail=bot@x.org\nkey=%{SECRET}\nsite=https://x.org\n"
    assert _problems(write_config, tmp_path, zuliprc) == [
        f"{WHERE}: {tmp_path / 'zrc'}: [api] key: cannot be read (write a '%' in it as '%%')"
    ]


def test_a_folder_is_not_a_zuliprc(write_config: WriteConfig, tmp_path: Path) -> None:
    (tmp_path / "zrc").mkdir()
    problems = backend_problems(load(write_config('[zulip]\nzuliprc = "zrc"\n')))
    assert problems == [f"{WHERE}: {tmp_path / 'zrc'}: is a folder, not a zuliprc file"]
