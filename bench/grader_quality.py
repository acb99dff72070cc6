"""The grader on the hand-labelled answers in tests/grader_cases (not a test).

python bench/grader_quality.py [--misses]
"""

import argparse
from pathlib import Path

from bot.grader.labelled import load_cases, measure, report
from content import load_bank

CASES = Path(__file__).resolve().parent.parent / "tests" / "grader_cases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    metrics = measure(load_cases(CASES), load_bank())
    if args.misses:
        print("\n".join(metrics.misses))
    print(report(metrics))


if __name__ == "__main__":
    main()
