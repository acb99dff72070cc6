"""The conversation engine: what happens when a learner asks, answers, skips or looks back.

Adapters (Telegram, console) turn input into calls here and render the `Reply` values that
come back. The tutor reads and writes storage and calls the core; it never touches a network.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversation.answers import answer_records
from bot.conversation.daily import DailyQuestions
from bot.conversation.disputes import DISPUTE_ACTION, Disputes, dispute_button
from bot.conversation.interview import Interviews
from bot.conversation.leaderboard import Leaderboard
from bot.conversation.learner import Learner
from bot.conversation.reply import DAILY, NEXT, QUIZ, TOPICS, Button, Reply
from bot.conversation.review import Reviews
from bot.conversation.stats import Stats
from bot.conversation.streaks import Streaks
from bot.core.lookup import find_timezone, find_topic
from bot.core.progress import tally
from bot.core.selection import choose_question
from bot.core.streaks import local_day
from bot.grader import Grader
from bot.render.markup import Markup
from bot.render.questions import grade_parts, model_answer, question_text
from content import Bank, Question
from storage import Database
from storage.attempts import record_attempt, scores_by_question
from storage.learners import ensure_learner, forget_learner, get_timezone, set_timezone
from storage.pending import (
    Pending,
    add_hint,
    clear_pending,
    get_pending,
    question_of_message,
    remember_question_message,
    set_pending,
)

TOPIC_ACTION = "topic:"
FORGET_YES = Button("Yes, delete everything", "forget:yes")
FORGET_NO = Button("No, keep it", "forget:no")
TOPIC_KEYBOARD_WIDTH = 2

HELP = """Commands:
/quiz: your due reviews first, then a new question from your weakest section
/review: how many reviews are due, and when the next one is
/interview: a mock interview, e.g. /interview, /interview 8, /interview 6 senior
/topic NAME: a question on a topic, e.g. /topic gil; /topics lists them
/hint: reveal one key point; /skip: show the model answer; /cancel: drop the question
/streak: your daily streak and streak freezes; /stats: your progress, as a chart
/top: in a group, today's leaderboard for the question of the day
/timezone Europe/Berlin: your time zone, so streak days are your days
/forget: delete everything stored about you
Answer a question by simply writing your answer (in groups: reply to the question)."""


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
        self.streaks = Streaks(db, markup)
        self.stats_report = Stats(db, bank, markup)
        self.disputes = Disputes(db, bank, self.grader, markup, admin_ids)
        self.leaderboard = Leaderboard(db, self.daily, markup)

    async def start(self, who: Learner, now: datetime) -> Reply:
        await ensure_learner(self.db, who.user_id, who.name, now)
        intro = (
            f"{self.m.bold('Python interview practice.')}\n"
            f"I ask interview questions ({len(self.bank.questions)} of them, 8 sections).\n"
            "You answer in your own words; I show which key points you covered and missed.\n"
            "Answer every day to keep your streak."
        )
        return Reply.of(intro, buttons=[[QUIZ, TOPICS, DAILY]])

    def help(self) -> Reply:
        return Reply.of(self.m.escape(HELP))

    async def quiz(self, who: Learner, now: datetime, topic: str | None = None) -> Reply:
        """Ask the learner's next question, from one topic if given."""
        await ensure_learner(self.db, who.user_id, who.name, now)
        seen = await self.reviews.seen(who.user_id)
        pending = await get_pending(self.db, who.chat_id, who.user_id)
        candidates = self.bank.in_topic(topic) if topic else self.bank.questions
        question = choose_question(
            candidates, seen, now, who.user_id, exclude=pending.question_id if pending else None
        )
        if question is None:
            return Reply.of(self.m.escape("There is no question on that topic yet."))
        heading = f"Topic: {self.bank.topic(topic).name}" if topic else ""
        return await self._ask(who, question, now, heading)

    async def daily_question(self, who: Learner, now: datetime) -> Reply:
        """Ask today's question of the day (the same for everyone on this date)."""
        await ensure_learner(self.db, who.user_id, who.name, now)
        timezone = await self.daily.chat_zone(who.user_id, who.chat_id, who.group)
        day = local_day(now, timezone)
        question = self.daily.question_for(day)
        return await self._ask(who, question, now, f"Question of the day, {day:%d %B}")

    async def _ask(self, who: Learner, question: Question, now: datetime, heading: str) -> Reply:
        if busy := await self.interviews.busy(who):
            return busy
        if not who.group:
            await set_pending(self.db, who.chat_id, who.user_id, question.id, now)
        footer = (
            "Reply to this message with your answer."
            if who.group
            else ("Write your answer. /hint for a hint, /skip to see the answer.")
        )
        text = question_text(question, self.m, heading)
        return Reply.of(text, self.m.italic(footer), asks=question.id)

    async def question_sent(
        self, who: Learner, message_ids: list[int], question_id: str, now: datetime
    ) -> None:
        """In groups, remember which question the sent messages ask: replies to them are
        the answers (privacy mode delivers nothing else)."""
        if who.group:
            for message_id in message_ids:
                await remember_question_message(self.db, who.chat_id, message_id, question_id, now)

    async def topic(self, who: Learner, query: str, now: datetime) -> Reply:
        """`/topic NAME`: a question from the topic that NAME means, or suggestions."""
        if not query.strip():
            return await self.topics(who)
        found = find_topic(self.bank.topics, query)
        if found.match:
            return await self.quiz(who, now, topic=found.match.slug)
        if found.suggestions:
            buttons = [[Button(t.name, TOPIC_ACTION + t.slug)] for t in found.suggestions]
            names = ", ".join(t.name for t in found.suggestions)
            text = f"I don't know the topic “{query.strip()[:50]}”. Did you mean: {names}?"
            return Reply.of(self.m.escape(text), buttons=buttons)
        return Reply.of(
            self.m.escape(f"I don't know the topic “{query.strip()[:50]}”. Pick one:"),
            buttons=await self._topic_buttons(who),
        )

    async def topics(self, who: Learner) -> Reply:
        return Reply.of(
            self.m.escape("Topics, with the questions you have answered in each:"),
            buttons=await self._topic_buttons(who),
        )

    async def _topic_buttons(self, who: Learner) -> list[list[Button]]:
        scores = await scores_by_question(self.db, who.user_id)
        buttons = []
        for topic in self.bank.topics:
            questions = self.bank.in_topic(topic.slug)
            if questions:
                done = tally(questions, scores)
                label = f"{topic.name} {done.answered}/{done.total}"
                buttons.append(Button(label, TOPIC_ACTION + topic.slug))
        width = TOPIC_KEYBOARD_WIDTH
        return [buttons[i : i + width] for i in range(0, len(buttons), width)]

    async def answer(
        self, who: Learner, text: str, now: datetime, reply_to: int | None = None
    ) -> Reply | None:
        """Grade an answer: to the question message it replies to, else (in private chats) to
        the pending question. In groups anything but a reply to a question returns None.
        While a mock interview runs in a private chat, messages answer the interview."""
        if interview := await self.interviews.answer(who, text, now):
            return interview
        hints = 0
        question_id = (
            await question_of_message(self.db, who.chat_id, reply_to) if reply_to else None
        )
        if question_id is None and who.group:
            return None
        if question_id is None:
            pending = await get_pending(self.db, who.chat_id, who.user_id)
            if pending is None:
                return Reply.of(
                    self.m.escape("No question is waiting for an answer. Want one?"),
                    buttons=[[QUIZ, TOPICS]],
                )
            question_id, hints = pending.question_id, pending.hints
        question = self.bank.get(question_id)
        if question is None:
            return await self._left_the_bank(who)
        grade = self.grader.grade(question, text)
        if grade.no_answer:
            advice = (
                f"Your message {grade.no_answer.value}, so I did not grade it. "
                "Try again in your own words, or /hint for a hint, /skip for the answer."
            )
            return Reply.of(self.m.escape(advice))
        await ensure_learner(self.db, who.user_id, who.name, now)
        records = await answer_records(
            self.db, who.user_id, who.chat_id, question.id, text, grade.score, hints, now
        )
        attempt_id = await record_attempt(self.db, records.attempt, records.streak, records.card)
        summary, model = grade_parts(grade, question, self.m, hints)
        if who.name and who.group:
            summary = f"{self.m.bold(who.name)}\n{summary}"
        same = Button("Same topic", TOPIC_ACTION + question.topics[0])
        return Reply.of(summary, model, buttons=[[NEXT, same], [dispute_button(attempt_id)]])

    async def hint(self, who: Learner) -> Reply:
        found = await self._pending_question(who)
        if isinstance(found, Reply):
            return found
        pending, question = found
        ordered = sorted(question.key_points, key=lambda p: -p.weight)
        if pending.hints >= len(ordered):
            return Reply.of(self.m.escape("No more hints: /skip shows the model answer."))
        await add_hint(self.db, who.chat_id, who.user_id)
        point = ordered[pending.hints]
        left = len(ordered) - pending.hints - 1
        text = f"💡 A good answer says: {point.text}\n({left} more hint(s) available.)"
        return Reply.of(self.m.escape(text))

    async def skip(self, who: Learner) -> Reply:
        found = await self._pending_question(who)
        if isinstance(found, Reply):
            return found
        _, question = found
        await clear_pending(self.db, who.chat_id, who.user_id)
        return Reply.of(model_answer(question, self.m), buttons=[[NEXT]])

    async def cancel(self, who: Learner) -> Reply:
        dropped = await clear_pending(self.db, who.chat_id, who.user_id)
        text = "Dropped the question." if dropped else "There was no question to drop."
        return Reply.of(self.m.escape(text), buttons=[[QUIZ]])

    async def _pending_question(self, who: Learner) -> tuple[Pending, Question] | Reply:
        """The question this private chat is answering, or the reply that explains why
        there is none (none asked, a group, or the question left the bank)."""
        pending = None if who.group else await get_pending(self.db, who.chat_id, who.user_id)
        if pending is None:
            return self._nothing_pending()
        question = self.bank.get(pending.question_id)
        if question is None:
            return await self._left_the_bank(who)
        return pending, question

    async def _left_the_bank(self, who: Learner) -> Reply:
        """The pending question was removed from the bank since it was asked."""
        await clear_pending(self.db, who.chat_id, who.user_id)
        return Reply.of(
            self.m.escape("That question has left the bank. Try another:"), buttons=[[QUIZ]]
        )

    def _nothing_pending(self) -> Reply:
        text = "No question is waiting (in groups, hints are for private chats)."
        return Reply.of(self.m.escape(text), buttons=[[QUIZ]])

    async def streak(self, who: Learner, now: datetime) -> Reply:
        return await self.streaks.show(who.user_id, now)

    async def stats(self, who: Learner, now: datetime) -> Reply:
        return await self.stats_report.show(who.user_id, now)

    async def set_timezone(self, who: Learner, query: str, now: datetime) -> Reply:
        await ensure_learner(self.db, who.user_id, who.name, now)
        if not query.strip():
            current = await get_timezone(self.db, who.user_id)
            text = f"Your time zone is {current}. Change it with /timezone Europe/Berlin."
            return Reply.of(self.m.escape(text))
        found = find_timezone(query)
        if found.match is None:
            offer = f" Did you mean: {', '.join(found.suggestions)}?" if found.suggestions else ""
            text = f"I don't know the time zone “{query.strip()[:50]}”.{offer}"
            return Reply.of(self.m.escape(text + " Use a name like Europe/Berlin."))
        await set_timezone(self.db, who.user_id, found.match)
        await self.daily.timezone_changed(who.user_id, found.match, now)
        await self.streaks.timezone_changed(who.user_id, found.match)
        local = now.astimezone(ZoneInfo(found.match))
        text = f"Time zone set to {found.match} (your time now: {local:%H:%M})."
        return Reply.of(self.m.escape(text))

    def forget_confirm(self, who: Learner) -> Reply:
        if who.group:
            return Reply.of(self.m.escape("To delete your data, send /forget in a private chat."))
        text = (
            "Delete everything I store about you: answers, streaks, settings? "
            "This cannot be undone."
        )
        return Reply.of(self.m.escape(text), buttons=[[FORGET_YES, FORGET_NO]])

    async def forget(self, who: Learner) -> Reply:
        if who.group:
            return self.forget_confirm(who)
        await forget_learner(self.db, who.user_id)
        return Reply.of(self.m.escape("Done: everything about you is deleted. /start begins anew."))

    async def press(self, who: Learner, action: str, now: datetime) -> Reply:
        """A button was pressed; its data is untrusted (old messages, forged data)."""
        if action == QUIZ.action:
            return await self.quiz(who, now)
        if action == TOPICS.action:
            return await self.topics(who)
        if action == DAILY.action:
            return await self.daily_question(who, now)
        if action == FORGET_YES.action:
            return await self.forget(who)
        if action == FORGET_NO.action:
            return Reply.of(self.m.escape("Kept everything."))
        if action.startswith(DISPUTE_ACTION):
            return await self.disputes.press(who.user_id, who.chat_id, action, now)
        if action.startswith(TOPIC_ACTION) and self.bank.topic(action.removeprefix(TOPIC_ACTION)):
            return await self.quiz(who, now, topic=action.removeprefix(TOPIC_ACTION))
        return Reply.of(
            self.m.escape("That button no longer works. Here is the menu:"),
            buttons=[[QUIZ, TOPICS, DAILY]],
        )
