"""Daily-question subscriptions (due times in UTC) and one delivery record per chat and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from storage.engine import Claim, Database


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; if the process dies now, it is never sent a second time
    SENT = "sent"
    BLOCKED = "blocked"  # the chat blocked the bot or is gone; unsubscribed
    FAILED = "failed"  # gave up for the day after retries


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    user_id: int
    is_group: bool
    timezone: str
    send_at: time
    next_due: datetime
    active: bool


def _instant(moment: datetime) -> str:
    """UTC, one fixed format, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _subscription(row) -> Subscription:
    return Subscription(
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        is_group=bool(row["is_group"]),
        timezone=row["timezone"],
        send_at=time.fromisoformat(row["send_at"]),
        next_due=datetime.fromisoformat(row["next_due"]),
        active=bool(row["active"]),
    )


async def subscribe(db: Database, subscription: Subscription, now: datetime) -> None:
    """Create or replace the chat's subscription, active."""
    await db.write(
        "INSERT INTO subscriptions (chat_id, user_id, is_group, timezone, send_at, next_due, "
        "active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT(chat_id) DO UPDATE SET "
        "user_id = excluded.user_id, is_group = excluded.is_group, timezone = excluded.timezone, "
        "send_at = excluded.send_at, next_due = excluded.next_due, active = 1",
        (
            subscription.chat_id,
            subscription.user_id,
            int(subscription.is_group),
            subscription.timezone,
            subscription.send_at.isoformat("minutes"),
            _instant(subscription.next_due),
            _instant(now),
        ),
    )


async def unsubscribe(db: Database, chat_id: int) -> bool:
    """Stop the chat's daily question; True if it was on."""
    changed = await db.write(
        "UPDATE subscriptions SET active = 0 WHERE chat_id = ? AND active = 1", (chat_id,)
    )
    return changed > 0


async def get_subscription(db: Database, chat_id: int) -> Subscription | None:
    row = await db.fetch_one("SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,))
    return _subscription(row) if row else None


async def private_subscription_of(db: Database, user_id: int) -> Subscription | None:
    row = await db.fetch_one(
        "SELECT * FROM subscriptions WHERE user_id = ? AND is_group = 0 AND active = 1",
        (user_id,),
    )
    return _subscription(row) if row else None


async def claim_due(
    db: Database, due_by: datetime, after: tuple[str, int] | None, limit: int
) -> tuple[Claim, list[Subscription]]:
    """Claim up to `limit` active subscriptions due by `due_by`, in (due time, chat) order,
    after the key `after`; change them through the claim until it is released. Processes
    pushing at once claim different ones (on PostgreSQL, FOR UPDATE SKIP LOCKED), and a
    process that dies lets go of its claim at once."""
    due, chat = after or ("", 0)
    claim = await db.claim(
        "SELECT * FROM subscriptions WHERE active = 1 AND next_due <= ? "
        "AND (next_due > ? OR (next_due = ? AND chat_id > ?)) "
        f"ORDER BY next_due, chat_id LIMIT ?{db.lock_rows}",
        (_instant(due_by), due, due, chat, limit),
    )
    return claim, [_subscription(row) for row in claim.rows]


def page_key(subscription: Subscription) -> tuple[str, int]:
    return _instant(subscription.next_due), subscription.chat_id


async def claim_delivery(
    db: Database, chat_id: int, day: date, question_id: str, now: datetime
) -> bool:
    """Record that today's question is being sent to the chat; False if it already was."""
    changed = await db.write(
        "INSERT INTO deliveries (chat_id, day, question_id, status, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (chat_id, day.isoformat(), question_id, DeliveryStatus.SENDING, _instant(now)),
    )
    return changed > 0


async def finish_delivery(
    db: Database,
    claim: Claim,
    subscription: Subscription,
    day: date,
    status: DeliveryStatus,
    next_due: datetime,
    now: datetime,
    message_id: int | None = None,
) -> None:
    """Record how the delivery ended, then move the claimed subscription to its next due
    time (a blocked chat is unsubscribed). The record is what stops a second message: if the
    move is lost (a crash before the claim is released), the next push finds it sent."""
    await db.write(
        "UPDATE deliveries SET status = ?, message_id = ?, updated_at = ? "
        "WHERE chat_id = ? AND day = ?",
        (status, message_id, _instant(now), subscription.chat_id, day.isoformat()),
    )
    await claim.execute(
        "UPDATE subscriptions SET next_due = ?, "
        "active = CASE WHEN ? = 1 THEN active ELSE 0 END WHERE chat_id = ?",
        (_instant(next_due), int(status is not DeliveryStatus.BLOCKED), subscription.chat_id),
    )


async def advance(claim: Claim, subscription: Subscription, next_due: datetime) -> None:
    """Move a claimed subscription past a delivery that is not sent (stale, or sent already)."""
    await claim.execute(
        "UPDATE subscriptions SET next_due = ? WHERE chat_id = ?",
        (_instant(next_due), subscription.chat_id),
    )


async def delivery_status(db: Database, chat_id: int, day: date) -> DeliveryStatus | None:
    row = await db.fetch_one(
        "SELECT status FROM deliveries WHERE chat_id = ? AND day = ?", (chat_id, day.isoformat())
    )
    return DeliveryStatus(row["status"]) if row else None
