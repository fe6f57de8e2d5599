"""The user directory and channel-member cache follow register state and events."""

from __future__ import annotations

from botkit.backends.zulip.directory import ChannelMembers, Channels, UserDirectory

REGISTER = {
    "realm_users": [
        {"user_id": 8, "full_name": "Cordelia", "email": "user8@x", "is_bot": False},
        {"user_id": 29, "full_name": "Bot", "email": "bot@x", "is_bot": True},
    ],
    "realm_non_active_users": [{"user_id": 12, "full_name": "Othello", "email": "user12@x"}],
    "cross_realm_bots": [{"user_id": 4, "full_name": "Notification Bot", "is_bot": True}],
    "subscriptions": [
        {"stream_id": 27, "name": "general", "invite_only": False},
        {"stream_id": 30, "name": "secret", "invite_only": True},
    ],
}


def test_register_state_loads_active_inactive_and_system_bots() -> None:
    directory = UserDirectory()
    directory.load(REGISTER)
    users = {u.id: u for u in directory.all()}
    assert set(users) == {"4", "8", "12", "29"}
    assert users["12"].is_active is False
    assert users["29"].is_bot
    assert users["29"].username == "bot@x"


def test_realm_user_events_add_update_deactivate_and_reactivate() -> None:
    directory = UserDirectory()
    directory.load(REGISTER)
    directory.apply(
        {"type": "realm_user", "op": "add", "person": {"user_id": 40, "full_name": "New"}}
    )
    directory.apply(
        {"type": "realm_user", "op": "update", "person": {"user_id": 8, "full_name": "C."}}
    )
    directory.apply(
        {"type": "realm_user", "op": "update", "person": {"user_id": 8, "is_active": False}}
    )
    assert directory.get(40) is not None
    cordelia = directory.get(8)
    assert cordelia is not None
    assert cordelia.name == "C."
    assert not cordelia.is_active
    directory.apply(
        {"type": "realm_user", "op": "update", "person": {"user_id": 8, "is_active": True}}
    )
    again = directory.get(8)
    assert again is not None
    assert again.is_active
    directory.apply({"type": "realm_user", "op": "remove", "person": {"user_id": 29}})
    bot = directory.get(29)
    assert bot is not None
    assert not bot.is_active


def test_unknown_ids_resolve_to_placeholders() -> None:
    directory = UserDirectory()
    directory.load(REGISTER)
    assert directory.unknown([8, 99]) == [99]
    assert [u.name for u in directory.resolve([8, 99])] == ["Cordelia", "user 99"]


def test_members_cache_is_forgotten_on_subscription_changes() -> None:
    cache = ChannelMembers()
    cache.put(27, [8, 10])
    cache.put(30, [8])
    cache.apply({"type": "subscription", "op": "update", "stream_id": 27, "property": "color"})
    assert cache.get(27) == [8, 10]
    cache.apply({"type": "subscription", "op": "peer_add", "stream_ids": [27], "user_ids": [12]})
    assert cache.get(27) is None
    assert cache.get(30) == [8]
    cache.apply({"type": "subscription", "op": "remove", "subscriptions": [{"stream_id": 30}]})
    assert cache.get(30) is None


def test_channels_know_which_are_private() -> None:
    channels = Channels()
    channels.load(REGISTER)
    assert channels.private == {30}
    channels.apply({"op": "add", "subscriptions": [{"stream_id": 31, "invite_only": True}]})
    assert channels.private == {30, 31}
