"""`/top` in a group: today's first scores on today's question of the day, among the members
who answered it in that group."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.actions import DAILY
from bot.conversation.daily import DailyQuestions
from bot.conversation.reply import Reply
from bot.core.leaderboard import leaderboard
from bot.core.streaks import local_day
from bot.render.markup import Markup, excerpt, isolated
from storage import Database
from storage.attempts import answers_in_chat

SHOWN = 10
MEDALS = ("🥇", "🥈", "🥉")
GROUPS_ONLY = (
    "/top is a group leaderboard for the question of the day. Add me to a group, ask the "
    "question of the day there, and members answer by replying to it."
)


class Leaderboard:
    def __init__(self, db: Database, daily: DailyQuestions, markup: Markup) -> None:
        self.db = db
        self.daily = daily
        self.m = markup

    async def show(self, user_id: int, chat_id: int, group: bool, now: datetime) -> Reply:
        """Today's ranking by each member's first score, then by who got it first. Today is
        the group's day in the time zone of its daily question, else in the asker's."""
        if not group:
            return Reply.of(self.m.escape(GROUPS_ONLY))
        timezone = await self.daily.chat_zone(user_id, chat_id, group)
        day = local_day(now, timezone)
        question = self.daily.question_for(day)
        ranking = leaderboard(await answers_in_chat(self.db, chat_id, question.id), day, timezone)
        heading = (
            f"{self.m.bold(f'Leaderboard, {day:%A %d %B}')}\n"
            f"{self.m.escape(f'Question of the day: {excerpt(question.prompt, 90)}')}"
        )
        if not ranking:
            text = "Nobody here has answered it yet today. Press the button to ask it."
            return Reply.of(heading, self.m.escape(text), buttons=[[DAILY]])
        lines = [
            f"{MEDALS[rank] if rank < len(MEDALS) else f'{rank + 1}.'} "
            f"{self.m.bold(isolated(score.name) if score.name else 'Someone')}: {score.score}/100"
            for rank, score in enumerate(ranking[:SHOWN])
        ]
        if len(ranking) > SHOWN:
            lines.append(self.m.escape(f"… and {len(ranking) - SHOWN} more."))
        return Reply.of(heading, "\n".join(lines))
