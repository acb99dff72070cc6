"""A group's daily leaderboard: each member's best score today, best first, then earliest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.streaks import local_day


@dataclass(frozen=True, slots=True)
class Score:
    """One graded answer in the group."""

    user_id: int
    name: str
    score: int
    answered_at: datetime


def leaderboard(scores: Iterable[Score], day: date, timezone: str) -> list[Score]:
    """Each member's best answer on local `day` in `timezone` (the earliest of equal scores),
    ranked by score, then by who got it first."""
    best: dict[int, Score] = {}
    for score in scores:
        if local_day(score.answered_at, timezone) != day:
            continue
        held = best.get(score.user_id)
        if held is None or _ranks_above(score, held):
            best[score.user_id] = score
    return sorted(best.values(), key=_order)


def _order(score: Score) -> tuple[int, datetime, int]:
    return -score.score, score.answered_at, score.user_id


def _ranks_above(score: Score, other: Score) -> bool:
    return _order(score) < _order(other)
