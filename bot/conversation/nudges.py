"""Messages the bot sends on its own initiative, conversation side: the streak saver reminder
(`/remind`), the weekly recap (`/recap`), which of them are due and what they say. The adapter
sends them through the notices push, which claims each one (chat, kind, local day) before
sending it, so none goes out twice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.conversation.actions import QUIZ, REVIEW_NOW
from bot.conversation.learner import Learner
from bot.conversation.reply import Reply
from bot.conversation.stats import Stats
from bot.core.daily import caught_up, due_after_delivery, first_due, parse_clock
from bot.core.nudges import (
    DEFAULT_REMIND_AT,
    RECAP_AT,
    next_weekly,
    recap_wanted,
    streak_at_risk,
    week_recap,
)
from bot.core.review import summarize
from bot.core.streaks import local_day, status
from bot.render.markup import Markup
from content import Bank
from storage import Database
from storage.attempts import last_answered_at
from storage.cards import get_cards
from storage.learners import ensure_learner
from storage.notices import NoticeKind
from storage.nudges import (
    RECAP,
    REMINDER,
    Scheduled,
    due_nudges,
    get_nudge_settings,
    reschedule,
    set_due,
    set_recap,
    set_reminder,
    stop_nudges,
    unscheduled,
    week_answers,
)
from storage.streaks import get_streak

PAGE = 500  # reminders read at a time; the rest wait for the next round
RECAP_PAGE = 50  # recaps per round: each draws a picture before anything is sent
REMIND_USAGE = (
    "/remind 20:00: if you have a streak of 2+ days and have not answered yet that day, I "
    "remind you at that time (your time zone)\n/remind off: no reminders"
)
RECAP_USAGE = "/recap on: a recap of your week every Monday morning\n/recap off: no recaps"
PRIVATE_ONLY = "Reminders and recaps come in our private chat: send this command there."


@dataclass(frozen=True, slots=True)
class Nudge:
    """One scheduled notice to send: to whom, its kind and key (one per chat, kind and key),
    its message, and the schedule it moves on once claimed."""

    chat_id: int
    kind: NoticeKind
    key: str
    reply: Reply
    scheduled: Scheduled


class Nudges:
    def __init__(self, db: Database, bank: Bank, markup: Markup, stats: Stats) -> None:
        self.db = db
        self.bank = bank
        self.m = markup
        self.stats = stats

    # --- commands

    async def remind_command(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/remind`, `/remind HH:MM`, `/remind on`, `/remind off`; private chats only."""
        if who.group:
            return Reply.of(self.m.escape(PRIVATE_ONLY))
        await ensure_learner(self.db, who.user_id, who.name, now)
        word = args.strip().casefold()
        current = (await get_nudge_settings(self.db, who.user_id)).remind_at
        if not word:
            state = f"on, at {current:%H:%M}" if current else "off"
            return Reply.of(self.m.escape(f"Streak reminder: {state}.\n{REMIND_USAGE}"))
        if word == "off":
            await set_reminder(self.db, who.user_id, None)
            return Reply.of(self.m.escape("Streak reminders are off. /remind 20:00 turns them on."))
        remind_at = (current or DEFAULT_REMIND_AT) if word == "on" else parse_clock(word)
        if remind_at is None:
            return Reply.of(
                self.m.escape(f"I could not read “{args.strip()[:20]}”.\n{REMIND_USAGE}")
            )
        await set_reminder(self.db, who.user_id, remind_at)
        text = (
            f"Streak reminder: on, at {remind_at:%H:%M} your time, on days when a streak of 2+ "
            "days is waiting for today's answer. /remind off stops it."
        )
        return Reply.of(self.m.escape(text))

    async def recap_command(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/recap`, `/recap on`, `/recap off`; private chats only."""
        if who.group:
            return Reply.of(self.m.escape(PRIVATE_ONLY))
        await ensure_learner(self.db, who.user_id, who.name, now)
        word = args.strip().casefold()
        if word in ("on", "off"):
            await set_recap(self.db, who.user_id, word == "on")
            text = (
                "Weekly recap: on, every Monday morning (your time)."
                if word == "on"
                else "Weekly recaps are off. /recap on turns them back on."
            )
            return Reply.of(self.m.escape(text))
        on = (await get_nudge_settings(self.db, who.user_id)).recap
        return Reply.of(self.m.escape(f"Weekly recap: {'on' if on else 'off'}.\n{RECAP_USAGE}"))

    async def timezone_changed(self, user_id: int) -> None:
        await reschedule(self.db, user_id)

    async def settings(self, user_id: int) -> dict[str, object]:
        """For the export: the reminder's time (None: off) and whether recaps are on."""
        settings = await get_nudge_settings(self.db, user_id)
        remind = settings.remind_at.isoformat("minutes") if settings.remind_at else None
        return {"streak_reminder": remind, "weekly_recap": settings.recap}

    # --- the schedule

    async def due(self, now: datetime) -> list[Nudge]:
        """The reminders and recaps to send now. Nudges that are due but have nothing to
        say (a streak already extended today, someone inactive for four weeks) move on to
        their next time here."""
        await self._schedule(now)
        found = []
        for column, make, page in (
            (REMINDER, self._reminder, PAGE),
            (RECAP, self._recap, RECAP_PAGE),
        ):
            for scheduled in await due_nudges(self.db, column, now, page):
                nudge = await make(scheduled, now)
                if isinstance(nudge, Nudge):
                    found.append(nudge)
                else:
                    await set_due(self.db, column, scheduled.user_id, nudge)
        return found

    async def still_wanted(self, nudge: Nudge, now: datetime) -> bool:
        """Right before a nudge is claimed: a reminder whose streak was extended meanwhile
        (the learner answered while the round was running) is not sent."""
        if nudge.kind is not NoticeKind.STREAK_REMINDER:
            return True
        streak = await get_streak(self.db, nudge.chat_id)
        return streak_at_risk(streak, local_day(now, nudge.scheduled.timezone)) is not None

    async def handled(self, nudge: Nudge, now: datetime) -> None:
        """The nudge was claimed (sent now, or before): move its schedule on."""
        scheduled = nudge.scheduled
        if nudge.kind is NoticeKind.STREAK_REMINDER:
            await set_due(self.db, REMINDER, scheduled.user_id, self._next_reminder(scheduled, now))
        else:
            following = next_weekly(max(scheduled.due, now), RECAP_AT, scheduled.timezone)
            await set_due(self.db, RECAP, scheduled.user_id, following)

    def _next_reminder(self, scheduled: Scheduled, now: datetime) -> datetime:
        return due_after_delivery(scheduled.due, scheduled.remind_at, scheduled.timezone, now)

    async def unreachable(self, chat_id: int) -> None:
        """The learner blocked the bot (or is gone): no more reminders or recaps."""
        await stop_nudges(self.db, chat_id)

    async def _schedule(self, now: datetime) -> None:
        """Give a due time to the nudges that are on and have none yet."""
        for scheduled in await unscheduled(self.db, REMINDER, PAGE):
            due = first_due(now, scheduled.remind_at, scheduled.timezone)
            await set_due(self.db, REMINDER, scheduled.user_id, due)
        for scheduled in await unscheduled(self.db, RECAP, PAGE):
            await set_due(
                self.db, RECAP, scheduled.user_id, next_weekly(now, RECAP_AT, scheduled.timezone)
            )

    # --- the messages

    async def _reminder(self, scheduled: Scheduled, now: datetime) -> Nudge | datetime:
        """Tonight's reminder, or (nothing to send) the reminder's next due time."""
        late = caught_up(scheduled.due, scheduled.remind_at, scheduled.timezone, now)
        if late is not None:  # after downtime: today's reminder (even late), not yesterday's
            scheduled = replace(scheduled, due=late)
            if late > now:
                return late
        today = local_day(scheduled.due, scheduled.timezone)
        streak = await get_streak(self.db, scheduled.user_id)
        days = streak_at_risk(streak, today)
        if days is None:
            return self._next_reminder(scheduled, now)
        shown = status(streak, today)
        cover = " (a streak freeze would cover today, but why spend it?)" if shown.freezes else ""
        text = (
            f"🔥 Your {days}-day streak is waiting for today's answer{cover}. "
            "One question keeps it going: /quiz. (/remind off stops these reminders.)"
        )
        return Nudge(
            scheduled.user_id,
            NoticeKind.STREAK_REMINDER,
            today.isoformat(),
            Reply.of(self.m.escape(text), buttons=[[QUIZ]]),
            scheduled,
        )

    async def _recap(self, scheduled: Scheduled, now: datetime) -> Nudge | datetime:
        """This Monday's recap, or (nothing to send) the recap's next due time."""
        monday = local_day(scheduled.due, scheduled.timezone)
        following = next_weekly(max(scheduled.due, now), RECAP_AT, scheduled.timezone)
        if local_day(now, scheduled.timezone) != monday:  # after downtime: no late recaps
            return following
        user_id = scheduled.user_id
        if not recap_wanted(await last_answered_at(self.db, user_id), now):
            return following
        recap = week_recap(
            self.bank, await week_answers(self.db, user_id, monday - timedelta(days=7)), monday
        )
        streak = status(await get_streak(self.db, user_id), monday)
        cards = [c.due for c in await get_cards(self.db, user_id) if self.bank.get(c.question_id)]
        reviews = summarize(cards, now).due_now
        lines = [self.m.bold(f"Your week, {recap.first:%a %d %b} to {recap.last:%a %d %b}")]
        if recap.answers:
            lines.append(
                self.m.escape(f"Answers: {recap.answers}, average {recap.average:.0f}/100")
            )
        else:
            lines.append(self.m.escape("No answers this week: a new week, a fresh start."))
        if recap.best:
            best = recap.best
            lines.append(
                self.m.escape(
                    f"Best section: {best.section.title} ({best.average:.0f}/100, "
                    f"{best.answers} answer(s))"
                )
            )
        if recap.weakest:
            weak = recap.weakest
            lines.append(
                self.m.escape(
                    f"To practise: {weak.section.title} ({weak.average:.0f}/100, "
                    f"{weak.answers} answer(s))"
                )
            )
        lines.append(self.m.escape(f"Streak: {streak.current} day(s), best {streak.best}"))
        lines.append(self.m.escape(f"Reviews due: {reviews}"))
        lines.append(self.m.italic("/recap off stops these recaps."))
        picture = await self.stats.show(user_id, now)
        return Nudge(
            user_id,
            NoticeKind.WEEKLY_RECAP,
            monday.isoformat(),
            Reply.of(
                "\n".join(lines),
                buttons=[[REVIEW_NOW if reviews else QUIZ]],
                photo=picture.photo,
            ),
            scheduled,
        )
