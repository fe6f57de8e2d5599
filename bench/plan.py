"""What a bench run does: the sizes of the work (full or smoke) and where it writes.

Full sizes are the issue's; smoke sizes keep every code path running in well under a minute
(CI runs ``make bench-smoke`` after the tests), so their figures say little about speed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.results import Results

__all__ = ["FULL", "SMOKE", "Plan", "Sizes"]


@dataclass(frozen=True)
class Sizes:
    mode: str
    runs: int
    burst: int
    catch_up: int
    receipts_queries: int
    receipts_queries_rocketchat: int
    receipts_members: int
    audit_messages: int
    #: The plain approach under the default limit runs for this long, then is projected.
    plain_window_s: float
    #: Bound for the runs expected to finish (no limit, zulip_bots).
    finish_window_s: float
    idle_window_s: float
    version_runs: int
    startup_runs: int
    zulip_bots: bool


FULL = Sizes(
    mode="full",
    runs=3,
    burst=10_000,
    catch_up=5_000,
    receipts_queries=200,
    receipts_queries_rocketchat=20,
    receipts_members=500,
    audit_messages=1_000,
    plain_window_s=60.0,
    finish_window_s=180.0,
    idle_window_s=20.0,
    version_runs=5,
    startup_runs=3,
    zulip_bots=True,
)

SMOKE = Sizes(
    mode="smoke",
    runs=1,
    burst=300,
    catch_up=300,
    receipts_queries=20,
    receipts_queries_rocketchat=2,
    receipts_members=50,
    audit_messages=10,
    plain_window_s=6.0,
    finish_window_s=30.0,
    idle_window_s=5.0,
    version_runs=5,
    startup_runs=1,
    zulip_bots=False,
)


@dataclass
class Plan:
    sizes: Sizes
    workdir: Path
    results: Results
    started: float = field(default_factory=time.monotonic)

    def progress(self, text: str) -> None:
        """A line on stderr so a long run shows where it is."""
        elapsed = time.monotonic() - self.started
        print(f"[bench {elapsed:6.1f}s] {text}", file=sys.stderr, flush=True)

    def dir(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path
