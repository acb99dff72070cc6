"""Delivering notices: dispute outcomes the engine queued, and the reminders and recaps it
finds due. Paced by the daily push's pacer, so everything the bot sends on its own initiative
shares one rate; each notice is claimed in SQLite before it is sent and never sent twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.conversation.nudges import Nudge
from bot.conversation.reply import Reply
from bot.conversation.tutor import Tutor
from bot.telegram.push import GONE, WORKERS, Pacer, Rounds
from bot.telegram.send import send_reply
from storage import Database
from storage.notices import (
    Notice,
    NoticeStatus,
    claim_new,
    claim_queued,
    finish_notice,
    queued_notices,
)

log = logging.getLogger(__name__)

BATCH = 200  # queued notices read at a time


@dataclass
class NoticeReport:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0  # claimed elsewhere, or sent already

    def __str__(self) -> str:
        return (
            f"sent={self.sent} blocked={self.blocked} failed={self.failed} skipped={self.skipped}"
        )


class NoticePush(Rounds):
    name = "notices"

    def __init__(
        self,
        db: Database,
        tutor: Tutor,
        bot: Bot,
        pacer: Pacer,
        clock: Callable[[], datetime],
        keep_going: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.tutor = tutor
        self.bot = bot
        self.pacer = pacer
        self.clock = clock
        self.keep_going = keep_going
        super().__init__()

    async def run(self) -> NoticeReport:
        """Send the queued notices (a batch; the rest at the next round), then the scheduled
        ones due by now, each once, up to WORKERS requests in flight at the shared pace."""
        report = NoticeReport()
        slots = asyncio.Semaphore(WORKERS)
        async with asyncio.TaskGroup() as group:
            for notice in await queued_notices(self.db, BATCH):
                if not self.keep_going():
                    break
                await slots.acquire()
                group.create_task(self._queued(notice, report, slots))
            for due in await self.tutor.nudges.due(self.clock()):
                if not self.keep_going():
                    break
                await slots.acquire()
                group.create_task(self._scheduled(due, report, slots))
        return report

    async def _queued(self, notice: Notice, report: NoticeReport, slots: asyncio.Semaphore):
        try:
            await self.pacer.wait()
            if not await claim_queued(self.db, notice.id, self.clock()):
                report.skipped += 1
                return
            await self._send(notice.id, notice.chat_id, Reply.of(notice.text), report)
        finally:
            slots.release()

    async def _scheduled(self, due: Nudge, report: NoticeReport, slots: asyncio.Semaphore):
        """A reminder or recap: checked once more, claimed, its schedule moved on, sent."""
        try:
            if not await self.tutor.nudges.still_wanted(due, self.clock()):
                await self.tutor.nudges.handled(due, self.clock())
                report.skipped += 1
                return
            await self.pacer.wait()
            text = "\n\n".join(due.reply.parts)
            notice_id = await claim_new(self.db, due.chat_id, due.kind, due.key, text, self.clock())
            await self.tutor.nudges.handled(due, self.clock())
            if notice_id is None:
                report.skipped += 1
                return
            await self._send(notice_id, due.chat_id, due.reply, report)
        finally:
            slots.release()

    async def _send(self, notice_id: int, chat_id: int, reply: Reply, report: NoticeReport) -> None:
        """Send a claimed notice (its pacing slot taken before the claim) and record how it
        ended."""
        status, message_id = await self._deliver(chat_id, reply)
        await finish_notice(self.db, notice_id, status, message_id, self.clock())
        if status is NoticeStatus.SENT:
            report.sent += 1
        elif status is NoticeStatus.BLOCKED:
            report.blocked += 1
            await self.tutor.nudges.unreachable(chat_id)
        else:
            report.failed += 1

    async def _deliver(self, chat_id: int, reply: Reply) -> tuple[NoticeStatus, int | None]:
        """One reply, not retried once its request may have gone out (the rate limiter waits
        out 429s first): a notice is better missed than sent twice."""
        try:
            sent = await send_reply(self.bot, chat_id, reply)
        except (Forbidden, ChatMigrated) as error:
            log.info("chat %s cannot get notices (%s)", chat_id, error.message)
            return NoticeStatus.BLOCKED, None
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in GONE):
                return NoticeStatus.BLOCKED, None
            log.error("chat %s rejected a notice: %s", chat_id, error.message)
            return NoticeStatus.FAILED, None
        except TelegramError as error:
            log.warning("chat %s: notice not sent: %s", chat_id, error)
            return NoticeStatus.FAILED, None
        return NoticeStatus.SENT, sent[0].message_id if sent else None
