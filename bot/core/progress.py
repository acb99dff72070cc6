"""Progress figures: mastery from a learner's scores (per section, per topic, overall), and the
practice calendar of answers per local day over the last weeks, as whole weeks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
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


# --- the practice calendar

WEEKS = 12
ONE_WEEK = timedelta(weeks=1)


@dataclass(frozen=True, slots=True)
class PracticeCalendar:
    """Answers per day from `first` (a Monday) to `today`, the last week being this one."""

    first: date
    today: date
    counts: Mapping[date, int] = field(default_factory=dict)  # only days with answers

    @property
    def weeks(self) -> int:
        return (self.today - self.first).days // 7 + 1

    def count(self, day: date) -> int:
        return self.counts.get(day, 0)

    def position(self, day: date) -> tuple[int, int]:
        """(week, weekday) of a day on the grid: week 0 is the oldest, weekday 0 is Monday."""
        return (day - self.first).days // 7, day.weekday()

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.today - self.first).days + 1)]

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def active_days(self) -> int:
        return len(self.counts)

    @property
    def busiest(self) -> tuple[date, int] | None:
        """The day with the most answers (the latest of equals), None without answers."""
        if not self.counts:
            return None
        return max(self.counts.items(), key=lambda item: (item[1], item[0]))

    def days_per_week(self) -> list[int]:
        """Days with answers in each week, oldest first."""
        weeks = [0] * self.weeks
        for day in self.counts:
            weeks[self.position(day)[0]] += 1
        return weeks


def practice_calendar(
    counts: Mapping[date, int], today: date, weeks: int = WEEKS
) -> PracticeCalendar:
    """The calendar of the `weeks` weeks (Monday to Sunday) ending with today's week; days
    outside it, or without answers, are left out."""
    first = calendar_start(today, weeks)
    kept = {day: n for day, n in counts.items() if first <= day <= today and n > 0}
    return PracticeCalendar(first, today, dict(sorted(kept.items())))


def calendar_start(today: date, weeks: int = WEEKS) -> date:
    """The first day a calendar of `weeks` weeks ending today shows."""
    return today - timedelta(days=today.weekday()) - (weeks - 1) * ONE_WEEK
