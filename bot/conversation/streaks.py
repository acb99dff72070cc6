"""Streaks, conversation side: `/streak`, and keeping the streak's days on the learner's clock
when they change time zone (answers.py extends the streak with each graded answer)."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.reply import Reply
from bot.core.streaks import MAX_FREEZES, local_day, moved, status
from bot.render.markup import Markup
from storage import Database
from storage.attempts import last_answered_at
from storage.learners import get_timezone
from storage.streaks import get_streak, save_streak


class Streaks:
    def __init__(self, db: Database, markup: Markup) -> None:
        self.db = db
        self.m = markup

    async def timezone_changed(self, user_id: int, timezone: str) -> None:
        """After `/timezone`: the last practice's day as the new zone sees it."""
        last = await last_answered_at(self.db, user_id)
        if last is None:
            return
        streak = await get_streak(self.db, user_id)
        rezoned = moved(streak, local_day(last, timezone))
        if rezoned != streak:
            await save_streak(self.db, user_id, rezoned)

    async def show(self, user_id: int, now: datetime) -> Reply:
        """`/streak`: current and best, freezes held and spent, whether today counts."""
        timezone = await get_timezone(self.db, user_id)
        today = local_day(now, timezone)
        shown = status(await get_streak(self.db, user_id), today)
        lines = [
            f"🔥 Current streak: {shown.current} day(s)",
            f"🏆 Best: {shown.best} day(s)",
            f"🧊 Streak freezes: {shown.freezes} of {MAX_FREEZES}",
        ]
        if shown.frozen_days:
            lines.append(
                f"A freeze covers each of the {shown.frozen_days} day(s) you missed, "
                "so your streak is safe."
                if shown.frozen_days > 1
                else "A freeze covers the day you missed, so your streak is safe."
            )
        if shown.counts_today:
            lines.append("Today already counts. ✅")
        elif shown.current and shown.freezes:
            lines.append(
                "Answer one question today to extend it (if you miss today, a freeze covers it)."
            )
        else:
            lines.append("Answer one question today to keep it going.")
        if shown.next_freeze_in is not None:
            lines.append(
                f"Every 7th day of a streak earns a freeze (at most {MAX_FREEZES}): "
                f"the next at a streak of {shown.current + shown.next_freeze_in} day(s)."
            )
        lines.append(f"(Days follow your time zone, {timezone}.)")
        return Reply.of(self.m.escape("\n".join(lines)))
