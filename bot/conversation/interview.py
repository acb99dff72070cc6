"""Mock interviews, conversation side: `/interview`, its answers, follow-ups and report card.

An interview is N questions asked one after another in a private chat. While it runs, the
learner's plain messages answer it. An answer that misses a key point gets the question's
follow-up once (kept, not graded) before the next question. Every step is one transaction
in SQLite, so a restart continues where the learner was.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.conversation.actions import dispute_button
from bot.conversation.answers import answer_records, point_grades
from bot.conversation.learner import Learner
from bot.conversation.phrases import (
    ALREADY_GRADED,
    came_before,
    did_you_mean,
    not_graded,
    unknown_topic,
)
from bot.conversation.reply import Reply
from bot.conversation.review import Reviews
from bot.core.interview import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    Problem,
    ReportCard,
    Result,
    Trouble,
    Verdict,
    plan,
    read_request,
    report_card,
)
from bot.grader import Grader, NoAnswer
from bot.grader.thresholds import PARTIAL_FROM, STRONG_FROM
from bot.render.markup import Markup, isolated
from bot.render.questions import question_text
from content import Bank, Difficulty, Question, Topic
from storage import Database
from storage.interviews import (
    Interview,
    InterviewStatus,
    Stage,
    Step,
    get_interview,
    interview_prompt_sent,
    move_interview,
    running_interview,
    save_answer,
    save_follow_up,
    save_pass,
    start_interview,
)
from storage.learners import ensure_learner

USAGE = (
    f"/interview: {MIN_QUESTIONS}-{MAX_QUESTIONS} questions (5 by default) mixed across "
    "sections. Add a number, a level (junior, middle, senior) or a topic, in any mix: "
    "/interview 8, /interview senior, /interview asyncio, /interview 6 senior."
)
QUESTION_FOOTER = "Answer as you would in an interview. /skip passes, /cancel ends the interview."
GROUPS = "Mock interviews run in a private chat with me: open it and send /interview."
MARKS = ((STRONG_FROM, "✅"), (PARTIAL_FROM, "➖"), (0, "❌"))  # the grader's verdict bands


class Interviews:
    def __init__(
        self, db: Database, bank: Bank, grader: Grader, reviews: Reviews, markup: Markup
    ) -> None:
        self.db = db
        self.bank = bank
        self.grader = grader
        self.reviews = reviews
        self.m = markup

    async def command(self, who: Learner, args: str, now: datetime) -> Reply:
        """`/interview [N] [level] [topic]`: start one, or show where the running one is."""
        if who.group:
            return Reply.of(self.m.escape(GROUPS))
        running = await running_interview(self.db, who.chat_id, who.user_id)
        if running:
            return Reply.of(
                self.m.escape(self._reminder(running)),
                self._current(running),
                asks=self._asking(running),
            )
        request = read_request(args, self.bank.topics)
        if isinstance(request, Problem):
            return Reply.of(self.m.escape(self._problem(request)))
        pool = self.bank.in_topic(request.topic.slug) if request.topic else self.bank.questions
        if request.difficulty:
            pool = tuple(q for q in pool if q.difficulty is request.difficulty)
        if not pool:
            return Reply.of(self.m.escape(f"There are no such questions yet.\n{USAGE}"))
        await ensure_learner(self.db, who.user_id, who.name, now)
        seen = await self.reviews.seen(who.user_id)
        questions = plan(pool, request.count, seen, seed=f"{who.user_id}:{now.isoformat()}")
        await start_interview(
            self.db,
            who.chat_id,
            who.user_id,
            request.difficulty.value if request.difficulty else None,
            request.topic.slug if request.topic else None,
            [q.id for q in questions],
            now,
        )
        intro = self._intro(len(questions), request.count, request.difficulty, request.topic)
        return Reply.of(
            intro, self._question(questions[0], 0, len(questions)), asks=questions[0].id
        )

    async def question_sent(self, who: Learner, message_ids: list[int]) -> bool:
        """A reply asking the running interview's current stage went out as these messages;
        False when no interview runs."""
        interview = None if who.group else await running_interview(self.db, *_key(who))
        if interview is None:
            return False
        await interview_prompt_sent(self.db, interview.id, message_ids[0])
        return True

    async def answer(
        self, who: Learner, text: str, now: datetime, message_id: int | None = None
    ) -> Reply | None:
        """The learner's message while an interview runs; None when none is running. A
        message sent before the current question or follow-up was asked (the same answer
        sent twice, say) does not answer it; one that already moved it (handled again after
        a crash) shows where the interview is."""
        interview = None if who.group else await running_interview(self.db, *_key(who))
        if interview is None:
            return None
        moved_by = interview.moved_by
        if message_id is not None and moved_by is not None and message_id <= moved_by:
            return Reply.of(
                self.m.escape("Noted."), self._current(interview), asks=self._asking(interview)
            )
        asked_in = interview.prompt_message_id
        if message_id is not None and asked_in is not None and message_id < asked_in:
            where = (
                "the follow-up"
                if interview.stage is Stage.FOLLOW_UP
                else f"question {interview.position + 1}"
            )
            note = f"{ALREADY_GRADED} {came_before(where)} Answer it above, or /skip."
            return Reply.of(self.m.escape(note))
        question = self._asked(interview)
        if interview.stage is Stage.FOLLOW_UP:
            step = _next(interview)
            await save_follow_up(self.db, interview, text, step, now, message_id)
            return await self._go_on(interview, step, "Thanks, noted.")
        if question is None:
            note = "That question has left the bank: skipped."
            return await self._pass(interview, note, now, message_id)
        grade = self.grader.grade(question, text)
        if grade.no_answer is NoAnswer.UNKNOWN:
            note = "No problem: that one counts as passed."
            return await self._pass(interview, note, now, message_id)
        if grade.no_answer:
            advice = (
                f"{not_graded(grade.no_answer)} Answer in your own words, or /skip to pass "
                "this question."
            )
            return Reply.of(self.m.escape(advice))
        records = await answer_records(
            self.db,
            who.user_id,
            who.chat_id,
            question.id,
            text,
            grade.score,
            0,
            now,
            point_grades(grade),
            message_id,
        )
        follow_up = bool(grade.missed and question.follow_up)
        step = Step(interview.position, Stage.FOLLOW_UP) if follow_up else _next(interview)
        attempt_id = await save_answer(
            self.db, interview, step, records.attempt, records.streak, records.card
        )
        noted = f"Noted: {grade.score}/100."
        dispute = (dispute_button(attempt_id, f"I think I was right ({grade.score}/100)"),)
        if follow_up:
            return Reply.of(
                self.m.escape(noted),
                self._follow_up(question),
                buttons=[dispute],
                asks=question.id,
            )
        going_on = await self._go_on(interview, step, noted)
        return replace(going_on, buttons=(*going_on.buttons, dispute))

    async def skip(self, who: Learner, now: datetime) -> Reply | None:
        """`/skip` in an interview passes the question (or its follow-up)."""
        interview = None if who.group else await running_interview(self.db, *_key(who))
        if interview is None:
            return None
        if interview.stage is Stage.FOLLOW_UP:
            step = _next(interview)
            await move_interview(self.db, interview, step, now)
            return await self._go_on(interview, step, "Follow-up skipped.")
        return await self._pass(interview, "Passed: that one scores 0.", now)

    async def cancel(self, who: Learner, now: datetime) -> Reply | None:
        """`/cancel` in an interview ends it, with a report on what was answered."""
        interview = None if who.group else await running_interview(self.db, *_key(who))
        if interview is None:
            return None
        stop = Step(interview.position, interview.stage, InterviewStatus.CANCELLED)
        await move_interview(self.db, interview, stop, now)
        done = [q for q in interview.questions if q.score is not None]
        if not done:
            text = "Interview ended before any answer: nothing to report. /interview starts anew."
            return Reply.of(self.m.escape(text))
        head = f"Interview ended early: {len(done)} of {len(interview.questions)} answered."
        return Reply.of(self.m.escape(head), self._report(interview))

    async def hint(self, who: Learner) -> Reply | None:
        """No hints in an interview; None when none is running."""
        if who.group or await running_interview(self.db, *_key(who)) is None:
            return None
        text = "No hints in a mock interview: say what you know, or /skip to pass."
        return Reply.of(self.m.escape(text))

    async def busy(self, who: Learner) -> Reply | None:
        """While an interview runs, other questions wait: the reminder, or None."""
        interview = None if who.group else await running_interview(self.db, *_key(who))
        return Reply.of(self.m.escape(self._reminder(interview))) if interview else None

    # --- steps

    async def _pass(
        self, interview: Interview, note: str, now: datetime, message_id: int | None = None
    ) -> Reply:
        step = _next(interview)
        await save_pass(self.db, interview, step, now, message_id)
        return await self._go_on(interview, step, note)

    async def _go_on(self, interview: Interview, step: Step, note: str) -> Reply:
        """After a step: the next question, or the report card when the interview is over."""
        if step.status is InterviewStatus.FINISHED:
            finished = await get_interview(self.db, interview.id)
            return Reply.of(
                self.m.escape(f"{note} That was the last question."), self._report(finished)
            )
        moved = replace(interview, position=step.position, stage=step.stage)
        return Reply.of(self.m.escape(note), self._current(moved), asks=self._asking(moved))

    # --- text

    def _intro(
        self, count: int, asked: int, difficulty: Difficulty | None, topic: Topic | None
    ) -> str:
        level = f"{difficulty.value} level" if difficulty else "all levels"
        about = f"on {topic.name}" if topic else "mixed across sections"
        lines = [self.m.bold(f"🎤 Mock interview: {count} questions, {level}, {about}.")]
        if count < asked:
            lines.append(self.m.escape(f"(Only {count} questions fit, so this one is shorter.)"))
        lines.append(
            self.m.escape(
                "Answer each in one message, as you would in a real interview. When something "
                "is missing I may ask a follow-up. At the end you get a report card."
            )
        )
        return "\n".join(lines)

    def _question(self, question: Question, position: int, total: int) -> str:
        heading = f"Question {position + 1} of {total}"
        return f"{question_text(question, self.m, heading)}\n\n{self.m.italic(QUESTION_FOOTER)}"

    def _follow_up(self, question: Question) -> str:
        return (
            f"{self.m.bold('Follow-up')}\n{self.m.escape(question.follow_up)}\n\n"
            f"{self.m.italic('A short answer will do; /skip moves on.')}"
        )

    def _current(self, interview: Interview) -> str:
        """What the learner is asked now: a question or a follow-up."""
        question = self._asked(interview)
        if question is None:
            return self.m.italic("This question has left the bank: send anything to skip it.")
        if interview.stage is Stage.FOLLOW_UP:
            return self._follow_up(question)
        return self._question(question, interview.position, len(interview.questions))

    def _asking(self, interview: Interview) -> str | None:
        """The id of the question the current stage asks (None if it left the bank)."""
        question = self._asked(interview)
        return question.id if question else None

    def _asked(self, interview: Interview) -> Question | None:
        return self.bank.get(interview.questions[interview.position].question_id)

    def _reminder(self, interview: Interview) -> str:
        where = f"question {interview.position + 1} of {len(interview.questions)}"
        if interview.stage is Stage.FOLLOW_UP:
            where = f"the follow-up to {where}"
        return (
            f"You are in a mock interview, at {where}. Write your answer, /skip to pass, or "
            "/cancel to end the interview."
        )

    def _problem(self, problem: Problem) -> str:
        given = isolated(problem.given[:50])
        if problem.trouble is Trouble.UNKNOWN_TOPIC:
            offer = (
                did_you_mean(t.name for t in problem.suggestions)
                if problem.suggestions
                else "/topics lists them."
            )
            return f"{unknown_topic(problem.given)} {offer}\n{USAGE}"
        reasons = {
            Trouble.COUNT_OUT_OF_RANGE: f"An interview has {MIN_QUESTIONS} to {MAX_QUESTIONS} "
            f"questions, not {given}.",
            Trouble.TWO_COUNTS: "Give one number of questions.",
            Trouble.TWO_LEVELS: f"Pick one level, not “{given}”.",
        }
        return f"{reasons[problem.trouble]}\n{USAGE}"

    def _report(self, interview: Interview) -> str:
        results = [
            Result(question, q.score, q.passed, q.followed_up)
            for q in interview.questions
            if q.score is not None and (question := self.bank.get(q.question_id))
        ]
        difficulty = Difficulty(interview.difficulty) if interview.difficulty else None
        card = report_card(results, len(interview.questions), difficulty)
        m = self.m
        lines = [m.bold(f"📋 Report card: {card.readiness.level.value}-level mock interview"), ""]
        for number, result in enumerate(card.results, 1):
            question = result.question
            line = f"{number}. {self._topic(question.topics[0])} · {question.difficulty.value}: "
            line += "passed ⏭" if result.passed else f"{result.score}/100 {_mark(result.score)}"
            if result.followed_up:
                line += " (+ follow-up)"
            lines.append(m.escape(line))
        lines += ["", m.bold(f"Average: {card.average:.0f}/100"), ""]
        lines += [m.escape(line) for line in self._verdicts(card)]
        return "\n".join(lines)

    def _verdicts(self, card: ReportCard) -> list[str]:
        strong = [
            f"{s.section.title} ({', '.join(self._topic(t) for t in s.topics)})"
            for s in card.strengths
        ]
        gaps = [f"{self._topic(g.topic)} (/topic {g.topic})" for g in card.gaps]
        return [
            f"💪 Strengths: {'; '.join(strong)}"
            if strong
            else f"💪 Strengths: no section at {STRONG_FROM}+ yet.",
            f"🎯 Practise next: {', '.join(gaps)}"
            if gaps
            else f"🎯 Gaps: none, every answer scored {STRONG_FROM}+.",
            f"🧭 {_readiness(card)}",
        ]

    def _topic(self, slug: str) -> str:
        topic = self.bank.topic(slug)
        return topic.name if topic else slug


def _readiness(card: ReportCard) -> str:
    readiness = card.readiness
    level, other = readiness.level.value, readiness.suggested
    match readiness.verdict:
        case Verdict.READY:
            more = f" Try /interview {other.value} next." if other else ""
            return f"Ready for a {level}-level interview.{more}"
        case Verdict.ALMOST:
            return f"Almost ready for a {level}-level interview: practise the gaps, then try again."
        case Verdict.NOT_YET:
            more = (
                f" A {other.value}-level one fits better for now (/interview {other.value})."
                if other
                else " Practise the gaps with /topic, then try again."
            )
            return f"Not ready for a {level}-level interview yet.{more}"
        case Verdict.TOO_FEW:
            return "Too few answers for a readiness verdict."


def _next(interview: Interview) -> Step:
    """The step after the current question: the next one, or the end."""
    following = interview.position + 1
    if following < len(interview.questions):
        return Step(following)
    return Step(interview.position, Stage.QUESTION, InterviewStatus.FINISHED)


def _mark(score: int) -> str:
    return next(mark for floor, mark in MARKS if score >= floor)


def _key(who: Learner) -> tuple[int, int]:
    return who.chat_id, who.user_id
