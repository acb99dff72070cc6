"""The question of the day, conversation side: `/daily` settings and each day's message.

The transport (pacing, retries, Telegram errors) lives in the adapter; this module decides
what is due, what is sent, and what is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.conversation.learner import Learner
from bot.conversation.phrases import ANSWER_BY_REPLY
from bot.conversation.reply import Reply
from bot.core.daily import (
    DEFAULT_SEND_AT,
    caught_up,
    due_after_delivery,
    first_due,
    parse_clock,
    question_of_the_day,
)
from bot.core.streaks import local_day
from bot.render.markup import Markup, isolated
from bot.render.questions import question_text
from content import Bank, Question
from storage import Database
from storage.learners import ensure_learner, get_timezone
from storage.pending import remember_question_messages, set_pending
from storage.subscriptions import (
    Subscription,
    get_subscription,
    private_subscription_of,
    subscribe,
    unsubscribe,
)

USAGE = (
    "/daily on: a question every day at 09:00 your time\n"
    "/daily 08:30: choose the time (24-hour clock, your time zone)\n"
    "/daily off: stop"
)


def heading(day: date) -> str:
    """The line above the question of the day, wherever it is asked."""
    return f"Question of the day, {day:%A %d %B}"


@dataclass(frozen=True, slots=True)
class Due:
    """One delivery to make: the subscription, its local day, the question and its message."""

    subscription: Subscription
    day: date
    question: Question
    reply: Reply


class DailyQuestions:
    def __init__(self, db: Database, bank: Bank, markup: Markup) -> None:
        self.db = db
        self.bank = bank
        self.m = markup
        self._ids = [q.id for q in bank.questions]

    def question_for(self, day: date) -> Question:
        return self.bank.get(question_of_the_day(self._ids, day))

    async def chat_zone(self, user_id: int, chat_id: int, group: bool) -> str:
        """Whose day "today" is: a group's daily question sets its time zone for everyone in
        it; otherwise the learner's own."""
        subscription = await get_subscription(self.db, chat_id) if group else None
        return subscription.timezone if subscription else await get_timezone(self.db, user_id)

    async def command(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/daily`, `/daily on`, `/daily off`, `/daily HH:MM`; group admins only in groups."""
        current = await get_subscription(self.db, who.chat_id)
        word = args.strip().casefold()
        if not word:
            return Reply.of(self.m.escape(self._describe(current)))
        if who.group and not who.admin:
            return Reply.of(self.m.escape("In groups, only admins can change the daily question."))
        if word == "off":
            stopped = await unsubscribe(self.db, who.chat_id)
            text = "Daily question stopped." if stopped else "The daily question was not on."
            return Reply.of(self.m.escape(text))
        send_at = parse_clock(word) if word != "on" else None
        if word != "on" and send_at is None:
            shown = isolated(args.strip()[:20])
            return Reply.of(self.m.escape(f"I could not read “{shown}”.\n{USAGE}"))
        if send_at is None:
            send_at = current.send_at if current and current.active else DEFAULT_SEND_AT
        await ensure_learner(self.db, who.user_id, who.name, now)
        timezone = await get_timezone(self.db, who.user_id)
        subscription = Subscription(
            who.chat_id,
            who.user_id,
            who.group,
            timezone,
            send_at,
            first_due(now, send_at, timezone),
            True,
        )
        await subscribe(self.db, subscription, now)
        return Reply.of(self.m.escape(self._describe(subscription)))

    def _describe(self, subscription: Subscription | None) -> str:
        if subscription is None or not subscription.active:
            return f"The daily question is off.\n{USAGE}"
        due = subscription.next_due.astimezone(ZoneInfo(subscription.timezone))
        return (
            f"Daily question: on, at {subscription.send_at:%H:%M} ({subscription.timezone}). "
            f"Next: {due:%a %d %b, %H:%M}.\n/daily off stops it; /timezone changes the zone."
        )

    async def timezone_changed(self, user_id: int, timezone: str, now: datetime) -> None:
        """Keep a learner's private subscription on their clock after `/timezone`."""
        subscription = await private_subscription_of(self.db, user_id)
        if subscription is None:
            return
        due = first_due(now, subscription.send_at, timezone)
        moved = Subscription(
            subscription.chat_id, user_id, False, timezone, subscription.send_at, due, True
        )
        await subscribe(self.db, moved, now)

    def due(self, subscription: Subscription) -> Due:
        """The message for a subscription's current due time."""
        day = local_day(subscription.next_due, subscription.timezone)
        question = self.question_for(day)
        footer = (
            ANSWER_BY_REPLY
            if subscription.is_group
            else "Write your answer (or reply to this message). /hint, /skip work too."
        )
        text = question_text(question, self.m, heading(day))
        return Due(subscription, day, question, Reply.of(text, self.m.italic(footer)))

    def catch_up(self, subscription: Subscription, now: datetime) -> datetime | None:
        """After downtime: the subscription's due time moved to today, when it is from an
        earlier local day (see `caught_up`); None otherwise."""
        return caught_up(subscription.next_due, subscription.send_at, subscription.timezone, now)

    def following(self, subscription: Subscription, now: datetime) -> datetime:
        """The due time after today's delivery, whether it went out on time or late."""
        return due_after_delivery(
            subscription.next_due, subscription.send_at, subscription.timezone, now
        )

    async def delivered(self, due: Due, message_ids: list[int], now: datetime) -> None:
        """Replies to the sent messages answer the question; in a private chat plain messages
        do too: the newest question shown is the one being answered."""
        chat, user = due.subscription.chat_id, due.subscription.user_id
        await remember_question_messages(self.db, chat, message_ids, due.question.id, now)
        if not due.subscription.is_group and message_ids:
            await set_pending(self.db, chat, user, due.question.id, now, message_ids[0])
