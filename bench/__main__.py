"""``python -m bench [--smoke] [--output PATH] [--only NAME ...] [--keep]``: run the scenarios,
print one table, write the figures as JSON. Exit code 1 when a scenario failed to run (its
error is printed and recorded in the JSON); a missed target does not fail the run."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import alternatives, audit, burst, catchup, receipts, startup
from bench.plan import FULL, SMOKE, Plan
from bench.procs import BENCH_ROOT
from bench.results import Results
from bench.table import render

SCENARIOS: dict[str, Callable[[Plan], None]] = {
    "burst": burst.run,
    "alternatives": alternatives.run,
    "catchup": catchup.run,
    "receipts": receipts.run,
    "audit": audit.run,
    "startup": startup.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, 1 run, short windows")
    parser.add_argument("--output", type=Path, default=None, help="default: bench/results.json")
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), metavar="NAME",
                        help=f"run only these scenarios: {', '.join(SCENARIOS)}")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    output = args.output or BENCH_ROOT / "bench" / "results.json"
    workdir = Path(tempfile.mkdtemp(prefix="botkit-bench-"))
    plan = Plan(sizes, workdir, Results(sizes.mode, sizes.runs))
    failed = []
    started = time.monotonic()
    try:
        for name in args.only or list(SCENARIOS):
            try:
                SCENARIOS[name](plan)
            except Exception as error:  # one broken scenario must not hide the others' figures
                traceback.print_exc()
                failed.append(name)
                plan.results.skip(name, "all cases", f"failed: {type(error).__name__}: {error}")
    finally:
        plan.results.wall_s = time.monotonic() - started
        plan.results.write(output)
        if failed or args.keep:
            print(f"work folder kept (logs): {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(render(plan.results))
    print(f"\nfigures written to {output} ({plan.results.wall_s:.0f} s)")
    if failed:
        print(f"scenarios that failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
