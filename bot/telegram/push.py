"""Delivering the question of the day: paced under Telegram's limits, each chat once a day.

Due subscriptions are claimed in batches, so processes pushing at once (every webhook worker,
`daily --now`) share them out: on PostgreSQL a batch's rows stay locked (FOR UPDATE SKIP
LOCKED) until its deliveries are finished, and a process that dies lets go of them at once.
Each delivery is recorded in the database before its message is sent and finished after, so
a crash at any point resumes without a second message: a recorded delivery is never sent
again (if the process died with its request in flight, that one message is logged as
uncertain rather than risking a duplicate). A request that timed out waiting for its answer
is not repeated either, for the same reason; 5xx answers and connections that never opened
are retried with backoff. Due times live in the database; the JobQueue only wakes the push
up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.conversation.daily import DailyQuestions, Due
from bot.telegram.pacing import retry_seconds
from storage import Database
from storage.engine import Claim
from storage.subscriptions import (
    DeliveryStatus,
    advance,
    claim_delivery,
    claim_due,
    finish_delivery,
    page_key,
)

log = logging.getLogger(__name__)

CLAIM_BATCH = 200  # subscriptions claimed at a time: memory does not grow with their number
WORKERS = 8  # requests in flight at once, enough to keep the pace over a slow network
NETWORK_ATTEMPTS = 4  # timeouts and 5xx: tries per message before giving up for the day
RATE_LIMIT_ATTEMPTS = 5  # 429s after the rate limiter's own retries
BACKOFF_SECONDS = 1.0  # doubled after each network failure
# Timeouts that prove the request never reached Telegram: safe to send again.
NOT_SENT_TIMEOUTS = (httpx.ConnectTimeout, httpx.PoolTimeout)
GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights")


class Pacer:
    """Starts calls evenly spaced at `rate` per second, shared by every worker."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = asyncio.get_running_loop().time()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


class Rounds:
    """A job the JobQueue runs in rounds (a subclass's `run`): a tick while a round is still
    running does nothing, and a round that sent, blocked or failed anything is logged under
    `name`."""

    name = ""

    def __init__(self) -> None:
        self._running = asyncio.Lock()

    async def tick(self, _context: object = None) -> None:
        """The JobQueue's callback: run a round, unless one is still running."""
        if self._running.locked():
            return
        async with self._running:
            report = await self.run()
        if report.sent or report.blocked or report.failed:
            log.info("%s: %s", self.name, report)


@dataclass
class PushReport:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    already_sent: int = 0
    rescheduled: int = 0

    def __str__(self) -> str:
        return (
            f"sent={self.sent} blocked={self.blocked} failed={self.failed} "
            f"already_sent={self.already_sent} rescheduled={self.rescheduled}"
        )


class Batch:
    """A claim of due subscriptions, released once every delivery queued from it is finished
    (or when the round ends, whatever is left)."""

    def __init__(self, claim: Claim, open_batches: set[Batch]) -> None:
        self.claim = claim
        self.left = 0
        self._queued_all = False
        self._open = open_batches

    async def finished_one(self) -> None:
        self.left -= 1
        if self._queued_all and not self.left:
            await self.release()

    async def all_queued(self) -> None:
        self._queued_all = True
        if not self.left:
            await self.release()

    async def release(self) -> None:
        if self in self._open:
            self._open.discard(self)
            await self.claim.release()


