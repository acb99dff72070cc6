"""Choosing the next question for a learner: due reviews first, then the weakest section."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from content import Question, Section


@dataclass(frozen=True, slots=True)
class Seen:
    """What selection needs of a question's review card."""

    due: datetime
    score: int  # the latest score


def choose_question(
    candidates: Sequence[Question],
    seen: Mapping[str, Seen],
    now: datetime,
    learner_id: int,
    exclude: str | None = None,
) -> Question | None:
    """In order: a review that is due (the most overdue first); a question not seen yet from
    the weakest section; when everything is seen and nothing is due, the review due soonest.
    `exclude` (the question being answered) is skipped when another candidate exists."""
    pool = [q for q in candidates if q.id != exclude] or list(candidates)
    if not pool:
        return None
    due = [q for q in pool if q.id in seen and seen[q.id].due <= now]
    if due:
        return min(due, key=lambda q: (seen[q.id].due, q.id))
    unseen = [q for q in pool if q.id not in seen]
    if unseen:
        section = weakest_section(pool, seen, {q.section for q in unseen})
        in_section = [q for q in unseen if q.section is section]
        return min(in_section, key=lambda q: zlib.crc32(f"{learner_id}:{q.id}".encode()))
    return min(pool, key=lambda q: (seen[q.id].due, q.id))


def weakest_section(
    questions: Sequence[Question], seen: Mapping[str, Seen], sections: set[Section]
) -> Section:
    """Of `sections`, the one whose answered questions have the lowest average latest score.
    A section with no answers yet has shown no weakness: it comes after every started one, in
    section order (so a learner with no answers starts at the first section)."""

    def weakness(section: Section) -> tuple[bool, float, int]:
        scores = [seen[q.id].score for q in questions if q.section is section and q.id in seen]
        return (not scores, fmean(scores) if scores else 0.0, section.number)

    return min(sections, key=weakness)
