"""What each of the grader's levers is worth on the blind banded answers (not a test).

python bench/grader_levers.py [FILE.csv]

Grades the file with the whole grader, then with one lever turned off at a time, and prints
the band agreement (overall and per band) and the counter-statements flagged for each.
"""

import argparse
import dataclasses
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.grader import Grader, grade
from bot.grader import text as grader_text
from bot.grader import thresholds as t
from bot.grader.bands import Band, BandReport, grade_banded, read_banded
from content import Bank, load_bank

NEVER = re.compile(r"(?!)")
ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "blind" / "tuned-1.csv"


@contextmanager
def patched(module, **values) -> Iterator[None]:
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def thresholds(**values):
    return patched(t, **values)


@contextmanager
def vocabulary(name: str, empty) -> Iterator[None]:
    """Empty one of the vocabulary tables that text.py reads (and forget what it cached)."""
    saved = getattr(grader_text, name)
    setattr(grader_text, name, empty)
    caches = (grader_text.concept_table, grader_text.concept_starts, grader_text.opposite_stems)
    for cached in caches:
        cached.cache_clear()
    try:
        yield
    finally:
        setattr(grader_text, name, saved)
        for cached in caches:
            cached.cache_clear()


def without_sides(bank: Bank) -> Bank:
    """The bank with no comparison sides (and so no key point bound to one)."""
    questions = tuple(
        dataclasses.replace(
            q,
            sides=(),
            key_points=tuple(dataclasses.replace(p, subject="") for p in q.key_points),
        )
        for q in bank.questions
    )
    return Bank(questions, bank.topics)


LEVERS: dict[str, Callable[[], object]] = {
    "whole grader": lambda: thresholds(),
    "no concept vocabulary": lambda: vocabulary("CONCEPTS", {}),
    "no opposites": lambda: vocabulary("OPPOSITES", []),
    "no term-list rule": lambda: thresholds(LISTED_COVERAGE=1.0),
    "window slack 6 (was 2)": lambda: thresholds(WINDOW_SLACK=6),
    "partial from 0.5 at 0.75 credit, linear score (before the fit)": lambda: thresholds(
        PARTIAL_COVERAGE=0.5, PARTIAL_CREDIT=0.75, SCORE_CURVE=1.0
    ),
    "misconceptions may miss any word": lambda: thresholds(MISCONCEPTION_WORDS_PER_MISS=1),
    "no swapped-claim flags": lambda: thresholds(SWAPPED_COVERAGE=2.0),
    "no negated key facts": lambda: thresholds(DENIED_COVERAGE=2.0),
    "no fail for two wrong claims": lambda: thresholds(WRONG_CLAIMS_TO_FAIL=10**6),
    "no keyword-salad fail": lambda: thresholds(SALAD_SHARE=2.0),
    "no fail for talk without claims": lambda: thresholds(VAGUE_TALK_FOR_SALAD=10**6),
    "no fail for sentences of chained ands": lambda: thresholds(AND_CHAIN_FOR_SALAD=10**6),
    'no cap for doubted claims ("I think ...")': lambda: patched(grade, HEDGE=NEVER),
    'no cap for "basically the same"': lambda: patched(grade, SAME_TALK=NEVER),
}


def flagged_counters(bank: Bank) -> int:
    grader = Grader(bank)
    return sum(
        bool(grader.grade(question, counter).misconceptions)
        for question in bank.questions
        for wrong in question.misconceptions
        for counter in wrong.counters
    )


def measure(rows, bank: Bank) -> str:
    result = BandReport(tuple(grade_banded(rows, bank)))
    bands = " ".join(f"{band}={result.band_agreement(band):.2f}" for band in Band)
    return f"{result.agreement:.3f} ({bands}) counters flagged={flagged_counters(bank)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", type=Path, default=ANSWERS)
    args = parser.parse_args()
    rows = read_banded(args.file)
    bank = load_bank()
    for name, lever in LEVERS.items():
        with lever():
            print(f"{name:<66} {measure(rows, bank)}")
    print(f"{'no sides (no comparison binding, no swapped claims)':<66}", end=" ", flush=True)
    print(measure(rows, without_sides(bank)))


if __name__ == "__main__":
    main()
