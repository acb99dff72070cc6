"""`/stats`: mastery per section and the practice calendar, as a picture and the same facts as
text under it (its caption), for those who cannot see it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.conversation.actions import QUIZ
from bot.conversation.reply import Reply
from bot.core.progress import (
    PracticeCalendar,
    Progress,
    calendar_start,
    practice_calendar,
    progress,
)
from bot.core.streaks import local_day
from bot.render.charts import progress_chart
from bot.render.markup import Markup
from content import Bank
from storage import Database
from storage.attempts import answers_per_day, scores_by_question
from storage.learners import get_timezone


class Stats:
    def __init__(self, db: Database, bank: Bank, markup: Markup) -> None:
        self.db = db
        self.bank = bank
        self.m = markup

    async def show(self, user_id: int, now: datetime) -> Reply:
        """The chart (rendered in a worker thread: it takes CPU) with its text version."""
        figures = progress(self.bank, await scores_by_question(self.db, user_id))
        if not figures.attempts:
            return Reply.of(self.m.escape("No answers yet. Start with /quiz."), buttons=[[QUIZ]])
        timezone = await get_timezone(self.db, user_id)
        today = local_day(now, timezone)
        counts = await answers_per_day(self.db, user_id, calendar_start(today))
        calendar = practice_calendar(counts, today)
        chart = await asyncio.to_thread(progress_chart, figures, calendar)
        return Reply.of(stats_text(figures, calendar, timezone, self.m), photo=chart)


def stats_text(figures: Progress, calendar: PracticeCalendar, timezone: str, m: Markup) -> str:
    """What the chart shows, in words (under 1,024 characters: it is the picture's caption)."""
    overall = figures.overall
    average = (
        f", average latest score {overall.average:.0f}/100" if overall.average is not None else ""
    )
    lines = [
        m.bold("Your progress"),
        m.escape(
            f"Answers graded: {figures.attempts}\n"
            f"Questions answered: {overall.answered}/{overall.total}{average}"
        ),
        "",
        f"{m.bold('Mastery by section')} {m.escape('(average latest score, answered/total)')}",
    ]
    for section, part in figures.sections.items():
        score = f"{part.average:.0f}/100" if part.average is not None else "not started"
        lines.append(
            m.escape(f"{section.number}. {section.title}: {score}, {part.answered}/{part.total}")
        )
    lines += ["", m.bold(f"Practice, last {calendar.weeks} weeks"), m.escape(_practice(calendar))]
    lines.append(m.italic(f"From {calendar.first:%a %d %b}; days in your time zone, {timezone}."))
    return "\n".join(lines)


def _practice(calendar: PracticeCalendar) -> str:
    busiest = calendar.busiest
    if busiest is None:
        return "No answers in these weeks."
    day, most = busiest
    per_week = " ".join(str(days) for days in calendar.days_per_week())
    today = calendar.count(calendar.today)
    return (
        f"{calendar.answers} answer(s) on {calendar.active_days} day(s); "
        f"most on {day:%a %d %b} ({most}).\n"
        f"Days practised per week, oldest first: {per_week}.\n"
        f"Today: {today} answer(s)."
    )
