"""Long polling through a durable inbox: an update is stored before Telegram is told it
arrived, and marked done once handled.

PTB's poller confirms a fetched batch on its next `getUpdates` and turns every update into a
task at once, so a crash or a stop loses whatever was fetched and not yet handled. Here a
batch is written to the inbox table first (the next `getUpdates` confirms it), handled from
there, and marked done after its handler returns; at start-up whatever is still waiting is
handled first. A stop stops fetching, drops the updates whose handling has not begun (they
stay waiting in the inbox) and gives the running ones a few seconds: it ends quickly
whatever the backlog, and nothing is lost.

Several processes may share the inbox (webhook workers on PostgreSQL): an update is applied
while its process holds the chat's turn, after any earlier update of that chat another
process stored and has not applied yet, and only if it is still waiting, so each update is
applied once and each chat's in order, whichever process received it. Updates a process
stored and never handled (it died, or the database failed under it) are taken up by any
process once they have waited STALE_AFTER.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import Application

from storage import Database
from storage.inbox import (
    Received,
    forget_confirmed,
    mark_handled,
    stale_updates,
    store_updates,
    waiting_through,
    waiting_updates,
)

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds a getUpdates call waits for news at Telegram
FETCH_LIMIT = 100  # updates per getUpdates (Telegram's maximum)
READ_AHEAD = 1000  # updates being handled at once before fetching waits for some to finish
GRACE_SECONDS = 4.0  # a stop waits this long for handlers already running
RETRY_SECONDS = 1.0  # after a failed getUpdates
STALE_AFTER = timedelta(seconds=30)  # a waiting update this old has no process handling it
RESCUE_EVERY_SECONDS = 10.0
RESCUE_BATCH = 100


def turn_of(update: Update) -> int | None:
    """The chat an update belongs to; the user for one without a chat (an inline query)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


def received(update: Update) -> tuple[Received, Update]:
    """A fetched update as the inbox keeps it, beside the update itself."""
    payload = json.dumps(update.to_dict(), ensure_ascii=False)
    return Received(update.update_id, turn_of(update), payload), update


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

    async def receive(self, updates: Sequence[tuple[Received, Update]]) -> None:
        """Store received updates (each as stored and as read), then hand the new ones to
        their handlers, in order (one received again is another delivery of an update stored
        already: nothing to do)."""
        read = {stored.update_id: update for stored, update in updates}
        for stored in await store_updates(self.db, [stored for stored, _ in updates], self.clock()):
            self._start(stored, read[stored.update_id])

    async def dispatch_waiting(self) -> None:
        """Hand every waiting update not yet handed over to its handler, in order (at
        start-up: whatever a crash or a stop left)."""
        while batch := await waiting_updates(self.db, after=self._dispatched_through):
            for update in batch:
                self._dispatched_through = update.update_id
                self._start(update)

    async def rescue(self) -> None:
        """Every RESCUE_EVERY_SECONDS, take up the updates that waited STALE_AFTER."""
        while not self._stopping:
            try:
                for update in await stale_updates(
                    self.db, self.clock() - STALE_AFTER, RESCUE_BATCH
                ):
                    self._start(update)
            except Exception:
                log.exception("looking for stale updates failed; trying again later")
            await asyncio.sleep(RESCUE_EVERY_SECONDS)

    def _start(self, received: Received, update: Update | None = None) -> None:
        """Handle the update in a task of its own (`update`: the update read, if it is)."""
        if received.update_id in self._tasks:
            return
        update = update or self._update(received)
        self._tasks[received.update_id] = asyncio.create_task(
            self._handle(received, update), name=f"update-{received.update_id}"
        )

    def _update(self, received: Received) -> Update:
        return Update.de_json(json.loads(received.payload), self.application.bot)

    async def _handle(self, received: Received, update: Update) -> None:
        """Handle one update in its chat's turn."""
        handling = self._process(received, update)
        try:
            await self.application.update_processor.process_update(update, handling)
        except Exception:
            log.exception("update %d failed; it waits in the inbox", received.update_id)
        finally:
            handling.close()  # never started (stopped while waiting): it stays in the inbox
            self._tasks.pop(received.update_id, None)
            self._started.discard(received.update_id)
            self._room.set()

    async def _process(self, received: Received, update: Update) -> None:
        """Apply the update, if still waiting, in the chat's turn across processes, after
        the chat's earlier updates still waiting; each is marked done once its handler
        returned."""
        self._started.add(received.update_id)
        turn = received.update_id if received.turn is None else received.turn
        async with self.db.chat_turn(turn):
            for waiting in await waiting_through(self.db, received.update_id, received.turn):
                mine = waiting.update_id == received.update_id
                await self.application.process_update(update if mine else self._update(waiting))
                await mark_handled(self.db, waiting.update_id)

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
        rescuing = asyncio.create_task(self.inbox.rescue(), name="inbox-rescue")
        offset = 0
        try:
            while not stop.is_set():
                if self.inbox.full:
                    await _first(self.inbox.has_room(), stop.wait())
                    continue
                fetched = await _first(self._fetch(offset), stop.wait())
                if fetched:
                    await self.inbox.receive([received(update) for update in fetched])
                    await forget_confirmed(self.inbox.db, offset)
                    offset = fetched[-1].update_id + 1
        finally:
            rescuing.cancel()
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
