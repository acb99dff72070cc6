"""The key-point grader reads answers the way people write them and is not fooled."""

import pytest

from bot.grader import Coverage, Grader, NoAnswer, Verdict
from bot.grader import thresholds as t
from content import load_bank

BANK = load_bank()
GRADER = Grader(BANK)
GIL = BANK.get("gil")
GOOD = (
    "The GIL lets only one thread execute Python bytecode at a time; it protects reference "
    "counts. It is released during blocking I/O so threads suit I/O-bound work, while "
    "CPU-bound code should use multiprocessing. Python 3.13 has a free-threaded build, "
    "and since 3.12 subinterpreters can each have their own GIL."
)


def grade(answer, question=GIL):
    return GRADER.grade(question, answer)


def covered(answer, question=GIL):
    return [r.coverage is not Coverage.MISSED for r in grade(answer, question).points]


def test_a_complete_answer_is_strong_with_every_point_and_its_evidence():
    result = grade(GOOD)
    assert result.verdict is Verdict.STRONG and result.score == 100
    assert all(point.evidence for point in result.points)
    assert result.tip == ""


@pytest.mark.parametrize(
    "variant",
    [
        GOOD.upper(),
        GOOD.replace("multiprocessing", "multiprocesing").replace("released", "relesed"),
        "- only one thread runs bytecode at a time 🔒\n- released during I/O\n- protects refcounts",
        "```python\n# only one thread executes bytecode at a time\n```\nreleased during `io`",
        "released during I/O, and one thread executes bytecode at a time",
    ],
    ids=["shouting", "typos", "bullets-emoji", "code-fence", "word-order"],
)
def test_case_typos_bullets_emoji_code_and_word_order_still_count(variant):
    one_thread, _, released_during_io, *_ = covered(variant)
    assert one_thread and released_during_io


def test_inflections_match_the_same_stem():
    question = BANK.get("generators-vs-iterators")
    assert grade("iterating over an iterator with next()", question).score > 0


def test_negated_statements_do_not_earn_the_positive_point():
    assert not covered("The GIL is not released during I/O.")[2]
    assert not covered("The GIL is never released during I/O, without exception.")[2]
    assert not covered("The GIL isn't released during I/O.")[2]
    assert covered("The GIL is released during I/O.")[2]


def test_misconceptions_are_flagged_and_cost_points():
    result = grade(f"{GOOD} Also: {GIL.misconceptions[0].text}.")
    assert [f.misconception.text for f in result.misconceptions] == [GIL.misconceptions[0].text]
    assert result.score == min(100 - t.MISCONCEPTION_PENALTY, t.STRONG_FROM - 1)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", NoAnswer.EMPTY),
        ("   \n ", NoAnswer.EMPTY),
        ("🤔🤷", NoAnswer.NO_WORDS),
        ("I don't know", NoAnswer.UNKNOWN),
        ("no idea tbh, never used threads", NoAnswer.UNKNOWN),
        ("pass", NoAnswer.UNKNOWN),
        ("gil gil gil gil", NoAnswer.REPEATED),
        (GIL.prompt, NoAnswer.ECHO),
        ("what is the GIL in CPython and what does it protect? i think", NoAnswer.ECHO),
    ],
)
def test_non_answers_are_refused_with_a_reason(answer, reason):
    result = grade(answer)
    assert (result.no_answer, result.verdict, result.score) == (reason, Verdict.NO_ANSWER, 0)


def test_short_real_answers_are_not_mistaken_for_non_answers():
    mutable = grade("pass by reference", BANK.get("mutable-default-args"))
    assert mutable.no_answer is None
    assert grade("not sure, but only one thread runs bytecode at a time").no_answer is None
    assert grade("the GIL protects reference counts").no_answer is None


def test_off_topic_text_and_a_repeated_keyword_score_nothing():
    assert grade("My favourite pizza is margherita with fresh basil.").score == 0
    assert grade("GIL GIL GIL thread thread").verdict is not Verdict.STRONG


def test_the_tip_names_the_most_important_missed_point():
    result = grade("Only one thread runs Python bytecode at a time.")
    heaviest = max(point.weight for point in GIL.key_points[1:])
    assert result.tip in {p.text for p in GIL.key_points[1:] if p.weight == heaviest}


def test_every_bank_question_grades_a_4096_character_answer():
    long_answer = (GOOD + " ") * 20
    for question in BANK.questions:
        assert 0 <= grade(long_answer[:4096], question).score <= 100
