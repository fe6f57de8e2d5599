"""The bench's side of a botkit bot process (``bench.bot_process``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.procs import Child, StopsOnExit, python_module, read_json_file, wait_until

__all__ = ["BotFailed", "BotProcess"]

READY_TIMEOUT = 60.0


class BotFailed(RuntimeError):
    """The bot process exited or never became ready (the message quotes its log)."""


class BotProcess(StopsOnExit):
    """``with BotProcess(settings, workdir, "burst") as bot: bot.wait_ready()``; leaving stops
    it (SIGTERM) and ``final`` then holds its last status (handled, maxrss_kb, cpu_s)."""

    def __init__(
        self, settings: dict[str, Any], workdir: Path, name: str, *, plugin: str = "noop"
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        settings_path = workdir / f"{name}-settings.json"
        settings_path.write_text(json.dumps(settings), encoding="utf-8")
        settings_path.chmod(0o600)  # the local fake's generated credentials
        self.status_path = workdir / f"{name}-status.json"
        self.status_path.unlink(missing_ok=True)
        argv = python_module(
            "bench.bot_process", str(settings_path), "--plugin", plugin,
            "--status", str(self.status_path),
        )  # fmt: skip
        self.child = Child(argv, log=workdir / f"{name}.log")
        self.final: dict[str, Any] = {}

    @property
    def pid(self) -> int:
        return self.child.pid

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> dict[str, Any]:
        """The status written at ready (``started``, ``connected``, ``ready`` times)."""

        def probe() -> dict[str, Any] | None:
            status = read_json_file(self.status_path)
            if isinstance(status, dict) and ("ready" in status or "error" in status):
                return status
            if not self.child.alive():
                raise BotFailed(f"the bot exited before it was ready:\n{self.child.log_tail()}")
            return None

        try:
            status = wait_until(probe, timeout, "the bot to be ready")
        except TimeoutError:
            raise BotFailed(f"the bot was not ready in time:\n{self.child.log_tail()}") from None
        if "error" in status:
            raise BotFailed(f"the bot failed: {status['error']}\n{self.child.log_tail()}")
        return status

    def stop(self) -> dict[str, Any]:
        self.child.stop(grace=20.0)
        status = read_json_file(self.status_path)
        self.final = status if isinstance(status, dict) else {}
        return self.final
