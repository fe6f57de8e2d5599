"""The root settings model: every TOML section, plus ``BOTKIT_<SECTION>__<KEY>`` overrides."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from botkit.config.schema import (
    AclSection,
    BotSection,
    CatchUpSection,
    DeliverySection,
    PluginsSection,
    RocketChatSection,
    SchedulerSection,
    ZulipSection,
)

__all__ = ["Settings"]


class Settings(BaseSettings):
    """All of botkit's configuration. Build it with ``botkit.config.load_settings``."""

    model_config = SettingsConfigDict(
        env_prefix="BOTKIT_",
        env_nested_delimiter="__",
        extra="forbid",
        hide_input_in_errors=True,
        frozen=True,
    )

    bot: BotSection = Field(default_factory=BotSection)
    zulip: ZulipSection = Field(default_factory=ZulipSection)
    rocketchat: RocketChatSection = Field(default_factory=RocketChatSection)
    plugins: PluginsSection = Field(default_factory=PluginsSection)
    acl: AclSection = Field(default_factory=AclSection)
    scheduler: SchedulerSection = Field(default_factory=SchedulerSection)
    delivery: DeliverySection = Field(default_factory=DeliverySection)
    catch_up: CatchUpSection = Field(default_factory=CatchUpSection)
