"""What the bot sends on its own initiative, as pure functions: whether a streak needs saving
tonight, the weekly recap's figures, and the weekly schedule (Monday morning, local time)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from bot.core.daily import at_local
from bot.core.streaks import Streak, status
from content import Bank, Section

DEFAULT_REMIND_AT = time(20, 0)
MIN_STREAK = 2  # a streak worth saving: 2 days or more
RECAP_AT = time(8, 0)
RECAP_WEEKDAY = 0  # Monday
ACTIVE_WITHIN = timedelta(weeks=4)  # no recap for anyone who did not practise in this time


def streak_at_risk(streak: Streak, today: date) -> int | None:
    """The streak a reminder tonight would save: alive, of MIN_STREAK days or more, and not
    yet extended today; None when no reminder is due."""
    shown = status(streak, today)
    if shown.current < MIN_STREAK or shown.counts_today:
        return None
    return shown.current


def next_weekly(after: datetime, send_at: time, timezone: str, weekday: int = RECAP_WEEKDAY):
    """The first `send_at` on a `weekday` (0 is Monday), local time, strictly after `after`,
    in UTC; DST as `at_local` handles it."""
    day = after.astimezone(ZoneInfo(timezone)).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while (due := at_local(day, send_at, timezone)) <= after:
        day += timedelta(weeks=1)
    return due


@dataclass(frozen=True, slots=True)
class SectionWeek:
    section: Section
    answers: int
    average: float


@dataclass(frozen=True, slots=True)
class WeekRecap:
    """The week before `until` (local days `first`..`last`) in numbers."""

    first: date
    last: date
    answers: int
    average: float | None
    best: SectionWeek | None
    weakest: SectionWeek | None  # None when fewer than two sections were practised


def week_recap(bank: Bank, answers: Iterable[tuple[date, str, int]], monday: date) -> WeekRecap:
    """The recap of the seven local days before `monday`, from answers (local day, question
    id, score); answers to questions no longer in the bank count in the totals only."""
    first, last = monday - timedelta(days=7), monday - timedelta(days=1)
    week = [(qid, score) for day, qid, score in answers if first <= day <= last]
    by_section: dict[Section, list[int]] = {}
    for question_id, score in week:
        question = bank.get(question_id)
        if question is not None:
            by_section.setdefault(question.section, []).append(score)
    sections = sorted(
        (SectionWeek(s, len(scores), fmean(scores)) for s, scores in by_section.items()),
        key=lambda w: (-w.average, w.section.number),
    )
    return WeekRecap(
        first,
        last,
        len(week),
        fmean(score for _, score in week) if week else None,
        sections[0] if sections else None,
        sections[-1] if len(sections) > 1 else None,
    )


def recap_wanted(last_practice: datetime | None, now: datetime) -> bool:
    """A recap goes only to someone who practised in the last four weeks."""
    return last_practice is not None and now - last_practice <= ACTIVE_WITHIN
