"""Disputed grades: the "I think I was right" button under every grade, and `/disputes`, the
admins' list of the most disputed questions and key points, so the content improves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.conversation.reply import Reply
from bot.grader import Coverage, Grader
from bot.render.markup import Markup, excerpt, isolated
from content import Bank
from storage import Database
from storage.attempts import get_attempt
from storage.disputes import DisputedQuestion, add_dispute, dispute_count, most_disputed

SHOWN_QUESTIONS = 10
SHOWN_POINTS = 3
EXCERPT = 160

THANKS = (
    "Thank you! I noted that you think this grade is wrong. Disputed grades are reviewed "
    "to improve the questions and the grading."
)
ALREADY = "You already told me about this grade, and it is noted. Thank you!"
UNKNOWN = (
    "I could not find that grade: the button may belong to an old message. Nothing changed; "
    "if you think a new grade is wrong, press the button under it."
)
NOT_YOURS = "Only the person who wrote that answer can dispute its grade."
ADMINS_ONLY = "Sorry, /disputes is for the bot's operators."
PRIVATE_ONLY = "/disputes shows learners' answers, so I send it in a private chat only."


class Disputes:
    def __init__(
        self,
        db: Database,
        bank: Bank,
        grader: Grader,
        markup: Markup,
        admin_ids: Iterable[int] = (),
    ) -> None:
        self.db = db
        self.bank = bank
        self.grader = grader
        self.m = markup
        self.admin_ids = frozenset(admin_ids)

    async def press(
        self, user_id: int, chat_id: int, attempt_id: int | None, now: datetime
    ) -> Reply:
        """The button under a grade, for the attempt its data names (None: unreadable data);
        the attempt must be one this learner gave in this chat."""
        attempt = await get_attempt(self.db, attempt_id) if attempt_id is not None else None
        if attempt is None or attempt.chat_id != chat_id:
            return Reply.of(self.m.escape(UNKNOWN))
        if attempt.user_id != user_id:
            return Reply.of(self.m.escape(NOT_YOURS))
        question = self.bank.get(attempt.question_id)
        points = []
        if question is not None:
            grade = self.grader.grade(question, attempt.answer)
            points = [r.point.text for r in grade.points if r.coverage is not Coverage.HIT]
        added = await add_dispute(self.db, attempt_id, user_id, attempt.question_id, points, now)
        return Reply.of(self.m.escape(THANKS if added else ALREADY))

    async def report(self, user_id: int, group: bool) -> Reply:
        """`/disputes`: the most disputed questions, with the key points their disputed
        answers were not credited for and a sample answer; for admins, in private."""
        if user_id not in self.admin_ids:
            return Reply.of(self.m.escape(ADMINS_ONLY))
        if group:
            return Reply.of(self.m.escape(PRIVATE_ONLY))
        found = await most_disputed(self.db, SHOWN_QUESTIONS, SHOWN_POINTS)
        if not found:
            return Reply.of(self.m.escape("No grade has been disputed yet."))
        total = await dispute_count(self.db)
        heading = self.m.bold(f"Most disputed questions ({total} dispute(s) in all)")
        return Reply.of(heading, *(self._entry(n, q) for n, q in enumerate(found, 1)))

    def _entry(self, number: int, disputed: DisputedQuestion) -> str:
        question = self.bank.get(disputed.question_id)
        title = question.prompt if question else "(no longer in the bank)"
        lines = [
            f"{number}. {self.m.bold(disputed.question_id)}: "
            f"{self.m.escape(f'{disputed.disputes} dispute(s). {excerpt(title, 90)}')}",
        ]
        if disputed.points:
            lines.append(self.m.escape("Key points not credited in the disputed answers:"))
            lines += [self.m.escape(f"• {point} ({times}×)") for point, times in disputed.points]
        else:
            lines.append(self.m.escape("Every key point was credited in the disputed answers."))
        sample = excerpt(disputed.sample_answer, EXCERPT)
        quoted = self.m.escape(f"“{isolated(sample)}”")
        lines.append(f"{self.m.italic('Latest disputed answer:')} {quoted}")
        return "\n".join(lines)
