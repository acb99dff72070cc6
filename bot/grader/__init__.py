"""The grader: explainable key-point scoring of free-text answers (no I/O, no clock)."""

from bot.grader.grade import (
    Coverage,
    Grade,
    MisconceptionFound,
    NoAnswer,
    PointResult,
    PreparedQuestion,
    Verdict,
)
from bot.grader.rarity import word_rarity
from bot.grader.reference import ReferenceGrader, derive_key_points
from content import Bank, Question


class Grader:
    """Grades answers to the bank's questions; each question is compiled once, on first use."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.rarity = word_rarity(bank)
        self._prepared: dict[str, PreparedQuestion] = {}

    def prepared(self, question: Question) -> PreparedQuestion:
        prepared = self._prepared.get(question.id)
        if prepared is None:
            prepared = self._prepared[question.id] = PreparedQuestion.of(question, self.rarity)
        return prepared

    def grade(self, question: Question, answer: str) -> Grade:
        return self.prepared(question).grade(answer)


__all__ = [
    "Coverage",
    "Grade",
    "Grader",
    "MisconceptionFound",
    "NoAnswer",
    "PointResult",
    "PreparedQuestion",
    "ReferenceGrader",
    "Verdict",
    "derive_key_points",
]
