"""What ``[bot] send_read_receipts`` means on Zulip.

Zulip shows a user's read receipts only while that user's own ``send_read_receipts`` setting is
on, and a bot cannot change its own setting (PATCH /settings refuses bot requests). So the
configured value is what the operator wants others to see, and the account's value (read at
register, followed through ``user_settings`` events) is what Zulip will actually show:

==============  ===============  ==========================================================
config          account          the bot ...
==============  ===============  ==========================================================
false           true (visible)   never marks read (reads would be visible); uses its cursor
false           false            marks read: nobody can see it
true            false            marks read, and warns that Zulip hides the receipts
true            true             marks read, visibly
unset           either           follows the account: marks read
==============  ===============  ==========================================================

A server without read receipts (before Zulip 6.0, feature level 137) shows nobody's reads, so
marking read is always invisible there.
"""

from __future__ import annotations

__all__ = ["RECEIPTS_FEATURE_LEVEL", "ReadPolicy"]

#: GET /messages/{id}/read_receipts and the send_read_receipts setting: Zulip 6.0.
RECEIPTS_FEATURE_LEVEL = 137


class ReadPolicy:
    def __init__(self, wanted: bool | None) -> None:
        #: ``[bot] send_read_receipts``: what the operator wants others to see.
        self.wanted = wanted
        #: The bot account's own setting (None: the server did not say).
        self.account: bool | None = None
        self.feature_level = RECEIPTS_FEATURE_LEVEL

    @property
    def server_has_receipts(self) -> bool:
        return self.feature_level >= RECEIPTS_FEATURE_LEVEL

    @property
    def receipts_visible(self) -> bool:
        """Would others see the bot's reads? An unknown account value counts as visible (the
        default for new accounts is on)."""
        return self.server_has_receipts and self.account is not False

    @property
    def marks_read(self) -> bool:
        return not (self.wanted is False and self.receipts_visible)

    def set_account(self, value: bool | None) -> bool:
        """Record the account's setting; True when that changes whether the bot marks read."""
        before = self.marks_read
        self.account = value
        return before != self.marks_read

    def describe(self) -> str:
        """One paragraph for the start-up log: what others will see of the bot's reads."""
        if not self.server_has_receipts:
            return (
                f"This Zulip server (feature level {self.feature_level}) has no read receipts: "
                "the bot marks messages read once handled and nobody can see it."
            )
        if not self.marks_read:
            return (
                "The bot does not mark messages read ([bot] send_read_receipts = false, while the "
                "bot account's own send_read_receipts setting is on), so it never appears in read "
                "receipts; it remembers what it handled with a local cursor instead."
            )
        if self.receipts_visible:
            return (
                "The bot marks messages read once handled, and others see it in read receipts "
                "(the bot account's send_read_receipts setting is on)."
            )
        return (
            "The bot marks messages read once handled; others do not see it in read receipts "
            "(the bot account's send_read_receipts setting is off)."
        )

    def advice(self) -> str | None:
        """A warning worth logging once, or None."""
        if not self.server_has_receipts:
            return None
        if not self.marks_read:
            return (
                "An administrator can turn the bot account's send_read_receipts setting off to "
                "give the bot back its read state (a bot cannot change its own setting)."
            )
        if self.wanted is True and self.account is False:
            return (
                "[bot] send_read_receipts = true, but the bot account's send_read_receipts "
                "setting is off, so Zulip hides its read receipts; an administrator can turn the "
                "account's setting on."
            )
        return None
