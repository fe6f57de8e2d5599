"""Fixtures for the local Rocket.Chat tests: a started server, a small organization, clients.

Tests talk to the server through the real ``rocketchat_API.RocketChat`` client where it has a
method, and through ``requests`` (the ``raw`` helper) where it has none or headers matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from botkit.servers.rocketchat import LocalRocketChat, RcUser


@pytest.fixture
def server() -> Iterator[LocalRocketChat]:
    """A running server with the rate limiter off (rate-limit tests turn it on)."""
    with LocalRocketChat(rate_limit=None) as srv:
        yield srv


@dataclass
class Org:
    alice: RcUser
    bob: RcUser
    carol: RcUser
    bot: RcUser
    general: str  # public channel: alice, bob, carol, bot
    private: str  # private group: alice, bot
    dm: str  # alice <-> bot


@pytest.fixture
def org(server: LocalRocketChat) -> Org:
    alice = server.create_user("alice", name="Alice Liddell", password="alice-pw")
    bob = server.create_user("bob", name="Bob Builder", password="bob-pw")
    carol = server.create_user("carol", name="Carol Danvers", password="carol-pw")
    bot = server.create_user("receipt-bot", name="Receipt Bot", roles=("bot",))
    general = server.create_room("general", "c", [alice, bob, carol, bot])
    private = server.create_room("secret", "p", [alice, bot])
    dm = server.create_dm(alice, bot)
    return Org(alice, bob, carol, bot, general, private, dm)


@pytest.fixture
def client(server: LocalRocketChat) -> Iterator[Callable[[RcUser], RocketChat]]:
    """A rocketchat-API client authenticated as a user (token auth: no login request)."""
    clients: list[RocketChat] = []

    def make(user: RcUser) -> RocketChat:
        rc = RocketChat(user_id=user.id, auth_token=user.auth_token, server_url=server.url)
        clients.append(rc)
        return rc

    yield make
    for rc in clients:
        rc.session.close()


class Raw:
    """Plain HTTP against the server, for endpoints or details the client hides."""

    def __init__(self, server: LocalRocketChat) -> None:
        self.url = server.url
        self.session = requests.Session()

    def headers(self, user: RcUser | None) -> dict[str, str]:
        if user is None:
            return {}
        return {"X-User-Id": user.id, "X-Auth-Token": user.auth_token}

    def get(self, path: str, user: RcUser | None = None, **params: Any) -> requests.Response:
        return self.session.get(
            self.url + path, params=params, headers=self.headers(user), timeout=10
        )

    def post(self, path: str, body: Any, user: RcUser | None = None) -> requests.Response:
        return self.session.post(self.url + path, json=body, headers=self.headers(user), timeout=10)


@pytest.fixture
def raw(server: LocalRocketChat) -> Iterator[Raw]:
    helper = Raw(server)
    yield helper
    helper.session.close()
