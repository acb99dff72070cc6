"""Pacing every request under Telegram's limits: per chat as well as overall, and 429s
waited out, never passed on.

Telegram allows about 30 messages a second across chats, about one a second into one chat
(short bursts tolerated) and 20 a minute into one group. PTB's AIORateLimiter paces the
total and groups only, so replies queued for one private chat go out back to back and live
on 429 retries; and it pauses every chat while any one waits out a 429. Here each chat has
its own window and a 429 pauses only the chat it was for. Processes sharing a database (a
fleet of webhook workers) also share one budget of messages per second (FleetBudget).
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from storage import Database
from storage.budget import forget_seconds_before, take_sends

log = logging.getLogger(__name__)

# Methods that put a new message into a chat: the ones Telegram's per-chat limits count.
_NOT_POSTING = frozenset({"sendChatAction"})
RETRY_MARGIN = 0.1  # seconds added to retry_after: Telegram's clock is not ours
IDLE_WINDOWS = 2048  # chat windows kept before idle ones are dropped
# A process takes the fleet's budget in shares of a second's allowance divided by this: few
# database writes (40 a second for the whole fleet at most), and a share left unused when
# its second ends wastes little of the rate.
SHARES_PER_SECOND = 40
KEEP_BUDGET_SECONDS = 60  # seconds of budget rows kept; older ones are deleted


@dataclass(frozen=True, slots=True)
class Limits:
    """How many requests may start in how many seconds."""

    overall: tuple[int, float] = (30, 1.0)
    private: tuple[int, float] = (3, 3.0)  # a burst of 3, then one a second
    group: tuple[int, float] = (20, 60.0)  # 20 a minute


class Window:
    """At most `count` starts in any `seconds`, and none before `paused_until`."""

    __slots__ = ("count", "paused_until", "seconds", "starts")

    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self.starts: deque[float] = deque(maxlen=count)
        self.paused_until = 0.0

    def delay(self, now: float) -> float:
        """Seconds until one more start is allowed (0 if it is now)."""
        wait = self.paused_until - now
        if len(self.starts) == self.count:
            wait = max(wait, self.starts[0] + self.seconds - now)
        return max(0.0, wait)

    def pause_left(self, now: float) -> float:
        return max(0.0, self.paused_until - now)

    def take(self, now: float) -> None:
        self.starts.append(now)

    def idle(self, now: float) -> bool:
        return self.delay(now) == 0 and (not self.starts or self.starts[-1] + self.seconds <= now)


@dataclass(slots=True)
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


class Pacing:
    """Windows per chat and overall, on a clock and a sleep the tests may replace."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.clock = clock or (lambda: asyncio.get_running_loop().time())
        self.sleep = sleep
        self.overall = Window(*limits.overall)
        self._chats: dict[int | str, Window] = {}
        self._turns: dict[int | str, _Turn] = {}

    def chat(self, chat_id: int | str) -> Window:
        window = self._chats.get(chat_id)
        if window is None:
            if len(self._chats) >= IDLE_WINDOWS:
                self._forget_idle()
            group = isinstance(chat_id, str) or chat_id < 0
            window = Window(*(self.limits.group if group else self.limits.private))
            self._chats[chat_id] = window
        return window

    async def slot(self, chat_id: int | str | None, posts: bool) -> None:
        """Wait for a start the overall window allows and, for a request to a chat, that
        chat's: a paused chat waits out its pause; a message also waits for room in the
        chat's window. One chat's requests take their turns in order."""
        if chat_id is None:
            await self._overall()
            return
        turn = self._turns.get(chat_id) or self._turns.setdefault(chat_id, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock:
                window = self.chat(chat_id)
                while wait := (window.delay if posts else window.pause_left)(self.clock()):
                    await self.sleep(wait)
                await self._overall()
                if posts:
                    window.take(self.clock())
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                del self._turns[chat_id]

    def pause(self, chat_id: int | str | None, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it for `seconds`."""
        window = self.chat(chat_id) if chat_id is not None else self.overall
        window.paused_until = max(window.paused_until, self.clock() + seconds)

    async def _overall(self) -> None:
        while wait := self.overall.delay(self.clock()):
            await self.sleep(wait)
        self.overall.take(self.clock())

    def _forget_idle(self) -> None:
        now = self.clock()
        for chat_id in [c for c, w in self._chats.items() if w.idle(now)]:
            del self._chats[chat_id]


class FleetBudget:
    """Messages every process sharing the database may start per second of the wall clock
    (the processes' clocks agree to well under a second), taken a share at a time."""

    def __init__(
        self,
        db: Database,
        rate: int,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.rate = rate
        self.share = max(1, rate // SHARES_PER_SECOND)
        self.clock = clock
        self.sleep = sleep
        self._second = -1
        self._left = 0
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        """Wait until the fleet may start one more message. If the database cannot be
        reached, this process goes on under its own limits alone."""
        async with self._lock:
            while True:
                now = self.clock()
                second = int(now)
                if second == self._second and self._left:
                    self._left -= 1
                    return
                try:
                    granted = await take_sends(self.db, second, self.share, self.rate)
                    if granted and second % KEEP_BUDGET_SECONDS == 0:
                        await forget_seconds_before(self.db, second - KEEP_BUDGET_SECONDS)
                except Exception as error:
                    log.warning("the fleet's send budget is out of reach (%s)", error)
                    return
                if granted:
                    self._second, self._left = second, self.share - 1
                    return
                await self.sleep(second + 1 - now)


class ChatRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter seam: every request waits for its slot; a 429 pauses its chat
    for retry_after, then the request is sent again (up to `max_retries` times, None: until
    it goes through). `rate_limit_args` overrides `max_retries` per call."""

    def __init__(
        self,
        overall_per_second: float,
        max_retries: int | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.rate = max(1, round(overall_per_second))
        self.pacing = Pacing(limits or Limits(overall=(self.rate, 1.0)))
        self.max_retries = max_retries
        self.fleet: FleetBudget | None = None  # set when processes share the database

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def share_with_fleet(self, db: Database) -> None:
        """Count messages against the budget of every process sharing `db`, if any may."""
        self.fleet = FleetBudget(db, self.rate) if db.shared else None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_key(data.get("chat_id"))
        posts = endpoint.startswith("send") and endpoint not in _NOT_POSTING
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            await self.pacing.slot(chat_id, posts)
            if posts and self.fleet is not None:
                await self.fleet.take()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if retries is not None and attempt >= retries:
                    raise
                attempt += 1
                wait = retry_seconds(error) + RETRY_MARGIN
                log.info("429 on %s to chat %s: retrying in %.1f s", endpoint, chat_id, wait)
                self.pacing.pause(chat_id, wait)


def _chat_key(raw: object) -> int | str | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(raw)


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds; PTB 22 gives an int (deprecated) or a timedelta (opt-in)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
