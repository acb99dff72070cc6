"""Grade against a plain reference answer, before its key points are curated.

The reference's clauses become key points, so the learner still sees which parts were
covered; the score is the weighted share of the reference's words the answer uses, blended
with rapidfuzz's token-set similarity and saturating below 100%, as human graders give full
marks to answers that cover the substance without every word.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.grader import thresholds as t
from bot.grader.grade import Grade, PreparedQuestion, verdict
from bot.grader.text import analyse
from content import KeyPoint

CLAUSE_SPLIT = re.compile(r"(?<=[.;!?])\s+|\s*;\s*|\n+")
MIN_CLAUSE_WORDS = 2


def derive_key_points(reference: str) -> tuple[KeyPoint, ...]:
    """One key point per clause of the reference (short clauses join the next)."""
    points = []
    pending = ""
    for clause in CLAUSE_SPLIT.split(reference):
        clause = f"{pending} {clause}".strip()
        if len(analyse(clause).words) < MIN_CLAUSE_WORDS:
            pending = clause
            continue
        points.append(KeyPoint(text=clause, alternatives=()))
        pending = ""
    if pending and analyse(pending).words:
        points.append(KeyPoint(text=pending, alternatives=()))
    return tuple(points)


class ReferenceGrader:
    """Grades answers to one question from its reference answer alone."""

    def __init__(self, reference: str, question: str = "") -> None:
        self.reference = reference
        self.prepared = PreparedQuestion(derive_key_points(reference), prompt=question)
        prompt_stems = self.prepared.prompt_stems
        self._weights = {
            word.stem: t.PROMPT_WORD_WEIGHT if word.stem in prompt_stems else 1.0
            for word in analyse(reference).words
        }

    def grade(self, answer: str) -> Grade:
        reading = self.prepared.matcher.read(answer)
        grade = self.prepared.grade_reading(answer, reading)
        if grade.no_answer or not self._weights:
            return grade
        used = set(reading.stems)
        recall = sum(w for stem, w in self._weights.items() if stem in used)
        recall /= sum(self._weights.values())
        similarity = fuzz.token_set_ratio(self.reference, answer, processor=default_process) / 100
        share = t.REFERENCE_RECALL_SHARE
        blended = share * recall + (1 - share) * similarity
        score = round(100 * min(1.0, blended / t.REFERENCE_FULL_MARKS))
        return Grade(score, verdict(score), grade.points, grade.misconceptions, grade.tip)
