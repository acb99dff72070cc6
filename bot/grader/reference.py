"""Grade against a plain reference answer, before its key points are curated.

The reference's clauses become key points, so the learner still sees which parts were
covered. The score adds two signals: recall, the share of the words the reference adds to the
question that the answer uses (a related form such as "reuse" for "reusability" earns partial
credit), and rapidfuzz's token-set similarity of the two texts, which sees phrasing; that word
score is then blended with the closeness in meaning of the two texts (word embeddings).
"""

from __future__ import annotations

import re
from dataclasses import replace

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.grader import thresholds as t
from bot.grader.grade import Grade, PreparedQuestion, verdict
from bot.grader.matcher import Reading
from bot.grader.meaning import Meaning
from bot.grader.text import analyse, normalise, stem
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
        self._spelling = {word.stem: word.text for word in analyse(reference).words}
        # Words the question already gives away are not knowledge; a reference made only of
        # them keeps them all.
        self._stems = tuple(set(self._spelling) - self.prepared.prompt_stems or self._spelling)
        self._normal = normalise(reference)
        self._meaning = Meaning(reference)

    def grade(self, answer: str) -> Grade:
        reading = self.prepared.vocabulary.read(answer)
        grade = self.prepared.grade_reading(answer, reading)
        if grade.no_answer or not self._stems:
            return grade
        used = set(reading.stems)
        recall = sum(_credit(stem, used) for stem in self._stems) / len(self._stems)
        corrected = self._corrected(reading)
        similarity = fuzz.token_set_ratio(self._normal, corrected, processor=default_process)
        blended = t.REFERENCE_RECALL_WEIGHT * recall
        blended += t.REFERENCE_SIMILARITY_WEIGHT * similarity / 100
        words = min(1.0, blended)
        meaning = self._meaning.closeness(corrected)
        score = round(
            100 * ((1 - t.REFERENCE_MEANING_WEIGHT) * words + t.REFERENCE_MEANING_WEIGHT * meaning)
        )
        return replace(grade, score=score, verdict=verdict(score))

    def _corrected(self, reading: Reading) -> str:
        """The answer's text with the typos the matcher recognised spelled as the reference does."""
        text = reading.text.normal
        parts = []
        end = 0
        for word in reading.words:
            if word.start >= end and word.text.isalpha() and word.stem != stem(word.text):
                parts += (text[end : word.start], self._spelling.get(word.stem, word.text))
                end = word.end
        return "".join(parts) + text[end:]


def _credit(stem: str, used: set[str]) -> float:
    """1 for a reference word the answer uses; else the similarity of its closest relative."""
    if stem in used:
        return 1.0
    related = process.extractOne(
        stem, used, scorer=fuzz.ratio, score_cutoff=t.REFERENCE_RELATED_WORD_RATIO
    )
    return related[1] / 100 if related else 0.0
