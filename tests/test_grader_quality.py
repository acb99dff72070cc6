"""The grader against 470 hand-labelled answers to all 100 bank questions.

The figures themselves are printed by `python bench/grader_quality.py`; these floors catch a
change that makes the grader clearly worse.
"""

from pathlib import Path

import pytest

from bot.grader import Verdict
from bot.grader.labelled import load_cases, measure
from content import load_bank

CASES = load_cases(Path(__file__).parent / "grader_cases")
BANK = load_bank()


@pytest.fixture(scope="module")
def metrics():
    return measure(CASES, BANK)


def test_the_labelled_set_is_large_and_valid():
    assert len(CASES) >= 300
    assert len({case.question for case in CASES}) >= 50
    for case in CASES:
        question = BANK.get(case.question)
        assert question is not None, case.question
        assert all(0 <= i < len(question.key_points) for i in case.covers), case
        assert all(0 <= i < len(question.misconceptions) for i in case.misconceptions), case


def test_key_points_are_found_with_good_precision_and_recall(metrics):
    assert metrics.f1 >= 0.80
    assert metrics.recall >= 0.77


def test_verdicts_mostly_agree_with_people(metrics):
    assert metrics.verdict_accuracy >= 0.65


def test_non_answers_are_never_graded_strong_and_real_answers_never_refused(metrics):
    assert metrics.confusion[Verdict.NO_ANSWER, Verdict.STRONG] == 0
    for verdict in (Verdict.STRONG, Verdict.PARTIAL):
        assert metrics.confusion[verdict, Verdict.NO_ANSWER] == 0
