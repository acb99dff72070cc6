"""Kill -9 and SIGTERM trials against the real bot process (see testing/crash.py).

    PYTHONPATH=. python bench/crash_trials.py [--trials 20] [--learners 30] [--root PATH]

`--root` runs another checkout's bot (for a before/after comparison). Prints one line per
trial and the totals; last line `lost=N doubled=M`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from pathlib import Path

from testing.crash import ROOT, crash_trial, stop_trial


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--stops", type=int, default=1, help="SIGTERM trials, 2,000 updates")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    totals: dict[str, int] = {}
    for trial in range(args.trials):
        with tempfile.TemporaryDirectory() as folder:
            kill_after = rng.uniform(0.05, 1.5)
            result = await crash_trial(Path(folder), kill_after, args.learners, args.root)
        print(f"kill -9 trial {trial + 1}: {result}", flush=True)
        for name in (
            "lost_answers",
            "doubled_answers",
            "grades_not_shown",
            "grades_shown_twice",
            "presses_lost",
            "presses_doubled",
        ):
            totals[name] = totals.get(name, 0) + getattr(result, name)
    for trial in range(args.stops):
        with tempfile.TemporaryDirectory() as folder:
            result = await stop_trial(Path(folder), 2000, 100, args.root)
        print(f"SIGTERM trial {trial + 1}: {result}", flush=True)
        totals["stop_lost"] = totals.get("stop_lost", 0) + result.lost
        totals["stop_doubled"] = totals.get("stop_doubled", 0) + result.doubled
    print("totals:", " ".join(f"{k}={v}" for k, v in totals.items()))
    lost = sum(v for k, v in totals.items() if "lost" in k or "not_shown" in k)
    doubled = sum(v for k, v in totals.items() if "doubled" in k or "twice" in k)
    print(f"lost={lost} doubled={doubled}")


if __name__ == "__main__":
    asyncio.run(main())
