"""Practice, one question at a time: `/quiz`, `/topic`, `/topics`, the question of the day on
demand, answers and their grades, `/hint`, `/skip` and `/cancel`."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.actions import NEXT, QUIZ, TOPICS, dispute_button, topic_button
from bot.conversation.answers import answer_records, point_grades
from bot.conversation.daily import DailyQuestions, heading
from bot.conversation.interview import Interviews
from bot.conversation.learner import Learner
from bot.conversation.phrases import (
    ALREADY_GRADED,
    ANSWER_BY_REPLY,
    came_before,
    did_you_mean,
    not_graded,
    unknown_topic,
)
from bot.conversation.reply import Button, Reply
from bot.conversation.review import Reviews
from bot.core.lookup import find_topic
from bot.core.progress import tally
from bot.core.selection import choose_question
from bot.core.streaks import local_day
from bot.grader import Grade, Grader
from bot.render.markup import Markup, isolated
from bot.render.questions import grade_parts, model_answer, question_text
from content import Bank, Question
from storage import Database
from storage.attempts import (
    AlreadyGraded,
    Attempt,
    attempt_of_message,
    record_attempt,
    scores_by_question,
)
from storage.learners import ensure_learner
from storage.pending import (
    Pending,
    add_hint,
    clear_pending,
    get_pending,
    pending_sent,
    question_of_message,
    remember_question_messages,
    set_pending,
    was_graded,
)

TOPIC_KEYBOARD_WIDTH = 2


class Practice:
    def __init__(
        self,
        db: Database,
        bank: Bank,
        grader: Grader,
        markup: Markup,
        reviews: Reviews,
        daily: DailyQuestions,
        interviews: Interviews,
    ) -> None:
        self.db = db
        self.bank = bank
        self.grader = grader
        self.m = markup
        self.reviews = reviews
        self.daily = daily
        self.interviews = interviews

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
        title = f"Topic: {self.bank.topic(topic).name}" if topic else ""
        return await self._ask(who, question, now, title)

    async def daily_question(self, who: Learner, now: datetime) -> Reply:
        """Ask today's question of the day (the same for everyone on this date)."""
        await ensure_learner(self.db, who.user_id, who.name, now)
        timezone = await self.daily.chat_zone(who.user_id, who.chat_id, who.group)
        day = local_day(now, timezone)
        question = self.daily.question_for(day)
        return await self._ask(who, question, now, heading(day))

    async def ask(self, who: Learner, question: Question, now: datetime, title: str) -> Reply:
        """Ask this question (a shared one, from a deep link)."""
        await ensure_learner(self.db, who.user_id, who.name, now)
        return await self._ask(who, question, now, title)

    async def _ask(self, who: Learner, question: Question, now: datetime, title: str) -> Reply:
        if busy := await self.interviews.busy(who):
            return busy
        if not who.group:
            await set_pending(self.db, who.chat_id, who.user_id, question.id, now)
        footer = (
            ANSWER_BY_REPLY
            if who.group
            else "Write your answer. /hint for a hint, /skip to see the answer."
        )
        text = question_text(question, self.m, title)
        return Reply.of(text, self.m.italic(footer), asks=question.id)

    async def question_sent(
        self, who: Learner, message_ids: list[int], question_id: str, now: datetime
    ) -> None:
        """In groups, remember which question the sent messages ask: replies to them are
        the answers (privacy mode delivers nothing else). In private chats the pending
        question learns its first message: only later messages answer it."""
        if who.group:
            await remember_question_messages(self.db, who.chat_id, message_ids, question_id, now)
        else:
            await pending_sent(self.db, who.chat_id, who.user_id, question_id, message_ids[0])

    async def topic(self, who: Learner, query: str, now: datetime) -> Reply:
        """`/topic NAME`: a question from the topic that NAME means, or suggestions."""
        if not query.strip():
            return await self.topics(who)
        found = find_topic(self.bank.topics, query)
        if found.match:
            return await self.quiz(who, now, topic=found.match.slug)
        if found.suggestions:
            buttons = [[topic_button(t.name, t.slug)] for t in found.suggestions]
            text = f"{unknown_topic(query)} {did_you_mean(t.name for t in found.suggestions)}"
            return Reply.of(self.m.escape(text), buttons=buttons)
        return Reply.of(
            self.m.escape(f"{unknown_topic(query)} Pick one:"),
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
                buttons.append(
                    topic_button(f"{topic.name} {done.answered}/{done.total}", topic.slug)
                )
        width = TOPIC_KEYBOARD_WIDTH
        return [buttons[i : i + width] for i in range(0, len(buttons), width)]

    async def answer(
        self,
        who: Learner,
        text: str,
        now: datetime,
        reply_to: int | None = None,
        message_id: int | None = None,
    ) -> Reply | None:
        """Grade an answer: to the question message it replies to, else (in private chats) to
        the pending question. In groups anything but a reply to a question returns None. Each
        asking of a question takes one graded answer per learner; a message sent before the
        pending question was asked does not answer it. A message graded before (handled again
        after a crash) shows the same grade again."""
        if message_id is not None:
            graded = await attempt_of_message(self.db, who.chat_id, who.user_id, message_id)
            if graded is not None:
                return self._regraded(who, *graded)
        found = await self._answering(who, reply_to, message_id)
        if found is None or isinstance(found, Reply):
            return found
        question_id, hints, prompt_id = found
        if prompt_id is not None and await was_graded(self.db, who.chat_id, who.user_id, prompt_id):
            return self._already_graded()
        question = self.bank.get(question_id)
        if question is None:
            return await self._left_the_bank(who)
        grade = self.grader.grade(question, text)
        if grade.no_answer:
            advice = (
                f"{not_graded(grade.no_answer)} "
                "Try again in your own words, or /hint for a hint, /skip for the answer."
            )
            return Reply.of(self.m.escape(advice))
        await ensure_learner(self.db, who.user_id, who.name, now)
        records = await answer_records(
            self.db,
            who.user_id,
            who.chat_id,
            question.id,
            text,
            grade.score,
            hints,
            now,
            point_grades(grade),
            message_id,
        )
        try:
            attempt_id = await record_attempt(
                self.db, records.attempt, records.streak, records.card, prompt_id
            )
        except AlreadyGraded:
            return self._already_graded()
        return self._graded(who, question, grade, hints, attempt_id)

    def _regraded(self, who: Learner, attempt_id: int, attempt: Attempt) -> Reply:
        """The reply an attempt got, made again (grading is a pure function of the text)."""
        question = self.bank.get(attempt.question_id)
        if question is None:
            return self._already_graded()
        grade = self.grader.grade(question, attempt.answer)
        return self._graded(who, question, grade, attempt.hints, attempt_id)

    def _graded(
        self, who: Learner, question: Question, grade: Grade, hints: int, attempt_id: int
    ) -> Reply:
        summary, model = grade_parts(grade, question, self.m, hints)
        if who.name and who.group:
            summary = f"{self.m.bold(isolated(who.name))}\n{summary}"
        same = topic_button("Same topic", question.topics[0])
        return Reply.of(summary, model, buttons=[[NEXT, same], [dispute_button(attempt_id)]])

    async def _answering(
        self, who: Learner, reply_to: int | None, message_id: int | None
    ) -> tuple[str, int, int | None] | Reply | None:
        """What a message answers: (question id, hints taken, prompt id if known), or the
        reply that says why it answers nothing (None in groups: not addressed to the bot)."""
        asked = await question_of_message(self.db, who.chat_id, reply_to) if reply_to else None
        if asked is None and who.group:
            return None
        pending = None if who.group else await get_pending(self.db, who.chat_id, who.user_id)
        if asked is not None:
            same = pending is not None and pending.prompt_id == asked.prompt_id
            return asked.question_id, pending.hints if same else 0, asked.prompt_id
        if pending is None:
            return Reply.of(
                self.m.escape("No question is waiting for an answer. Want one?"),
                buttons=[[QUIZ, TOPICS]],
            )
        asked_in = pending.prompt_id
        if message_id is not None and asked_in is not None and message_id < asked_in:
            text = f"{came_before('the question above')} Write your answer now."
            return Reply.of(self.m.escape(text))
        return pending.question_id, pending.hints, pending.prompt_id

    def _already_graded(self) -> Reply:
        return Reply.of(self.m.escape(f"{ALREADY_GRADED} /quiz asks a new question."))

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