class DailyPush(Rounds):
    name = "daily push"

    def __init__(
        self,
        db: Database,
        daily: DailyQuestions,
        bot: Bot,
        rate: float,
        clock: Callable[[], datetime],
        *,
        paid_broadcast: bool = False,
        workers: int = WORKERS,
        backoff: float = BACKOFF_SECONDS,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.daily = daily
        self.bot = bot
        self.pacer = Pacer(rate)
        self.clock = clock
        self.paid_broadcast = paid_broadcast
        self.workers = workers
        self.backoff = backoff
        self.keep_going = keep_going
        super().__init__()

    async def run(self) -> PushReport:
        """Send every delivery due by now, once, sharing the work with any other process
        pushing at the same time."""
        report = PushReport()
        queue: asyncio.Queue[tuple[Due, Batch] | None] = asyncio.Queue(maxsize=2 * self.workers)
        batches: set[Batch] = set()
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.workers):
                    group.create_task(self._work(queue, report))
                try:
                    await self._queue_due(queue, report, batches)
                finally:
                    for _ in range(self.workers):
                        await queue.put(None)
        finally:
            for batch in list(batches):
                await batch.release()
        return report

    async def _queue_due(
        self,
        queue: asyncio.Queue[tuple[Due, Batch] | None],
        report: PushReport,
        batches: set[Batch],
    ) -> None:
        """Claim due subscriptions a batch at a time and queue their deliveries; a batch is
        released once each of its deliveries is finished."""
        now = self.clock()
        key = None
        while self.keep_going():
            claim, subscriptions = await claim_due(self.db, now, key, CLAIM_BATCH)
            batch = Batch(claim, batches)
            batches.add(batch)
            for subscription in subscriptions:
                key = page_key(subscription)
                caught_up = self.daily.catch_up(subscription, now)
                if caught_up is None:
                    batch.left += 1
                    await queue.put((self.daily.due(subscription), batch))
                else:
                    await advance(claim, subscription, caught_up)
                    report.rescheduled += 1
            await batch.all_queued()
            if not subscriptions:
                return

    async def _work(
        self, queue: asyncio.Queue[tuple[Due, Batch] | None], report: PushReport
    ) -> None:
        while (item := await queue.get()) is not None:
            due, batch = item
            if self.keep_going():
                await self._push(due, batch.claim, report)
            await batch.finished_one()

    async def _push(self, due: Due, claim: Claim, report: PushReport) -> None:
        subscription = due.subscription
        await self.pacer.wait()
        # Recorded right before its request goes out: a crash leaves at most the requests
        # in flight recorded-but-unconfirmed, never a queue of recorded, unsent ones.
        recorded = await claim_delivery(
            self.db, subscription.chat_id, due.day, due.question.id, self.clock()
        )
        if not recorded:
            await advance(claim, subscription, self.daily.following(subscription, self.clock()))
            report.already_sent += 1
            return
        status, message_ids = await self._deliver(due)
        now = self.clock()
        if status is DeliveryStatus.SENT:
            await self.daily.delivered(due, message_ids, now)
            report.sent += 1
        elif status is DeliveryStatus.BLOCKED:
            report.blocked += 1
        else:
            report.failed += 1
        following = self.daily.following(subscription, now)
        first = message_ids[0] if message_ids else None
        await finish_delivery(self.db, claim, subscription, due.day, status, following, now, first)

    async def _deliver(self, due: Due) -> tuple[DeliveryStatus, list[int]]:
        chat_id = due.subscription.chat_id
        sent: list[int] = []
        for index, text in enumerate(due.reply.messages()):
            status, message_id = await self._send(chat_id, text, paced=index > 0)
            if status is not DeliveryStatus.SENT:
                return status, sent
            sent.append(message_id)
        return DeliveryStatus.SENT, sent

    async def _send(
        self, chat_id: int, text: str, *, paced: bool
    ) -> tuple[DeliveryStatus, int | None]:
        """One message, with Telegram's errors handled: wait out 429s, retry network
        failures with backoff, unsubscribe chats that are gone. `paced`: wait for a slot
        first (the first message's slot was taken before the claim)."""
        network_failures = rate_limits = 0
        while True:
            if paced:
                await self.pacer.wait()
            paced = True
            try:
                message = await self.bot.send_message(
                    chat_id, text, allow_paid_broadcast=self.paid_broadcast or None
                )
                return DeliveryStatus.SENT, message.message_id
            except Forbidden as error:
                log.info("chat %s blocked the bot (%s): unsubscribed", chat_id, error.message)
                return DeliveryStatus.BLOCKED, None
            except RetryAfter as error:
                rate_limits += 1
                if rate_limits >= RATE_LIMIT_ATTEMPTS:
                    log.warning("chat %s: still rate limited, giving up for today", chat_id)
                    return DeliveryStatus.FAILED, None
                await asyncio.sleep(retry_seconds(error))
            except ChatMigrated as error:
                log.info(
                    "group %s became supergroup %s: unsubscribed; its admins can send /daily "
                    "there again",
                    chat_id,
                    error.new_chat_id,
                )
                return DeliveryStatus.BLOCKED, None
            except BadRequest as error:
                if any(reason in error.message.lower() for reason in GONE):
                    log.info("chat %s is gone (%s): unsubscribed", chat_id, error.message)
                    return DeliveryStatus.BLOCKED, None
                log.error("chat %s rejected the daily question: %s", chat_id, error.message)
                return DeliveryStatus.FAILED, None
            except TimedOut as error:
                if not isinstance(error.__cause__, NOT_SENT_TIMEOUTS):
                    # The request went out and no answer came: Telegram may have delivered it.
                    # Sending again risks a second message, so today's is left as it is.
                    log.warning("chat %s: no answer in time; not sent again today", chat_id)
                    return DeliveryStatus.FAILED, None
                network_failures += 1
                if network_failures >= NETWORK_ATTEMPTS:
                    log.warning("chat %s: %s; giving up for today", chat_id, error.message)
                    return DeliveryStatus.FAILED, None
                await asyncio.sleep(self.backoff * 2 ** (network_failures - 1))
            except NetworkError as error:
                network_failures += 1
                if network_failures >= NETWORK_ATTEMPTS:
                    log.warning("chat %s: %s; giving up for today", chat_id, error.message)
                    return DeliveryStatus.FAILED, None
                await asyncio.sleep(self.backoff * 2 ** (network_failures - 1))
            except TelegramError as error:
                log.error("chat %s: daily question failed: %s", chat_id, error)
                return DeliveryStatus.FAILED, None
