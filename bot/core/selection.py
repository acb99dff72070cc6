"""Choosing the next question for a learner."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

from content import Question


def choose_question(
    candidates: Sequence[Question],
    scores: Mapping[str, Sequence[int]],
    learner_id: int,
    exclude: str | None = None,
) -> Question | None:
    """A question not seen yet (in a stable order of the learner's own); when all are
    seen, the one whose latest answer scored worst. `exclude` is skipped when possible."""
    pool = [q for q in candidates if q.id != exclude] or list(candidates)
    if not pool:
        return None
    unseen = [q for q in pool if q.id not in scores]
    if unseen:
        return min(unseen, key=lambda q: zlib.crc32(f"{learner_id}:{q.id}".encode()))
    return min(pool, key=lambda q: (scores[q.id][-1], len(scores[q.id]), q.id))
