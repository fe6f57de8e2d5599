"""Every bench scenario runs end to end on tiny sizes, so the benchmark code cannot rot.

Nothing here asserts a time: only that each scenario measured what it says it measured (every
message handled and acknowledged, no 429 under the limit, the audit covering every message)
and that the table and the JSON come out.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

# ``bench`` sits at the top of the checkout, next to ``botkit``; ``python -m pytest`` puts that
# folder on the path, the ``pytest`` script does not
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import alternatives, audit, burst, catchup, receipts, startup  # noqa: E402
from bench.plan import SMOKE, Plan  # noqa: E402
from bench.results import Results  # noqa: E402
from bench.table import render  # noqa: E402

TINY = replace(
    SMOKE,
    burst=30,
    catch_up=20,
    receipts_queries=3,
    receipts_queries_rocketchat=1,
    receipts_members=12,
    audit_messages=5,
    plain_window_s=10.0,
    idle_window_s=1.0,
    version_runs=1,
)


def value(results: Results, scenario: str, case: str, name: str) -> float | None:
    figure = results.find(scenario, case, name)
    assert figure is not None, f"no figure {scenario} / {case} / {name}"
    return figure.value


def test_every_scenario_measures_on_tiny_sizes(tmp_path: Path) -> None:
    plan = Plan(TINY, tmp_path, Results(TINY.mode, TINY.runs))
    for scenario in (burst, alternatives, catchup, receipts, audit, startup):
        scenario.run(plan)
    results = plan.results

    for backend, limit in (("zulip", "default"), ("rocketchat", "none")):
        case = burst.case_label(backend, limit)
        assert value(results, burst.SCENARIO, case, "429s received") == 0
        assert (value(results, burst.SCENARIO, case, "API calls per message") or 0) > 0
    plain = f"plain client, {burst.case_label('zulip', 'none')}"
    assert value(results, alternatives.SCENARIO, plain, "messages acknowledged") == 30
    assert [s.case for s in results.skipped] == [
        f"zulip_bots, {burst.case_label('zulip', 'default')}",
        f"zulip_bots, {burst.case_label('zulip', 'none')}",
    ]
    assert (value(results, catchup.SCENARIO, "Rocket.Chat", "messages per second") or 0) > 0
    assert (value(results, receipts.SCENARIO, "Zulip", "latency p99") or 0) > 0
    assert value(results, audit.SCENARIO, "Zulip, default limit", "messages audited") == 5
    assert value(results, audit.SCENARIO, "Zulip, default limit", "429s received") == 0
    assert value(results, startup.SCENARIO, "idle, Rocket.Chat", "CPU while idle") is not None

    table = render(results)
    assert "1 burst: Zulip, default limit (200/60 s)" in table
    assert "Not measured:" in table
    results.write(tmp_path / "results.json")
    written = json.loads((tmp_path / "results.json").read_text())
    assert len(written["figures"]) == len(results.figures)
    assert all(f["how"] and f["size"] for f in written["figures"])
