"""How fast the grader reads an answer: median and p99 over many runs (not a test).

    python bench/grader_speed.py [--runs 2000]

Answers are built from the bank's own model answers: the first 60 words, and a 4,096-character
answer (model answers repeated and cut). Matchers are prepared once per question beforehand,
as the bot does; the time measured is one `grade` call.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bot.grader import Grader
from content import load_bank


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(grader: Grader, cases: list, runs: int) -> list[float]:
    timings = []
    for run in range(runs):
        question, answer = cases[run % len(cases)]
        start = time.perf_counter()
        grader.grade(question, answer)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    bank = load_bank()
    grader = Grader(bank)
    started = time.perf_counter()
    for question in bank.questions:
        grader.prepared(question)
    prepare_ms = (time.perf_counter() - started) * 1000 / len(bank.questions)
    short = [(q, " ".join(q.answer.split()[:60])) for q in bank.questions]
    long = []
    for question in bank.questions:
        text = f"{question.answer}\n{question.answer_code}\n"
        long.append((question, (text * (4096 // len(text) + 1))[:4096]))
    print(f"questions={len(bank.questions)} prepare={prepare_ms:.2f} ms/question (once)")
    for name, cases in (("60-word answer", short), ("4,096-char answer", long)):
        measure(grader, cases, min(200, args.runs))  # warm caches
        timings = measure(grader, cases, args.runs)
        print(
            f"{name:<18} median={statistics.median(timings):.3f} ms "
            f"p99={percentile(timings, 0.99):.3f} ms  (runs={args.runs})"
        )


if __name__ == "__main__":
    main()
