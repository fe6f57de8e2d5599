"""The one table a bench run prints (plain text, ready to paste into the README)."""

from __future__ import annotations

import math

from bench.results import Figure, Results

__all__ = ["format_value", "render"]


def format_value(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf"
    magnitude = abs(value)
    whole = unit in ("", "calls") and float(value).is_integer()
    if whole or magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 0.1 or magnitude == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.4f}"
    return f"{text} {unit}".rstrip()


def _target(figure: Figure) -> str:
    if figure.target is None:
        return ""
    text = figure.target.describe()
    if figure.target.text or figure.unit in ("", "x"):
        return text
    return f"{text} {figure.unit}"


def _mark(results: Results, figure: Figure) -> str:
    passed = results.judged(figure)
    return {True: "pass", False: "MISS", None: "-" if figure.target else ""}[passed]


def render(results: Results) -> str:
    header = ("Figure", "Value", "Target", "Result")
    groups: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for f in results.figures:
        title = f"{f.scenario}: {f.case}"
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        groups[-1][1].append(
            ("  " + f.name, format_value(f.value, f.unit), _target(f), _mark(results, f))
        )
    rows = [row for _, block in groups for row in block]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [f"botkit bench, {results.mode} mode", "", line(header)]
    out.append(line(tuple("-" * w for w in widths)))
    for title, block in groups:
        out.append(title)
        out.extend(line(row) for row in block)
    if not results.judging:
        out += ["", "Smoke mode: sizes too small for the targets to mean anything; not judged."]
    out += ["", "How each figure was measured (and the size of the work):"]
    seen: set[str] = set()
    for f in results.figures:
        text = f"- {f.scenario}: {f.case}: {f.size}; {f.how}."
        if text not in seen:
            seen.add(text)
            out.append(text)
    notes = [f"- {f.scenario}: {f.case}, {f.name}: {f.note}" for f in results.figures if f.note]
    if notes:
        out += ["", "Notes:", *notes]
    if results.skipped:
        out += ["", "Not measured:"]
        out += [f"- {s.scenario}: {s.case}: {s.reason}" for s in results.skipped]
    if results.judging:
        misses = results.misses()
        out += ["", f"Targets missed: {len(misses)}"]
        out += [
            f"- {f.scenario}: {f.case}, {f.name} = {format_value(f.value, f.unit)} "
            f"(target {_target(f)})"
            for f in misses
        ]
    return "\n".join(out)
