"""Progress figures from a learner's scores: per section, per topic, overall."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from content import Bank, Question, Section


@dataclass(frozen=True, slots=True)
class Tally:
    answered: int
    total: int
    average: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    attempts: int
    overall: Tally
    sections: dict[Section, Tally]


def tally(questions: Sequence[Question], scores: Mapping[str, Sequence[int]]) -> Tally:
    """Questions answered of those given, and the average of their latest scores."""
    latest = [scores[q.id][-1] for q in questions if scores.get(q.id)]
    return Tally(len(latest), len(questions), fmean(latest) if latest else None)


def progress(bank: Bank, scores: Mapping[str, Sequence[int]]) -> Progress:
    known = {qid: s for qid, s in scores.items() if bank.get(qid)}
    return Progress(
        attempts=sum(len(s) for s in known.values()),
        overall=tally(bank.questions, known),
        sections={section: tally(bank.in_section(section), known) for section in Section},
    )
