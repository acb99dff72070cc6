"""Concurrent update processing that keeps each chat's updates in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


@dataclass
class _ChatTurn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats are served at once; one chat's updates run one after another, in order,
    so an answer is never graded while the same chat's `/quiz` is still choosing."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, _ChatTurn] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn first, then for one of the shared slots: a chat with a
        backlog (a busy group, rate-limited to 20 messages a minute) queues on its own lock
        instead of holding every slot while other chats wait."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await super().process_update(update, coroutine)
            return
        turn = self._turns.setdefault(chat.id, _ChatTurn())
        turn.waiting += 1
        try:
            async with turn.lock:
                await super().process_update(update, coroutine)
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                del self._turns[chat.id]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to open: locks are made per chat as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to close."""
