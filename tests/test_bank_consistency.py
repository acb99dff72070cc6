"""The bank agrees with its own grader: model answers pass, misconceptions fail, points differ."""

import pytest

from bot.grader import Grader
from bot.grader import thresholds as t
from content import load_bank

BANK = load_bank()
GRADER = Grader(BANK)
QUESTIONS = [pytest.param(q, id=q.id) for q in BANK.questions]


@pytest.mark.parametrize("question", QUESTIONS)
def test_model_answer_scores_at_least_90(question):
    grade = GRADER.grade(question, f"{question.answer}\n{question.answer_code}")
    missed = [r.point.text for r in grade.points if r.coverage.name != "HIT"]
    assert grade.score >= 90, f"score {grade.score}; not covered: {missed}"
    assert not grade.misconceptions, [f.misconception.text for f in grade.misconceptions]


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.values[0].misconceptions])
def test_misconception_as_answer_is_flagged_and_scores_under_40(question):
    for wrong in question.misconceptions:
        grade = GRADER.grade(question, wrong.text)
        flagged = [f.misconception for f in grade.misconceptions]
        assert wrong in flagged, f"not flagged: {wrong.text!r}"
        assert grade.score < 40, f"{wrong.text!r} scores {grade.score}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_no_phrasing_hits_another_key_point(question):
    prepared = GRADER.prepared(question)
    for own, point in enumerate(question.key_points):
        for phrasing in point.phrasings:
            matches = prepared.point_matches(prepared.vocabulary.read(phrasing))
            for other, match in enumerate(matches):
                if other != own and match is not None:
                    assert match.coverage < t.HIT_COVERAGE, (
                        f"{phrasing!r} (point {own}) also covers point {other}: "
                        f"{question.key_points[other].text!r}"
                    )
