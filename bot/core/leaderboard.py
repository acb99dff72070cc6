"""A group's daily leaderboard: each member's first graded answer today, best first, then
earliest. Only the first counts: later answers could copy the model answer the bot showed
the group after grading the first."""

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
    """Each member's first answer on local `day` in `timezone` (`scores` oldest first; of
    answers at the same instant the first given), ranked by score, then by who answered
    first."""
    first: dict[int, Score] = {}
    for score in scores:
        if local_day(score.answered_at, timezone) != day:
            continue
        held = first.get(score.user_id)
        if held is None or score.answered_at < held.answered_at:
            first[score.user_id] = score
    return sorted(first.values(), key=_order)


def _order(score: Score) -> tuple[int, datetime, int]:
    return -score.score, score.answered_at, score.user_id
