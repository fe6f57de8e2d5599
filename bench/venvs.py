"""The zulip_bots comparison runs in its own virtual environment, created on first use, so
botkit's environment never gets zulip_bots' dependencies (and the comparison sees zulip_bots
exactly as its users install it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.procs import BENCH_ROOT

__all__ = ["ZULIP_BOTS_VENV", "ensure_zulip_bots"]

ZULIP_BOTS_VENV = BENCH_ROOT / "bench" / ".venv-zulip-bots"
INSTALL_TIMEOUT = 600.0


def _tail(log: Path, lines: int = 3) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " / ".join(text[-lines:]) or "no output"


def ensure_zulip_bots(log: Path) -> Path:
    """``zulip-run-bot`` of ``bench/.venv-zulip-bots``, created on first use (python -m venv,
    pip install zulip-bots). Raises RuntimeError naming what failed."""
    runner = ZULIP_BOTS_VENV / "bin" / "zulip-run-bot"
    if runner.exists():
        return runner
    python = shutil.which("python3") or sys.executable
    steps = [
        [python, "-m", "venv", str(ZULIP_BOTS_VENV)],
        [str(ZULIP_BOTS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "zulip-bots"],
    ]  # fmt: skip
    with open(log, "ab") as out:
        for step in steps:
            try:
                subprocess.run(step, stdout=out, stderr=out, check=True, timeout=INSTALL_TIMEOUT)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
                shutil.rmtree(ZULIP_BOTS_VENV, ignore_errors=True)
                raise RuntimeError(
                    f"installing zulip-bots failed ({error}): {_tail(log)}"
                ) from None
    if not runner.exists():
        raise RuntimeError(f"zulip-bots installed no zulip-run-bot: {_tail(log)}")
    return runner
