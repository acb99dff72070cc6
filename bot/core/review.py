"""Spaced repetition: every answered question is a review card that FSRS schedules.

The learner never rates their own recall; the grade does it. The bands are the grader's
verdicts (weak below PARTIAL_FROM, partly there from it, strong from STRONG_FROM: today 30
and 70) and the strong band is split so that a near-complete answer earns the longest interval:

    score  0-29  -> Again   the answer missed most of what matters: ask again soon
    score 30-69  -> Hard    partly there
    score 70-89  -> Good    a solid answer
    score 90-100 -> Easy    everything that matters, said well

FSRS (the `fsrs` package) then turns the rating and the answer time into the next due time.
It runs with whole-day intervals: no same-day learning steps, because asking a free-text
question again minutes after its model answer was shown tests short-term memory of that
answer, not knowledge; and without fuzz, so the same answers always give the same due times.
With the default parameters a first answer comes back after 1 day (Again, Hard), 2 days
(Good) or 8 days (Easy), and good answers stretch the interval from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from bot.grader.thresholds import PARTIAL_FROM, STRONG_FROM

GOOD_BELOW = 90  # the strong band's top: Easy from here

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
# FSRS cards carry an id for review logs, which the bot does not keep; a fixed id also keeps
# `fsrs.Card` from reading the clock to make one.
CARD_ID = 1


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """One learner's card for one question."""

    question_id: str
    due: datetime
    score: int  # the latest score
    reviews: int  # graded answers so far
    memory: str | None  # FSRS state (`fsrs.Card.to_json()`); None until FSRS has seen it


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """What `/review` reports: cards due now, all cards, and the next due time after now."""

    due_now: int
    total: int
    next_due: datetime | None


def rating(score: int) -> Rating:
    """The FSRS rating a 0-100 score stands for (see the module docstring)."""
    if score < PARTIAL_FROM:
        return Rating.Again
    if score < STRONG_FROM:
        return Rating.Hard
    if score < GOOD_BELOW:
        return Rating.Good
    return Rating.Easy


def review(card: ReviewCard | None, question_id: str, score: int, now: datetime) -> ReviewCard:
    """The card after an answer scoring `score` at `now`; `card` None (or without FSRS state,
    as for answers given before spaced repetition) starts a new one."""
    at = now.astimezone(UTC)
    memory = Card.from_json(card.memory) if card and card.memory else Card(CARD_ID, due=at)
    updated, _ = SCHEDULER.review_card(memory, rating(score), at)
    reviews = card.reviews + 1 if card else 1
    return ReviewCard(question_id, updated.due, score, reviews, updated.to_json())


def replay(question_id: str, answers: Iterable[tuple[datetime, int]]) -> ReviewCard | None:
    """The card that answers (time, score), oldest first, make from scratch: how a regraded
    answer reschedules its question. None without answers."""
    card = None
    for at, score in answers:
        card = review(card, question_id, score, at)
    return card


def summarize(due_times: Iterable[datetime], now: datetime) -> ReviewSummary:
    """How many of the due times have come, and the earliest one still ahead."""
    times = list(due_times)
    ahead = [due for due in times if due > now]
    return ReviewSummary(len(times) - len(ahead), len(times), min(ahead, default=None))
