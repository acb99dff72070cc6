"""Notices: messages the bot sends on its own initiative, one row per chat, kind and key.

A notice queued by the engine (a dispute's outcome) waits as `queued`; a scheduled one (a streak
reminder, a weekly recap) is created right when it is claimed. Either way a row is claimed as
`sending` before its message goes out and never claimed again, so a crash never sends a notice
twice (one in flight when the process died is left as uncertain).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from storage.engine import Database, Row, Transaction


class NoticeStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


class NoticeKind(StrEnum):
    DISPUTE_UPHELD = "dispute-upheld"
    STREAK_REMINDER = "streak-reminder"
    WEEKLY_RECAP = "weekly-recap"


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    chat_id: int
    kind: NoticeKind
    key: str
    text: str
    status: NoticeStatus


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _notice(row: Row) -> Notice:
    return Notice(
        row["id"],
        row["chat_id"],
        NoticeKind(row["kind"]),
        row["key"],
        row["text"],
        NoticeStatus(row["status"]),
    )


async def queue_notice(
    tx: Transaction, chat_id: int, kind: NoticeKind, key: str, text: str, now: datetime
) -> bool:
    """Queue a notice inside the caller's transaction; False if that one exists already."""
    changed = await tx.execute(
        "INSERT INTO notices (chat_id, kind, key, text, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (chat_id, kind, key, text, NoticeStatus.QUEUED, _instant(now), _instant(now)),
    )
    return changed > 0


async def queued_notices(db: Database, limit: int) -> list[Notice]:
    """Queued notices, oldest first."""
    rows = await db.fetch_all(
        "SELECT * FROM notices WHERE status = ? ORDER BY id LIMIT ?", (NoticeStatus.QUEUED, limit)
    )
    return [_notice(row) for row in rows]


async def claim_queued(db: Database, notice_id: int, now: datetime) -> bool:
    """Claim a queued notice for sending; False if another sender claimed it first."""
    changed = await db.write(
        "UPDATE notices SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
        (NoticeStatus.SENDING, _instant(now), notice_id, NoticeStatus.QUEUED),
    )
    return changed > 0


async def claim_new(
    db: Database, chat_id: int, kind: NoticeKind, key: str, text: str, now: datetime
) -> int | None:
    """Create and claim a scheduled notice; None if that chat already had it (sent or not)."""
    async with db.transaction() as tx:
        inserted = await tx.fetch_one(
            "INSERT INTO notices (chat_id, kind, key, text, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (chat_id, kind, key, text, NoticeStatus.SENDING, _instant(now), _instant(now)),
        )
        return inserted["id"] if inserted else None


async def finish_notice(
    db: Database, notice_id: int, status: NoticeStatus, message_id: int | None, now: datetime
) -> None:
    await db.write(
        "UPDATE notices SET status = ?, message_id = ?, updated_at = ? WHERE id = ?",
        (status, message_id, _instant(now), notice_id),
    )


async def notices_to(db: Database, chat_id: int) -> list[Notice]:
    """Every notice of a chat, oldest first."""
    rows = await db.fetch_all("SELECT * FROM notices WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [_notice(row) for row in rows]
