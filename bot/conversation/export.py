"""`/export`: everything stored about the learner, as a CSV of their answers and a JSON
document of it all (answers with their key points, streak and practice days, review cards,
settings)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from bot.conversation.learner import Learner
from bot.conversation.nudges import Nudges
from bot.conversation.reply import Document, Reply
from bot.render.markup import Markup
from storage import Database
from storage.attempts import StoredAttempt, attempts_of
from storage.cards import get_cards
from storage.learners import ensure_learner, get_timezone
from storage.streaks import get_streak
from storage.subscriptions import private_subscription_of

CSV_COLUMNS = (
    "attempt_id",
    "answered_at",
    "local_day",
    "question_id",
    "score",
    "hints",
    "disputed",
    "upheld",
    "key_points",
    "answer",
)
PRIVATE_ONLY = "Your data is yours alone: send /export in a private chat with me."


class Export:
    def __init__(self, db: Database, markup: Markup, nudges: Nudges) -> None:
        self.db = db
        self.m = markup
        self.nudges = nudges

    async def command(self, who: Learner, now: datetime) -> Reply:
        if who.group:
            return Reply.of(self.m.escape(PRIVATE_ONLY))
        await ensure_learner(self.db, who.user_id, who.name, now)
        attempts = await attempts_of(self.db, who.user_id)
        everything = await self.everything(who.user_id, attempts, now)
        stamp = f"{now.astimezone(UTC):%Y%m%d}"
        text = (
            f"Here is everything I store about you: {len(attempts)} answer(s) as a CSV table, "
            "and all of it (answers with their key points, streak, review cards, settings) as "
            "JSON. /forget deletes it."
        )
        return Reply.of(
            self.m.escape(text),
            documents=(
                Document(f"answers-{stamp}.csv", answers_csv(attempts).encode(), "Your answers"),
                Document(
                    f"everything-{stamp}.json",
                    json.dumps(everything, ensure_ascii=False, indent=2).encode(),
                    "Everything stored about you",
                ),
            ),
        )

    async def everything(
        self, user_id: int, attempts: list[StoredAttempt], now: datetime
    ) -> dict[str, object]:
        """The JSON document's content (dicts only here, at the edge)."""
        streak = await get_streak(self.db, user_id)
        cards = await get_cards(self.db, user_id)
        daily = await private_subscription_of(self.db, user_id)
        days: dict[str, int] = {}
        for stored in attempts:
            day = stored.attempt.local_day.isoformat()
            days[day] = days.get(day, 0) + 1
        settings: dict[str, object] = {
            "timezone": await get_timezone(self.db, user_id),
            "daily_question": daily.send_at.isoformat("minutes") if daily else None,
            **await self.nudges.settings(user_id),
        }
        return {
            "user_id": user_id,
            "exported_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "answers": [_answer_dict(stored) for stored in attempts],
            "streak": {
                "current": streak.current,
                "best": streak.best,
                "last_day": streak.last_day.isoformat() if streak.last_day else None,
                "freezes": streak.freezes,
                "practice_days": days,
            },
            "review_cards": [
                {
                    "question_id": card.question_id,
                    "due": card.due.astimezone(UTC).isoformat(timespec="seconds"),
                    "latest_score": card.score,
                    "reviews": card.reviews,
                }
                for card in cards
            ],
            "settings": settings,
        }


def _answer_dict(stored: StoredAttempt) -> dict[str, object]:
    attempt = stored.attempt
    return {
        "attempt_id": stored.id,
        "answered_at": attempt.answered_at.isoformat(timespec="seconds"),
        "local_day": attempt.local_day.isoformat(),
        "chat_id": attempt.chat_id,
        "question_id": attempt.question_id,
        "score": attempt.score,
        "hints": attempt.hints,
        "disputed": stored.disputed,
        "upheld": stored.upheld,
        "answer": attempt.answer,
        "key_points": [
            {"point": p.point, "coverage": p.coverage, "closeness": p.closeness}
            for p in attempt.points
        ],
    }


def answers_csv(attempts: list[StoredAttempt]) -> str:
    """One row per answer; key points as `covered: point; missed: point`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for stored in attempts:
        attempt = stored.attempt
        writer.writerow(
            (
                stored.id,
                attempt.answered_at.isoformat(timespec="seconds"),
                attempt.local_day.isoformat(),
                attempt.question_id,
                attempt.score,
                attempt.hints,
                int(stored.disputed),
                int(stored.upheld),
                "; ".join(f"{p.coverage}: {p.point}" for p in attempt.points),
                attempt.answer,
            )
        )
    return out.getvalue()
