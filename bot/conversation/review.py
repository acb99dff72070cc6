"""Spaced repetition, conversation side: the learner's cards as selection sees them, and
`/review` (which questions are due now, and when the next one is)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversation.actions import QUIZ, REVIEW_NOW
from bot.conversation.learner import Learner
from bot.conversation.reply import Reply
from bot.core.review import summarize
from bot.core.selection import Seen
from bot.render.markup import Markup, excerpt
from content import Bank
from storage import Database
from storage.cards import get_cards
from storage.learners import get_timezone

LISTED_DUE = 10  # due questions named in /review; the rest are counted
NO_CARDS = (
    "No reviews yet. Every question you answer becomes a review card: I bring it back when "
    "you are about to forget it, sooner when the answer was weak. Start with /quiz."
)


class Reviews:
    def __init__(self, db: Database, bank: Bank, markup: Markup) -> None:
        self.db = db
        self.bank = bank
        self.m = markup

    async def seen(self, user_id: int) -> dict[str, Seen]:
        """Due time and latest score of every card whose question is in the bank."""
        cards = await get_cards(self.db, user_id)
        return {c.question_id: Seen(c.due, c.score) for c in cards if self.bank.get(c.question_id)}

    async def command(self, who: Learner, now: datetime) -> Reply:
        """`/review`: the cards due now and the next due time, on the learner's clock."""
        seen = await self.seen(who.user_id)
        if not seen:
            return Reply.of(self.m.escape(NO_CARDS), buttons=[[QUIZ]])
        summary = summarize((s.due for s in seen.values()), now)
        timezone = await get_timezone(self.db, who.user_id)
        when = _when(summary.next_due, now, timezone) if summary.next_due else ""
        if summary.due_now:
            text = (
                f"🔁 {_count(summary.due_now, 'review')} due now, of "
                f"{_count(summary.total, 'question')} you have answered. "
                "/quiz asks them first, the most overdue first."
            )
            if when:
                text += f"\nAfter those, the next one is due {when}."
            return Reply.of(
                self.m.escape(text), self._due_list(seen, now, timezone), buttons=[[REVIEW_NOW]]
            )
        text = (
            f"🔁 Nothing to review now. The next review is due {when}.\n"
            f"({_count(summary.total, 'question')} in your reviews; meanwhile /quiz brings "
            "new questions.)"
        )
        return Reply.of(self.m.escape(text), buttons=[[QUIZ]])

    def _due_list(self, seen: dict[str, Seen], now: datetime, timezone: str) -> str:
        """The due questions, the most overdue first: id, section, prompt, since when."""
        due = sorted((s.due, question_id) for question_id, s in seen.items() if s.due <= now)
        lines = [self.m.bold("Due now:")]
        zone = ZoneInfo(timezone)
        for moment, question_id in due[:LISTED_DUE]:
            question = self.bank.get(question_id)
            since = f"{moment.astimezone(zone):%a %d %b}"
            lines.append(
                self.m.escape(
                    f"• {question_id} ({question.section.title}, last {seen[question_id].score}"
                    f"/100, due since {since}): {excerpt(question.prompt, 80)}"
                )
            )
        if len(due) > LISTED_DUE:
            lines.append(self.m.escape(f"… and {len(due) - LISTED_DUE} more."))
        return "\n".join(lines)


def _when(moment: datetime, now: datetime, timezone: str) -> str:
    """`today at 18:30 (Europe/Berlin)`, `tomorrow at ...`, `Tue 12 May at ...`."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"{local:%a %d %b}"
    return f"{day} at {local:%H:%M} ({timezone})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
