"""Figures: one measured value with how it was measured, the size of the work, and its target.

Every scenario returns ``Figure``s; ``Results`` collects them (and the scenarios that could not
run, with the reason) and writes the JSON file.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Figure", "Figures", "Results", "Skipped", "Target", "median"]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@dataclass(frozen=True, slots=True)
class Target:
    op: Literal["<=", "<", ">=", ">"]
    threshold: float
    text: str = ""

    def check(self, value: float | None) -> bool | None:
        if value is None or value != value:  # NaN: not measured
            return None
        if self.op == "<=":
            return value <= self.threshold
        if self.op == "<":
            return value < self.threshold
        if self.op == ">=":
            return value >= self.threshold
        return value > self.threshold

    def describe(self) -> str:
        return self.text or f"{self.op} {self.threshold:g}"


@dataclass
class Figure:
    scenario: str
    case: str
    name: str
    value: float | None
    unit: str
    #: How it was measured and what was done (sizes), in words.
    how: str
    size: str
    runs: list[float] = field(default_factory=list)
    target: Target | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        return self.target.check(self.value) if self.target is not None else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = self.target.describe() if self.target is not None else None
        data["passed"] = self.passed
        return data


@dataclass(frozen=True, slots=True)
class Figures:
    """Makes the figures of one scenario case: ``make("messages per second", runs, "msg/s")``
    gives the median of ``runs`` (a single value is one run; None: not measured)."""

    scenario: str
    case: str
    how: str
    size: str

    def __call__(
        self,
        name: str,
        values: float | Sequence[float] | None,
        unit: str,
        target: Target | None = None,
        note: str = "",
    ) -> Figure:
        if values is None:
            runs: list[float] = []
            value = None
        elif isinstance(values, int | float):
            runs, value = [float(values)], float(values)
        else:
            runs = [float(v) for v in values]
            value = median(runs)
        return Figure(self.scenario, self.case, name, value, unit, self.how, self.size, runs,
                      target, note)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Skipped:
    scenario: str
    case: str
    reason: str


@dataclass
class Results:
    mode: str
    runs: int
    figures: list[Figure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    wall_s: float = 0.0

    def add(self, figures: Sequence[Figure]) -> None:
        self.figures.extend(figures)

    def skip(self, scenario: str, case: str, reason: str) -> None:
        self.skipped.append(Skipped(scenario, case, reason))

    def find(self, scenario: str, case: str, name: str) -> Figure | None:
        for figure in self.figures:
            if (figure.scenario, figure.case, figure.name) == (scenario, case, name):
                return figure
        return None

    @property
    def judging(self) -> bool:
        """Targets are judged on full runs only: smoke sizes are too small to mean anything."""
        return self.mode == "full"

    def judged(self, figure: Figure) -> bool | None:
        return figure.passed if self.judging else None

    def misses(self) -> list[Figure]:
        return [f for f in self.figures if self.judged(f) is False]

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "runs_per_figure": self.runs,
            "started_unix": round(self.started, 1),
            "wall_s": round(self.wall_s, 1),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": _cpu_count(),
            },
            "targets_judged": self.judging,
            "figures": [{**f.as_json(), "passed": self.judged(f)} for f in self.figures],
            "skipped": [asdict(s) for s in self.skipped],
            "misses": [f"{f.scenario} / {f.case} / {f.name}" for f in self.misses()],
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")


def _cpu_count() -> int | None:
    import os

    return os.cpu_count()
