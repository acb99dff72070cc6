"""Disputed grades: the "I think I was right" button under every grade; `/disputes`, the
operators' list of the most disputed questions and of each open disputed answer beside the key
points it missed; `/uphold`, which regrades an answer (score, review card) and tells its
learner; and the upheld answers' wording as candidate phrasings for the bank."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.conversation.actions import uphold_button
from bot.conversation.learner import Learner
from bot.conversation.reply import Reply
from bot.core.phrasings import candidates
from bot.core.review import replay
from bot.grader import Coverage, Grader
from bot.render.markup import Markup, excerpt, isolated
from bot.render.phrasings import candidates_toml
from content import Bank
from storage import Database
from storage.attempts import get_attempt
from storage.disputes import (
    DisputedAnswer,
    DisputedQuestion,
    add_dispute,
    dispute_count,
    get_disputed_answer,
    most_disputed,
    open_disputes,
    question_answers,
    upheld_disputes,
    uphold_dispute,
)

SHOWN_QUESTIONS = 10
SHOWN_POINTS = 3
SHOWN_OPEN = 10  # open disputed answers listed by /disputes, oldest first
EXCERPT = 160
ANSWER_EXCERPT = 600
FULL_SCORE = 100  # an upheld answer scores this unless the operator gives a score
UPHOLD_USAGE = "/uphold N upholds dispute N (score 100); /uphold N 80 gives it 80."

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
        waiting = await open_disputes(self.db, SHOWN_OPEN)
        answers = [self.open_entry(d) for d in waiting]
        if waiting:
            answers.insert(0, self.m.bold(f"Open disputes, oldest first. {UPHOLD_USAGE}"))
        buttons = [
            [uphold_button(d.attempt_id) for d in waiting[i : i + 3]]
            for i in range(0, len(waiting), 3)
        ]
        return Reply.of(
            heading, *(self._entry(n, q) for n, q in enumerate(found, 1)), *answers, buttons=buttons
        )

    def open_entry(self, disputed: DisputedAnswer) -> str:
        """One disputed answer beside the key points it was not credited for."""
        question = self.bank.get(disputed.question_id)
        title = excerpt(question.prompt, 90) if question else "(no longer in the bank)"
        who = isolated(disputed.name) if disputed.name else "a learner"
        lines = [
            f"{self.m.bold(f'#{disputed.attempt_id}')} "
            + self.m.escape(
                f"{disputed.question_id}, {disputed.score}/100, by {who} "
                f"(user {disputed.user_id}) on {disputed.answered_at:%d %b %Y}: {title}"
            ),
            f"{self.m.italic('Answer:')} "
            + self.m.escape(f"“{isolated(excerpt(disputed.answer, ANSWER_EXCERPT))}”"),
        ]
        if disputed.points:
            lines.append(self.m.italic("Said to miss:"))
            lines += [self.m.escape(f"❌ {point}") for point in disputed.points]
        else:
            lines.append(self.m.escape("Every key point was credited (the score is the issue)."))
        lines.append(self.m.escape(f"/uphold {disputed.attempt_id}"))
        return "\n".join(lines)

    async def uphold_command(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/uphold N [SCORE]`, for operators in private."""
        if who.user_id not in self.admin_ids:
            return Reply.of(self.m.escape("Sorry, /uphold is for the bot's operators."))
        if who.group:
            return Reply.of(self.m.escape("/uphold works in a private chat only."))
        words = args.split()
        numbers = [w for w in words if w.isascii() and w.isdigit() and len(w) <= 18]
        if not words or len(numbers) != len(words) or len(words) > 2:
            return Reply.of(self.m.escape(UPHOLD_USAGE))
        score = int(words[1]) if len(words) == 2 else None
        text, upheld = await self.uphold(int(words[0]), who.user_id, score, now)
        return Reply.of(self.m.escape(text), queued_notices=upheld)

    async def press_uphold(self, who: Learner, attempt_id: int | None, now: datetime) -> Reply:
        if attempt_id is None:
            return Reply.of(self.m.escape(UNKNOWN))
        return await self.uphold_command(who, str(attempt_id), now)

    async def uphold(
        self, attempt_id: int, operator_id: int, score: int | None, now: datetime
    ) -> tuple[str, bool]:
        """Uphold dispute `attempt_id`: the answer scores `score` (default 100), its review
        card is rescheduled as if it had been graded so, and its learner is told in private
        (queued, sent by the notices push). The sentence for the operator, and whether it
        was upheld now."""
        if score is not None and not 0 <= score <= FULL_SCORE:
            return f"A score is 0 to 100. {UPHOLD_USAGE}", False
        disputed = await get_disputed_answer(self.db, attempt_id)
        if disputed is None:
            return f"There is no dispute #{attempt_id}. /disputes lists the open ones.", False
        if disputed.upheld_at is not None:
            when = f"{disputed.upheld_at:%d %b %Y}"
            return f"Dispute #{attempt_id} was upheld already, on {when}.", False
        new_score = FULL_SCORE if score is None else score
        answers = await question_answers(self.db, disputed.user_id, disputed.question_id)
        card = replay(
            disputed.question_id,
            ((at, new_score if aid == attempt_id else s) for aid, at, s in answers),
        )
        notice = self._upheld_notice(disputed, new_score, card.due)
        done = await uphold_dispute(self.db, disputed, operator_id, new_score, card, notice, now)
        if not done:
            return f"Dispute #{attempt_id} was upheld already.", False
        learner = isolated(disputed.name) if disputed.name else "the learner"
        return (
            f"Upheld #{attempt_id}: {disputed.score}/100 -> {new_score}/100; the review card "
            f"is rescheduled and {learner} will be told in private.",
            True,
        )

    def _upheld_notice(self, disputed: DisputedAnswer, score: int, due: datetime) -> str:
        question = self.bank.get(disputed.question_id)
        title = excerpt(question.prompt, 80) if question else disputed.question_id
        text = (
            f"✅ You were right. An operator reviewed the grade you disputed: your answer of "
            f"{disputed.answered_at:%d %b} to “{title}” now scores {score}/100 "
            f"(it was {disputed.score}/100). Its next review is on {due:%d %b}. "
            "Thank you: your answer helps the grading improve."
        )
        return self.m.escape(text)

    async def open_report(self) -> str:
        """The open disputes, for `python -m bot disputes`."""
        waiting = await open_disputes(self.db, 1_000_000)
        if not waiting:
            return "No open disputes."
        entries = [self.open_entry(d) for d in waiting]
        return f"{len(waiting)} open dispute(s), oldest first. {UPHOLD_USAGE}\n\n" + "\n\n".join(
            entries
        )

    async def candidates_toml(self) -> tuple[str, int]:
        """The upheld answers' wording as candidate alternative phrasings, in the bank's TOML
        form; and how many candidates there are."""
        found = []
        for disputed in await upheld_disputes(self.db):
            question = self.bank.get(disputed.question_id)
            if question is None:
                continue
            grade = self.grader.grade(question, disputed.answer)
            evidence = [r.evidence for r in grade.points if r.coverage is Coverage.HIT]
            found += candidates(
                disputed.question_id,
                disputed.attempt_id,
                disputed.answer,
                disputed.points,
                evidence,
            )
        return candidates_toml(found), len(found)

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
