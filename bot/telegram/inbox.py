"""Long polling through a durable inbox: an update is stored before Telegram is told it
arrived, and marked done once handled.

PTB's poller confirms a fetched batch on its next `getUpdates` and turns every update into a
task at once, so a crash or a stop loses whatever was fetched and not yet handled. Here a
batch is written to the inbox table first (the next `getUpdates` confirms it), handled from
there, and marked done after its handler returns; at start-up whatever is still waiting is
handled first. A stop stops fetching, drops the updates whose handling has not begun (they
stay waiting in the inbox) and gives the running ones a few seconds: it ends quickly
whatever the backlog, and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import Application

from storage import Database
from storage.inbox import forget_confirmed, mark_handled, store_updates, waiting_updates

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds a getUpdates call waits for news at Telegram
FETCH_LIMIT = 100  # updates per getUpdates (Telegram's maximum)
READ_AHEAD = 1000  # updates being handled at once before fetching waits for some to finish
GRACE_SECONDS = 4.0  # a stop waits this long for handlers already running
RETRY_SECONDS = 1.0  # after a failed getUpdates


class Inbox:
    """Updates stored, handed to their handlers in order, and marked done once handled."""

    def __init__(
        self,
        application: Application,
        db: Database,
        clock: Callable[[], datetime],
        *,
        read_ahead: int = READ_AHEAD,
        grace: float = GRACE_SECONDS,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.read_ahead = read_ahead
        self.grace = grace
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._started: set[int] = set()
        self._dispatched_through = 0  # the highest update id handed to a handler
        self._room = asyncio.Event()
        self._dispatching = asyncio.Lock()
        self._stopping = False

    @property
    def full(self) -> bool:
        """As many updates are being handled as may be at once."""
        return len(self._tasks) >= self.read_ahead

    async def has_room(self) -> None:
        """Wait until fewer than `read_ahead` updates are being handled."""
        while self.full:
            self._room.clear()
            await self._room.wait()

    async def receive(self, updates: list[tuple[int, str]]) -> None:
        """Store fetched updates (id, JSON), then hand the new ones to their handlers."""
        await store_updates(self.db, updates, self.clock())
        await self.dispatch_waiting()

    async def dispatch_waiting(self) -> None:
        """Hand every waiting update not yet handed over to its handler, in order (at
        start-up: whatever a crash or a stop left)."""
        while batch := await waiting_updates(self.db, after=self._dispatched_through):
            for update_id, payload in batch:
                self._dispatched_through = update_id
                if update_id in self._tasks:
                    continue
                update = Update.de_json(json.loads(payload), self.application.bot)
                task = asyncio.create_task(
                    self._handle(update_id, update), name=f"update-{update_id}"
                )
                self._tasks[update_id] = task

    async def _handle(self, update_id: int, update: Update) -> None:
        """Handle one update in its chat's turn; mark it done once its handler returned."""
        handling = self._process(update_id, update)
        try:
            await self.application.update_processor.process_update(update, handling)
            await mark_handled(self.db, update_id)
        finally:
            handling.close()  # never started (stopped while waiting): it stays in the inbox
            self._tasks.pop(update_id, None)
            self._started.discard(update_id)
            self._room.set()
        if not self._stopping:
            await self.dispatch_waiting()  # what waited for room

    async def _process(self, update_id: int, update: Update) -> None:
        self._started.add(update_id)
        await self.application.process_update(update)

    async def drain(self) -> None:
        """Drop the updates not yet begun; give the running ones `grace` seconds."""
        self._stopping = True
        waiting = [t for u, t in self._tasks.items() if u not in self._started]
        running = [t for u, t in self._tasks.items() if u in self._started]
        for task in waiting:
            task.cancel()
        if running:
            _, late = await asyncio.wait(running, timeout=self.grace)
            for task in late:
                task.cancel()
            if late:
                log.warning(
                    "stopped %d handler(s) still running after %.0f s", len(late), self.grace
                )
        await asyncio.gather(*waiting, *running, return_exceptions=True)
        if waiting:
            log.info("%d update(s) wait in the inbox for the next start", len(waiting))


class InboxPoller:
    """Long polling into the inbox: a batch is stored before the next getUpdates confirms it;
    fetching pauses while `read_ahead` updates are being handled (the rest wait, unconfirmed,
    at Telegram)."""

    def __init__(self, inbox: Inbox, poll_timeout: float = POLL_TIMEOUT) -> None:
        self.inbox = inbox
        self.bot = inbox.application.bot
        self.poll_timeout = poll_timeout

    async def run(self, stop: asyncio.Event) -> None:
        """Handle what the inbox holds, then fetch, store and handle until `stop` is set;
        then stop within about the inbox's grace."""
        await self.bot.delete_webhook()
        await self.inbox.dispatch_waiting()
        offset = 0
        try:
            while not stop.is_set():
                if self.inbox.full:
                    await _first(self.inbox.has_room(), stop.wait())
                    continue
                fetched = await _first(self._fetch(offset), stop.wait())
                if fetched:
                    raw = [
                        (u.update_id, json.dumps(u.to_dict(), ensure_ascii=False)) for u in fetched
                    ]
                    await self.inbox.receive(raw)
                    await forget_confirmed(self.inbox.db, offset)
                    offset = fetched[-1].update_id + 1
        finally:
            await self.inbox.drain()

    async def _fetch(self, offset: int) -> list[Update] | None:
        """One getUpdates (confirming the updates below `offset`); None after a failure."""
        try:
            return list(
                await self.bot.get_updates(
                    offset=offset,
                    limit=FETCH_LIMIT,
                    timeout=self.poll_timeout,
                    allowed_updates=Update.ALL_TYPES,
                )
            )
        except Conflict as error:
            log.error("another poller uses this token: %s", error.message)
        except NetworkError as error:
            log.warning("getUpdates failed: %s", error.message)
        except TelegramError as error:
            log.error("getUpdates failed: %s", error)
        await asyncio.sleep(RETRY_SECONDS)
        return None


async def _first(work: Coroutine[Any, Any, Any], stop: Coroutine[Any, Any, Any]) -> Any:
    """`work`'s result, or None if `stop` finishes first (then `work` is cancelled)."""
    job, stopper = asyncio.ensure_future(work), asyncio.ensure_future(stop)
    try:
        await asyncio.wait({job, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not job.done():
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job
    return None if job.cancelled() else job.result()
