"""The conversation engine's front: it builds the parts and routes a learner's messages and
button presses to the part they belong to.

Adapters (Telegram, console) turn input into calls here and into `commands.run_command`, and
render the `Reply` values that come back. Nothing in the engine touches a network.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.conversation.account import Account
from bot.conversation.actions import MENU, Kind, parse
from bot.conversation.daily import DailyQuestions
from bot.conversation.disputes import Disputes
from bot.conversation.export import Export
from bot.conversation.interview import Interviews
from bot.conversation.leaderboard import Leaderboard
from bot.conversation.learner import Learner
from bot.conversation.nudges import Nudges
from bot.conversation.practice import Practice
from bot.conversation.reply import Reply
from bot.conversation.review import Reviews
from bot.conversation.share import Share, shared_question_id
from bot.conversation.stats import Stats
from bot.conversation.streaks import Streaks
from bot.grader import Grader
from bot.render.markup import Markup
from content import Bank
from storage import Database


class Tutor:
    def __init__(
        self, db: Database, bank: Bank, markup: Markup, admin_ids: Iterable[int] = ()
    ) -> None:
        self.db = db
        self.bank = bank
        self.grader = Grader(bank)
        self.m = markup
        self.daily = DailyQuestions(db, bank, markup)
        self.reviews = Reviews(db, bank, markup)
        self.interviews = Interviews(db, bank, self.grader, self.reviews, markup)
        self.practice = Practice(
            db, bank, self.grader, markup, self.reviews, self.daily, self.interviews
        )
        self.streaks = Streaks(db, markup)
        self.stats = Stats(db, bank, markup)
        self.disputes = Disputes(db, bank, self.grader, markup, admin_ids)
        self.leaderboard = Leaderboard(db, self.daily, markup)
        self.nudges = Nudges(db, bank, markup, self.stats)
        self.account = Account(db, bank, markup, self.daily, self.streaks, self.nudges)
        self.export = Export(db, markup, self.nudges)
        self.share = Share(bank, markup)

    async def answer(
        self,
        who: Learner,
        text: str,
        now: datetime,
        reply_to: int | None = None,
        message_id: int | None = None,
    ) -> Reply | None:
        """A message that is not a command. While a mock interview runs in a private chat it
        answers the interview; otherwise it answers the question it replies to or, in a
        private chat, the pending one. In groups anything but a reply to a question returns
        None. `message_id` is the message's id in its chat (ids grow with time there): a
        message older than the prompt it would answer does not answer it."""
        return await self.interviews.answer(
            who, text, now, message_id
        ) or await self.practice.answer(who, text, now, reply_to, message_id)

    async def start(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/start`, or `/start q_<id>` from a shared question's button: that question."""
        question_id = shared_question_id(args)
        question = self.bank.get(question_id) if question_id else None
        if question is not None:
            return await self.practice.ask(who, question, now, "A question shared with you")
        return await self.account.start(who, now)

    async def hint(self, who: Learner) -> Reply:
        """`/hint`, `/skip` and `/cancel` act on the mock interview while one runs."""
        return await self.interviews.hint(who) or await self.practice.hint(who)

    async def skip(self, who: Learner, now: datetime) -> Reply:
        return await self.interviews.skip(who, now) or await self.practice.skip(who)

    async def cancel(self, who: Learner, now: datetime) -> Reply:
        return await self.interviews.cancel(who, now) or await self.practice.cancel(who)

    async def question_sent(
        self, who: Learner, message_ids: list[int], question_id: str, now: datetime
    ) -> None:
        """The adapter sent a reply that asks `question_id` as these messages (ids in the
        chat, oldest first)."""
        if not message_ids or await self.interviews.question_sent(who, message_ids):
            return
        await self.practice.question_sent(who, message_ids, question_id, now)

    async def press(self, who: Learner, data: str, now: datetime) -> Reply:
        """A button was pressed; its data is untrusted (old messages, forged data)."""
        action = parse(data)
        match action.kind:
            case Kind.QUIZ:
                return await self.practice.quiz(who, now)
            case Kind.TOPICS:
                return await self.practice.topics(who)
            case Kind.DAILY:
                return await self.practice.daily_question(who, now)
            case Kind.FORGET_YES:
                return await self.account.forget(who)
            case Kind.FORGET_NO:
                return self.account.kept()
            case Kind.DISPUTE:
                return await self.disputes.press(who.user_id, who.chat_id, action.attempt_id, now)
            case Kind.UPHOLD:
                return await self.disputes.press_uphold(who, action.attempt_id, now)
            case Kind.TOPIC if self.bank.topic(action.topic):
                return await self.practice.quiz(who, now, topic=action.topic)
        return Reply.of(
            self.m.escape("That button no longer works. Here is the menu:"), buttons=MENU
        )
