"""Grading against a plain reference answer (no curated key points)."""

import pytest

from bot.grader import NoAnswer, ReferenceGrader, Verdict

QUESTION = "What is a pointer?"
REFERENCE = "A variable that stores the memory address of another variable."
GRADER = ReferenceGrader(REFERENCE, QUESTION)


def score(answer: str, grader: ReferenceGrader = GRADER) -> int:
    return grader.grade(answer).score


def test_the_reference_itself_earns_full_marks():
    grade = GRADER.grade(REFERENCE)
    assert grade.score == 100
    assert grade.verdict is Verdict.STRONG


def test_a_paraphrase_beats_an_off_topic_answer():
    paraphrase = score("It holds the address in memory where some other variable lives.")
    off_topic = score("A loop that repeats its body until the condition becomes false.")
    assert paraphrase >= 75 > 40 > off_topic


@pytest.mark.parametrize("answer", ["", "   ", "I don't know", "no idea"])
def test_empty_and_unknown_answers_score_zero(answer):
    grade = GRADER.grade(answer)
    assert grade.score == 0
    assert grade.no_answer in (NoAnswer.EMPTY, NoAnswer.UNKNOWN)


@pytest.mark.parametrize(
    ("correct", "misspelt"),
    [
        ("it keeps a memory address", "it keeps a memroy adress"),
        ("it refers to another variable", "it refers to anohter varaible"),
    ],
)
def test_typos_cost_little(correct, misspelt):
    assert abs(score(correct) - score(misspelt)) <= 5
    assert score(misspelt) >= 75


def test_a_related_word_form_earns_partial_credit():
    grader = ReferenceGrader("Abstraction and reusability.", "What are the advantages of OOP?")
    assert score("You can reuse code.", grader) > score("You can write code.", grader)


def test_only_an_answer_adding_nothing_to_the_question_is_an_echo():
    grader = ReferenceGrader("Unlimited number.", "How many constructors can a class have?")
    assert grader.grade("A class can have many constructors.").no_answer is NoAnswer.ECHO
    own_words = grader.grade("As many constructors as the programmer wants.")
    assert own_words.no_answer is None
    assert own_words.score > 0


def test_the_reference_clauses_are_reported_as_points():
    grader = ReferenceGrader(
        "Constructors have no return type. They run when an object is created.",
        "What is a constructor?",
    )
    grade = grader.grade("It runs whenever an object is created.")
    assert [p.coverage.name for p in grade.points] == ["MISSED", "HIT"]
