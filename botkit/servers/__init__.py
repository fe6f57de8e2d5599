"""Local chat servers (fake Zulip and Rocket.Chat) that behave like the real ones over HTTP."""
